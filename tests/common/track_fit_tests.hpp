#pragma once
// The track-fit test body, written once and instantiated per backend (tests/tracking for the CPU
// runner, tests/cuda for the CUDA runner). A runner is a type with
//   static track::FitResult run(const tracker::TrackerGeometry&, const TrackerHits&, const track::FitOptions&);
// Samples are single muons from the origin (tests/tracking/track_samples.hpp), fixed seeds.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <vector>

#include "tracking/track_samples.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/track/kalman_fit.hpp"

namespace umbra::test {

/// Upper regularised incomplete gamma Q(a, x) (series / continued fraction), for chi2 probabilities
/// with the DAF's non-integer ndf: P(chi2 > c | ndf) = Q(ndf / 2, c / 2).
inline double gamma_q(double a, double x) {
  if (x <= 0) return 1.0;
  const double lg = std::lgamma(a);
  if (x < a + 1) {
    double sum = 1.0 / a, term = sum;
    for (int n = 1; n < 500; ++n) {
      term *= x / (a + n);
      sum += term;
      if (std::fabs(term) < 1e-15 * std::fabs(sum)) break;
    }
    return 1.0 - sum * std::exp(-x + a * std::log(x) - lg);
  }
  double b = x + 1 - a, c = 1e300, d = 1 / b, h = d;
  for (int i = 1; i < 500; ++i) {
    const double an = -i * (i - a);
    b += 2;
    d = an * d + b, d = std::fabs(d) < 1e-300 ? 1e-300 : d;
    c = b + an / c, c = std::fabs(c) < 1e-300 ? 1e-300 : c;
    d = 1 / d;
    const double del = d * c;
    h *= del;
    if (std::fabs(del - 1) < 1e-15) break;
  }
  return std::exp(-x + a * std::log(x) - lg) * h;
}

/// Fitted minus true perigee parameters of event e's muon (one track per event, charge +1).
inline void truth_helix(const McParticles& mc, std::uint64_t e, double b, double p[5]) {
  const std::uint64_t k = mc.begin(e);
  track::helix_from_momentum(mc.px[k], mc.py[k], mc.pz[k], 1.0, b, p);
}

inline double gaussian_core_sigma(std::vector<double> v) {  // 1.4826 MAD: robust to MS tails
  std::sort(v.begin(), v.end());
  const double med = v[v.size() / 2];
  for (auto& x : v) x = std::fabs(x - med);
  std::sort(v.begin(), v.end());
  return 1.4826 * v[v.size() / 2];
}

inline void copy_hit(const TrackerHits& h, std::uint64_t i, TrackerHits& out) {
  out.detector.push_back(h.detector[i]), out.layer.push_back(h.layer[i]);
  out.x.push_back(h.x[i]), out.y.push_back(h.y[i]), out.z.push_back(h.z[i]), out.wire.push_back(h.wire[i]);
  out.drift_length.push_back(h.drift_length[i]), out.sigma_rphi.push_back(h.sigma_rphi[i]);
  out.sigma_z.push_back(h.sigma_z[i]), out.track_id.push_back(h.track_id[i]);
}

template <class Runner>
class TrackFitTest : public ::testing::Test {};
TYPED_TEST_SUITE_P(TrackFitTest);

// 10,000 muons 0.2-5 GeV, material on: pulls of all five parameters have mean 0 +- 0.05 and
// width 1 +- 0.08; the chi2 probability is flat (no spike at 0 beyond 2%).
TYPED_TEST_P(TrackFitTest, PullsAndChi2Probability) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions so;
  so.noise_hits_per_event = 1;
  const McParticles mc = muon_gun(10000, 0.2, 5.0, 35.0, 135.0, 21);
  const TrackerHits h = simulate_hits(geo, mc, so, 22);
  track::FitOptions o;
  o.hypothesis = track::Hypothesis::muon;
  const auto r = TypeParam::run(geo, h, o);
  ASSERT_EQ(r.tracks.size(), 10000u);
  RunningStats pull[5];
  int n_ok = 0, prob_bins[10] = {}, low = 0;
  const int diag[5] = {0, 5, 9, 12, 14};
  for (std::uint64_t t = 0; t < r.tracks.size(); ++t) {
    if (r.tracks.status[t] != 0) continue;
    ++n_ok;
    double p[5];
    truth_helix(mc, t, geo.b_field, p);
    const double f[5] = {r.tracks.d0[t], r.tracks.phi0[t], r.tracks.omega[t], r.tracks.z0[t], r.tracks.tan_lambda[t]};
    for (int i = 0; i < 5; ++i) {
      const double d = i == track::kPhi0 ? std::remainder(f[i] - p[i], 2 * constants::pi) : f[i] - p[i];
      pull[i].add(d / std::sqrt(r.tracks.cov[diag[i]][t]));
    }
    const double prob = gamma_q(0.5 * r.tracks.ndf[t], 0.5 * r.tracks.chi2[t]);
    ++prob_bins[std::min(9, int(prob * 10))];
    low += prob < 0.01;
  }
  EXPECT_GE(n_ok, 9950);
  const char* names[5] = {"d0", "phi0", "omega", "z0", "tanLambda"};
  for (int i = 0; i < 5; ++i) {
    std::printf("pull %-9s mean %+.3f width %.3f\n", names[i], pull[i].mean(), pull[i].sigma());
    EXPECT_NEAR(pull[i].mean(), 0.0, 0.05) << names[i];
    EXPECT_NEAR(pull[i].sigma(), 1.0, 0.08) << names[i];
  }
  std::printf("chi2 prob: fraction below 0.01 = %.4f; deciles", double(low) / n_ok);
  for (int b : prob_bins) std::printf(" %.3f", double(b) / n_ok);
  std::printf("\n");
  EXPECT_LT(double(low) / n_ok, 0.01 + 0.02);
  for (int b : prob_bins) EXPECT_NEAR(double(b) / n_ok, 0.1, 0.03);
}

