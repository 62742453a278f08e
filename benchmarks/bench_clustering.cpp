// ECL clustering + shower shapes per backend on simulated 3-photon ALP events (m_a = 0.5 GeV)
// with nominal beam background (183 out-of-time digits per event): events/s, CPU with 1 thread
// and all threads, CUDA (transfers reported separately) when a device is present.
#include <benchmark/benchmark.h>

#include "process_cpu_time.hpp"
#include "replicated_events.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/sim/simulate.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/ecl_clustering.hpp"
#endif

namespace {

using umbra::bench::process_cpu_seconds;

const umbra::EventBatch& alp_events(std::uint64_t n) {
  static std::uint64_t cached_n = 0;
  static umbra::EventBatch b;
  if (cached_n != n) {
    umbra::sim::SimulationOptions o;
    o.process = "alp";
    o.mass = 0.5;
    o.beam_background = 1.0;
    o.tracker = false;
    o.seed = 5;
    b = umbra::sim::simulate(o, 0, n);
    cached_n = n;
  }
  return b;
}

/// Default options (issue 5: seed 10 MeV, growth 10 MeV, digit 0.5 MeV, no seed timing cut); with
/// `seed_time_cut` the out-of-time background seeds (|t| > 110 ns) make no shower.
void run_cpu(benchmark::State& state, bool seed_time_cut) {
  const umbra::ecl::EclGeometry geo;
  const auto& b = alp_events(20000);
  umbra::ecl::ClusteringOptions opt;
  if (seed_time_cut) opt.seed_max_abs_time = 110.0;
  umbra::cpu::set_thread_count(int(state.range(0)));
  std::uint64_t showers = 0;
  double cpu_s = 0;
  for (auto _ : state) {
    const double c0 = process_cpu_seconds();
    const auto r = umbra::cpu::cluster_ecl(geo, b.digits, opt);
    cpu_s += process_cpu_seconds() - c0;
    showers = r.showers.size();
    benchmark::DoNotOptimize(showers);
  }
  state.counters["events/cpu_s"] = double(state.iterations() * b.n_events()) / cpu_s;
  state.counters["threads"] = umbra::cpu::thread_count();
  umbra::cpu::set_thread_count(0);
  state.SetItemsProcessed(int64_t(state.iterations() * b.n_events()));
  state.counters["events/s"] = benchmark::Counter(double(state.iterations() * b.n_events()), benchmark::Counter::kIsRate);
  state.counters["digits/event"] = double(b.digits.size()) / double(b.n_events());
  state.counters["showers/event"] = double(showers) / double(b.n_events());
}
void BM_ClusteringCpu(benchmark::State& state) { run_cpu(state, false); }
void BM_ClusteringCpuSeedTimeCut(benchmark::State& state) { run_cpu(state, true); }
BENCHMARK(BM_ClusteringCpu)->Arg(1)->Arg(0)->ArgName("threads(0=all)")->Unit(benchmark::kMillisecond)->UseRealTime();
BENCHMARK(BM_ClusteringCpuSeedTimeCut)->Arg(1)->ArgName("threads")->Unit(benchmark::kMillisecond)->UseRealTime();

#ifdef UMBRA_WITH_CUDA
void BM_ClusteringCuda(benchmark::State& state) {
  if (umbra::cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  umbra::cuda::Context ctx;
  const umbra::EclDigits digits = umbra::bench::replicated_events(alp_events(20000).digits, int(state.range(0)));
  double up = 0, kern = 0, down = 0;
  for (auto _ : state) {
    const auto r = umbra::cuda::cluster_ecl(ctx, digits);
    up += r.summary.upload_ms, kern += r.summary.kernel_ms, down += r.summary.download_ms;
    benchmark::DoNotOptimize(r.showers.size());
  }
  const double n = double(state.iterations());
  state.counters["upload_ms"] = up / n;
  state.counters["kernel_ms"] = kern / n;
  state.counters["download_ms"] = down / n;
  state.counters["events/s"] = benchmark::Counter(n * double(digits.n_events()), benchmark::Counter::kIsRate);
  state.counters["kernel_events/s"] = double(digits.n_events()) / (kern / n * 1e-3);
}
BENCHMARK(BM_ClusteringCuda)->Arg(1)->Arg(10)->ArgName("copies_of_20k_events")->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace
