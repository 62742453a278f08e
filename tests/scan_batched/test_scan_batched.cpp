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

TEST(ScanBatchedCpu, PackedWindowsAreMakeHistogramsBitForBit) {
  // pack_windows computes the counts once per distinct (observable, range, bins): every window,
  // shared or not, must still be exactly its own make_histogram.
  using namespace scan;
  const Spectrum s = peaked_toy(5, 150);
  ScanOptions o;
  o.masses = {0.9, 1.0, 1.1};
  const SignalTable table = SignalTable::default_table();
  std::vector<Window> windows;
  for (double m : o.masses)
    for (const Variant& v : o.variants) windows.push_back(make_window(m, v, table, o));
  const PackedWindows p = pack_windows(s, windows, o);
  const batched::WindowsView wv = p.view();
  for (std::size_t j = 0; j < windows.size(); ++j) {
    const WindowHistogram h = make_histogram(s, windows[j], o);
    const BinnedView v = wv.window(j);
    ASSERT_EQ(std::size_t(v.n_bins), h.counts.size()) << j;
    EXPECT_EQ(p.n_events[j], std::int64_t(h.last - h.first)) << j;
    for (int i = 0; i <= v.n_bins; ++i) EXPECT_EQ(v.edges[i], h.edges[i]) << j;
    for (int i = 0; i < v.n_bins; ++i) EXPECT_EQ(v.counts[i], h.counts[i]) << j;
    for (std::size_t k = 0; k < h.basis_integrals.size(); ++k) EXPECT_EQ(v.basis_integrals[k], h.basis_integrals[k]) << j;
  }
}

TEST(ScanBatchedCpu, ResultsDoNotDependOnTheThreadCount) {
  using namespace scan;
  const Spectrum s = peaked_toy(5, 150);
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
