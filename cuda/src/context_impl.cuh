#pragma once
#include <cuda_runtime.h>

#include <unordered_map>
#include <vector>

#include "device_buffer.cuh"
#include "umbra/cuda/context.hpp"

namespace umbra::cuda {

/// Device copies of host vectors, found again by the host vector's address.
class DeviceMirror {
 public:
  template <class T>
  const T* upload(const std::vector<T>& v, cudaStream_t s) {
    DeviceBuffer<unsigned char> buf(v.size() * sizeof(T));
    if (!v.empty())
      UMBRA_CUDA_CHECK(cudaMemcpyAsync(buf.data(), v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice, s));
    const T* p = reinterpret_cast<const T*>(buf.data());
    ptrs_[&v] = p;
    buffers_.push_back(std::move(buf));
    return p;
  }
  template <class T>
  const T* find(const std::vector<T>& v) const {
    return static_cast<const T*>(ptrs_.at(&v));
  }

 private:
  std::vector<DeviceBuffer<unsigned char>> buffers_;
  std::unordered_map<const void*, const void*> ptrs_;
};

struct Context::Impl {
  int device = 0;
  cudaStream_t stream = nullptr;
  ecl::EclGeometry ecl_host;
  DeviceMirror ecl_mirror;
  bool ecl_uploaded = false;
  ecl::EclGeometryView ecl_view{};
};

inline cudaStream_t stream_of(Context& ctx) { return static_cast<cudaStream_t>(ctx.stream()); }

}  // namespace umbra::cuda
