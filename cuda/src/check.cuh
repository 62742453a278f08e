#pragma once
#include <cuda_runtime.h>

#include <string>

#include "umbra/core/error.hpp"

namespace umbra::cuda {
inline void check(cudaError_t err, const char* what, const char* file, int line) {
  if (err != cudaSuccess)
    throw Error(std::string("CUDA error in ") + what + ": " + cudaGetErrorString(err) + " (" + file + ":" +
                std::to_string(line) + ")");
}
}  // namespace umbra::cuda

#define UMBRA_CUDA_CHECK(call) ::umbra::cuda::check((call), #call, __FILE__, __LINE__)
