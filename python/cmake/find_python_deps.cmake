# Finds what the Python package needs: Python development files for extension modules and
# nanobind (from PyPI). Sets UMBRA_PYTHON_DEPS_FOUND; the top-level option defaults to it.
# The interpreter is the `python3` on PATH unless Python_EXECUTABLE is given (scikit-build-core
# passes it), so the module is built for the interpreter that runs the tests.
if(NOT Python_EXECUTABLE)
  find_program(UMBRA_PYTHON3 python3)
  if(UMBRA_PYTHON3)
    set(Python_EXECUTABLE "${UMBRA_PYTHON3}")
  endif()
endif()
find_package(Python 3.9 COMPONENTS Interpreter Development.Module QUIET)
set(UMBRA_PYTHON_DEPS_FOUND OFF)
if(Python_FOUND)
  execute_process(COMMAND "${Python_EXECUTABLE}" -m nanobind --cmake_dir
                  OUTPUT_VARIABLE _umbra_nanobind_dir OUTPUT_STRIP_TRAILING_WHITESPACE ERROR_QUIET)
  if(_umbra_nanobind_dir)
    list(APPEND CMAKE_PREFIX_PATH "${_umbra_nanobind_dir}")
  endif()
  find_package(nanobind CONFIG QUIET)
  if(nanobind_FOUND)
    set(UMBRA_PYTHON_DEPS_FOUND ON)
  endif()
endif()
if(NOT UMBRA_PYTHON_DEPS_FOUND)
  message(STATUS "umbra: Python package off (needs Python development files and `pip install nanobind`)")
endif()
