// CPU instantiation of the track-fit test body (tests/common/track_fit_tests.hpp), and the CPU-only
// check that Belle II's full annealing schedule (not the default) still resolves left/right.
#include "common/track_fit_tests.hpp"
#include "umbra/cpu/track_fit.hpp"

namespace umbra::test {
struct CpuTrackFitRunner {
  static track::FitResult run(const tracker::TrackerGeometry& g, const TrackerHits& h, const track::FitOptions& o) {
    return cpu::fit_tracks(g, h, o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, TrackFitTest, CpuTrackFitRunner);

// FitOptions with T = 100, 10, 1, 0.1 (four passes): >= 98% of the CDC sides right on isolated
// tracks, and every track fitted.
TEST(TrackFitSchedule, FullAnnealingResolvesLeftRight) {
  const auto geo = tracker::belle2_tracker();
  sim::TrackerResponseOptions so;
  so.material = false;
  so.noise_hits_per_event = 0;
  const McParticles mc = muon_gun(300, 0.3, 3.0, 40.0, 130.0, 53);
  const TrackerHits h = simulate_hits(geo, mc, so, 54);
  track::FitOptions o;
  o.material = false;
  o.n_temperatures = 4;
  const double t[4] = {100, 10, 1, 0.1};
  for (int i = 0; i < 4; ++i) o.temperatures[i] = t[i];
  const auto r = cpu::fit_tracks(geo, h, o);
  std::uint64_t n = 0, right = 0;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    EXPECT_EQ(r.tracks.status[e], 0) << e;
    double p[5];
    truth_helix(mc, e, geo.b_field, p);
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i) {
      if (h.detector[i] != 3) continue;
      ++n;
      right += (true_signed_drift(geo, p, track::Point3{}, h.layer[i], h.wire[i]) >= 0 ? 1 : -1) == r.hit_sign[i];
    }
  }
  std::printf("full annealing: left/right correct on %.4f of %llu CDC hits\n", double(right) / n,
              (unsigned long long)n);
  EXPECT_GE(double(right) / n, 0.98);
}
}  // namespace umbra::test
