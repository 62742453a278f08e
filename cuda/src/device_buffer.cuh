#pragma once
// RAII device memory (plain cudaMalloc; no managed memory) with typed host<->device copies.

#include <cuda_runtime.h>

#include <vector>

#include "check.cuh"
#include "umbra/core/span.hpp"

namespace umbra::cuda {

template <class T>
class DeviceBuffer {
 public:
  DeviceBuffer() = default;
  explicit DeviceBuffer(std::size_t n) { resize(n); }
  ~DeviceBuffer() { release(); }
  DeviceBuffer(const DeviceBuffer&) = delete;
  DeviceBuffer& operator=(const DeviceBuffer&) = delete;
  DeviceBuffer(DeviceBuffer&& o) noexcept : ptr_(o.ptr_), size_(o.size_) { o.ptr_ = nullptr, o.size_ = 0; }
  DeviceBuffer& operator=(DeviceBuffer&& o) noexcept {
    if (this != &o) {
      release();
      ptr_ = o.ptr_, size_ = o.size_;
      o.ptr_ = nullptr, o.size_ = 0;
    }
    return *this;
  }

  /// Reallocates only when growing; contents are not preserved.
  void resize(std::size_t n) {
    if (n > capacity_) {
      release();
      if (n > 0) UMBRA_CUDA_CHECK(cudaMalloc(&ptr_, n * sizeof(T)));
      capacity_ = n;
    }
    size_ = n;
  }
  template <class A>
  void upload(const std::vector<T, A>& h, cudaStream_t s) {
    resize(h.size());
    if (!h.empty()) UMBRA_CUDA_CHECK(cudaMemcpyAsync(ptr_, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice, s));
  }
  void download(std::vector<T>& h, cudaStream_t s) const {
    h.resize(size_);
    if (size_ > 0) UMBRA_CUDA_CHECK(cudaMemcpyAsync(h.data(), ptr_, size_ * sizeof(T), cudaMemcpyDeviceToHost, s));
  }
  void zero(cudaStream_t s) {
    if (size_ > 0) UMBRA_CUDA_CHECK(cudaMemsetAsync(ptr_, 0, size_ * sizeof(T), s));
  }

  T* data() const { return ptr_; }
  std::size_t size() const { return size_; }
  Span<T> span() const { return {ptr_, size_}; }
  Span<const T> cspan() const { return {ptr_, size_}; }

 private:
  void release() noexcept {
    if (ptr_) cudaFree(ptr_);
    ptr_ = nullptr, size_ = 0, capacity_ = 0;
  }
  T* ptr_ = nullptr;
  std::size_t size_ = 0, capacity_ = 0;
};

}  // namespace umbra::cuda
