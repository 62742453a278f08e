// Digit kinematics (crystal positions + per-event energy sums) per backend: the one-source
// pattern's overhead floor. Items/s counts digits.
#include <benchmark/benchmark.h>

#include "io/random_events.hpp"
#include "umbra/cpu/digit_kinematics.hpp"
#include "umbra/cpu/for_each.hpp"
#ifdef UMBRA_WITH_CUDA
#include "cuda_phase_times.hpp"
#include "umbra/cuda/digit_kinematics.hpp"
#endif

namespace {

const umbra::EventBatch& batch() {
  static const umbra::EventBatch b = umbra::test::random_events(100000, 3);
  return b;
}

void BM_DigitKinematicsCpu(benchmark::State& state) {
  const umbra::ecl::EclGeometry geo;
  const auto& b = batch();
  umbra::cpu::set_thread_count(int(state.range(0)));
  for (auto _ : state) benchmark::DoNotOptimize(umbra::cpu::digit_kinematics(geo, b.digits));
  umbra::cpu::set_thread_count(0);
  state.SetItemsProcessed(int64_t(state.iterations() * b.digits.size()));
  state.counters["events/s"] = benchmark::Counter(double(state.iterations() * b.n_events()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DigitKinematicsCpu)->Arg(1)->Arg(0)->ArgName("threads(0=all)")->Unit(benchmark::kMillisecond);

#ifdef UMBRA_WITH_CUDA
void BM_DigitKinematicsCuda(benchmark::State& state) {
  if (umbra::cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  umbra::cuda::Context ctx;
  const auto& b = batch();
  umbra::bench::CudaPhaseTimes times;
  for (auto _ : state) {
    umbra::cuda::Timings t;
    benchmark::DoNotOptimize(umbra::cuda::digit_kinematics(ctx, b.digits, &t));
    times.add(t);
  }
  times.report(state);
  state.SetItemsProcessed(int64_t(state.iterations() * b.digits.size()));
  state.counters["events/s"] =
      benchmark::Counter(double(state.iterations()) * double(b.n_events()), benchmark::Counter::kIsRate);
}
BENCHMARK(BM_DigitKinematicsCuda)->Unit(benchmark::kMillisecond);
#endif

}  // namespace
