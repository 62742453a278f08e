#pragma once
// Test samples for tracking: single-muon events with known truth, filled directly (no generator
// needed), their simulated hits, and small statistics helpers.
#include <cmath>
#include <cstdint>

#include "umbra/core/event_data.hpp"
#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/sim/tracker_response.hpp"
#include "umbra/track/measurement.hpp"

namespace umbra::test {

/// One mu+ per event from the origin, p uniform in [p_min, p_max] GeV, theta uniform in
/// [th_min, th_max] degrees, phi uniform.
inline McParticles muon_gun(int n, double p_min, double p_max, double th_min, double th_max, std::uint64_t seed,
                            int pdg = -13, double mass = constants::m_muon) {
  McParticles mc;
  for (int e = 0; e < n; ++e) {
    Philox rng(seed, std::uint64_t(e), 777);
    const double p = rng.uniform(p_min, p_max), th = rng.uniform(th_min, th_max) * units::deg;
    const double phi = rng.uniform(-constants::pi, constants::pi);
    mc.pdg.push_back(pdg);
    mc.px.push_back(float(p * std::sin(th) * std::cos(phi)));
    mc.py.push_back(float(p * std::sin(th) * std::sin(phi)));
    mc.pz.push_back(float(p * std::cos(th)));
    mc.e.push_back(float(std::sqrt(p * p + mass * mass)));
    mc.vx.push_back(0.f), mc.vy.push_back(0.f), mc.vz.push_back(0.f);
    mc.mother.push_back(-1);
    mc.close_event();
  }
  return mc;
}

inline TrackerHits simulate_hits(const tracker::TrackerGeometry& g, const McParticles& mc,
                                 const sim::TrackerResponseOptions& o, std::uint64_t seed) {
  TrackerHits h;
  for (std::uint64_t e = 0; e < mc.n_events(); ++e) {
    sim::simulate_tracker_event(g, mc, e, seed, e, o, h);
    h.close_event();
  }
  return h;
}

/// Signed distance of the true (material-free) helix to a CDC wire, in the fit's convention.
inline double true_signed_drift(const tracker::TrackerGeometry& g, const double p[5], const track::Point3& pivot,
                                int layer, int wire) {
  const track::Wire w = track::cdc_wire(g, layer, wire);
  double q[5], s;
  track::cdc_pivot(p, pivot, w, q, s);
  return track::cdc_prediction(q, w);
}

struct RunningStats {
  std::uint64_t n = 0;
  double sum = 0, sum2 = 0;
  void add(double x) { ++n, sum += x, sum2 += x * x; }
  double mean() const { return sum / double(n); }
  double sigma() const { return std::sqrt(std::fmax(0.0, sum2 / double(n) - mean() * mean())); }
};

}  // namespace umbra::test
