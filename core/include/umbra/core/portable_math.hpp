#pragma once
// sin, cos, tan, atan2, exp and log written once for host and device with + - * / and exponent-bit
// arithmetic only: operations IEEE 754 rounds exactly on both. The host's libm and CUDA's
// libdevice are each accurate to ~1 ulp but differ in their last bits, and a Kalman fit amplifies
// those bits: its covariance shrinks by ~1e11 from seed to perigee, so the update C - KHC keeps only
// ~5 significant digits of them (benchmarks/results/gpu.md, track fit). With these functions and a
// CUDA translation unit built with --fmad=false (the host's generic x86-64 build has no FMA to
// contract into), CPU and CUDA do the same operations in the same order and agree bit for bit.
//
// Accuracy (tests/core/test_portable_math.cpp): within 2 ulp of libm (4 for tan, a quotient) for
// sin/cos/tan with |x| < 1e5 (Cody-Waite reduction by pi/2 in three parts, exact for |x| < ~1.6e6;
// beyond that accuracy degrades but results stay identical on both backends), atan2, exp and log
// everywhere, with IEEE's special values (NaN, +-inf, +-0, subnormals, overflow).
// Constants and the atan polynomial: scripts/portable_math_constants.py.

#include <bit>
#include <cmath>
#include <cstdint>

#include "umbra/core/qualifiers.hpp"

