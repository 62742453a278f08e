// CPU instantiation of the track-fit test body (tests/common/track_fit_tests.hpp).
#include "common/track_fit_tests.hpp"
#include "umbra/cpu/track_fit.hpp"

namespace umbra::test {
struct CpuTrackFitRunner {
  static track::FitResult run(const tracker::TrackerGeometry& g, const TrackerHits& h, const track::FitOptions& o) {
    return cpu::fit_tracks(g, h, o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, TrackFitTest, CpuTrackFitRunner);
}  // namespace umbra::test
