// Bulk track fit throughput: tracks/s on the CPU backend with 1 thread and all threads (and the
// CUDA backend when built and a device is present). Input: 2000 simulated muons 0.2-5 GeV
// (~58 hits each), material on, default options (pion hypothesis, DAF 100 -> 0.1).
#include <benchmark/benchmark.h>

#include "tracking/track_samples.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/cpu/track_fit.hpp"
#if defined(UMBRA_WITH_CUDA)
#include "umbra/cuda/track_fit.hpp"
#endif

namespace {
using namespace umbra;

const TrackerHits& sample() {
  static const TrackerHits h = [] {
    const auto geo = tracker::belle2_tracker();
    const McParticles mc = test::muon_gun(2000, 0.2, 5.0, 35.0, 135.0, 1);
    return test::simulate_hits(geo, mc, {}, 2);
  }();
  return h;
}

void BM_FitCpu(benchmark::State& state) {
  const auto geo = tracker::belle2_tracker();
  const TrackerHits& h = sample();
  cpu::set_thread_count(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(cpu::fit_tracks(geo, h));
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * std::int64_t(h.n_events()));
  state.SetLabel(std::to_string(state.range(0) > 0 ? state.range(0) : cpu::thread_count()) + " threads");
}
BENCHMARK(BM_FitCpu)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->UseRealTime();

#if defined(UMBRA_WITH_CUDA)
void BM_FitCuda(benchmark::State& state) {
  if (cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const auto geo = tracker::belle2_tracker();
  const TrackerHits& h = sample();
  cuda::Context ctx;
  for (auto _ : state) benchmark::DoNotOptimize(cuda::fit_tracks(ctx, geo, h));
  state.SetItemsProcessed(state.iterations() * std::int64_t(h.n_events()));
}
BENCHMARK(BM_FitCuda)->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace
