#pragma once
#include "umbra/ecl/digit_kinematics.hpp"

namespace umbra::cpu {
/// Crystal positions of all digits and per-event energy sums of a batch, on all cores.
ecl::DigitKinematics digit_kinematics(const ecl::EclGeometry& geometry, const EclDigits& digits);
}  // namespace umbra::cpu
