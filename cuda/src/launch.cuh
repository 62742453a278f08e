#pragma once
// CUDA backend launch: the kernel body is the same per-item UMBRA_HD functor the CPU backend runs.

#include <cuda_runtime.h>

#include <cstdint>

#include "check.cuh"

namespace umbra::cuda {

template <class Step>
__global__ void for_each_kernel(std::uint64_t n, Step step) {
  const std::uint64_t i = std::uint64_t(blockIdx.x) * blockDim.x + threadIdx.x;
  if (i < n) step(i);
}

template <class Step>
void for_each(std::uint64_t n, const Step& step, cudaStream_t stream, int block = 256) {
  if (n == 0) return;
  const std::uint64_t grid = (n + block - 1) / block;
  for_each_kernel<<<static_cast<unsigned>(grid), block, 0, stream>>>(n, step);
  UMBRA_CUDA_CHECK(cudaGetLastError());
}

/// Times a phase on the stream with CUDA events; adds the elapsed milliseconds to `ms`.
class PhaseTimer {
 public:
  PhaseTimer(cudaStream_t s, double* ms) : s_(s), ms_(ms) {
    if (!ms_) return;
    cudaEventCreate(&a_);
    cudaEventCreate(&b_);
    cudaEventRecord(a_, s_);
  }
  ~PhaseTimer() {
    if (!ms_) return;
    cudaEventRecord(b_, s_);
    cudaEventSynchronize(b_);
    float t = 0;
    cudaEventElapsedTime(&t, a_, b_);
    *ms_ += t;
    cudaEventDestroy(a_);
    cudaEventDestroy(b_);
  }

 private:
  cudaStream_t s_;
  double* ms_;
  cudaEvent_t a_{}, b_{};
};

}  // namespace umbra::cuda
