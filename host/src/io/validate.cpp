// Value checks of the standard groups (the reader runs them on every chunk; writers on input).
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "umbra/core/error.hpp"
#include "umbra/geometry/ecl_geometry.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::io {
namespace {

class Checker {
 public:
  Checker(const BatchOrigin& o, std::string group, std::uint64_t base) : o_(o), group_(std::move(group)), base_(base) {}

  [[noreturn]] void fail(const std::string& what, const char* column, std::uint64_t event, std::uint64_t i) const {
    const std::string ds = group_ + (column ? std::string("/") + column : "");
    throw InputError(what, {o_.file, ds, std::int64_t(o_.first_event + event), std::int64_t(base_ + i)});
  }

  template <class Group>
  void shape(const Group& g, std::uint64_t n_events) const {
    const auto& off = g.event_offsets;
    if (off.size() != n_events + 1)
      fail("has " + std::to_string(off.size()) + " offsets, expected " + std::to_string(n_events + 1),
           "event_offsets", 0, 0);
    if (off[0] != 0) fail("first offset is not 0", "event_offsets", 0, 0);
    for (std::uint64_t e = 1; e < off.size(); ++e)
      if (off[e] < off[e - 1]) fail("offsets decrease", "event_offsets", e - 1, e);
    g.for_each_column([&](const char* name, const auto& v) {
      if (v.size() != off.back())
        fail("has " + std::to_string(v.size()) + " entries but the offsets end at " + std::to_string(off.back()), name,
             0, 0);
    });
  }

  template <class T>
  void finite(const std::vector<T>& v, const char* column, std::uint64_t e, std::uint64_t i) const {
    if (!std::isfinite(v[i])) fail(std::string(column) + " is not finite (" + std::to_string(v[i]) + ")", column, e, i);
  }

 private:
  const BatchOrigin& o_;
  std::string group_;
  std::uint64_t base_;
};

void check_digits(const EclDigits& d, std::uint64_t n_events, const BatchOrigin& o) {
  const Checker c(o, group::ecl_digits, o.digit_base);
  c.shape(d, n_events);
  std::vector<std::uint32_t> seen(ecl::n_crystals + 1, ~0u);  // event that last used a cell
  for (std::uint64_t e = 0; e < n_events; ++e) {
    for (std::uint64_t i = d.begin(e); i < d.end(e); ++i) {
      const int cell = d.cell_id[i];
      if (cell < 1 || cell > ecl::n_crystals)
        c.fail("cell_id " + std::to_string(cell) + " outside 1..8736", "cell_id", e, i);
      if (seen[cell] == e) c.fail("duplicate cell_id " + std::to_string(cell) + " within one event", "cell_id", e, i);
      seen[cell] = std::uint32_t(e);
      c.finite(d.energy, "energy", e, i);
      if (d.energy[i] < 0) c.fail("negative energy " + std::to_string(d.energy[i]), "energy", e, i);
      c.finite(d.time, "time", e, i);
    }
  }
}

void check_hits(const TrackerHits& h, std::uint64_t n_events, const BatchOrigin& o) {
  const Checker c(o, group::tracker_hits, o.hit_base);
  c.shape(h, n_events);
  static const tracker::TrackerGeometry geo = tracker::belle2_tracker();
  for (std::uint64_t e = 0; e < n_events; ++e) {
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      const int det = h.detector[i], layer = h.layer[i];
      int n_layers = 0;
      switch (det) {
        case int(TrackerDetector::PXD): n_layers = tracker::n_pxd_layers; break;
        case int(TrackerDetector::SVD): n_layers = tracker::n_svd_layers; break;
        case int(TrackerDetector::CDC): n_layers = tracker::n_cdc_layers; break;
        default: c.fail("detector " + std::to_string(det) + " is not 1 (PXD), 2 (SVD) or 3 (CDC)", "detector", e, i);
      }
      if (layer >= n_layers)
        c.fail("layer " + std::to_string(layer) + " out of range 0.." + std::to_string(n_layers - 1) + " for detector " +
                   std::to_string(det),
               "layer", e, i);
      const int wire = h.wire[i];
      if (det == int(TrackerDetector::CDC)) {
        if (wire < 0 || wire >= geo.cdc[layer].n_wires)
          c.fail("wire " + std::to_string(wire) + " out of range 0.." + std::to_string(geo.cdc[layer].n_wires - 1) +
                     " in CDC layer " + std::to_string(layer),
                 "wire", e, i);
        c.finite(h.drift_length, "drift_length", e, i);
        if (h.drift_length[i] < 0) c.fail("negative drift_length", "drift_length", e, i);
      } else if (wire != -1) {
        c.fail("wire must be -1 for PXD/SVD hits", "wire", e, i);
      }
      c.finite(h.x, "x", e, i);
      c.finite(h.y, "y", e, i);
      c.finite(h.z, "z", e, i);
      c.finite(h.sigma_rphi, "sigma_rphi", e, i);
      c.finite(h.sigma_z, "sigma_z", e, i);
      if (h.sigma_rphi[i] < 0) c.fail("negative sigma_rphi", "sigma_rphi", e, i);
      if (h.sigma_z[i] < 0) c.fail("negative sigma_z", "sigma_z", e, i);
    }
  }
}

void check_mc(const McParticles& m, std::uint64_t n_events, const BatchOrigin& o) {
  const Checker c(o, group::mc_particles, o.mc_base);
  c.shape(m, n_events);
  for (std::uint64_t e = 0; e < n_events; ++e) {
    const std::int64_t n = std::int64_t(m.count(e));
    for (std::uint64_t i = m.begin(e); i < m.end(e); ++i) {
      const std::pair<const char*, const std::vector<float>*> columns[] = {
          {"px", &m.px}, {"py", &m.py}, {"pz", &m.pz}, {"e", &m.e}, {"vx", &m.vx}, {"vy", &m.vy}, {"vz", &m.vz}};
      for (const auto& [name, col] : columns) c.finite(*col, name, e, i);
      const std::int64_t mother = m.mother[i];
      if (mother < -1 || mother >= n)
        c.fail("mother " + std::to_string(mother) + " is not -1 or an index inside the event", "mother", e, i);
    }
  }
}

}  // namespace

void validate(const EventBatch& b, const BatchOrigin& o) {
  const std::uint64_t n = b.digits.n_events();
  auto same = [&](std::uint64_t m, const char* g) {
    if (m != n)
      throw InputError(std::string("holds ") + std::to_string(m) + " events but " + group::ecl_digits + " holds " +
                           std::to_string(n),
                       {o.file, g});
  };
  same(b.hits.n_events(), group::tracker_hits);
  same(b.mc.n_events(), group::mc_particles);
  check_digits(b.digits, n, o);
  check_hits(b.hits, n, o);
  check_mc(b.mc, n, o);
}

}  // namespace umbra::io
