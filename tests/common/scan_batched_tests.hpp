#pragma once
// The batched-scan test body, written once and instantiated per backend (tests/scan_batched for
// the CPU runner, tests/cuda for the CUDA runner). A runner is a type with
//   static void run_jobs(const scan::PackedWindows&, const scan::batched::FitConfig&, double z,
//                        scan::BatchedJobs&);
//   static const char* name();
// The reference is the Ceres path of the orchestrator (fit_binned, analyse_window, run_scan).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "scan/toy_spectrum.hpp"
#include "umbra/core/error.hpp"
#include "umbra/scan/scan_batched.hpp"
#include "umbra/scan/statistics.hpp"

namespace umbra::test {

/// The batched-scan tests' spectrum: a falling background on M^2_gg in [0.3, 2.2] GeV^2 with
/// `n_signal` Crystal Ball events at 1 GeV^2 (sigma 0.02 GeV^2).
inline scan::Spectrum peaked_toy(std::uint64_t seed, double n_signal, double bg_events = 30000) {
  scan::test::ToyBackground bg;
  bg.lo = 0.3, bg.hi = 2.2, bg.expected = bg_events;
  scan::Spectrum s;
  s.m2_gg = scan::test::make_toy(bg, scan::CrystalBallShape{1.0, 0.02, 1.0, 3.0}, n_signal, seed, 0);
  s.prepare("toy");
  return s;
}

template <class Runner>
class ScanBatchedTest : public ::testing::Test {
 protected:
  static scan::Spectrum toy(std::uint64_t seed, double n_signal, double bg_events = 30000) {
    return peaked_toy(seed, n_signal, bg_events);
  }
  static scan::ScanOptions grid() {
    scan::ScanOptions o;
    o.masses = {0.9, 0.95, 1.0, 1.05, 1.1};
    return o;
  }
  static scan::ScanResult run(const scan::Spectrum& s, const scan::ScanOptions& o, scan::BatchedScanSummary* sum = nullptr) {
    return scan::run_scan_batched_with(Runner::run_jobs, Runner::name(), s, scan::SignalTable::default_table(), o,
                                       sum, {});
  }
};
TYPED_TEST_SUITE_P(ScanBatchedTest);

// Per window: the B-only and S+B fits of the batched jobs against fit_binned (Ceres) from the same
// starts -- NLL minimum within 1e-6 relative, parameters within 1e-3 of their uncertainty, status.
TYPED_TEST_P(ScanBatchedTest, WindowFitsAgreeWithCeres) {
  using namespace scan;
  const SignalTable table = SignalTable::default_table();
  for (Basis basis : {Basis::chebyshev, Basis::bernstein}) {
    ScanOptions o = this->grid();
    o.basis = basis;
    const Spectrum s = this->toy(21, 200);
    std::vector<Window> windows;
    for (double m : o.masses)
      for (const Variant& v : o.variants) windows.push_back(make_window(m, v, table, o));
    const PackedWindows packed = pack_windows(s, windows, o);
    BatchedJobs out;
    out.resize(packed.size());
    TypeParam::run_jobs(packed, fit_config(o), normal_quantile(o.cl), out);
    double worst_nll = 0, worst_pull = 0;
    for (std::uint64_t j = 0; j < packed.size(); ++j) {
      const WindowHistogram h = make_histogram(s, windows[j], o);
      const BinnedView v = h.view(windows[j], o);
      const int np = v.n_params();
      std::vector<double> start(np, 0.0);
      linear_background_start(v, start.data());
      const FitResult fb = fit_binned(v, {FitMode::background_only, 0, start.data()}, o.fit);
      const FitResult fsb = fit_binned(v, {FitMode::signal_plus_background, 0, fb.params.data()}, o.fit);
      ASSERT_TRUE(fb.converged() && fsb.converged()) << j;
      EXPECT_EQ(out.status[j], 0) << "job " << j;  // every Ceres fit here converged at once, so must ours
      const double nll_b = out.nll_b[j], nll_sb = fsb.nll < fb.nll ? fsb.nll : fb.nll;
      EXPECT_NEAR(nll_b, fb.nll, 1e-6 * fb.nll) << j;
      EXPECT_NEAR(out.nll_sb[j], nll_sb, 1e-6 * nll_sb) << j;
      worst_nll = std::max({worst_nll, std::abs(nll_b / fb.nll - 1), std::abs(out.nll_sb[j] / nll_sb - 1)});
      for (int a = 0; a < np; ++a) {
        if (fsb.errors[a] > 0) {
          const double pull = std::abs(out.params_sb[batched::np_max * j + a] - fsb.params[a]) / fsb.errors[a];
          EXPECT_LT(pull, 1e-3) << "job " << j << " S+B parameter " << a;
          worst_pull = std::max(worst_pull, pull);
          // B-only parameters on the scale of the S+B errors (B-only has no yield/nuisance errors).
          if (a >= p_background) {
            const double pb = std::abs(out.params_b[batched::np_max * j + a] - fb.params[a]) / fsb.errors[a];
            EXPECT_LT(pb, 1e-3) << "job " << j << " B-only parameter " << a;
            worst_pull = std::max(worst_pull, pb);
          }
        }
      }
      EXPECT_NEAR(out.n_sig_err[j], fsb.errors[p_yield], 1e-3 * fsb.errors[p_yield]) << j;
    }
    std::printf("[%s basis %d] %llu windows: worst |NLL/NLL_ceres - 1| = %.2e, worst |dp|/sigma_p = %.2e\n",
                TypeParam::name(), int(basis), (unsigned long long)packed.size(), worst_nll, worst_pull);
  }
}

// Whole jobs and per-mass columns against the Ceres path's run_scan on a small grid.
TYPED_TEST_P(ScanBatchedTest, FullScanAgreesWithCeres) {
  using namespace scan;
  for (double n_signal : {150.0, 0.0}) {
    const Spectrum s = this->toy(7 + int(n_signal), n_signal);
    const ScanOptions o = this->grid();
    const ScanResult ref = run_scan(s, SignalTable::default_table(), o);
    BatchedScanSummary sum;
    const ScanResult r = this->run(s, o, &sum);
    std::printf("[%s] %s\n", TypeParam::name(), sum.brief().c_str());
    EXPECT_EQ(sum.ceres_reruns, 0);
    ASSERT_EQ(r.jobs.size(), ref.jobs.size());
    double worst_limit = 0, worst_z = 0;
    for (std::size_t j = 0; j < r.jobs.size(); ++j) {
      const JobResult &a = r.jobs[j], &b = ref.jobs[j];
      EXPECT_EQ(a.status, b.status) << j;
      EXPECT_EQ(a.n_bins, b.n_bins) << j;
      EXPECT_EQ(a.n_events, b.n_events) << j;
      EXPECT_NEAR(a.nll_sb, b.nll_sb, 1e-6 * b.nll_sb) << j;
      EXPECT_NEAR(a.nll_b, b.nll_b, 1e-6 * b.nll_b) << j;
      EXPECT_NEAR(a.n_sig, b.n_sig, 1e-3 * b.n_sig_err) << j;
      EXPECT_NEAR(a.n_sig_err, b.n_sig_err, 1e-3 * b.n_sig_err) << j;
      EXPECT_NEAR(a.significance, b.significance, 2e-3) << j;
      EXPECT_NEAR(a.sigma_asimov, b.sigma_asimov, 1e-3 * b.sigma_asimov) << j;
      // The limit iteration stops at |sqrt(q) - z| < 2e-3 z: agreement to a few 1e-3 sigma(N).
      EXPECT_NEAR(a.limit_obs, b.limit_obs, 5e-3 * b.n_sig_err) << j;
      EXPECT_NEAR(a.chi2_ndf, b.chi2_ndf, 1e-6 * (1 + b.chi2_ndf)) << j;
      worst_limit = std::max(worst_limit, std::abs(a.limit_obs - b.limit_obs) / b.n_sig_err);
      worst_z = std::max(worst_z, std::abs(a.significance - b.significance));
    }
    for (std::size_t m = 0; m < r.mass.size(); ++m) {
      EXPECT_EQ(r.status[m], ref.status[m]);
      EXPECT_NEAR(r.g_obs[m], ref.g_obs[m], 1e-3 * ref.g_obs[m]);
      EXPECT_NEAR(r.g_exp_median[m], ref.g_exp_median[m], 1e-3 * ref.g_exp_median[m]);
    }
    EXPECT_NEAR(r.max_significance, ref.max_significance, 2e-3);
    EXPECT_EQ(r.upcrossings, ref.upcrossings);
    std::printf("[%s] N_sig = %g: worst |dlimit|/sigma_N = %.2e, worst |dZ| = %.2e\n", TypeParam::name(), n_signal,
                worst_limit, worst_z);
  }
}

// Refusals are the Ceres path's.
TYPED_TEST_P(ScanBatchedTest, RefusesBadInputLikeRunScan) {
  using namespace scan;
  ScanOptions o = this->grid();
  o.masses = {3.0};
  try {
    this->run(this->toy(1, 0), o);
    FAIL() << "no exception";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("empty fit window for m = 3 GeV"), std::string::npos) << e.what();
  }
  o = this->grid();
  o.lumi = -1;
  EXPECT_THROW(this->run(this->toy(1, 0), o), OptionsError);
}

REGISTER_TYPED_TEST_SUITE_P(ScanBatchedTest, WindowFitsAgreeWithCeres, FullScanAgreesWithCeres,
                            RefusesBadInputLikeRunScan);

}  // namespace umbra::test