// sigma(pt)/pt against the Belle II curve 0.1% pt (+) 0.3% within 30%, and the d0 resolution of
// 5 GeV tracks <= 20 um (core width, 1.4826 MAD).
TYPED_TEST_P(TrackFitTest, MomentumAndImpactParameterResolution) {
  const auto geo = tracker::belle2_tracker();
  const double edges[] = {0.3, 0.6, 1.2, 2.5, 5.0};
  for (int b = 0; b + 1 < 5; ++b) {
    const McParticles mc = muon_gun(1500, edges[b], edges[b + 1], 80.0, 100.0, 30 + b);
    const TrackerHits h = simulate_hits(geo, mc, {}, 40 + b);
    track::FitOptions o;
    o.hypothesis = track::Hypothesis::muon;
    const auto r = TypeParam::run(geo, h, o);
    std::vector<double> rel, d0;
    double pt_sum = 0;
    for (std::uint64_t t = 0; t < r.tracks.size(); ++t) {
      if (r.tracks.status[t] != 0) continue;
      double p[5];
      truth_helix(mc, t, geo.b_field, p);
      const double pt_true = track::pt_of(p[track::kOmega], geo.b_field);
      rel.push_back(r.tracks.pt[t] / pt_true - 1);
      d0.push_back(r.tracks.d0[t] - p[track::kD0]);
      pt_sum += pt_true;
    }
    const double pt = pt_sum / rel.size(), ref = std::hypot(0.001 * pt, 0.003);
    const double res = gaussian_core_sigma(rel), d0_res = gaussian_core_sigma(d0);
    std::printf("pt %.2f GeV: sigma(pt)/pt %.4f%% (reference %.4f%%), sigma(d0) %.1f um\n", pt, 100 * res, 100 * ref,
                d0_res * 1e4);
    EXPECT_NEAR(res / ref, 1.0, 0.30) << "pt " << pt;
    if (b == 3) {
      EXPECT_LE(d0_res, 20e-4);
    }
  }
}

// Isolated muons (no material, no noise) for the left/right tests.
struct IsolatedMuons {
  tracker::TrackerGeometry geo = tracker::belle2_tracker();
  McParticles mc;
  TrackerHits hits;
};

inline IsolatedMuons isolated_muons(int n, std::uint64_t seed) {
  IsolatedMuons s;
  sim::TrackerResponseOptions so;
  so.material = false;
  so.noise_hits_per_event = 0;
  s.mc = muon_gun(n, 0.3, 3.0, 40.0, 130.0, seed);
  s.hits = simulate_hits(s.geo, s.mc, so, seed + 1);
  return s;
}

// The fraction of CDC hits whose fitted side is the true one; *n_cdc receives their number.
inline double left_right_correct(const IsolatedMuons& s, const track::FitResult& r, std::uint64_t* n_cdc) {
  const TrackerHits& h = s.hits;
  std::uint64_t n = 0, right = 0;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    double p[5];
    truth_helix(s.mc, e, s.geo.b_field, p);
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      if (h.detector[i] != 3) continue;
      const double d = true_signed_drift(s.geo, p, track::Point3{}, h.layer[i], h.wire[i]);
      ++n;
      right += (d >= 0 ? 1 : -1) == r.hit_sign[i];
    }
  }
  *n_cdc = n;
  return double(right) / double(n);
}

// Isolated tracks: the chosen side of >= 98% of the CDC drift distances is the true one.
TYPED_TEST_P(TrackFitTest, LeftRightResolved) {
  const IsolatedMuons s = isolated_muons(1000, 51);
  track::FitOptions o;
  o.material = false;
  std::uint64_t n = 0;
  const double correct = left_right_correct(s, TypeParam::run(s.geo, s.hits, o), &n);
  std::printf("left/right correct on %.4f of %llu CDC hits\n", correct, (unsigned long long)n);
  EXPECT_GE(correct, 0.98);
}

