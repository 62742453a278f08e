// The search chain is deterministic: for a fixed seed the candidates and the scan tables are the
// same bit for bit whatever the number of CPU threads (simulation keyed by (seed, event, item),
// per-event reconstruction and per-job fits that write only their own outputs).
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "umbra/analysis/alp_calibration.hpp"
#include "umbra/analysis/alp_search.hpp"
#include "umbra/cpu/for_each.hpp"

using namespace umbra;

namespace {

analysis::AlpSearchResult run_with_threads(int threads) {
  analysis::AlpSearchOptions opt;
  opt.lumi = 20;
  opt.backgrounds = {"ggg"};
  opt.signals = {{1.0, 3e-3}};
  opt.scan.masses = {0.6, 1.0, 2.5};
  opt.batch = 1500;  // several batches
  opt.seed = 11;
  cpu::set_thread_count(threads);
  auto r = analysis::run_alp_search(opt, analysis::default_alp_signal_table());
  cpu::set_thread_count(0);
  return r;
}

// Bitwise equality, so that -0.0 vs 0.0 or different NaN payloads would count as differences.
void expect_bits_equal(const std::vector<double>& a, const std::vector<double>& b, const char* what) {
  ASSERT_EQ(a.size(), b.size()) << what;
  EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(double))) << what;
}

}  // namespace

TEST(AlpSearch, CandidatesAndTablesAreBitIdenticalForOneAndTwoThreads) {
  const auto one = run_with_threads(1);
  const auto two = run_with_threads(2);
  ASSERT_GT(one.candidates.size(), 50u);  // a non-trivial sample
  EXPECT_EQ(one.candidates.event_offsets, two.candidates.event_offsets);
  expect_bits_equal(one.candidates.m2_gg, two.candidates.m2_gg, "m2_gg");
  expect_bits_equal(one.candidates.m2_recoil, two.candidates.m2_recoil, "m2_recoil");
  EXPECT_EQ(one.candidate_process, two.candidate_process);
  const scan::ScanResult &a = one.scan, &b = two.scan;
  expect_bits_equal(a.n_sig, b.n_sig, "n_sig");
  expect_bits_equal(a.n_sig_err, b.n_sig_err, "n_sig_err");
  expect_bits_equal(a.significance, b.significance, "significance");
  expect_bits_equal(a.limit_obs, b.limit_obs, "limit_obs");
  expect_bits_equal(a.limit_exp_median, b.limit_exp_median, "limit_exp_median");
  expect_bits_equal(a.limit_exp_m2, b.limit_exp_m2, "limit_exp_m2");
  expect_bits_equal(a.limit_exp_p2, b.limit_exp_p2, "limit_exp_p2");
  expect_bits_equal(a.g_obs, b.g_obs, "g_obs");
  expect_bits_equal(a.g_exp_median, b.g_exp_median, "g_exp_median");
  EXPECT_EQ(a.status, b.status);
  EXPECT_EQ(a.max_significance, b.max_significance);
}
