#pragma once
// Simulated and Kalman-fitted samples for the vertex finder's physics tests: events from the
// simulation's generators (scalar S, inelastic DM, prompt lepton pairs), with the decay vertex of a
// chosen parent moved to a transverse radius drawn flat in [r_min, r_max] along the parent's
// flight direction (the generators draw an exponential flight; the efficiency-vs-radius tests want
// a flat one), tracker response, and cpu::fit_tracks. The truth pair is the parent's two charged
// daughters; tracks link to particles by track_id (the particle's index inside its event).
#include <cmath>
#include <cstdint>
#include <vector>

#include "tracking/track_samples.hpp"
#include "umbra/core/random.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"
#include "umbra/sim/simulate.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::test {

struct DisplacedSample {
  McParticles mc;
  TrackerHits hits;
  track::Tracks tracks;           // fitted
  std::vector<int> pos, neg;      // per event: particle index of the + / - daughter (-1: none)
  std::vector<double> truth;      // per event: true decay vertex (x, y, z) [cm]
  std::vector<int> cdc_pos, cdc_neg;  // per event: simulated CDC hits of the + / - daughter
  std::vector<std::int64_t> track_pos, track_neg;  // per event: row of the daughter's track (-1: none)

  /// CDC hits the track fit used for the + / - daughter of event e (0 without a track).
  int used_cdc(std::int64_t row) const { return row < 0 ? 0 : tracks.n_cdc[std::uint64_t(row)]; }
};


/// `n` events of generator `gen` (which must make `parent_pdg` prompt, e.g. with ctau = 0, when
/// r_max > 0); the parent's daughters are moved to transverse radius U(r_min, r_max) along its
/// momentum (r_max <= 0: left where the generator put them). Tracks fitted with `hypothesis`.
template <class Gen>
DisplacedSample simulate_displaced(const Gen& gen, int parent_pdg, int n, std::uint64_t seed, double r_min,
                                   double r_max, track::Hypothesis hypothesis) {
  DisplacedSample s;
  for (int e = 0; e < n; ++e) {
    Philox rng(seed, std::uint64_t(e), 4242);
    sim::GenEvent g;
    gen(rng, g);
    int parent = -1, pos = -1, neg = -1;
    for (int i = 0; i < g.n && parent < 0; ++i)
      if (g.part[i].pdg == parent_pdg) parent = i;
    double v[3] = {0, 0, 0};
    if (parent >= 0) {
      const sim::GenParticle& P = g.part[parent];
      const double pt = std::hypot(P.p.px, P.p.py), r = r_max > 0 ? rng.uniform(r_min, r_max) : 0.0;
      for (int i = 0; i < g.n; ++i) {
        sim::GenParticle& d = g.part[i];
        if (d.mother != parent) continue;
        if (r_max > 0) d.vx = P.vx + r * P.p.px / pt, d.vy = P.vy + r * P.p.py / pt, d.vz = P.vz + r * P.p.pz / pt;
        const int q = sim::pdg::charge(d.pdg);
        if (q > 0) pos = i;
        if (q < 0) neg = i;
        v[0] = d.vx, v[1] = d.vy, v[2] = d.vz;
      }
    }
    sim::append_mc(g, s.mc);
    s.pos.push_back(pos), s.neg.push_back(neg);
    s.truth.insert(s.truth.end(), {v[0], v[1], v[2]});
  }
  const tracker::TrackerGeometry geo = tracker::belle2_tracker();
  s.hits = simulate_hits(geo, s.mc, sim::TrackerResponseOptions{}, seed);
  s.cdc_pos.assign(n, 0), s.cdc_neg.assign(n, 0);
  for (int e = 0; e < n; ++e)
    for (std::uint64_t h = s.hits.begin(e); h < s.hits.end(e); ++h) {
      if (s.hits.detector[h] != std::uint8_t(TrackerDetector::CDC)) continue;
      s.cdc_pos[e] += s.hits.track_id[h] == s.pos[e] && s.pos[e] >= 0;
      s.cdc_neg[e] += s.hits.track_id[h] == s.neg[e] && s.neg[e] >= 0;
    }
  track::FitOptions fo;
  fo.hypothesis = hypothesis;
  s.tracks = cpu::fit_tracks(geo, s.hits, fo).tracks;
  s.track_pos.assign(n, -1), s.track_neg.assign(n, -1);
  for (int e = 0; e < n; ++e)
    for (std::uint64_t t = s.tracks.begin(e); t < s.tracks.end(e); ++t) {
      if (s.tracks.track_id[t] == s.pos[e] && s.pos[e] >= 0) s.track_pos[e] = std::int64_t(t);
      if (s.tracks.track_id[t] == s.neg[e] && s.neg[e] >= 0) s.track_neg[e] = std::int64_t(t);
    }
  return s;
}

/// Index (global row) of the accepted vertex of event e made of the truth pair, or -1.
template <class Vertices>
std::int64_t truth_vertex(const DisplacedSample& s, const Vertices& v, std::uint64_t e) {
  const std::uint64_t t0 = s.tracks.begin(e);
  for (std::uint64_t i = v.begin(e); i < v.end(e); ++i)
    if (s.tracks.track_id[t0 + v.track_pos[i]] == s.pos[e] && s.tracks.track_id[t0 + v.track_neg[i]] == s.neg[e])
      return std::int64_t(i);
  return -1;
}

}  // namespace umbra::test