namespace umbra::portable {

namespace detail {
constexpr double kPio2_1 = 1.5707963267341256;  // pi/2 in three parts; n * kPio2_1, n * kPio2_2
constexpr double kPio2_2 = 6.077100506303966e-11;  // exact for |n| < 2^20
constexpr double kPio2_3 = 2.0222662487959506e-21;
constexpr double kTwoOverPi = 0.6366197723675814;
constexpr double kPi_hi = 3.141592653589793, kPi_lo = 1.2246467991473532e-16;
constexpr double kPio2_hi = 1.5707963267948966, kPio2_lo = 6.123233995736766e-17;
constexpr double kPio4_hi = 0.7853981633974483, kPio4_lo = 3.061616997868383e-17;
constexpr double kAtanHalf_hi = 0.4636476090008061, kAtanHalf_lo = 2.2698777452961687e-17;
constexpr double kLn2_hi = 0.6931471806019545;  // 32 bits: n * kLn2_hi exact for |n| < 2^21
constexpr double kLn2_lo = -4.2009150726810846e-11;
constexpr double kLog2e = 1.4426950408889634;

/// The nearest integer to v, |v| < 2^51, by adding and removing 1.5 * 2^52 (round to nearest even;
/// one instruction each where floor or rint would be a library call on generic x86-64).
constexpr double kRoundShift = 6755399441055744.0;  // 1.5 * 2^52: doubles near it step by 1
UMBRA_HD inline double round_int(double v) { return (v + kRoundShift) - kRoundShift; }

UMBRA_HD inline std::uint64_t bits_of(double x) {
#if UMBRA_ON_DEVICE
  return static_cast<std::uint64_t>(__double_as_longlong(x));
#else
  return std::bit_cast<std::uint64_t>(x);
#endif
}

UMBRA_HD inline double from_bits(std::uint64_t b) {
#if UMBRA_ON_DEVICE
  return __longlong_as_double(static_cast<long long>(b));
#else
  return std::bit_cast<double>(b);
#endif
}

/// 2^n for -1022 <= n <= 1023, exactly.
UMBRA_HD inline double pow2(int n) { return from_bits(static_cast<std::uint64_t>(n + 1023) << 52); }

/// sin and cos of r, |r| <= pi/4 (+ rounding), by their Taylor series to r^17 / r^18
/// (truncation < 1e-19).
UMBRA_HD inline void sincos_reduced(double r, double& s, double& c) {
  const double z = r * r;
  const double ps = -1.0 / 6 + z * (1.0 / 120 + z * (-1.0 / 5040 + z * (1.0 / 362880 + z * (-1.0 / 39916800 +
                    z * (1.0 / 6227020800.0 + z * (-1.0 / 1307674368000.0 + z * (1.0 / 355687428096000.0)))))));
  const double pc = 1.0 / 24 + z * (-1.0 / 720 + z * (1.0 / 40320 + z * (-1.0 / 3628800 + z * (1.0 / 479001600.0 +
                    z * (-1.0 / 87178291200.0 + z * (1.0 / 20922789888000.0 + z * (-1.0 / 6402373705728000.0)))))));
  s = r + r * z * ps;
  const double hz = 0.5 * z;
  c = 1.0 - (hz - z * z * pc);  // 1 - z/2 + z^2 pc; the small correction added last
}

/// atan(u) for |u| <= 1/4: u + u^3 P(u^2), P the Chebyshev fit of scripts/portable_math_constants.py
/// (error 4e-18 relative to the u^3 term).
UMBRA_HD inline double atan_reduced(double u) {
  const double z = u * u;
  const double p = -0.3333333333333333 + z * (0.19999999999998933 + z * (-0.1428571428525851 +
                   z * (0.11111111035986847 + z * (-0.09090902874969416 + z * (0.07692017877237385 +
                   z * (-0.06658687414697743 + z * (0.057529943904780285 + z * -0.041034266985419496)))))));
  return u + u * z * p;
}

/// The sign bit of a non-NaN x (also of -0), from comparisons only.
UMBRA_HD inline bool negative(double x) { return x < 0.0 || (x == 0.0 && 1.0 / x < 0.0); }

/// atan(t) for 0 <= t <= 1: the series near 0, or atan(c) + atan((t - c) / (1 + t c)) with c = 1/2
/// or 1, so that the reduced argument stays within 1/4.
UMBRA_HD inline double atan_unit(double t) {
  if (t <= 0.25) return atan_reduced(t);
  if (t <= 0.75) return kAtanHalf_hi + (atan_reduced((t - 0.5) / (1.0 + 0.5 * t)) + kAtanHalf_lo);
  return kPio4_hi + (atan_reduced((t - 1.0) / (1.0 + t)) + kPio4_lo);
}
}  // namespace detail

/// sin(x) and cos(x) together (one argument reduction).
UMBRA_HD inline void sincos(double x, double& s, double& c) {
  if (!(fabs(x) < HUGE_VAL)) {  // NaN or +-inf
    s = c = x - x;
    return;
  }
  if (x == 0.0) {  // sin(+-0) = +-0
    s = x, c = 1.0;
    return;
  }
  if (fabs(x) <= 0.7853981633974483) {  // pi/4: no reduction
    detail::sincos_reduced(x, s, c);
    return;
  }
  const double n = detail::round_int(x * detail::kTwoOverPi);  // inaccurate, not wrong, beyond 2^51
  const double r = ((x - n * detail::kPio2_1) - n * detail::kPio2_2) - n * detail::kPio2_3;
  double sr, cr;
  detail::sincos_reduced(r, sr, cr);
  const int q = fabs(n) < 1e15 ? static_cast<int>(static_cast<long long>(n) & 3) : 0;  // n mod 4
  if (q == 0) s = sr, c = cr;
  else if (q == 1) s = cr, c = -sr;
  else if (q == 2) s = -sr, c = -cr;
  else s = -cr, c = sr;
}

UMBRA_HD inline double sin(double x) {
  double s, c;
  sincos(x, s, c);
  return s;
}

UMBRA_HD inline double cos(double x) {
  double s, c;
  sincos(x, s, c);
  return c;
}

UMBRA_HD inline double tan(double x) {
  double s, c;
  sincos(x, s, c);
  return s / c;
}

/// atan2(y, x) in [-pi, pi], with IEEE's signed zeros and infinities.
UMBRA_HD inline double atan2(double y, double x) {
  if (x != x || y != y) return x + y;
  const double ax = fabs(x), ay = fabs(y);
  double a;
  if (ax == HUGE_VAL && ay == HUGE_VAL) {
    a = detail::kPio4_hi;
  } else if (ay <= ax) {  // includes y = 0, x = 0 (a = 0)
    a = ax == 0.0 ? 0.0 : detail::atan_unit(ay / ax);
  } else {
    a = (detail::kPio2_hi - detail::atan_unit(ax / ay)) + detail::kPio2_lo;
  }
  if (detail::negative(x)) a = ax == HUGE_VAL && ay == HUGE_VAL ? 3.0 * detail::kPio4_hi : (detail::kPi_hi - a) + detail::kPi_lo;
  return detail::negative(y) ? -a : a;
}

#if !defined(__CUDACC__) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // also instantiated for lanes.hpp's 32-byte vectors
#endif
namespace detail {
/// x - n ln2 in two parts (|r| <= ln2/2 + rounding for n = round(x / ln2)).
template <class T>
UMBRA_HD inline T exp_remainder(T x, T n) {
  return (x - n * kLn2_hi) - n * kLn2_lo;
}
/// e^r for |r| <= ln2/2 by its Taylor series to r^13 (truncation < 5e-18 relative), the 1 added
/// last. A template so that vector lanes (umbra/core/lanes_math.hpp) do the same operations.
template <class T>
UMBRA_HD inline T exp_reduced(T r) {
  const T p = 1.0 / 2 + r * (1.0 / 6 + r * (1.0 / 24 + r * (1.0 / 120 + r * (1.0 / 720 + r * (1.0 / 5040 +
              r * (1.0 / 40320 + r * (1.0 / 362880 + r * (1.0 / 3628800 + r * (1.0 / 39916800 +
              r * (1.0 / 479001600.0 + r * (1.0 / 6227020800.0)))))))))));
  return 1.0 + (r + r * r * p);
}
/// ln(2^e (1 + f)) for 1 + f in [sqrt(1/2), sqrt(2)): ln(1 + f) = 2 atanh(s), s = f / (2 + f),
/// |s| < 0.172, written as f - (f^2/2 - s (f^2/2 + R)), R = 2 s^2/3 + 2 s^4/5 + ..., so that f
/// enters exactly. A template for vector lanes as exp_reduced.
template <class T>
UMBRA_HD inline T log_reduced(T f, T e) {
  const T s = f / (2.0 + f), z = s * s;
  const T R = z * (2.0 / 3 + z * (2.0 / 5 + z * (2.0 / 7 + z * (2.0 / 9 + z * (2.0 / 11 + z * (2.0 / 13 +
              z * (2.0 / 15 + z * (2.0 / 17 + z * (2.0 / 19 + z * (2.0 / 21 + z * (2.0 / 23)))))))))));
  const T hf2 = 0.5 * f * f;
  return e * kLn2_hi + (f - ((hf2 - (s * (hf2 + R) + e * kLn2_lo))));
}
}  // namespace detail
#if !defined(__CUDACC__) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif

/// e^x.
UMBRA_HD inline double exp(double x) {
  if (x != x) return x;
  if (x > 709.782712893384) return HUGE_VAL;
  if (x < -745.2) return 0.0;
  const double n = detail::round_int(x * detail::kLog2e);
  const double e = detail::exp_reduced(detail::exp_remainder(x, n));
  const int k = static_cast<int>(n);  // -1075 .. 1024
  if (k >= -1022 && k <= 1023) return e * detail::pow2(k);
  return e * detail::pow2(k / 2) * detail::pow2(k - k / 2);  // overflow edge or subnormal result
}

/// ln(x).
UMBRA_HD inline double log(double x) {
  if (x != x || x == HUGE_VAL) return x;
  if (x <= 0.0) return x == 0.0 ? -HUGE_VAL : static_cast<double>(NAN);
  int e = 0;
  if (x < 2.2250738585072014e-308) x *= 18014398509481984.0, e = -54;  // subnormal: scale by 2^54
  const std::uint64_t b = detail::bits_of(x);
  e += static_cast<int>(b >> 52) - 1022;  // x = m 2^e with m in [1/2, 1)
  double m = detail::from_bits((b & 0x000fffffffffffffULL) | 0x3fe0000000000000ULL);
  if (m < 0.7071067811865476) m *= 2.0, e -= 1;  // m in [sqrt(1/2), sqrt(2))
  return detail::log_reduced(m - 1.0, static_cast<double>(e));
}

}  // namespace umbra::portable
