// ECL steps on either backend. digit_kinematics: crystal-centre position per digit and energy sum
// + energy-weighted centroid per event; results are numpy views onto the C++ output vectors.
#include <nanobind/stl/string.h>

#include <memory>

#include "array_view.hpp"
#include "backends.hpp"
#include "bindings.hpp"
#include "umbra/core/event_data.hpp"
#include "umbra/cpu/digit_kinematics.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/digit_kinematics.hpp"
#endif

namespace umbra::python {
namespace {

const ecl::EclGeometry& geometry() {
  static const ecl::EclGeometry g;  // ~1 ms to build, immutable: shared by every call
  return g;
}

nb::dict digit_kinematics(const EclDigits& digits, const std::string& backend) {
  const Backend b = parse_backend(backend);
  auto r = std::make_unique<ecl::DigitKinematics>();
  {
    nb::gil_scoped_release release;
    if (b == Backend::Cpu) {
      *r = cpu::digit_kinematics(geometry(), digits);
    } else {
#ifdef UMBRA_WITH_CUDA
      cuda::Context ctx;
      *r = cuda::digit_kinematics(ctx, digits);
#endif
    }
  }
  ecl::DigitKinematics& k = *r;
  nb::capsule owner = owning_capsule(std::move(r));
  nb::dict d;
  d["x"] = array_view(k.x, owner), d["y"] = array_view(k.y, owner), d["z"] = array_view(k.z, owner);
  d["event_energy"] = array_view(k.event_energy, owner);
  d["event_cx"] = array_view(k.event_cx, owner), d["event_cy"] = array_view(k.event_cy, owner);
  d["event_cz"] = array_view(k.event_cz, owner);
  return d;
}

/// Read-only views of the static crystal table (0-based: entry k is cellId k + 1).
nb::dict geometry_arrays() {
  const auto& a = geometry().arrays();
  nb::dict d;
  auto put = [&](const char* name, const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    const size_t shape[1] = {v.size()};
    d[name] = nb::ndarray<nb::numpy, const T, nb::ndim<1>>(v.data(), 1, shape).cast(nb::rv_policy::reference);
  };
  put("theta", a.theta), put("phi", a.phi), put("theta_id", a.theta_id), put("phi_id", a.phi_id);
  put("region", a.region);
  put("centre_x", a.centre_x), put("centre_y", a.centre_y), put("centre_z", a.centre_z);
  put("front_x", a.front_x), put("front_y", a.front_y), put("front_z", a.front_z);
  return d;
}

}  // namespace

void bind_ecl(nb::module_& m) {
  m.def("digit_kinematics", &digit_kinematics, nb::arg("digits"), nb::arg("backend") = "cpu",
        "Per digit: crystal-centre x, y, z [cm]; per event: energy sum [GeV] and energy-weighted "
        "centroid event_cx/cy/cz [cm]. Returns a dict of numpy arrays (views, no copy).");
  m.def("ecl_geometry", &geometry_arrays,
        "The ECL crystal table as read-only numpy views (entry k is cellId k + 1): theta, phi [rad], "
        "theta_id, phi_id, region, centre_x/y/z and front_x/y/z [cm].");
}

}  // namespace umbra::python
