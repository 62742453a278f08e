// CUDA instantiation of the track-fit test body (gpu label; skipped without a device).
#include "common/track_fit_tests.hpp"
#include "cuda/cuda_runner.hpp"
#include "umbra/cuda/track_fit.hpp"

namespace umbra::test {
struct CudaTrackFitRunner {
  static track::FitResult run(const tracker::TrackerGeometry& g, const TrackerHits& h, const track::FitOptions& o) {
    return cuda::fit_tracks(shared_cuda_context(), g, h, o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cuda, TrackFitTest, CudaTrackFitRunner);
}  // namespace umbra::test
