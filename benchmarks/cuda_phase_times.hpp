#pragma once
// The CUDA benchmarks' upload / kernel / download times: summed over the iterations, reported as
// per-call means (ms counters), so every CUDA case states where its time goes the same way.

#include <benchmark/benchmark.h>

#include "umbra/cuda/context.hpp"

namespace umbra::bench {

struct CudaPhaseTimes {
  cuda::Timings sum;

  void add(const cuda::Timings& t) {
    sum.upload_ms += t.upload_ms, sum.kernel_ms += t.kernel_ms, sum.download_ms += t.download_ms;
  }
  /// Sets the upload_ms, kernel_ms and download_ms counters; returns the mean kernel time [s].
  double report(benchmark::State& state) const {
    const double n = double(state.iterations());
    state.counters["upload_ms"] = sum.upload_ms / n;
    state.counters["kernel_ms"] = sum.kernel_ms / n;
    state.counters["download_ms"] = sum.download_ms / n;
    return sum.kernel_ms / n * 1e-3;
  }
};

}  // namespace umbra::bench
