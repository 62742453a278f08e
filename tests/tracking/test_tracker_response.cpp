// Tracker response of the simulation: hits per track, resolutions of the smeared hits against
// the true helix, displaced tracks, noise hits, determinism and refused options.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "tracking/track_samples.hpp"
#include "umbra/sim/tracker_response.hpp"
#include "umbra/track/helix.hpp"

namespace umbra::test {
namespace {

using track::Point3;

// Central (theta = 90 deg) 3 GeV muons with efficiency 1 and no noise: every layer is hit once.
TEST(TrackerResponse, HitsPerCentralHighPtTrack) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions o;
  o.hit_efficiency = 1.0;
  o.noise_hits_per_event = 0;
  const McParticles mc = muon_gun(200, 3.0, 3.0, 90.0, 90.0, 5);
  const TrackerHits h = simulate_hits(geo, mc, o, 1);
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    int n[4] = {0, 0, 0, 0};
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) ++n[h.detector[i]];
    ASSERT_EQ(n[1], 2) << e;
    ASSERT_EQ(n[2], 4) << e;
    ASSERT_EQ(n[3], 56) << e;
  }
}

// With the default efficiency 0.98 the mean CDC count is 0.98 * 56 within 1%.
TEST(TrackerResponse, HitEfficiency) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions o;
  o.noise_hits_per_event = 0;
  const McParticles mc = muon_gun(2000, 3.0, 3.0, 90.0, 90.0, 6);
  const TrackerHits h = simulate_hits(geo, mc, o, 2);
  double cdc = 0;
  for (auto d : h.detector) cdc += d == 3;
  EXPECT_NEAR(cdc / 2000 / 56, 0.98, 0.01);
}

// Material off: silicon residuals to the true crossing point have the layer resolutions and the
// CDC drift lengths the true 3-D distance to the wire within 130 um (5% tolerance on each sigma).
TEST(TrackerResponse, ResidualsHaveStatedSigmas) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions o;
  o.material = false;
  o.hit_efficiency = 1.0;
  o.noise_hits_per_event = 0;
  const McParticles mc = muon_gun(3000, 0.5, 3.0, 50.0, 120.0, 7);
  const TrackerHits h = simulate_hits(geo, mc, o, 3);
  RunningStats rphi[2], z[2], drift;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    const std::uint64_t k = mc.begin(e);
    double p[5];
    track::helix_from_momentum(mc.px[k], mc.py[k], mc.pz[k], 1.0, geo.b_field, p);  // mu+ (pdg -13)
    const Point3 pivot{mc.vx[k], mc.vy[k], mc.vz[k]};
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      if (h.detector[i] == 3) {
        const double d = true_signed_drift(geo, p, pivot, h.layer[i], h.wire[i]);
        if (std::fabs(d) > 0.1) drift.add(h.drift_length[i] - std::fabs(d));
        continue;
      }
      const double r = std::hypot(h.x[i], h.y[i]);
      double s;
      ASSERT_TRUE(track::arc_to_radius(p, pivot, r, s));
      double x, y, zz;
      track::helix_position(p, pivot, s, x, y, zz);
      const int k2 = h.detector[i] - 1;
      double dphi = std::atan2(h.y[i], h.x[i]) - std::atan2(y, x);
      dphi = std::remainder(dphi, 2 * constants::pi);
      rphi[k2].add(r * dphi / h.sigma_rphi[i]);
      z[k2].add((h.z[i] - zz) / h.sigma_z[i]);
    }
  }
  for (int k = 0; k < 2; ++k) {
    EXPECT_NEAR(rphi[k].mean(), 0, 0.05) << k;
    EXPECT_NEAR(rphi[k].sigma(), 1, 0.05) << k;
    EXPECT_NEAR(z[k].mean(), 0, 0.05) << k;
    EXPECT_NEAR(z[k].sigma(), 1, 0.05) << k;
  }
  std::printf("rphi pulls PXD %.3f SVD %.3f, z pulls PXD %.3f SVD %.3f, CDC drift sigma %.1f um\n", rphi[0].sigma(),
              rphi[1].sigma(), z[0].sigma(), z[1].sigma(), drift.sigma() * 1e4);
  EXPECT_GT(drift.n, 50000u);
  EXPECT_NEAR(drift.mean(), 0, 5e-4);
  EXPECT_NEAR(drift.sigma(), 130e-4, 0.05 * 130e-4);
}

