// Fast-simulation throughput: ALP (three-photon) events per second on one thread, with the full
// ECL response (showers, noise, nominal beam background, threshold, times) into an EventBatch.
// Target (issue 4): >= 20,000 events/s per core. Also the generator alone and QED processes.
#include <benchmark/benchmark.h>

#include "umbra/cpu/for_each.hpp"
#include "umbra/sim/simulate.hpp"

namespace {

void run(benchmark::State& state, umbra::sim::SimulationOptions o) {
  umbra::cpu::set_thread_count(1);
  const std::uint64_t n = 4096;
  std::uint64_t first = 0;
  for (auto _ : state) {
    auto batch = umbra::sim::simulate(o, first, n);
    benchmark::DoNotOptimize(batch.digits.energy.data());
    first += n;
  }
  state.SetItemsProcessed(std::int64_t(state.iterations() * n));
  umbra::cpu::set_thread_count(0);
}

umbra::sim::SimulationOptions alp(double background, bool ecl) {
  umbra::sim::SimulationOptions o;
  o.process = "alp";
  o.mass = 0.5;
  o.coupling = 1e-3;
  o.beam_background = background;
  o.ecl = ecl;
  o.tracker = false;
  return o;
}

void BM_AlpEclNominalBackground(benchmark::State& s) { run(s, alp(1.0, true)); }
void BM_AlpEclNoBackground(benchmark::State& s) { run(s, alp(0.0, true)); }
void BM_AlpGeneratorOnly(benchmark::State& s) { run(s, alp(0.0, false)); }
void BM_GammaGammaEcl(benchmark::State& s) {
  auto o = alp(1.0, true);
  o.process = "gg";
  run(s, o);
}

}  // namespace

BENCHMARK(BM_AlpEclNominalBackground)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AlpEclNoBackground)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_AlpGeneratorOnly)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_GammaGammaEcl)->Unit(benchmark::kMillisecond);
