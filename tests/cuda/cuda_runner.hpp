#pragma once
// Shared pieces of the CUDA test instantiations: one Context per test process. Every CUDA test
// binary links cuda_test_main.cpp, which skips all its tests when there is no device.
#include "umbra/cuda/context.hpp"

namespace umbra::test {

inline cuda::Context& shared_cuda_context() {
  static cuda::Context ctx(0);
  return ctx;
}

}  // namespace umbra::test
