// Displaced-vertex finding per backend. Items/s counts opposite-charge track pairs. The batch:
// 20000 events, each one S(2 GeV) -> mu mu pair at 1-60 cm plus three prompt tracks (6 pairs per
// event, 4 of them prompt-displaced or prompt-prompt combinations, most rejected before the fit).
// The baseline is a plain per-pair scalar loop (no pair list, push_back per vertex) on one core.
#include <benchmark/benchmark.h>

#include "common/vertex_truth.hpp"
#include "replicated_events.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/cpu/vertex_finder.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/vertex/inner_material.hpp"
#include "umbra/vertex/pair_steps.hpp"
#ifdef UMBRA_WITH_CUDA
#include "cuda_phase_times.hpp"
#include "umbra/cuda/vertex_finder.hpp"
#endif

namespace {
using namespace umbra;

const track::Tracks& batch() {
  static const track::Tracks t = test::scalar_batch(20000, 2.0, 7, nullptr);
  return t;
}
constexpr std::int64_t pairs_per_batch = 6 * 20000;

void BM_VertexScalarLoop(benchmark::State& state) {
  const auto v = vertex::view_tracks(batch());
  const auto o = vertex::Options::displaced();
  for (auto _ : state) {
    std::vector<float> x, y, z, chi2;
    for (std::uint64_t e = 0; e < v.events.n_events(); ++e)
      for (std::uint64_t i = v.events.begin(e); i < v.events.end(e); ++i)
        for (std::uint64_t j = v.events.begin(e); j < v.events.end(e); ++j) {
          if (!v.usable(i) || !v.usable(j) || v.charge[i] < 0 || v.charge[j] > 0) continue;
          const vertex::Vec<5> p[2] = {v.params(i), v.params(j)};
          const vertex::Mat<5, 5> V[2] = {v.covariance(i), v.covariance(j)};
          vertex::VertexFitResult f;
          if (vertex::fit_pair_vertex(p, V, o, f) != vertex::PairStatus::accepted || !(f.chi2 <= o.max_chi2)) continue;
          x.push_back(float(f.v[0])), y.push_back(float(f.v[1])), z.push_back(float(f.v[2]));
          chi2.push_back(float(f.chi2));
        }
    benchmark::DoNotOptimize(x.data());
  }
  state.SetItemsProcessed(state.iterations() * pairs_per_batch);
}
BENCHMARK(BM_VertexScalarLoop)->Unit(benchmark::kMillisecond);

void BM_VertexCpu(benchmark::State& state) {
  const auto& t = batch();
  cpu::set_thread_count(int(state.range(0)));
  const auto o = vertex::Options::displaced();
  for (auto _ : state) benchmark::DoNotOptimize(cpu::find_vertices(t, o));
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * pairs_per_batch);
}
BENCHMARK(BM_VertexCpu)->Arg(1)->Arg(0)->ArgName("threads(0=all)")->Unit(benchmark::kMillisecond);

// The same with the track fit's inner material taken out of the tracks and each vertex refitted
// (vertex/inner_material.hpp), as `umbra reconstruct` runs it on tracks it fits: the cost of the
// correction. (The batch's covariances are smeared-truth ones, so some subtractions fall back to
// the unchanged covariance; the refit is done either way.)
void BM_VertexCpuTrackMaterial(benchmark::State& state) {
  const auto& t = batch();
  cpu::set_thread_count(1);
  auto o = vertex::Options::displaced();
  o.track_material = vertex::track_material(tracker::belle2_tracker(), track::Hypothesis::muon);
  for (auto _ : state) benchmark::DoNotOptimize(cpu::find_vertices(t, o));
  cpu::set_thread_count(0);
  state.SetItemsProcessed(state.iterations() * pairs_per_batch);
}
BENCHMARK(BM_VertexCpuTrackMaterial)->Unit(benchmark::kMillisecond);

#ifdef UMBRA_WITH_CUDA
// Argument: copies of the batch in one call (120k pairs; the GPU wants more to fill).
void BM_VertexCuda(benchmark::State& state) {
  if (cuda::device_count() == 0) {
    state.SkipWithError("no CUDA device");
    return;
  }
  const track::Tracks tracks = bench::replicated_events(batch(), int(state.range(0)));
  const double pairs = double(pairs_per_batch) * double(state.range(0));
  cuda::Context ctx;
  const auto o = vertex::Options::displaced();
  bench::CudaPhaseTimes times;
  for (auto _ : state) {
    cuda::Timings tm;
    benchmark::DoNotOptimize(cuda::find_vertices(ctx, tracks, o, &tm));
    times.add(tm);
  }
  state.counters["kernel_pairs/s"] = pairs / times.report(state);
  state.SetItemsProcessed(std::int64_t(double(state.iterations()) * pairs));
  state.SetLabel(cuda::device_description());
}
BENCHMARK(BM_VertexCuda)->Arg(1)->Arg(10)->ArgName("copies")->Unit(benchmark::kMillisecond);
#endif

}  // namespace
