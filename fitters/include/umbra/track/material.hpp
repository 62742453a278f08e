#pragma once
// Material effects shared by the simulation and the fit, so that both use one model:
// Highland multiple scattering and mean ionisation loss (no straggling) in thin cylinders
// (beam pipe, PXD, SVD, CDC inner wall) and in the CDC gas between consecutive wire layers.
// Numbers: reference/belle2.md "Tracking detectors"; the ionisation constants below are
// PDG minimum dE/dx times the radiation length of each material (approx.).

#include <cmath>

#include "umbra/core/lanes.hpp"
#include "umbra/core/qualifiers.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/scalar_math.hpp"

namespace umbra::track {

/// Mean ionisation loss of a minimum-ionising particle per radiation length [GeV / X0].
/// Be: 2.95 MeV/cm x 35.3 cm; Si: 3.88 MeV/cm x 9.37 cm; carbon fibre wall ~ 60 MeV (approx.);
/// CDC He-C2H6 gas with wires ~ 1.5 keV/cm x 1e4 cm (approx.; geometry.cdc_x0).
enum class Material : unsigned char { beryllium = 0, silicon = 1, carbon = 2, cdc_gas = 3 };
UMBRA_HD inline double loss_per_x0(Material m) {
  switch (m) {
    case Material::beryllium: return 0.104;
    case Material::silicon: return 0.0363;
    case Material::carbon: return 0.060;
    default: return 0.015;
  }
}

/// CDC inner wall radius [cm] (approx.: just inside the first sense-wire layer at 16.8 cm).
inline constexpr double cdc_inner_wall_radius = 16.0;

/// The thin material cylinders crossed from the beam line outward, in radial order.
inline constexpr int n_material_cylinders = 1 + tracker::n_pxd_layers + tracker::n_svd_layers + 1;
struct MaterialCylinderInfo {
  double radius, x_over_x0;
  Material material;
  int detector, layer;  // the silicon layer that carries it (TrackerDetector value), 0 otherwise
};
UMBRA_HD inline MaterialCylinderInfo material_cylinder(const tracker::TrackerGeometry& g, int i) {
  if (i == 0) return {g.beam_pipe.radius, g.beam_pipe.x_over_x0, Material::beryllium, 0, 0};
  if (i <= tracker::n_pxd_layers) return {g.pxd[i - 1].radius, g.pxd[i - 1].x_over_x0, Material::silicon, 1, i - 1};
  const int k = i - 1 - tracker::n_pxd_layers;
  if (k < tracker::n_svd_layers) return {g.svd[k].radius, g.svd[k].x_over_x0, Material::silicon, 2, k};
  return {cdc_inner_wall_radius, g.cdc_inner_wall_x_over_x0, Material::carbon, 0, 0};
}

/// Highland width theta0 [rad] for thickness x/X0 (already corrected for the crossing angle), |z| = 1.
UMBRA_HD inline double highland(double x_over_x0, double p, double beta) {
  if (x_over_x0 <= 0) return 0;
  return 0.0136 / (beta * p) * sqrt(x_over_x0) * (1.0 + 0.038 * log(x_over_x0 / (beta * beta)));
}

/// Mean energy lost [GeV] in x/X0 of material (ionisation, 1/beta^2 rise below minimum ionisation,
/// relativistic rise neglected; approx.).
UMBRA_HD inline double mean_energy_loss(Material m, double x_over_x0, double beta) {
  return loss_per_x0(m) * x_over_x0 / fmax(beta * beta, 0.05);
}

/// A thin scatterer as the fit applies it, its constants computed once when the fit finds the
/// crossing (x/X0 along the path is then fixed): Highland and the mean loss above, with the log
/// split as ln(x/X0 / beta^2) = ln(x/X0) - ln(beta^2) so that only ln(beta^2), which energy loss
/// barely changes along a track, is left to the caller (kalman_fit.hpp evaluates it once per pass).
struct Scatterer {
  double x_over_x0 = 0;
  double log_term = 0;  // 1 + 0.038 ln(x/X0)
  double loss = 0;      // loss_per_x0 x x/X0 [GeV]; divided by max(beta^2, 0.05) when applied
};
/// The same with ln(x/X0) given (the fit's CDC gas steps get it without a log call).
UMBRA_HD inline Scatterer make_scatterer(Material m, double x_over_x0, double log_x_over_x0) {
  if (!(x_over_x0 > 0)) return {};
  return {x_over_x0, 1.0 + 0.038 * log_x_over_x0, loss_per_x0(m) * x_over_x0};
}
UMBRA_HD inline Scatterer make_scatterer(Material m, double x_over_x0) {
  return x_over_x0 > 0 ? make_scatterer(m, x_over_x0, log(x_over_x0)) : Scatterer{};
}

/// 1 / cos(angle between the flight direction and the radial normal of a cylinder at (x, y)), from
/// the sine and cosine of the direction's azimuth (the Kalman fit carries them along).
/// Over a lane type V (umbra/core/lanes.hpp) as the Kalman fit's per-hit functions.
template <class V>
UMBRA_HD inline V path_factor_sc(V sin_dir, V cos_dir, V tan_lambda, V x, V y) {
  using lanes::select;
  const V r = lanes::sqrt(x * x + y * y);
  const V cosl = 1.0 / lanes::sqrt(1.0 + tan_lambda * tan_lambda);
  const V c = select(r > 0, cosl * lanes::fabs((x * cos_dir + y * sin_dir) / r), cosl);
  // grazing crossings capped (a thin layer is never crossed along it)
  return 1.0 / select(c > 0.05, c, lanes::splat<V>(0.05));
}
/// The same from the azimuth phi_dir of the flight direction.
UMBRA_HD inline double path_factor(double phi_dir, double tan_lambda, double x, double y) {
  return path_factor_sc(sin(phi_dir), cos(phi_dir), tan_lambda, x, y);
}

}  // namespace umbra::track
