// Batched scan fits (issue 9): the full scan of 2,000 masses x 9 variants on the 1e6-event toy
// spectrum of bench_scan (issue 8), with the Ceres path and the batched CPU backend on the same
// cores in the same run, and the CUDA backend (both job layouts) where a device is present. The
// batched runs print their agreement with the Ceres run. Figures: benchmarks/results/scan_batched.md.
#include <benchmark/benchmark.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "bench_scan_spectrum.hpp"
#include "umbra/scan/scan_batched.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/scan_batched.hpp"
#endif

using namespace umbra;

namespace {

const scan::Spectrum& spectrum() { return bench::prepared_benchmark_spectrum(); }

scan::ScanOptions options(int masses) {
  scan::ScanOptions opt;
  opt.masses = bench::benchmark_masses(masses);
  return opt;
}

std::map<int, scan::ScanResult>& ceres_results() {
  static std::map<int, scan::ScanResult> r;
  return r;
}

void set_counters(benchmark::State& state, const scan::ScanSummary& sum) {
  state.counters["threads"] = sum.threads;
  state.counters["jobs"] = double(sum.jobs);
  state.counters["fits"] = double(sum.fits);
  state.counters["failed_fits"] = double(sum.failed_fits);
}

/// Agreement of a batched scan with the Ceres run of the same grid (when that ran first).
void compare(benchmark::State& state, const scan::ScanResult& r, int masses, const char* what) {
  const auto it = ceres_results().find(masses);
  if (it == ceres_results().end()) return;
  const scan::ScanResult& ref = it->second;
  // Maxima over the jobs both paths fitted without a failure; jobs outside the tolerances
  // (NLL 1e-6 relative, yield 1e-3 sigma) counted, the worst few listed.
  double d_nll = 0, d_nsig = 0, d_lim = 0, d_z = 0;
  int status_diff = 0, both_ok = 0, outside = 0, listed = 0;
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const scan::JobResult &a = r.jobs[j], &b = ref.jobs[j];
    status_diff += a.status != b.status;
    if (a.status == scan::FitStatus::failed || b.status == scan::FitStatus::failed) continue;
    ++both_ok;
    const double dn = std::max(std::abs(a.nll_sb / b.nll_sb - 1), std::abs(a.nll_b / b.nll_b - 1));
    const double ds = b.n_sig_err > 0 ? std::abs(a.n_sig - b.n_sig) / b.n_sig_err : 0.0;
    d_nll = std::max(d_nll, dn), d_nsig = std::max(d_nsig, ds);
    if (b.n_sig_err > 0) d_lim = std::max(d_lim, std::abs(a.limit_obs - b.limit_obs) / b.n_sig_err);
    d_z = std::max(d_z, std::abs(a.significance - b.significance));
    if (dn > 1e-6 || ds > 1e-3) {
      ++outside;
      if (listed++ < 5)
        std::fprintf(stderr, "  job %zu (m = %.4f GeV, order %d): NLL_sb %.9g vs %.9g, NLL_b %.9g vs %.9g, N %.4g vs %.4g +- %.3g, status %d vs %d\n",
                     j, a.window.mass, a.window.order, a.nll_sb, b.nll_sb, a.nll_b, b.nll_b, a.n_sig, b.n_sig,
                     b.n_sig_err, int(a.status), int(b.status));
    }
  }
  std::fprintf(stderr,
               "%s vs Ceres over %zu jobs: status differs in %d; %d jobs fitted by both without failure, %d of them "
               "outside tolerance; over those: max |NLL/NLL_ceres - 1| %.2e, max |dN|/sigma_N %.2e, max "
               "|dlimit|/sigma_N %.2e, max |dZ| %.2e\n",
               what, r.jobs.size(), status_diff, both_ok, outside, d_nll, d_nsig, d_lim, d_z);
  state.counters["outside_tol"] = outside;
  state.counters["status_diff"] = status_diff;
  state.counters["max_rel_dnll"] = d_nll;
  state.counters["max_dN_over_sigma"] = d_nsig;
}

