// The vertex finder on simulated, Kalman-fitted events (tracker response + cpu::fit_tracks), not
// on smeared truth helices: S -> mu mu efficiency vs radius, pulls and mass resolution; nearly
// parallel inelastic-DM e+e- pairs; the fake rate on prompt mu mu events. The figures printed
// here are recorded in benchmarks/results/vertexing.md ("Physics on simulated events").
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "umbra/cpu/vertex_finder.hpp"
#include "umbra/sim/generators/idm.hpp"
#include "umbra/sim/generators/leptons.hpp"
#include "umbra/sim/generators/scalar.hpp"
#include "umbra/vertex/pair_vertex.hpp"
#include "umbra/vertex/track_params.hpp"
#include "vertexing/vertex_sim_samples.hpp"

namespace umbra::test {
namespace {

// Efficiency bins in the true transverse decay radius [cm].
constexpr double radius_edges[] = {1, 5, 10, 20, 30, 40, 50, 60};
constexpr int n_radius_bins = 7;

int radius_bin(double r) {
  for (int b = 0; b < n_radius_bins; ++b)
    if (r < radius_edges[b + 1]) return b;
  return n_radius_bins - 1;
}

/// Robust width: half the central 68% interval of the values.
/// The displaced finder for tracks fitted by simulate_displaced (Belle II material, hypothesis h):
/// the scattering in the material inside each vertex is taken out of the track errors.
vertex::Options displaced_options(track::Hypothesis h) {
  vertex::Options o = vertex::Options::displaced();
  o.track_material = vertex::track_material(tracker::belle2_tracker(), h);
  return o;
}

double core_sigma(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const auto at = [&](double f) { return v[std::size_t(f * double(v.size() - 1))]; };
  return 0.5 * (at(0.8413) - at(0.1587));
}

void scalar_to_mumu(double mass, std::uint64_t seed, double max_mass_sigma) {
  sim::ScalarGenerator gen;
  gen.mass = mass, gen.ctau = 0, gen.daughter = sim::pdg::muon;
  const int n = 2500;
  const DisplacedSample s = simulate_displaced(gen, sim::pdg::scalar, n, seed, 1.0, 60.0, track::Hypothesis::muon);
  const vertex::Result r = cpu::find_vertices(vertex::view_tracks(s.tracks), displaced_options(track::Hypothesis::muon));

  int total[n_radius_bins] = {}, found[n_radius_bins] = {}, all = 0, all_found = 0, fake_events = 0;
  std::vector<double> pull[3], pull_in_bin[n_radius_bins][3];
  std::vector<double> masses;
  for (int e = 0; e < n; ++e) {
    const std::int64_t i = truth_vertex(s, r.vertices, std::uint64_t(e));
    fake_events += r.vertices.count(e) > std::uint64_t(i >= 0);
    // Both muons reconstructed with >= 20 CDC hits in the track fit (the condition).
    if (s.used_cdc(s.track_pos[e]) < 20 || s.used_cdc(s.track_neg[e]) < 20) continue;
    const double rt = std::hypot(s.truth[3 * e], s.truth[3 * e + 1]);
    const int b = radius_bin(rt);
    ++total[b], ++all;
    if (i < 0) continue;
    ++found[b], ++all_found;
    const double d[3] = {r.vertices.x[i] - s.truth[3 * e], r.vertices.y[i] - s.truth[3 * e + 1],
                         r.vertices.z[i] - s.truth[3 * e + 2]};
    const double var[3] = {r.vertices.cov_xx[i], r.vertices.cov_yy[i], r.vertices.cov_zz[i]};
    for (int k = 0; k < 3; ++k) pull[k].push_back(d[k] / std::sqrt(var[k])), pull_in_bin[b][k].push_back(pull[k].back());
    masses.push_back(r.vertices.mass_mumu[i]);
  }
  std::printf("S(%.1f GeV) -> mu mu, %d events, %d with both muons fitted with >= 20 CDC hits: efficiency %.3f\n",
              mass, n, all, double(all_found) / all);
  for (int b = 0; b < n_radius_bins; ++b) {
    std::printf("  r %4.0f-%2.0f cm: %4d / %4d = %.3f", radius_edges[b], radius_edges[b + 1], found[b], total[b],
                total[b] ? double(found[b]) / total[b] : 0.0);
    if (found[b] >= 20)
      std::printf(", pull widths x %.2f y %.2f z %.2f", core_sigma(pull_in_bin[b][0]), core_sigma(pull_in_bin[b][1]),
                  core_sigma(pull_in_bin[b][2]));
    std::printf("\n");
    // >= 90% per bin, less 3 binomial sigma of the bin's statistics.
    if (total[b] >= 50) {
      EXPECT_GE(double(found[b]) / total[b], 0.9 - 3 * std::sqrt(0.09 / total[b])) << "radius bin " << b;
    }
  }
  ASSERT_GE(all, n / 3);
  EXPECT_GE(double(all_found) / all, 0.90);
  // Pulls: mean of the core (|pull| < 5) and width as half the central 68% interval; the tail
  // beyond 5 comes from badly fitted tracks (track chi2/ndf >> 1) and is stated.
  for (int k = 0; k < 3; ++k) {
    RunningStats core;
    for (double x : pull[k])
      if (std::fabs(x) < 5) core.add(x);
    const double width = core_sigma(pull[k]), tail = 1.0 - double(core.n) / double(pull[k].size());
    std::printf("  pull %c: core mean %+.3f, width %.3f (rms within 5: %.3f), beyond 5: %.1f%%\n", "xyz"[k],
                core.mean(), width, core.sigma(), 100 * tail);
    EXPECT_NEAR(core.mean(), 0.0, 0.1) << "xyz"[k];
    // With the material inside the vertex radius taken out of the tracks (inner_material.hpp;
    // without it the widths were 0.44-0.96) and the track fit's hard start leaving undecided drift
    // sides to the DAF (kalman_fit.hpp, side_chi2_gap; before it wrong sides on CDC-only tracks
    // gave 1.07-1.10) the widths are 1.04/1.03/1.03 (x/y/z, 0.5 GeV) and 1.06/1.05/0.98 (2 GeV).
    EXPECT_NEAR(width, 1.0, 0.1) << "xyz"[k];
    EXPECT_LT(tail, 0.05) << "xyz"[k];
  }
  RunningStats m;
  for (double x : masses) m.add(x);
  const double sigma_m = core_sigma(masses);
  std::printf("  mass %.4f GeV, core sigma %.4f GeV (%.2f%%), rms %.4f; events with another vertex: %.1f%%\n  %s\n",
              m.mean(), sigma_m, 100 * sigma_m / mass, m.sigma(), 100.0 * fake_events / n, r.summary.brief().c_str());
  EXPECT_NEAR(m.mean(), mass, 2 * sigma_m);
  EXPECT_LT(sigma_m, max_mass_sigma * mass);
}

TEST(VertexPhysics, ScalarToMuMuHalfGeV) { scalar_to_mumu(0.5, 71, 0.01); }  // measured 0.40%
TEST(VertexPhysics, ScalarToMuMuTwoGeV) { scalar_to_mumu(2.0, 72, 0.01); }    // measured 0.29%

// chi2 -> chi1 e+ e- with m_chi1 = 0.1 GeV and a 40 MeV splitting: e+e- masses below 40 MeV from a
// chi2 with a Lorentz factor of tens, i.e. opening angles of tens of mrad, nearly parallel
// helices. Every truth pair of two fitted tracks converges to a vertex; the fraction within 5
// sigma (and within 2 cm) of the true vertex is stated; the rest took the other crossing of the
// nearly tangent circles or lie along the flat chi2 valley of nearly parallel tracks.
TEST(VertexPhysics, InelasticDarkMatterPairsConverge) {
  sim::InelasticDarkMatterGenerator gen;
  gen.m_chi1 = 0.1, gen.splitting = 0.4, gen.ctau_chi2 = 0;
  const int n = 2500;
  const DisplacedSample s = simulate_displaced(gen, sim::pdg::chi2, n, 73, 1.0, 60.0, track::Hypothesis::electron);
  const vertex::Options o = displaced_options(track::Hypothesis::electron);
  const vertex::TrackParamsView tv = vertex::view_tracks(s.tracks);
  int pairs = 0, failures = 0, near = 0, within5 = 0, near_within5 = 0;
  RunningStats dr;
  for (int e = 0; e < n; ++e) {
    if (s.pos[e] < 0 || s.neg[e] < 0) continue;
    std::int64_t ip = -1, in = -1;
    for (std::uint64_t t = s.tracks.begin(e); t < s.tracks.end(e); ++t) {
      if (!tv.usable(t)) continue;
      if (s.tracks.track_id[t] == s.pos[e]) ip = std::int64_t(t);
      if (s.tracks.track_id[t] == s.neg[e]) in = std::int64_t(t);
    }
    if (ip < 0 || in < 0 || s.used_cdc(ip) < 20 || s.used_cdc(in) < 20) continue;
    ++pairs;
    const vertex::Vec<5> p[2] = {tv.params(ip), tv.params(in)};
    const vertex::Mat<5, 5> V[2] = {tv.covariance(ip), tv.covariance(in)};
    vertex::VertexFitResult f;
    const vertex::PairStatus st = vertex::fit_pair_vertex(p, V, o, f);
    if (st == vertex::PairStatus::fit_failed || st == vertex::PairStatus::no_crossing ||
        st == vertex::PairStatus::bad_covariance) {
      ++failures;
      continue;
    }
    if (st != vertex::PairStatus::accepted) continue;  // doca / start radius: no fit attempted
    const double d[3] = {f.v[0] - s.truth[3 * e], f.v[1] - s.truth[3 * e + 1], f.v[2] - s.truth[3 * e + 2]};
    const double dist = std::sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2]);
    near += dist < 2.0;
    bool in5 = true;
    for (int k = 0; k < 3; ++k) in5 = in5 && std::fabs(d[k]) < 5 * std::sqrt(f.cov(k, k));
    within5 += in5, near_within5 += in5 && dist < 2.0;
  }
  std::printf("iDM e+e- (m_chi1 0.1 GeV, splitting 40 MeV): %d pairs with both tracks fitted and >= 20 CDC hits, %d failures, "
              "%.1f%% within 2 cm (%.1f%% of these within 5 sigma), %.1f%% within 5 sigma of the true vertex\n",
              pairs, failures, 100.0 * near / pairs, 100.0 * near_within5 / near, 100.0 * within5 / pairs);
  ASSERT_GE(pairs, n / 4);
  EXPECT_EQ(failures, 0);
  // Vertex errors without the scattering in the material inside the vertex (inner_material.hpp):
  // the vertices near the truth are within 5 sigma, the wrong crossings no longer are.
  EXPECT_GE(double(within5) / pairs, 0.82);      // measured 85.6% (94.1% with the inflated errors)
  EXPECT_GE(double(near) / pairs, 0.75);         // measured 80.4%
  EXPECT_GE(double(near_within5) / near, 0.97);  // measured 100.0%
}

// e+e- -> mu+ mu- (gamma) from the interaction point: events with a vertex beyond 1 cm.
TEST(VertexPhysics, PromptMuMuGivesNoDisplacedVertex) {
  sim::LeptonPairGenerator gen;
  gen.lepton = sim::pdg::muon;
  const int n = 3000;
  const DisplacedSample s = simulate_displaced(gen, 0, n, 74, 0.0, 0.0, track::Hypothesis::muon);
  const vertex::Result r = cpu::find_vertices(vertex::view_tracks(s.tracks), displaced_options(track::Hypothesis::muon));
  int with_vertex = 0;
  for (int e = 0; e < n; ++e) with_vertex += r.vertices.count(e) > 0;  // every kept vertex has radius > 1 cm
  std::printf("prompt mu mu: %d of %d events with a vertex beyond 1 cm (fake rate %.2f%%); %s\n", with_vertex, n,
              100.0 * with_vertex / n, r.summary.brief().c_str());
  EXPECT_LE(with_vertex, 0.01 * n);
}

}  // namespace
}  // namespace umbra::test
