#pragma once
// log and exp of a short block of values, for per-bin loops whose cost is their transcendentals
// (the batched scan: the Poisson term's log per bin, the Crystal Ball's exp and tail log per bin
// edge; one value at a time they were ~30% of a batched CPU scan). Such a loop gathers up to
// math_block_size arguments, transforms them in one call, then uses them.
//   host:   glibc's vector math library (libmvec): 4 doubles per call where the CPU has AVX2 and
//           FMA, 2 otherwise (chosen once at load time); within 4 ulp of log/exp (glibc's bound;
//           measured <= 1 ulp); deterministic on a given machine. Without libmvec: one at a time.
//   device: one at a time with block size 1, so the per-bin code compiles to the scalar loop.
#include <cmath>

#include "umbra/core/qualifiers.hpp"

namespace umbra {

#if UMBRA_ON_DEVICE
inline constexpr int math_block_size = 1;
#else
inline constexpr int math_block_size = 16;
#endif

namespace detail {
void log_block_host(const double* x, double* y, int n);  // core/src/block_math.cpp
void exp_block_host(const double* x, double* y, int n);
}  // namespace detail

/// y[i] = ln(x[i]) for 0 <= i < n <= math_block_size; x[i] > 0 and finite.
UMBRA_HD inline void log_block(const double* x, double* y, int n) {
#if UMBRA_ON_DEVICE
  for (int i = 0; i < n; ++i) y[i] = log(x[i]);
#else
  detail::log_block_host(x, y, n);
#endif
}

/// y[i] = exp(x[i]) for 0 <= i < n <= math_block_size.
UMBRA_HD inline void exp_block(const double* x, double* y, int n) {
#if UMBRA_ON_DEVICE
  for (int i = 0; i < n; ++i) y[i] = exp(x[i]);
#else
  detail::exp_block_host(x, y, n);
#endif
}

}  // namespace umbra
