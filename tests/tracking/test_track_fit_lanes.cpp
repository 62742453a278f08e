// The laned CPU fit (host/src/cpu/track_fit_lanes.cpp and its lane_filter.hpp: 4 tracks side by
// side in AVX2 code where the CPU has it, 2 in SSE2 code) gives the plain per-track fit's outputs
// bit for bit: parameters, covariances, chi2, ndf, status, per-hit weights and signs, for every
// option set that changes the laned code's path (material, DAF passes, no DAF), with 1 and 2
// threads. The sample mixes the usual muons with tracks that take the rare paths: too few hits,
// NaN positions, short tracks (padding steps in a batch), CDC-only tracks, hits moved far off the
// track (outliers, failures).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <limits>

#include "tracking/track_samples.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/cpu/track_fit.hpp"

namespace umbra::test {
namespace {

void copy_hit(const TrackerHits& h, std::uint64_t i, TrackerHits& out) {
  out.detector.push_back(h.detector[i]), out.layer.push_back(h.layer[i]);
  out.x.push_back(h.x[i]), out.y.push_back(h.y[i]), out.z.push_back(h.z[i]), out.wire.push_back(h.wire[i]);
  out.drift_length.push_back(h.drift_length[i]), out.sigma_rphi.push_back(h.sigma_rphi[i]);
  out.sigma_z.push_back(h.sigma_z[i]), out.track_id.push_back(h.track_id[i]);
}

TrackerHits mixed_sample() {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions so;
  so.noise_hits_per_event = 1;
  const McParticles mc = muon_gun(1500, 0.2, 5.0, 20.0, 150.0, 81);
  const TrackerHits h = simulate_hits(geo, mc, so, 82);
  TrackerHits out;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    int k = 0;
    const int keep = e % 11 == 3 ? 4 : e % 11 == 5 ? 9 : e % 11 == 7 ? 20 : 1000;  // too few; short tracks
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      if (h.track_id[i] >= 0 && (k >= keep || (e % 13 == 4 && h.detector[i] != 3))) continue;  // CDC only
      copy_hit(h, i, out);
      if (h.track_id[i] < 0) continue;
      const std::uint64_t j = out.size() - 1;
      if (e % 17 == 2 && k == 6) out.y[j] = std::numeric_limits<float>::quiet_NaN();
      if (e % 19 == 6 && k % 5 == 2) out.drift_length[j] *= 40, out.x[j] += 3;        // outliers
      if (e % 23 == 9 && k > 12) out.wire[j] = (out.wire[j] + 37 * k) % 160;          // lost track
      if (e % 29 == 1 && k == 2) out.sigma_rphi[j] = 1e-7f, out.sigma_z[j] = 1e-7f;  // near-singular update
      ++k;
    }
    out.close_event();
  }
  return out;
}

// Every output of a and b equal bit for bit; prints the first differences.
std::uint64_t differences(const track::FitResult& a, const track::FitResult& b) {
  std::uint64_t n = 0;
  auto same = [](const auto& x, const auto& y) {
    return x.size() == y.size() && std::memcmp(x.data(), y.data(), x.size() * sizeof(x[0])) == 0;
  };
  const track::Tracks &ta = a.tracks, &tb = b.tracks;
  const std::vector<float>* fa[] = {&ta.d0, &ta.phi0, &ta.omega, &ta.z0, &ta.tan_lambda, &ta.pt, &ta.p, &ta.chi2, &ta.ndf};
  const std::vector<float>* fb[] = {&tb.d0, &tb.phi0, &tb.omega, &tb.z0, &tb.tan_lambda, &tb.pt, &tb.p, &tb.chi2, &tb.ndf};
  for (int i = 0; i < 9; ++i) n += !same(*fa[i], *fb[i]);
  for (int i = 0; i < 15; ++i) n += !same(ta.cov[i], tb.cov[i]);
  n += !same(ta.charge, tb.charge) + !same(ta.status, tb.status) + !same(ta.n_pxd, tb.n_pxd);
  n += !same(ta.n_svd, tb.n_svd) + !same(ta.n_cdc, tb.n_cdc);
  n += !same(a.hit_weight, b.hit_weight) + !same(a.hit_sign, b.hit_sign);
  int shown = 0;
  for (std::uint64_t t = 0; n > 0 && t < ta.size() && shown < 5; ++t)
    if (ta.status[t] != tb.status[t] || std::memcmp(&ta.chi2[t], &tb.chi2[t], 4) != 0 ||
        std::memcmp(&ta.omega[t], &tb.omega[t], 4) != 0) {
      std::printf("  track %llu: status %d / %d, chi2 %.9g / %.9g\n", (unsigned long long)t, ta.status[t], tb.status[t],
                  ta.chi2[t], tb.chi2[t]);
      ++shown;
    }
  return n;
}

