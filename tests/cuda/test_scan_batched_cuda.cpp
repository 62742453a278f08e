// CUDA instantiation of the batched-scan tests (gpu label): skipped without a device. Both job
// layouts (warp per job, thread per job) run the common body.
#include "common/scan_batched_tests.hpp"
#include "cuda/cuda_runner.hpp"
#include "umbra/cuda/scan_batched.hpp"

namespace umbra::test {
template <cuda::ScanJobLayout L>
struct CudaScanBatched {
  static void run_jobs(const scan::PackedWindows& w, const scan::batched::FitConfig& c, double z,
                       scan::BatchedJobs& out) {
    cuda::run_scan_jobs(shared_cuda_context(), w, c, z, out, L);
  }
  static const char* name() { return L == cuda::ScanJobLayout::warp_per_job ? "cuda-warp" : "cuda-thread"; }
};
using CudaLayouts = ::testing::Types<CudaScanBatched<cuda::ScanJobLayout::warp_per_job>,
                                     CudaScanBatched<cuda::ScanJobLayout::thread_per_job>>;
INSTANTIATE_TYPED_TEST_SUITE_P(Cuda, ScanBatchedTest, CudaLayouts);

// Device and CPU backends agree job by job (same source; rounding differs only by the warp's
// chunked sums and the device's contractions).
TEST(ScanBatchedCuda, AgreesWithCpuBackend) {
  using namespace scan;
  const Spectrum s = peaked_toy(9, 150);
  ScanOptions o;
  o.masses = {0.9, 0.95, 1.0, 1.05, 1.1};
  const ScanResult c = run_scan_batched(s, SignalTable::default_table(), o);
  const ScanResult g = cuda::run_scan_batched(shared_cuda_context(), s, SignalTable::default_table(), o);
  ASSERT_EQ(c.jobs.size(), g.jobs.size());
  for (std::size_t j = 0; j < c.jobs.size(); ++j) {
    EXPECT_EQ(c.jobs[j].status, g.jobs[j].status) << j;
    EXPECT_NEAR(c.jobs[j].nll_sb, g.jobs[j].nll_sb, 1e-9 * c.jobs[j].nll_sb) << j;
    EXPECT_NEAR(c.jobs[j].n_sig, g.jobs[j].n_sig, 1e-4 * c.jobs[j].n_sig_err) << j;
    EXPECT_NEAR(c.jobs[j].limit_obs, g.jobs[j].limit_obs, 1e-3 * c.jobs[j].n_sig_err) << j;
  }
}
}  // namespace umbra::test
