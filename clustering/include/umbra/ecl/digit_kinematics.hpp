#pragma once
// The first one-source step: per-digit crystal positions and per-event energy sums. Each is a
// trivially copyable functor with a UMBRA_HD call operator over one item; the CPU backend runs it
// in an OpenMP loop, the CUDA backend in a kernel (cuda/src/launch.cuh).

#include <cstdint>

#include "umbra/core/event_data.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::ecl {

/// Output of the digit-kinematics step: crystal-centre position per digit, energy sum and
/// energy-weighted centroid per event.
struct DigitKinematics {
  std::vector<float> x, y, z;            // per digit [cm]
  std::vector<double> event_energy;      // per event [GeV]
  std::vector<float> event_cx, event_cy, event_cz;  // per event, energy-weighted centre [cm]
};

struct DigitKinematicsView {
  Span<float> x, y, z;
  Span<double> event_energy;
  Span<float> event_cx, event_cy, event_cz;
};

/// Per digit: position of the crystal centre.
struct DigitPositionStep {
  EclGeometryView geo;
  EclDigitsView digits;
  DigitKinematicsView out;

  UMBRA_HD void operator()(std::uint64_t i) const {
    if (i >= digits.cell_id.size) return;
    const int k = digits.cell_id[i] - 1;
    out.x[i] = geo.centre_x[k];
    out.y[i] = geo.centre_y[k];
    out.z[i] = geo.centre_z[k];
  }
};

/// Per event: energy sum and energy-weighted centroid, summed in a fixed order (digit order) so the
/// result is identical on every backend.
struct EventEnergyStep {
  EclDigitsView digits;
  DigitKinematicsView out;

  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= digits.events.n_events()) return;
    double sum = 0, sx = 0, sy = 0, sz = 0;
    for (std::uint64_t i = digits.events.begin(e); i < digits.events.end(e); ++i) {
      const double w = digits.energy[i];
      sum += w;
      sx += w * out.x[i];
      sy += w * out.y[i];
      sz += w * out.z[i];
    }
    out.event_energy[e] = sum;
    const double inv = sum > 0 ? 1.0 / sum : 0.0;
    out.event_cx[e] = float(sx * inv);
    out.event_cy[e] = float(sy * inv);
    out.event_cz[e] = float(sz * inv);
  }
};

}  // namespace umbra::ecl
