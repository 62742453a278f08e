// umbra.Events (the C++ EventBatch) and its three standard groups. Group objects returned by
// Events.digits/.hits/.mc keep the Events alive; their arrays keep the group alive.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>

#include <optional>

#include "bindings.hpp"
#include "group_binding.hpp"
#include "umbra/core/event_data.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::python {
namespace {

/// A group of n events with no items (what an absent group reads as).
template <class G>
G empty_events(std::uint64_t n) {
  G g;
  g.event_offsets.assign(n + 1, 0);
  return g;
}

EventBatch make_batch(std::optional<EclDigits> digits, std::optional<TrackerHits> hits,
                      std::optional<McParticles> mc, std::optional<std::uint64_t> n_events) {
  std::uint64_t n = 0;
  if (n_events) n = *n_events;
  else if (digits) n = digits->n_events();
  else if (hits) n = hits->n_events();
  else if (mc) n = mc->n_events();
  EventBatch b;
  b.digits = digits ? std::move(*digits) : empty_events<EclDigits>(n);
  b.hits = hits ? std::move(*hits) : empty_events<TrackerHits>(n);
  b.mc = mc ? std::move(*mc) : empty_events<McParticles>(n);
  io::validate(b);  // offsets of every group, equal event counts, value ranges -> InputError
  return b;
}

}  // namespace

void bind_events(nb::module_& m) {
  bind_group<EclDigits>(m, "EclDigits", io::group::ecl_digits, "/ecl/digits: one entry per crystal with a signal.");
  bind_group<TrackerHits>(m, "TrackerHits", io::group::tracker_hits,
                          "/tracker/hits: PXD/SVD space points and CDC wire hits.");
  bind_group<McParticles>(m, "McParticles", io::group::mc_particles,
                          "/mc/particles: generator truth with vertices and mother links.");

  nb::class_<EventBatch>(m, "Events", "A batch of events: /ecl/digits, /tracker/hits and /mc/particles.")
      .def(
          "__init__",
          [](EventBatch* self, std::optional<EclDigits> digits, std::optional<TrackerHits> hits,
             std::optional<McParticles> mc, std::optional<std::uint64_t> n_events) {
            new (self) EventBatch(make_batch(std::move(digits), std::move(hits), std::move(mc), n_events));
          },
          nb::arg("digits") = nb::none(), nb::arg("hits") = nb::none(), nb::arg("mc") = nb::none(),
          nb::arg("n_events") = nb::none(),
          "Copies the given groups into a validated batch; absent groups hold empty events. Raises "
          "umbra.InputError naming dataset, event and index on bad offsets or values.")
      .def_prop_ro("n_events", &EventBatch::n_events)
      .def("__len__", &EventBatch::n_events)
      .def_prop_ro(
          "digits", [](EventBatch& b) { return &b.digits; }, nb::rv_policy::reference_internal)
      .def_prop_ro(
          "hits", [](EventBatch& b) { return &b.hits; }, nb::rv_policy::reference_internal)
      .def_prop_ro(
          "mc", [](EventBatch& b) { return &b.mc; }, nb::rv_policy::reference_internal)
      .def("validate", [](const EventBatch& b) { io::validate(b); },
           "Checks offsets and values again (after editing arrays in place); raises umbra.InputError.")
      .def("__repr__", [](const EventBatch& b) {
        return "Events(n_events=" + std::to_string(b.n_events()) + ", digits=" + std::to_string(b.digits.size()) +
               ", hits=" + std::to_string(b.hits.size()) + ", mc=" + std::to_string(b.mc.size()) + ")";
      });
}

}  // namespace umbra::python
