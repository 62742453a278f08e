#pragma once
// Series for small angles, shared by the track fit and the vertex finder: a known direction is
// rotated by a small step, or an angle is found next to a known one, with a few multiply-adds
// instead of a library sincos/atan2 (~16-30 ns on the host, with a rounding-mode save/restore).

#include "umbra/core/qualifiers.hpp"

namespace umbra {

/// sin and cos of a small angle d, |d| <= 0.3, by their series to d^9 / d^10: error < 1e-12 at
/// 0.3, below rounding for |d| < 0.05. Estrin form (powers d^2, d^4, d^8 side by side): the track
/// fit's rotation after each update lies on its chain from one hit to the next, where the nested
/// Horner form was 4-5 dependent multiply-subtract steps.
/// T: double, or a vector of doubles (umbra/core/lanes.hpp; the same operations per lane).
template <class T>
UMBRA_HD inline void small_sincos(T d, T& s, T& c) {
  constexpr double s3 = -1.0 / 6, s5 = 1.0 / 120, s7 = -1.0 / 5040, s9 = 1.0 / 362880;
  constexpr double c2 = -1.0 / 2, c4 = 1.0 / 24, c6 = -1.0 / 720, c8 = 1.0 / 40320, c10 = -1.0 / 3628800;
  const T d2 = d * d, d4 = d2 * d2, d8 = d4 * d4;
  s = d * (((1 + s3 * d2) + d4 * (s5 + s7 * d2)) + d8 * s9);
  c = ((1 + c2 * d2) + d4 * (c4 + c6 * d2)) + d8 * (c8 + c10 * d2);
}

/// atan(t) for |t| <= 1/8 by its odd series to t^19: truncation < 1e-20 (Estrin form, short chains).
UMBRA_HD inline double atan_small(double t) {
  constexpr double a3 = -1.0 / 3, a5 = 1.0 / 5, a7 = -1.0 / 7, a9 = 1.0 / 9, a11 = -1.0 / 11, a13 = 1.0 / 13,
                   a15 = -1.0 / 15, a17 = 1.0 / 17, a19 = -1.0 / 19;
  const double z = t * t, z2 = z * z, z4 = z2 * z2, z8 = z4 * z4;
  const double p = ((1.0 + a3 * z) + z2 * (a5 + a7 * z)) + z4 * ((a9 + a11 * z) + z2 * (a13 + a15 * z)) +
                   z8 * (a17 + a19 * z);
  return t * p;
}

}  // namespace umbra
