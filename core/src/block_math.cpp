// log_block / exp_block on the host: libmvec's vector functions (glibc >= 2.22 exports the AVX2
// variants _ZGVdN4v_log/_exp and the SSE2 ones _ZGVbN2v_log/_exp, x86-64 vector function ABI).
#include "umbra/core/block_math.hpp"

#include <cmath>

#if defined(UMBRA_HAVE_LIBMVEC) && defined(__x86_64__)
#include <immintrin.h>

extern "C" __m256d _ZGVdN4v_log(__m256d);
extern "C" __m256d _ZGVdN4v_exp(__m256d);
extern "C" __m128d _ZGVbN2v_log(__m128d);
extern "C" __m128d _ZGVbN2v_exp(__m128d);

namespace umbra::detail {
namespace {

// A short tail is padded with `pad` (a valid argument) so every value goes through the same
// vector routine, whatever its position in the block.
template <__m256d (*F)(__m256d)>
__attribute__((target("avx2,fma"))) void apply_avx2(const double* x, double* y, int n, double pad) {
  int i = 0;
  for (; i + 4 <= n; i += 4) _mm256_storeu_pd(y + i, F(_mm256_loadu_pd(x + i)));
  if (i < n) {
    alignas(32) double t[4] = {pad, pad, pad, pad};
    for (int k = i; k < n; ++k) t[k - i] = x[k];
    _mm256_store_pd(t, F(_mm256_load_pd(t)));
    for (int k = i; k < n; ++k) y[k] = t[k - i];
  }
}

template <__m128d (*F)(__m128d)>
void apply_sse2(const double* x, double* y, int n, double pad) {
  int i = 0;
  for (; i + 2 <= n; i += 2) _mm_storeu_pd(y + i, F(_mm_loadu_pd(x + i)));
  if (i < n) y[i] = _mm_cvtsd_f64(F(_mm_set_pd(pad, x[i])));
}

// Chosen once at load time (__builtin_cpu_init: this may run before libgcc's own initialiser).
const bool use_avx2 = [] {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}();

}  // namespace

void log_block_host(const double* x, double* y, int n) {
  if (use_avx2)
    apply_avx2<_ZGVdN4v_log>(x, y, n, 1.0);
  else
    apply_sse2<_ZGVbN2v_log>(x, y, n, 1.0);
}

void exp_block_host(const double* x, double* y, int n) {
  if (use_avx2)
    apply_avx2<_ZGVdN4v_exp>(x, y, n, 0.0);
  else
    apply_sse2<_ZGVbN2v_exp>(x, y, n, 0.0);
}

}  // namespace umbra::detail

#else

namespace umbra::detail {
void log_block_host(const double* x, double* y, int n) {
  for (int i = 0; i < n; ++i) y[i] = std::log(x[i]);
}
void exp_block_host(const double* x, double* y, int n) {
  for (int i = 0; i < n; ++i) y[i] = std::exp(x[i]);
}
}  // namespace umbra::detail

#endif
