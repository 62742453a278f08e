#pragma once
// Distance between a computed value and a reference, in units in the last place of the reference.
#include <cmath>

namespace umbra::test {

inline double ulps(double value, double reference) {
  const double u = std::nextafter(std::abs(reference), INFINITY) - std::abs(reference);
  return std::abs(value - reference) / u;
}

}  // namespace umbra::test
