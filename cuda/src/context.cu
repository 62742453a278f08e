#include <string>

#include "context_impl.cuh"

namespace umbra::cuda {

int device_count() {
  int n = 0;
  if (cudaGetDeviceCount(&n) != cudaSuccess) {
    cudaGetLastError();  // clear the sticky "no driver" error
    return 0;
  }
  return n;
}

std::string device_description(int device) {
  if (device_count() <= device) return "no CUDA device";
  cudaDeviceProp p{};
  if (cudaGetDeviceProperties(&p, device) != cudaSuccess) return "no CUDA device";
  return std::string(p.name) + " (sm_" + std::to_string(p.major) + std::to_string(p.minor) + ", " +
         std::to_string(p.totalGlobalMem >> 30) + " GiB)";
}

Context::Context(int device) : impl_(std::make_unique<Impl>()) {
  if (device_count() <= device) throw Error("CUDA backend requested but no CUDA device is available");
  impl_->device = device;
  UMBRA_CUDA_CHECK(cudaSetDevice(device));
  UMBRA_CUDA_CHECK(cudaStreamCreateWithFlags(&impl_->stream, cudaStreamNonBlocking));
}

Context::~Context() {
  if (impl_ && impl_->stream) cudaStreamDestroy(impl_->stream);
}

void* Context::stream() const { return impl_->stream; }

void Context::synchronize() const { UMBRA_CUDA_CHECK(cudaStreamSynchronize(impl_->stream)); }

const ecl::EclGeometryView& Context::ecl_geometry() {
  Impl& m = *impl_;
  if (!m.ecl_uploaded) {
    const auto& a = m.ecl_host.arrays();
    m.ecl_view = ecl::make_view(a, [&](const auto& v) { return m.ecl_mirror.upload(v, m.stream); });
    synchronize();
    m.ecl_uploaded = true;
  }
  return m.ecl_view;
}

}  // namespace umbra::cuda
