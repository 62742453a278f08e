// Which backends this build carries, the CUDA devices present, and the CPU thread count.
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include "backends.hpp"
#include "bindings.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/context.hpp"
#endif

namespace umbra::python {

std::vector<std::string> built_backends() {
#ifdef UMBRA_WITH_CUDA
  return {"cpu", "cuda"};
#else
  return {"cpu"};
#endif
}

int cuda_device_count() {
#ifdef UMBRA_WITH_CUDA
  return cuda::device_count();
#else
  return 0;
#endif
}

Backend parse_backend(const std::string& name) {
  if (name == "cpu") return Backend::Cpu;
  if (name == "cuda") {
#ifdef UMBRA_WITH_CUDA
    if (cuda::device_count() == 0) throw OptionsError("backend 'cuda': " + cuda::device_description(0));
    return Backend::Cuda;
#else
    throw OptionsError("backend 'cuda': this build of umbra has no CUDA backend (nvcc was not found)");
#endif
  }
  throw OptionsError("backend '" + name + "': expected 'cpu' or 'cuda'");
}

void bind_backends(nb::module_& m) {
  m.def("backends", &built_backends, "Backends compiled into this build, e.g. ['cpu', 'cuda'].");
  m.def("cuda_device_count", &cuda_device_count, "Usable CUDA devices (0 without a device, driver or CUDA build).");
  m.def(
      "cuda_device_description",
      [](int device) -> std::string {
#ifdef UMBRA_WITH_CUDA
        return cuda::device_description(device);
#else
        (void)device;
        return "no CUDA backend in this build";
#endif
      },
      nb::arg("device") = 0, "The device's name, compute capability and memory, or why there is none.");
  m.def("thread_count", &cpu::thread_count, "Threads the CPU backend uses.");
  m.def("set_thread_count", &cpu::set_thread_count, nb::arg("n"),
        "Sets the CPU backend's thread count (<= 0: all cores). Results do not depend on it.");
}

}  // namespace umbra::python