void BM_FullScanCeres(benchmark::State& state) {
  const scan::SignalTable table = scan::SignalTable::default_table();
  const int masses = int(state.range(0));
  const scan::ScanOptions opt = options(masses);
  scan::ScanSummary sum;
  const scan::Spectrum& s = spectrum();  // generated outside the timed loop
  for (auto _ : state) {
    scan::ScanResult r = scan::run_scan(s, table, opt, &sum);
    benchmark::DoNotOptimize(r.significance.data());
    ceres_results()[masses] = std::move(r);
  }
  set_counters(state, sum);
  std::fprintf(stderr, "ceres: %s\n", sum.brief().c_str());
}

void BM_FullScanBatchedCpu(benchmark::State& state) {
  const scan::SignalTable table = scan::SignalTable::default_table();
  const int masses = int(state.range(0));
  const scan::ScanOptions opt = options(masses);
  scan::BatchedScanSummary sum;
  scan::ScanResult r;
  const scan::Spectrum& s = spectrum();
  for (auto _ : state) {
    r = scan::run_scan_batched(s, table, opt, &sum);
    benchmark::DoNotOptimize(r.significance.data());
  }
  set_counters(state, sum.scan);
  state.counters["ceres_reruns"] = double(sum.ceres_reruns);
  state.counters["pack_s"] = sum.pack_seconds;
  state.counters["fit_s"] = sum.fit_seconds;
  state.counters["newton_steps"] = double(sum.batched_iterations);
  std::fprintf(stderr, "%s\n", sum.brief().c_str());
  compare(state, r, masses, "batched cpu");
}

// Ceres first, so that the batched runs can report their agreement with it.
// CPU time of the whole process (all OpenMP threads): the fair comparison on a loaded machine.
BENCHMARK(BM_FullScanCeres)->Arg(2000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime()->MeasureProcessCPUTime();
BENCHMARK(BM_FullScanBatchedCpu)->Arg(2000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime()->MeasureProcessCPUTime();

#ifdef UMBRA_WITH_CUDA
// Second argument: 0 = one job per warp (default), 1 = one job per thread.
void BM_FullScanBatchedCuda(benchmark::State& state) {
  if (cuda::device_count() == 0) {
    state.SkipWithError(("no CUDA device: " + cuda::device_description()).c_str());
    for (auto _ : state) {
    }
    return;
  }
  static cuda::Context ctx(0);
  const scan::SignalTable table = scan::SignalTable::default_table();
  const int masses = int(state.range(0));
  const auto layout = cuda::ScanJobLayout(state.range(1));
  const scan::ScanOptions opt = options(masses);
  scan::BatchedScanSummary sum;
  scan::ScanResult r;
  cuda::Timings t;
  for (auto _ : state) {
    t = {};
    r = cuda::run_scan_batched(ctx, spectrum(), table, opt, &sum, {}, layout, &t);
    benchmark::DoNotOptimize(r.significance.data());
  }
  set_counters(state, sum.scan);
  state.counters["ceres_reruns"] = double(sum.ceres_reruns);
  state.counters["kernel_ms"] = t.kernel_ms;
  state.counters["copy_ms"] = t.upload_ms + t.download_ms;
  state.counters["pack_s"] = sum.pack_seconds;
  std::fprintf(stderr, "%s on %s\n", sum.brief().c_str(), cuda::device_description().c_str());
  compare(state, r, masses, layout == cuda::ScanJobLayout::warp_per_job ? "cuda warp" : "cuda thread");
}
BENCHMARK(BM_FullScanBatchedCuda)->ArgsProduct({{2000}, {0, 1}})->Unit(benchmark::kSecond)->Iterations(2)->UseRealTime();
#endif

}  // namespace
