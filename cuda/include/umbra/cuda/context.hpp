#pragma once
// CUDA backend entry: a Context owns a stream and the device copies of the detector geometry,
// uploaded once and reused by every launch. No CUDA types here (the stream is held as void*).

#include <memory>
#include <string>

#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::cuda {

/// Number of usable CUDA devices; 0 where there is no device or driver (never throws).
int device_count();
/// "NVIDIA H100 80GB HBM3 (sm_90, 79 GiB)" or the reason there is none.
std::string device_description(int device = 0);

/// Milliseconds spent per phase of a backend call (CUDA events on the context's stream).
struct Timings {
  double upload_ms = 0, kernel_ms = 0, download_ms = 0;
  double total_ms() const { return upload_ms + kernel_ms + download_ms; }
};

class Context {
 public:
  /// Throws umbra::Error when no device is present.
  explicit Context(int device = 0);
  ~Context();
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  void* stream() const;
  /// Device view of the ECL geometry (uploaded on first use).
  const ecl::EclGeometryView& ecl_geometry();
  void synchronize() const;

  struct Impl;
  Impl& impl() { return *impl_; }

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace umbra::cuda