TEST(TrackFitLanes, BitIdenticalToPerTrackFit) {
  const auto geo = tracker::belle2_tracker();
  const TrackerHits h = mixed_sample();
  for (int variant = 0; variant < 4; ++variant) {
    track::FitOptions o;
    const char* name = "default";
    if (variant == 1) o.material = false, name = "no material";
    if (variant == 2) o.n_temperatures = 0, name = "no DAF";
    if (variant == 3) {
      o.n_temperatures = 4, name = "T = 100, 10, 1, 0.1";
      const double t[4] = {100, 10, 1, 0.1};
      for (int i = 0; i < 4; ++i) o.temperatures[i] = t[i];
    }
    cpu::set_thread_count(1);
    const track::FitResult ref = cpu::fit_tracks(geo, h, o, cpu::TrackFitCode::scalar);
    int status[track::n_fit_status] = {};
    for (std::uint8_t s : ref.tracks.status) ++status[s];
    std::printf("%s: status counts", name);
    for (int c : status) std::printf(" %d", c);
    std::printf("\n");
    // the failures of the sample occur: the rare paths are exercised
    EXPECT_GT(status[int(track::FitStatus::ok)], 1100) << name;
    EXPECT_GT(status[int(track::FitStatus::too_few_hits)], 50) << name;
    EXPECT_GT(status[int(track::FitStatus::bad_input)], 20) << name;
    EXPECT_GT(status[int(track::FitStatus::diverged)], 0) << name;  // lanes that fail mid-fit
    for (int threads : {1, 2}) {
      cpu::set_thread_count(threads);
      EXPECT_EQ(differences(ref, cpu::fit_tracks(geo, h, o, cpu::TrackFitCode::best)), 0u) << name << ", " << threads;
      EXPECT_EQ(differences(ref, cpu::fit_tracks(geo, h, o, cpu::TrackFitCode::lanes2)), 0u) << name << ", " << threads;
    }
  }
  cpu::set_thread_count(0);
}

// FitTrackStep::load rejects bad hit values (bad_input) and only those, on both paths: each event
// of a clean sample gets one value of one hit changed; the valid edge values (drift 0 and -0, the
// last wire of the layer) are not rejected.
TEST(TrackFitLanes, LoadRejectsBadHitValues) {
  const auto geo = tracker::belle2_tracker();
  const McParticles mc = muon_gun(65, 0.5, 3.0, 40.0, 130.0, 91);
  sim::TrackerResponseOptions so;
  so.noise_hits_per_event = 0;
  TrackerHits h = simulate_hits(geo, mc, so, 92);
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  constexpr int n_cases = 13;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    std::uint64_t cdc = h.end(e), si = h.end(e);
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      if (h.track_id[i] < 0) continue;
      if (h.detector[i] == 3 && cdc == h.end(e)) cdc = i + 5;  // the 6th CDC hit (same layer run)
      if (h.detector[i] != 3 && si == h.end(e)) si = i;
    }
    ASSERT_LT(cdc, h.end(e));
    ASSERT_EQ(h.detector[cdc], 3);
    ASSERT_LT(si, h.end(e));
    const int n_wires = geo.cdc[h.layer[cdc]].n_wires;
    switch (e % n_cases) {
      case 0: h.drift_length[cdc] = -1e-3f; break;
      case 1: h.drift_length[cdc] = nan; break;
      case 2: h.drift_length[cdc] = inf; break;
      case 3: h.sigma_rphi[cdc] = 0; break;
      case 4: h.sigma_rphi[cdc] = inf; break;
      case 5: h.wire[cdc] = -1; break;
      case 6: h.wire[cdc] = n_wires; break;
      case 7: h.sigma_z[si] = nan; break;
      case 8: h.sigma_rphi[si] = -inf; break;
      case 9: h.drift_length[cdc] = 0; break;       // valid
      case 10: h.drift_length[cdc] = -0.0f; break;  // valid
      case 11: h.wire[cdc] = n_wires - 1; break;    // valid (a hit off the track)
      default: break;                               // unchanged
    }
  }
  cpu::set_thread_count(1);
  const track::FitResult ref = cpu::fit_tracks(geo, h, track::FitOptions{}, cpu::TrackFitCode::scalar);
  ASSERT_EQ(ref.tracks.size(), h.n_events());
  for (std::uint64_t t = 0; t < ref.tracks.size(); ++t) {
    const bool bad = t % n_cases < 9;
    EXPECT_EQ(ref.tracks.status[t] == std::uint8_t(track::FitStatus::bad_input), bad) << "track " << t;
  }
  EXPECT_EQ(differences(ref, cpu::fit_tracks(geo, h, track::FitOptions{}, cpu::TrackFitCode::best)), 0u);
  EXPECT_EQ(differences(ref, cpu::fit_tracks(geo, h, track::FitOptions{}, cpu::TrackFitCode::lanes2)), 0u);
  cpu::set_thread_count(0);
}

}  // namespace
}  // namespace umbra::test
