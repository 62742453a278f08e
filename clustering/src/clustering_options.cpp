#include "umbra/ecl/clustering_options.hpp"

#include <cmath>

namespace umbra::ecl {
namespace {
bool positive(double v) { return std::isfinite(v) && v > 0; }
}  // namespace

std::string ClusteringOptions::validate() const {
  if (!(std::isfinite(digit_energy) && digit_energy >= 0)) return "digit_energy must be finite and >= 0";
  if (!positive(seed_energy)) return "seed_energy must be finite and > 0";
  if (!(std::isfinite(growth_energy) && growth_energy >= digit_energy))
    return "growth_energy must be finite and >= digit_energy";
  if (seed_energy < digit_energy) return "seed_energy must be >= digit_energy";
  if (!(seed_max_abs_time > 0)) return "seed_max_abs_time must be > 0 (infinity disables the cut)";
  if (!(std::isfinite(local_maximum_energy) && local_maximum_energy >= 0))
    return "local_maximum_energy must be finite and >= 0";
  if (max_local_maxima < 1 || max_local_maxima > max_splits_capacity)
    return "max_local_maxima must be in 1.." + std::to_string(max_splits_capacity);
  if (!positive(moliere_radius)) return "moliere_radius must be finite and > 0";
  if (!positive(weight_exponent)) return "weight_exponent must be finite and > 0";
  if (!positive(centroid_tolerance)) return "centroid_tolerance must be finite and > 0";
  if (max_iterations < 1) return "max_iterations must be >= 1";
  if (!(std::isfinite(min_weighted_digit_energy) && min_weighted_digit_energy >= 0))
    return "min_weighted_digit_energy must be finite and >= 0";
  if (!(std::isfinite(min_shower_energy) && min_shower_energy >= 0)) return "min_shower_energy must be finite and >= 0";
  if (!positive(log_weight_w0)) return "log_weight_w0 must be finite and > 0";
  if (!positive(zernike_rho0)) return "zernike_rho0 must be finite and > 0";
  if (!positive(lat_r0)) return "lat_r0 must be finite and > 0";
  return {};
}

}  // namespace umbra::ecl
