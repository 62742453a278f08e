// CPU instantiation of the batched-scan tests (body in tests/common), plus thread-count independence.
#include "common/scan_batched_tests.hpp"
#include "umbra/cpu/for_each.hpp"

namespace umbra::test {
struct CpuScanBatched {
  static void run_jobs(const scan::PackedWindows& w, const scan::batched::FitConfig& c, double z,
                       scan::BatchedJobs& out) {
    scan::run_jobs_cpu(w, c, z, out);
  }
  static const char* name() { return "cpu"; }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, ScanBatchedTest, ::testing::Types<CpuScanBatched>);

TEST(ScanBatchedCpu, ResultsDoNotDependOnTheThreadCount) {
  using namespace scan;
  scan::test::ToyBackground bg;
  bg.lo = 0.3, bg.hi = 2.2, bg.expected = 30000;
  Spectrum s;
  s.m2_gg = scan::test::make_toy(bg, CrystalBallShape{1.0, 0.02, 1.0, 3.0}, 150, 5, 0);
  ScanOptions o;
  o.masses = {0.9, 0.95, 1.0, 1.05, 1.1, 1.15, 1.2};
  cpu::set_thread_count(1);
  const ScanResult a = run_scan_batched(s, SignalTable::default_table(), o);
  cpu::set_thread_count(2);
  const ScanResult b = run_scan_batched(s, SignalTable::default_table(), o);
  cpu::set_thread_count(0);
  ASSERT_EQ(a.jobs.size(), b.jobs.size());
  for (std::size_t j = 0; j < a.jobs.size(); ++j) {
    EXPECT_EQ(a.jobs[j].n_sig, b.jobs[j].n_sig);
    EXPECT_EQ(a.jobs[j].limit_obs, b.jobs[j].limit_obs);
    EXPECT_EQ(a.jobs[j].limit_exp[2], b.jobs[j].limit_exp[2]);
  }
}
}  // namespace umbra::test
