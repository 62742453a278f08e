#pragma once
#include "umbra/cuda/context.hpp"
#include "umbra/ecl/digit_kinematics.hpp"

namespace umbra::cuda {
/// The CUDA twin of cpu::digit_kinematics: one upload, two launches, one download.
ecl::DigitKinematics digit_kinematics(Context& ctx, const EclDigits& digits, Timings* timings = nullptr);
}  // namespace umbra::cuda
