#pragma once
// CPU backend launch: run a per-item UMBRA_HD functor over [0, n) on all cores. Items write only
// their own outputs, so the result does not depend on the number of threads.

#include <cstdint>

namespace umbra::cpu {

/// Number of threads the CPU backend uses (OpenMP's current setting).
int thread_count();
/// Sets the CPU backend's thread count (<= 0 restores the default: all cores).
void set_thread_count(int n);

template <class Step>
void for_each(std::uint64_t n, const Step& step) {
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t i = 0; i < static_cast<std::int64_t>(n); ++i) step(static_cast<std::uint64_t>(i));
}

}  // namespace umbra::cpu