// A track with 4 hits and one with a NaN position fail with their status; the rest are fitted.
TYPED_TEST_P(TrackFitTest, BadInputFailsOnlyThatTrack) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions so;
  so.noise_hits_per_event = 3;
  const McParticles mc = muon_gun(20, 1.0, 2.0, 60.0, 120.0, 61);
  TrackerHits h = simulate_hits(geo, mc, so, 62);
  // event 3: keep only 4 hits of its track; event 7: a NaN hit position
  TrackerHits cut;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    int kept = 0;
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      if (e == 3 && h.track_id[i] >= 0 && ++kept > 4) continue;
      copy_hit(h, i, cut);
    }
    cut.close_event();
  }
  cut.x[cut.begin(7) + 2] = std::numeric_limits<float>::quiet_NaN();
  const auto r = TypeParam::run(geo, cut, {});
  ASSERT_EQ(r.tracks.size(), 20u);
  for (std::uint64_t t = 0; t < 20; ++t) {
    const auto expected = t == 3 ? track::FitStatus::too_few_hits : t == 7 ? track::FitStatus::bad_input : track::FitStatus::ok;
    EXPECT_EQ(r.tracks.status[t], std::uint8_t(expected)) << t;
  }
  for (std::uint64_t i = 0; i < cut.size(); ++i)
    if (cut.track_id[i] < 0) {
      EXPECT_EQ(r.hit_weight[i], 0.f);  // noise is not part of any track
    }
}

// Same input, same output as the CPU backend, every output within 1e-6 relative (issue 6). The
// filter amplifies last-bit differences (its covariance shrinks by ~1e11 from the seed's, so
// C - KHC keeps ~5 significant digits of them): with each backend's own libm, only 22 of 500
// tracks met 1e-6 on an H200 (benchmarks/results/gpu.md). The fit now takes its sin, cos, atan2,
// tan, exp and log from umbra::portable (+ - * / only) and track_fit.cu is built with
// --fmad=false, so both backends do the same IEEE operations: bit for bit on all 500 tracks on an
// H200 (2026-11-27).
TYPED_TEST_P(TrackFitTest, AgreesWithCpuBackend) {
  const auto geo = tracker::belle2_tracker();
  const McParticles mc = muon_gun(500, 0.2, 5.0, 30.0, 140.0, 71);
  const TrackerHits h = simulate_hits(geo, mc, {}, 72);
  const auto ref = cpu::fit_tracks(geo, h, {});
  const auto r = TypeParam::run(geo, h, {});
  ASSERT_EQ(r.tracks.size(), ref.tracks.size());
  const track::Tracks &a = r.tracks, &c = ref.tracks;
  double worst_param = 0, worst_cov = 0, worst_chi2 = 0;
  std::uint64_t within_1e6 = 0, identical = 0, ok = 0;
  for (std::uint64_t t = 0; t < c.size(); ++t) {
    ASSERT_EQ(a.status[t], c.status[t]) << t;
    if (c.status[t] != std::uint8_t(track::FitStatus::ok)) continue;
    ++ok;
    const float* pa[5] = {&a.d0[t], &a.phi0[t], &a.omega[t], &a.z0[t], &a.tan_lambda[t]};
    const float* pc[5] = {&c.d0[t], &c.phi0[t], &c.omega[t], &c.z0[t], &c.tan_lambda[t]};
    bool rel_1e6 = true, same = a.ndf[t] == c.ndf[t];
    auto rel = [&](double x, double y) {
      same = same && x == y;
      const double d = std::fabs(x - y) / std::fmax(std::fmax(std::fabs(x), std::fabs(y)), 1e-30);
      rel_1e6 = rel_1e6 && d <= 1e-6;
      return d;
    };
    double diag[5];
    for (int i = 0, k = 0; i < 5; ++i)
      for (int j = i; j < 5; ++j, ++k)
        if (i == j) diag[i] = c.cov[k][t];
    for (int i = 0, k = 0; i < 5; ++i) {
      rel(*pa[i], *pc[i]);
      worst_param = std::fmax(worst_param, std::fabs(*pa[i] - *pc[i]) / std::sqrt(diag[i]));
      for (int j = i; j < 5; ++j, ++k) {
        rel(a.cov[k][t], c.cov[k][t]);
        worst_cov = std::fmax(worst_cov, std::fabs(a.cov[k][t] - c.cov[k][t]) / std::sqrt(diag[i] * diag[j]));
      }
    }
    worst_chi2 = std::fmax(worst_chi2, rel(a.chi2[t], c.chi2[t]));
    within_1e6 += rel_1e6;
    identical += same;
  }
  std::printf("%llu tracks fitted by both: max |dp|/sigma_p %.2e, max |dC_ij|/sqrt(C_ii C_jj) %.2e, max |dchi2|/chi2 "
              "%.2e; %llu with every output within 1e-6 relative, %llu bit for bit\n",
              (unsigned long long)ok, worst_param, worst_cov, worst_chi2, (unsigned long long)within_1e6,
              (unsigned long long)identical);
  EXPECT_GT(ok, 450u);
  EXPECT_EQ(within_1e6, ok);
  EXPECT_LT(worst_param, 1e-6);
  EXPECT_LT(worst_cov, 1e-6);
  EXPECT_LT(worst_chi2, 1e-6);
}

REGISTER_TYPED_TEST_SUITE_P(TrackFitTest, PullsAndChi2Probability, MomentumAndImpactParameterResolution,
                            LeftRightResolved, BadInputFailsOnlyThatTrack, AgreesWithCpuBackend);

}  // namespace umbra::test
