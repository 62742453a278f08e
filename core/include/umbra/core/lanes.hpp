#pragma once
// Lanes: N independent values (N tracks of the track fit) computed side by side. Code written once
// over a lane type V runs either on `double` (one value: CUDA and the plain CPU code) or on
// `Vec<N>`, N doubles in a GCC vector (SSE2: 2, AVX2: 4), with the same IEEE operations in the same
// order per lane, so every lane's result equals the scalar one bit for bit (no FMA: the vector code
// is built without it). Comparisons give a mask (bool, or a vector of 0 / -1); branches become
//  - select(m, a, b): both computed, picked per lane;
//  - choose<V>(m, f_true, f_false): one branch evaluated lazily for a scalar (exactly the if/else),
//    for lanes the branches that some lane needs;
//  - for_lanes(m, f): f(l) for every lane l with m set (a scalar per-lane path, e.g. a libm call).
// For V = double every helper is the plain scalar operation.
#include <cmath>

#include "umbra/core/qualifiers.hpp"

#if !defined(__CUDACC__) && defined(__GNUC__) && defined(__x86_64__)
#define UMBRA_HAVE_LANES 1  // Vec<N> below (x86-64: SSE2 is the baseline)
#include <emmintrin.h>
#else
#define UMBRA_HAVE_LANES 0
#endif

#if !defined(__CUDACC__) && defined(__GNUC__)
// 32-byte vectors by value outside AVX code: GCC notes the ABI (callers and callees here are
// inline and built alike), nothing to act on.
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"
#endif

namespace umbra::lanes {

template <class V>
inline constexpr bool is_scalar = true;

// --- V = double ------------------------------------------------------------------------------
UMBRA_HD inline double sqrt(double a) { return ::sqrt(a); }
UMBRA_HD inline double fabs(double a) { return ::fabs(a); }
UMBRA_HD inline double select(bool m, double a, double b) { return m ? a : b; }
UMBRA_HD inline bool any(bool m) { return m; }
UMBRA_HD inline bool all(bool m) { return m; }
UMBRA_HD inline double& at(double& v, int) { return v; }
UMBRA_HD inline double at(const double& v, int) { return v; }
UMBRA_HD inline bool at(bool m, int) { return m; }
/// lane l of a mask as bool.
UMBRA_HD inline bool on(bool m, int) { return m; }
template <class V>
UMBRA_HD inline V splat(double x) {
  return V{} + x;
}
template <class V>
inline constexpr int width = 1;

// --- V = Vec<N> (host only) ------------------------------------------------------------------
#if UMBRA_HAVE_LANES
template <int N>
struct VecOf {
  typedef double type __attribute__((vector_size(8 * N)));
  typedef long mask __attribute__((vector_size(8 * N)));  // what GCC's comparisons give
};
template <int N>
using Vec = typename VecOf<N>::type;
template <int N>
using Mask = typename VecOf<N>::mask;

template <>
inline constexpr bool is_scalar<Vec<2>> = false;
template <>
inline constexpr bool is_scalar<Vec<4>> = false;
template <>
inline constexpr int width<Vec<2>> = 2;
template <>
inline constexpr int width<Vec<4>> = 4;

// sqrt lane by lane through the scalar builtin would carry libm's errno check; the vector
// instruction is the same correctly rounded square root. SSE2 for two lanes; one AVX instruction
// for four: four lanes run in the CPU kernels' target("avx2") functions (on CPUs that have it),
// which inline this. Two SSE2 halves instead, shuffled apart and back, made the track fit ~4%
// slower (the shuffles sit on its dependency chains).
inline Vec<2> sqrt(Vec<2> a) { return (Vec<2>)_mm_sqrt_pd((__m128d)a); }
__attribute__((target("avx"))) inline Vec<4> sqrt(Vec<4> a) { return __builtin_ia32_sqrtpd256(a); }
/// any() and all() by movmskpd (the lanes' sign bits; lanes are 0 or -1), where extracting and
/// OR-ing the lanes took ~10 instructions; for four lanes the AVX form, one instruction (OR-ing the
/// two SSE2 halves first cost two more per test: the track fit 0.975x the time without them).
inline int sign_bits(Mask<2> m) { return _mm_movemask_pd((__m128d)m); }
inline bool any(Mask<2> m) { return sign_bits(m) != 0; }
inline bool all(Mask<2> m) { return sign_bits(m) == 3; }
__attribute__((target("avx"))) inline int sign_bits(Mask<4> m) { return __builtin_ia32_movmskpd256((Vec<4>)m); }
__attribute__((target("avx"))) inline bool any(Mask<4> m) { return sign_bits(m) != 0; }
__attribute__((target("avx"))) inline bool all(Mask<4> m) { return sign_bits(m) == 15; }
// Vec<N> is a non-deduced context: the overloads are spelled out per width.
#define UMBRA_LANES_OVERLOADS(N)                                                           \
  inline Vec<N> fabs(Vec<N> a) { return (Vec<N>)((Mask<N>)a & (Mask<N>{} + 0x7fffffffffffffffL)); } \
  inline Vec<N> select(Mask<N> m, Vec<N> a, Vec<N> b) { return m ? a : b; }               \
  inline double& at(Vec<N>& v, int l) { return reinterpret_cast<double*>(&v)[l]; }        \
  inline double at(const Vec<N>& v, int l) { return v[l]; }                                \
  inline bool on(Mask<N> m, int l) { return m[l] != 0; }
UMBRA_LANES_OVERLOADS(2)
UMBRA_LANES_OVERLOADS(4)
#undef UMBRA_LANES_OVERLOADS
#endif

/// f_true() where m, f_false() elsewhere; a scalar evaluates only the branch it takes.
template <class V, class M, class F1, class F2>
UMBRA_HD inline V choose(M m, F1 f_true, F2 f_false) {
  if constexpr (is_scalar<V>) {
    return m ? f_true() : f_false();
  } else {
    if (all(m)) return f_true();
    if (!any(m)) return f_false();
    return select(m, f_true(), f_false());
  }
}

/// f(l) for every lane l with m set (for a scalar: f(0) when m).
template <class V, class M, class F>
UMBRA_HD inline void for_lanes(M m, F f) {
  if constexpr (is_scalar<V>) {
    if (m) f(0);
  } else {
    if (!any(m)) return;  // the usual case: one test instead of one per lane
    for (int l = 0; l < width<V>; ++l)
      if (on(m, l)) f(l);
  }
}

}  // namespace umbra::lanes

#if !defined(__CUDACC__) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
