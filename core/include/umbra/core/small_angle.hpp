#pragma once
// Series for small angles, shared by the track fit and the vertex finder: a known direction is
// rotated by a small step, or an angle is found next to a known one, with a few multiply-adds
// instead of a library sincos/atan2 (~16-30 ns on the host, with a rounding-mode save/restore).

#include "umbra/core/qualifiers.hpp"

namespace umbra {

/// sin and cos of a small angle d, |d| <= 0.3, by their series to d^9 / d^10: error < 1e-12 at
/// 0.3, below rounding for |d| < 0.05. (Horner form; constant divisions written as products.)
/// T: double, or a vector of doubles (umbra/core/lanes.hpp; the same operations per lane).
template <class T>
UMBRA_HD inline void small_sincos(T d, T& s, T& c) {
  constexpr double i6 = 1.0 / 6, i20 = 1.0 / 20, i42 = 1.0 / 42, i72 = 1.0 / 72;
  constexpr double i12 = 1.0 / 12, i30 = 1.0 / 30, i56 = 1.0 / 56, i90 = 1.0 / 90;
  const T d2 = d * d;
  s = d * (1 - d2 * i6 * (1 - d2 * i20 * (1 - d2 * i42 * (1 - d2 * i72))));
  c = 1 - d2 * 0.5 * (1 - d2 * i12 * (1 - d2 * i30 * (1 - d2 * i56 * (1 - d2 * i90))));
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
