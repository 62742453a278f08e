// C++ umbra::Error / InputError / OptionsError -> Python umbra.Error (RuntimeError) /
// umbra.InputError and umbra.OptionsError (both umbra.Error and ValueError), carrying the C++
// message and its context (file, dataset, event, index) as attributes.
#include <nanobind/stl/string.h>

#include "bindings.hpp"
#include "umbra/core/error.hpp"

namespace umbra::python {
namespace {

// Exception types live as long as the interpreter (module attributes hold them too).
PyObject* error_type = nullptr;
PyObject* input_error_type = nullptr;
PyObject* options_error_type = nullptr;

PyObject* new_type(const char* name, const char* doc, PyObject* bases) {
  PyObject* t = PyErr_NewExceptionWithDoc(name, doc, bases, nullptr);
  if (!t) throw nb::python_error();
  return t;
}

void raise(PyObject* type, const umbra::Error& e) {
  nb::object exc = nb::steal(PyObject_CallFunction(type, "s", e.what()));
  if (!exc.is_valid()) return;  // the failed call left its own Python error set
  const ErrorContext& w = e.where();
  exc.attr("reason") = e.reason();
  exc.attr("file") = w.file.empty() ? nb::none() : nb::cast(w.file);
  exc.attr("dataset") = w.dataset.empty() ? nb::none() : nb::cast(w.dataset);
  exc.attr("event") = w.event < 0 ? nb::none() : nb::cast(w.event);
  exc.attr("index") = w.index < 0 ? nb::none() : nb::cast(w.index);
  PyErr_SetObject(type, exc.ptr());
}

}  // namespace

void bind_errors(nb::module_& m) {
  error_type = new_type("umbra.Error", "An umbra C++ error (message names file, dataset, event, index).",
                        PyExc_RuntimeError);
  nb::object value_bases = nb::make_tuple(nb::handle(error_type), nb::handle(PyExc_ValueError));
  input_error_type = new_type("umbra.InputError", "Bad input data: format, dtypes, offsets or values.",
                              value_bases.ptr());
  options_error_type = new_type("umbra.OptionsError", "Bad options: an Options::validate() failure.",
                                value_bases.ptr());
  m.attr("Error") = nb::handle(error_type);
  m.attr("InputError") = nb::handle(input_error_type);
  m.attr("OptionsError") = nb::handle(options_error_type);

  // Most derived first; anything else falls through to nanobind's own translators.
  nb::register_exception_translator([](const std::exception_ptr& p, void*) {
    try {
      std::rethrow_exception(p);
    } catch (const umbra::InputError& e) {
      raise(input_error_type, e);
    } catch (const umbra::OptionsError& e) {
      raise(options_error_type, e);
    } catch (const umbra::Error& e) {
      raise(error_type, e);
    }
  });
}

}  // namespace umbra::python
