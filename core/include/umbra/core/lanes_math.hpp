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

#if UMBRA_HAVE_LANES
/// e^x lane by lane: the reduction and series in vector code where the result is a normal number
/// (|x| < 708: 2^n is then built from its exponent bits), portable::exp for the other lanes.
template <int N>
inline Vec<N> exp_lanes(Vec<N> x) {
  namespace pd = portable::detail;
  constexpr double kShift = 6755399441055744.0;  // pd::round_int's 1.5 * 2^52
  const Mask<N> normal = x > -708.0 && x < 708.0;
  const Vec<N> xs = select(normal, x, Vec<N>{});
  const Vec<N> shifted = xs * pd::kLog2e + kShift;
  const Vec<N> n = shifted - kShift;
  // shifted's low mantissa bits hold n (two's complement against kShift's): 2^n from its exponent
  const Mask<N> k = (Mask<N>)shifted - (Mask<N>)(Vec<N>{} + kShift);
  const Vec<N> two_n = (Vec<N>)((k + 1023) << 52);
  Vec<N> out = pd::exp_reduced(pd::exp_remainder(xs, n)) * two_n;
  if (!all(normal))
    for (int l = 0; l < N; ++l)
      if (!normal[l]) out[l] = portable::exp(x[l]);
  return out;
}
inline Vec<2> exp(Vec<2> x) { return exp_lanes<2>(x); }
inline Vec<4> exp(Vec<4> x) { return exp_lanes<4>(x); }
#endif

}  // namespace umbra::lanes

#if !defined(__CUDACC__) && defined(__GNUC__)
#pragma GCC diagnostic pop
#endif
