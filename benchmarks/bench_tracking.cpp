// Bulk track fit throughput: tracks/s on the CPU backend with 1 thread and all threads (tracks side
// by side in vector lanes, and one at a time for comparison), the CUDA
// backend when built and a device is present, and - in the same run - a straightforward per-track
// use of the same fit (hits as an array of structs per track, one std::vector-backed batch and
// one fit call per track, 1 thread), so that the gain of the batched SoA layout is shown.
// Input: 2000 simulated muons 0.2-5 GeV (~60 hits each), material on, default options (pion
// hypothesis, one DAF pass at T = 0.1), and once with Belle II's full annealing schedule. Time is
// wall time; "CPU" is the process CPU time, and BM_FitCpu's tracks/cpu_s counter is tracks per
// second per core (tracks / process CPU time, issue 6's figure of merit).
#include <benchmark/benchmark.h>

#include <vector>

#include "process_cpu_time.hpp"
#include "replicated_events.hpp"
#include "tracking/track_samples.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/cpu/track_fit.hpp"
#if defined(UMBRA_WITH_CUDA)
#include "cuda_phase_times.hpp"
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
  double cpu_s = 0;
  for (auto _ : state) {
    const double c0 = bench::process_cpu_seconds();
    benchmark::DoNotOptimize(cpu::fit_tracks(geo, h));
    cpu_s += bench::process_cpu_seconds() - c0;
  }
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * std::int64_t(h.n_events()));
  state.counters["tracks/cpu_s"] = double(state.iterations() * h.n_events()) / cpu_s;  // per core
  state.SetLabel(std::to_string(state.range(0) > 0 ? state.range(0) : cpu::thread_count()) + " threads");
}
BENCHMARK(BM_FitCpu)->Arg(1)->Arg(0)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// The batched fit one track at a time (track::FitTrackStep per track, cpu::TrackFitCode::scalar)
// instead of BM_FitCpu's tracks side by side in vector lanes (same results bit for bit), 1 thread.
void BM_FitCpuScalarSteps(benchmark::State& state) {
  const auto geo = tracker::belle2_tracker();
  const TrackerHits& h = sample();
  cpu::set_thread_count(1);
  for (auto _ : state) benchmark::DoNotOptimize(cpu::fit_tracks(geo, h, {}, cpu::TrackFitCode::scalar));
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * std::int64_t(h.n_events()));
  state.SetLabel("1 thread, one track at a time");
}
BENCHMARK(BM_FitCpuScalarSteps)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// The same batched fit with Belle II's full annealing schedule (four passes, T = 100 -> 0.1)
// instead of the default single pass at T = 0.1: the cost of the schedule, 1 thread.
void BM_FitCpuFullAnnealing(benchmark::State& state) {
  const auto geo = tracker::belle2_tracker();
  const TrackerHits& h = sample();
  track::FitOptions o;
  o.n_temperatures = 4;
  const double t[4] = {100, 10, 1, 0.1};
  for (int i = 0; i < 4; ++i) o.temperatures[i] = t[i];
  cpu::set_thread_count(1);
  for (auto _ : state) benchmark::DoNotOptimize(cpu::fit_tracks(geo, h, o));
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * std::int64_t(h.n_events()));
  state.SetLabel("1 thread, T = 100, 10, 1, 0.1");
}
BENCHMARK(BM_FitCpuFullAnnealing)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

// What a user without the batch API would write: one struct per hit, the hits of each track
// collected into their own vector, and one fit call per track on a batch built from it.
struct Hit {
  std::uint8_t detector, layer;
  float x, y, z;
  std::int32_t wire;
  float drift, sigma_rphi, sigma_z;
  std::int32_t track_id;
};

std::vector<std::vector<Hit>> tracks_as_structs(const TrackerHits& h) {
  std::vector<std::vector<Hit>> out;
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    std::vector<Hit> t;
    for (std::uint64_t i = h.begin(e); i < h.end(e); ++i)
      if (h.track_id[i] >= 0)
        t.push_back({h.detector[i], h.layer[i], h.x[i], h.y[i], h.z[i], h.wire[i], h.drift_length[i], h.sigma_rphi[i],
                     h.sigma_z[i], h.track_id[i]});
    out.push_back(std::move(t));
  }
  return out;
}

void BM_FitPerTrackScalar(benchmark::State& state) {
  const auto geo = tracker::belle2_tracker();
  const auto tracks = tracks_as_structs(sample());
  cpu::set_thread_count(1);
  for (auto _ : state) {
    std::vector<float> pt;
    for (const std::vector<Hit>& t : tracks) {
      TrackerHits one;
      for (const Hit& x : t) {
        one.detector.push_back(x.detector), one.layer.push_back(x.layer);
        one.x.push_back(x.x), one.y.push_back(x.y), one.z.push_back(x.z), one.wire.push_back(x.wire);
        one.drift_length.push_back(x.drift), one.sigma_rphi.push_back(x.sigma_rphi), one.sigma_z.push_back(x.sigma_z);
        one.track_id.push_back(x.track_id);
      }
      one.close_event();
      const track::FitResult r = cpu::fit_tracks(geo, one);
      pt.push_back(r.tracks.pt.empty() ? 0.f : r.tracks.pt[0]);
    }
    benchmark::DoNotOptimize(pt.data());
  }
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * std::int64_t(tracks.size()));
  state.SetLabel("1 thread, one fit call per track");
}
BENCHMARK(BM_FitPerTrackScalar)->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->UseRealTime();

#if defined(UMBRA_WITH_CUDA)
// Argument: copies of the 2000-track sample in one call (2000 tracks cannot fill a GPU).
void BM_FitCuda(benchmark::State& state) {
  if (cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const auto geo = tracker::belle2_tracker();
  const TrackerHits h = bench::replicated_events(sample(), int(state.range(0)));
  cuda::Context ctx;
  bench::CudaPhaseTimes times;
  for (auto _ : state) {
    cuda::Timings t;
    benchmark::DoNotOptimize(cuda::fit_tracks(ctx, geo, h, {}, nullptr, &t));
    times.add(t);
  }
  state.counters["kernel_tracks/s"] = double(h.n_events()) / times.report(state);
  state.SetItemsProcessed(state.iterations() * std::int64_t(h.n_events()));
  state.SetLabel(cuda::device_description());
}
BENCHMARK(BM_FitCuda)->Arg(1)->Arg(100)->ArgName("copies")->Unit(benchmark::kMillisecond)->UseRealTime();
#endif

}  // namespace