// A muon made at r = 20 cm leaves no silicon hits and hits only CDC layers outside 20 cm.
TEST(TrackerResponse, DisplacedTracksOnlyHitOuterLayers) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions o;
  o.hit_efficiency = 1.0;
  o.noise_hits_per_event = 0;
  McParticles mc;
  mc.pdg = {13}, mc.px = {2.0f}, mc.py = {0.1f}, mc.pz = {0.0f}, mc.e = {2.003f};
  mc.vx = {20.0f}, mc.vy = {0.0f}, mc.vz = {0.0f}, mc.mother = {-1};
  mc.close_event();
  const TrackerHits h = simulate_hits(geo, mc, o, 4);
  int outer = 0;
  for (int l = 0; l < tracker::n_cdc_layers; ++l) outer += geo.cdc[l].radius > 20.0;
  ASSERT_EQ(int(h.size()), outer);
  for (std::uint64_t i = 0; i < h.size(); ++i) {
    EXPECT_EQ(h.detector[i], 3);
    EXPECT_GT(geo.cdc[h.layer[i]].radius, 20.0);
  }
}

// Noise: Poisson mean as configured, track_id -1, drift inside the cell; a decayed particle
// (one with daughters) and neutral particles leave nothing.
TEST(TrackerResponse, NoiseHitsAndNonTrackedParticles) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions o;
  McParticles mc;
  for (int e = 0; e < 2000; ++e) {
    mc.pdg.insert(mc.pdg.end(), {211, 22, 13});
    mc.px.insert(mc.px.end(), {1.f, 1.f, 1.f}), mc.py.insert(mc.py.end(), {0.f, 0.f, 0.f});
    mc.pz.insert(mc.pz.end(), {0.f, 0.f, 0.f}), mc.e.insert(mc.e.end(), {1.f, 1.f, 1.f});
    mc.vx.insert(mc.vx.end(), {0.f, 0.f, 0.f}), mc.vy.insert(mc.vy.end(), {0.f, 0.f, 0.f});
    mc.vz.insert(mc.vz.end(), {0.f, 0.f, 0.f}), mc.mother.insert(mc.mother.end(), {-1, -1, 0});
    mc.close_event();
  }
  const TrackerHits h = simulate_hits(geo, mc, o, 5);
  double noise = 0;
  for (std::uint64_t i = 0; i < h.size(); ++i) {
    ASSERT_NE(h.track_id[i], 0);  // the pion decayed
    ASSERT_NE(h.track_id[i], 1);  // the photon
    if (h.track_id[i] == -1) {
      ++noise;
      const auto& L = geo.cdc[h.layer[i]];
      EXPECT_LE(h.drift_length[i], constants::pi * L.radius / L.n_wires);
    }
  }
  EXPECT_NEAR(noise / 2000, 5.0, 0.2);
}

TEST(TrackerResponse, DeterministicPerSeed) {
  const auto geo = tracker::belle2_tracker();
  const McParticles mc = muon_gun(50, 0.3, 2.0, 30.0, 150.0, 8);
  const TrackerHits a = simulate_hits(geo, mc, {}, 9), b = simulate_hits(geo, mc, {}, 9), c = simulate_hits(geo, mc, {}, 10);
  EXPECT_EQ(a.x, b.x);
  EXPECT_EQ(a.drift_length, b.drift_length);
  EXPECT_NE(a.drift_length, c.drift_length);
}

TEST(TrackerResponse, RefusesBadOptions) {
  sim::TrackerResponseOptions o;
  EXPECT_EQ(o.validate(), "");
  o.hit_efficiency = 1.5;
  EXPECT_EQ(o.validate(), "hit_efficiency must be in [0, 1]");
  o = {};
  o.noise_hits_per_event = -1;
  EXPECT_EQ(o.validate(), "noise_hits_per_event must be finite and >= 0");
  o = {};
  o.cdc_drift_sigma = 0;
  EXPECT_EQ(o.validate(), "cdc_drift_sigma must be finite and > 0");
}

}  // namespace
}  // namespace umbra::test
