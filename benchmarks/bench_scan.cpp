// Mass-scan benchmarks (issue 8): the full scan of 2,000 masses x 9 variants on a 1e6-event toy
// spectrum on all cores, and single window fits (one thread) to compare per fit with iminuit
// (bench_scan_iminuit.py). Figures: benchmarks/results/scan.md.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <fstream>

#include "bench_scan_spectrum.hpp"
#include "umbra/cpu/for_each.hpp"

using namespace umbra;

namespace {

const scan::Spectrum& spectrum() { return bench::prepared_benchmark_spectrum(); }

void BM_FullScan(benchmark::State& state) {
  const scan::SignalTable table = scan::SignalTable::default_table();
  scan::ScanOptions opt;
  opt.masses = bench::benchmark_masses(int(state.range(0)));
  scan::ScanSummary sum;
  for (auto _ : state) {
    const scan::ScanResult r = scan::run_scan(spectrum(), table, opt, &sum);
    benchmark::DoNotOptimize(r.significance.data());
  }
  state.counters["threads"] = sum.threads;
  state.counters["jobs"] = double(sum.jobs);
  state.counters["fits"] = double(sum.fits);
  state.counters["failed_fits"] = double(sum.failed_fits);
  state.counters["us_per_fit_core"] =
      benchmark::Counter(double(sum.fits) / sum.threads, benchmark::Counter::kIsIterationInvariantRate |
                                                             benchmark::Counter::kInvert);
  std::fprintf(stderr, "%s\n", sum.brief().c_str());
}
BENCHMARK(BM_FullScan)->Arg(2000)->Unit(benchmark::kSecond)->Iterations(1)->UseRealTime();

// One window job (B-only + S+B + Asimov + limit fits) at a few masses, single thread.
void BM_WindowJob(benchmark::State& state) {
  cpu::set_thread_count(1);
  const scan::SignalTable table = scan::SignalTable::default_table();
  scan::ScanOptions opt;
  const scan::Window w = scan::make_window(state.range(0) / 1000.0, {}, table, opt);
  int fits = 0;
  for (auto _ : state) {
    const scan::JobResult r = scan::analyse_window(spectrum(), w, opt);
    fits += r.fits;
    benchmark::DoNotOptimize(r.limit_obs);
  }
  state.counters["fits_per_job"] = double(fits) / state.iterations();
  state.counters["us_per_fit"] = benchmark::Counter(fits, benchmark::Counter::kIsRate | benchmark::Counter::kInvert);
  cpu::set_thread_count(0);
}
BENCHMARK(BM_WindowJob)->Arg(300)->Arg(1000)->Arg(5000)->Arg(9000)->Unit(benchmark::kMicrosecond);

// A single S+B fit (from the B-only result), as iminuit is timed in bench_scan_iminuit.py.
void BM_SingleFit(benchmark::State& state) {
  const scan::SignalTable table = scan::SignalTable::default_table();
  scan::ScanOptions opt;
  const scan::Window w = scan::make_window(state.range(0) / 1000.0, {}, table, opt);
  const scan::WindowHistogram h = scan::make_histogram(spectrum(), w, opt);
  const scan::BinnedView v = h.view(w, opt);
  scan::FitOptions fo;
  fo.compute_errors = state.range(1) != 0;
  const scan::FitResult b = scan::fit_binned(v, {scan::FitMode::background_only});
  for (auto _ : state) {
    const scan::FitResult sb = scan::fit_binned(v, {scan::FitMode::signal_plus_background, 0, b.params.data()}, fo);
    benchmark::DoNotOptimize(sb.nll);
  }
  state.counters["bins"] = v.n_bins;
}
// Second argument: 1 = with Ceres' covariance (as the scan's S+B fit), 0 = the minimisation alone.
BENCHMARK(BM_SingleFit)->ArgsProduct({{300, 1000, 5000, 9000}, {0, 1}})->Unit(benchmark::kMicrosecond);

}  // namespace
