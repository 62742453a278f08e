// umbra.simulate: the fast simulation (sim::simulate) with the CLI's options. The options struct
// is bound field by field; the façade (umbra/_sim.py) maps keyword arguments onto it.
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <memory>

#include "backends.hpp"
#include "bindings.hpp"
#include "umbra/core/error.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::python {

void bind_sim(nb::module_& m) {
  using sim::SimulationOptions;
  nb::class_<sim::EclResponseOptions>(m, "EclResponseOptions", "ECL response settings (sim/ecl_response.hpp).")
      .def(nb::init<>())
      .def_rw("noise", &sim::EclResponseOptions::noise)
      .def_rw("threshold", &sim::EclResponseOptions::threshold)
      .def_rw("background_digits", &sim::EclResponseOptions::background_digits)
      .def_rw("smear_energy", &sim::EclResponseOptions::smear_energy);
  nb::class_<sim::TrackerResponseOptions>(m, "TrackerResponseOptions", "Tracker response settings.")
      .def(nb::init<>())
      .def_rw("hit_efficiency", &sim::TrackerResponseOptions::hit_efficiency)
      .def_rw("noise_hits_per_event", &sim::TrackerResponseOptions::noise_hits_per_event)
      .def_rw("material", &sim::TrackerResponseOptions::material)
      .def_rw("cdc_drift_sigma", &sim::TrackerResponseOptions::cdc_drift_sigma);

  // Angles are radians here (C++ units); the façade takes degrees like the CLI.
  nb::class_<SimulationOptions>(m, "SimulationOptions", "sim::SimulationOptions (defaults as in C++).")
      .def(nb::init<>())
      .def_rw("process", &SimulationOptions::process)
      .def_rw("mass", &SimulationOptions::mass)
      .def_rw("coupling", &SimulationOptions::coupling)
      .def_rw("splitting", &SimulationOptions::splitting)
      .def_rw("dark_photon_ratio", &SimulationOptions::dark_photon_ratio)
      .def_rw("lifetime", &SimulationOptions::lifetime)
      .def_rw("branching", &SimulationOptions::branching)
      .def_rw("decay_mode", &SimulationOptions::decay_mode)
      .def_rw("meson", &SimulationOptions::meson)
      .def_rw("theta_min", &SimulationOptions::theta_min)
      .def_rw("theta_max", &SimulationOptions::theta_max)
      .def_rw("ggg_min_energy", &SimulationOptions::ggg_min_energy)
      .def_rw("isr", &SimulationOptions::isr)
      .def_rw("gun_pdg", &SimulationOptions::gun_pdg)
      .def_rw("gun_energy", &SimulationOptions::gun_energy)
      .def_rw("gun_theta_min", &SimulationOptions::gun_theta_min)
      .def_rw("gun_theta_max", &SimulationOptions::gun_theta_max)
      .def_rw("gun_phi_min", &SimulationOptions::gun_phi_min)
      .def_rw("gun_phi_max", &SimulationOptions::gun_phi_max)
      .def_rw("gun_multiplicity", &SimulationOptions::gun_multiplicity)
      .def_rw("beam_background", &SimulationOptions::beam_background)
      .def_rw("ecl", &SimulationOptions::ecl)
      .def_rw("tracker", &SimulationOptions::tracker)
      .def_rw("ecl_response", &SimulationOptions::ecl_response)
      .def_rw("tracker_response", &SimulationOptions::tracker_response)
      .def_rw("seed", &SimulationOptions::seed)
      .def("validate", &SimulationOptions::validate, "Empty when valid, else a message naming the bad field.");

  m.def("process_names", &sim::process_names, "Processes the simulation knows, in the order of their ids.");
  m.def(
      "_cross_section_pb",
      [](const SimulationOptions& o) {
        if (const std::string bad = o.validate(); !bad.empty()) throw OptionsError(bad);
        return sim::cross_section_pb(o);
      },
      nb::arg("options"));
  m.def(
      "_simulate",
      [](const SimulationOptions& o, std::uint64_t first, std::uint64_t n, const std::string& backend) {
        if (parse_backend(backend) != Backend::Cpu)
          throw OptionsError("backend 'cuda': the simulation runs on the CPU backend only");
        if (const std::string bad = o.validate(); !bad.empty()) throw OptionsError(bad);
        sim::SimulationSummary s;
        std::unique_ptr<EventBatch> b;
        {
          nb::gil_scoped_release release;
          b = std::make_unique<EventBatch>(sim::simulate(o, first, n, &s));
        }
        nb::dict d;
        d["n_events"] = s.n_events, d["n_particles"] = s.n_particles, d["n_digits"] = s.n_digits;
        d["n_hits"] = s.n_hits, d["generator_failures"] = s.generator_failures;
        d["digit_overflows"] = s.digit_overflows, d["seconds"] = s.seconds, d["brief"] = s.brief();
        return nb::make_tuple(std::move(b), d);
      },
      nb::arg("options"), nb::arg("first"), nb::arg("n"), nb::arg("backend") = "cpu");
}

}  // namespace umbra::python
