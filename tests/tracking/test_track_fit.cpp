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
  const IsolatedMuons s = isolated_muons(300, 53);
  track::FitOptions o;
  o.material = false;
  o.n_temperatures = 4;
  const double t[4] = {100, 10, 1, 0.1};
  for (int i = 0; i < 4; ++i) o.temperatures[i] = t[i];
  const auto r = cpu::fit_tracks(s.geo, s.hits, o);
  for (std::uint64_t e = 0; e < s.hits.n_events(); ++e) EXPECT_EQ(r.tracks.status[e], 0) << e;
  std::uint64_t n = 0;
  const double correct = left_right_correct(s, r, &n);
  std::printf("full annealing: left/right correct on %.4f of %llu CDC hits\n", correct, (unsigned long long)n);
  EXPECT_GE(correct, 0.98);
}
}  // namespace umbra::test
