#pragma once
// The transcendental functions of the track fit (and of the material model it shares with the
// simulation): umbra's portable ones, so that the CPU and CUDA backends do the same IEEE operations
// and agree bit for bit (core/portable_math.hpp; issue 6 asks for 1e-6). Unqualified sin, cos,
// atan2, tan, exp and log on doubles inside umbra::track resolve here; sqrt and fabs are exact on
// both backends and stay the C functions.

#include <cmath>

#include "umbra/core/portable_math.hpp"

namespace umbra::track {

using portable::atan2;
using portable::cos;
using portable::exp;
using portable::log;
using portable::sin;
using portable::tan;
using ::sqrt;

}  // namespace umbra::track
