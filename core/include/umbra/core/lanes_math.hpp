#pragma once
// umbra::portable's functions over lanes (umbra/core/lanes.hpp): the same operations per lane as
// the scalar function, so a lane's result equals portable::f of its value bit for bit. For
// V = double they are the portable functions themselves (host and device).
#include "umbra/core/lanes.hpp"
#include "umbra/core/portable_math.hpp"

#if !defined(__CUDACC__) && defined(__GNUC__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wpsabi"  // as in lanes.hpp: all inline, built alike
#endif

namespace umbra::lanes {

UMBRA_HD inline double exp(double x) { return portable::exp(x); }
UMBRA_HD inline double log(double x) { return portable::log(x); }

#if UMBRA_HAVE_LANES
/// out[l] = f(x[l]) for the lanes outside `done` (the vector code's range).
template <int N, class F>
inline void scalar_where_not(Mask<N> done, Vec<N> x, Vec<N>& out, F f) {
  if (all(done)) return;
  for (int l = 0; l < N; ++l)
    if (!done[l]) out[l] = f(x[l]);
}

/// e^x lane by lane: the reduction and series in vector code where the result is a normal number
/// (|x| < 708: 2^n is then built from its exponent bits), portable::exp for the other lanes.
template <int N>
inline Vec<N> exp_lanes(Vec<N> x) {
  namespace pd = portable::detail;
  constexpr double kShift = pd::kRoundShift;
  const Mask<N> normal = x > -708.0 && x < 708.0;
  const Vec<N> xs = select(normal, x, Vec<N>{});
  const Vec<N> shifted = xs * pd::kLog2e + kShift;
  const Vec<N> n = shifted - kShift;
  // shifted's low mantissa bits hold n (two's complement against kShift's): 2^n from its exponent
  const Mask<N> k = (Mask<N>)shifted - (Mask<N>)(Vec<N>{} + kShift);
  const Vec<N> two_n = (Vec<N>)((k + 1023) << 52);
  Vec<N> out = pd::exp_reduced(pd::exp_remainder(xs, n)) * two_n;
  scalar_where_not<N>(normal, x, out, [](double v) { return portable::exp(v); });
  return out;
}
inline Vec<2> exp(Vec<2> x) { return exp_lanes<2>(x); }
inline Vec<4> exp(Vec<4> x) { return exp_lanes<4>(x); }

/// ln(x) lane by lane: exponent and mantissa from the bits in vector code where x is a positive
/// normal number, portable::log for the other lanes.
template <int N>
inline Vec<N> log_lanes(Vec<N> x) {
  namespace pd = portable::detail;
  constexpr double kShift = pd::kRoundShift;  // small integers to double by their bits
  const Mask<N> normal = x >= 2.2250738585072014e-308 && x < 1.7976931348623157e308;
  const Vec<N> xs = select(normal, x, Vec<N>{} + 1.0);
  const Mask<N> b = (Mask<N>)xs;
  Mask<N> e = ((b >> 52) & 0x7ff) - 1022;  // x = m 2^e with m in [1/2, 1)
  Vec<N> m = (Vec<N>)((b & 0x000fffffffffffffL) | 0x3fe0000000000000L);
  const Mask<N> low = m < 0.7071067811865476;  // m in [sqrt(1/2), sqrt(2))
  m = select(low, m * 2.0, m);
  e += low;  // the mask is -1 where set
  const Vec<N> de = (Vec<N>)(e + (Mask<N>)(Vec<N>{} + kShift)) - kShift;
  Vec<N> out = pd::log_reduced(m - 1.0, de);
  scalar_where_not<N>(normal, x, out, [](double v) { return portable::log(v); });
  return out;
}
inline Vec<2> log(Vec<2> x) { return log_lanes<2>(x); }
inline Vec<4> log(Vec<4> x) { return log_lanes<4>(x); }
#endif

}  // namespace umbra::lanes

#if !defined(__CUDACC__) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
