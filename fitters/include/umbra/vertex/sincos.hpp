#pragma once
// sin and cos of an angle in [-4, 4] (the vertex finder's angles: perigee phi0, direction angles,
// all wrapped into (-pi, pi]) without a library call. On the host libm's sincos costs ~16 ns a
// call (it saves and restores the rounding mode each time), about 9% of the finder's time at two
// to three calls per pair; this inlines to ~40 multiply-adds. Accuracy within a few 1e-16 of
// sin/cos (test VertexSincos); angles outside [-4, 4] and NaN go to the library.

#include <cmath>

#include "umbra/core/qualifiers.hpp"

namespace umbra::vertex {

UMBRA_HD inline void sincos_fast(double x, double& s, double& c) {
  if (!(fabs(x) <= 4.0)) {
    s = sin(x), c = cos(x);
    return;
  }
  // x = k pi/2 + r, |r| <= pi/4, k in -2..2. pi/2 = P1 + P2 (P1 the double nearest, P2 the rest):
  // x - k P1 is exact (k P1 is exact and within a factor 2 of x), so r is good to ~1e-32.
  constexpr double two_over_pi = 0.6366197723675814, P1 = 1.5707963267948966, P2 = 6.123233995736766e-17;
  // Nearest k by truncation (rint is a library call on baseline x86-64, which has no roundsd).
  const int ki = int(x * two_over_pi + copysign(0.5, x));
  const double k = ki;
  const double r = (x - k * P1) - k * P2;
  // Taylor series to r^17 / r^16: truncation < 1e-19 at |r| = pi/4. Estrin form (short chains).
  constexpr double s3 = -1.0 / 6, s5 = 1.0 / 120, s7 = -1.0 / 5040, s9 = 1.0 / 362880, s11 = -1.0 / 39916800,
                   s13 = 1.0 / 6227020800.0, s15 = -1.0 / 1307674368000.0, s17 = 1.0 / 355687428096000.0;
  constexpr double c2 = -1.0 / 2, c4 = 1.0 / 24, c6 = -1.0 / 720, c8 = 1.0 / 40320, c10 = -1.0 / 3628800,
                   c12 = 1.0 / 479001600, c14 = -1.0 / 87178291200.0, c16 = 1.0 / 20922789888000.0;
  const double z = r * r, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
  const double ps = ((1.0 + s3 * z) + z2 * (s5 + s7 * z)) + z4 * ((s9 + s11 * z) + z2 * (s13 + s15 * z)) + z8 * s17;
  const double pc = ((1.0 + c2 * z) + z2 * (c4 + c6 * z)) + z4 * ((c8 + c10 * z) + z2 * (c12 + c14 * z)) + z8 * c16;
  const double sr = r * ps, cr = pc;
  // Quadrant k mod 4: (sin, cos) = (sr, cr), (cr, -sr), (-sr, -cr), (-cr, sr).
  const int q = ki & 3;
  const double a = (q & 1) ? cr : sr, b = (q & 1) ? sr : cr;
  s = (q & 2) ? -a : a;
  c = ((q + 1) & 2) ? -b : b;
}

}  // namespace umbra::vertex
