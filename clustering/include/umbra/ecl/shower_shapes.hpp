#pragma once
// Shower position and shape features from a shower's weighted digits (reference/belle2.md
// "ECL reconstruction chain" 4-5 and "Shower shapes"). Plain UMBRA_HD functions on a small
// fixed-capacity digit list, shared by both backends.

#include <math.h>

#include "umbra/ecl/clustering_options.hpp"
#include "umbra/ecl/showers.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::ecl {

/// The digits of one shower: cellId, weighted energy w*E [GeV] and time [ns].
struct ShowerDigits {
  int n = 0;
  int cell[max_shower_digits];
  double energy[max_shower_digits];
  float time[max_shower_digits];
};

struct ShowerFeatures {
  double energy = 0, x = 0, y = 0, z = 0, theta = 0, phi = 0, time = 0;
  int highest = -1;  ///< index into ShowerDigits
  double e1_e9 = 0, e9_e21 = 0, second_moment = 0, lat = 0;
  double zernike[n_zernike] = {};
  int n_local_maxima = 1;  ///< of its connected region (set by the caller)
};

/// Zernike radial polynomials R_nm(r) of the 11 (n, m) pairs of the reference, in the order of
/// zernike_n / zernike_m (showers.hpp), from the powers of r computed once.
UMBRA_HD inline void zernike_radials(double r, double* R) {
  const double r2 = r * r, r3 = r2 * r, r4 = r2 * r2, r5 = r4 * r;
  R[0] = r;                           // 11
  R[1] = 2 * r2 - 1;                  // 20
  R[2] = r2;                          // 22
  R[3] = 3 * r3 - 2 * r;              // 31
  R[4] = r3;                          // 33
  R[5] = 6 * r4 - 6 * r2 + 1;         // 40
  R[6] = 4 * r4 - 3 * r2;             // 42
  R[7] = r4;                          // 44
  R[8] = 10 * r5 - 12 * r3 + 3 * r;   // 51
  R[9] = 5 * r5 - 4 * r3;             // 53
  R[10] = r5;                         // 55
}

UMBRA_HD inline bool contains_cell(Span<const std::uint16_t> cells, int c) {
  for (const auto x : cells)
    if (x == c) return true;
  return false;
}

/// All features of one shower; `d.n` must be >= 1.
UMBRA_HD inline void compute_shower_features(const ShowerDigits& d, const EclGeometryView& geo,
                                             const ClusteringOptions& opt, ShowerFeatures& f) {
  // Energy and highest crystal (ties to the lower cellId).
  f.energy = 0;
  f.highest = 0;
  for (int k = 0; k < d.n; ++k) {
    f.energy += d.energy[k];
    if (d.energy[k] > d.energy[f.highest] || (d.energy[k] == d.energy[f.highest] && d.cell[k] < d.cell[f.highest]))
      f.highest = k;
  }
  f.time = d.time[f.highest];

  // Log-weighted ("lilo") position: w_k = max(0, w0 + ln(E_k / E)).
  double sx = 0, sy = 0, sz = 0, sw = 0;
  for (int k = 0; k < d.n; ++k) {
    const double lw = opt.log_weight_w0 + log(d.energy[k] / f.energy);
    if (lw <= 0) continue;
    const int c = d.cell[k] - 1;
    sx += lw * geo.centre_x[c], sy += lw * geo.centre_y[c], sz += lw * geo.centre_z[c], sw += lw;
  }
  if (sw <= 0) {  // cannot happen for the highest crystal of <= 54 digits; kept for safety
    const int c = d.cell[f.highest] - 1;
    sx = geo.centre_x[c], sy = geo.centre_y[c], sz = geo.centre_z[c], sw = 1;
  }
  f.x = sx / sw, f.y = sy / sw, f.z = sz / sw;
  const double rho_xy = sqrt(f.x * f.x + f.y * f.y);
  f.theta = atan2(rho_xy, f.z);
  f.phi = atan2(f.y, f.x);

  // E1/E9 and E9/E21 around the highest crystal.
  const int hc = d.cell[f.highest];
  double e9 = 0, e21 = 0;
  for (int k = 0; k < d.n; ++k) {
    if (d.cell[k] == hc) {  // the centre is in both windows (saves the table look-ups of 1-crystal showers)
      e9 += d.energy[k], e21 += d.energy[k];
      continue;
    }
    if (contains_cell(geo.n1(hc), d.cell[k])) e9 += d.energy[k];
    if (contains_cell(geo.nc2(hc), d.cell[k])) e21 += d.energy[k];
  }
  f.e1_e9 = e9 > 0 ? d.energy[f.highest] / e9 : 0;
  f.e9_e21 = e21 > 0 ? e9 / e21 : 0;

  // Local copies of the (n, m) tables: namespace-scope arrays are not visible in device code.
  const int zn[n_zernike] = {1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5};
  const int zm[n_zernike] = {1, 0, 2, 1, 3, 0, 2, 4, 1, 3, 5};
  constexpr double inv_pi = 0.31830988618379067;
  if (d.n == 1) {
    // A lone crystal (most beam-background showers) lies on the shower axis: rho = 0 exactly, where
    // the general formulas below give only rounding noise (~1e-7 cm). |Z_nm| = (n+1)/pi |R_nm(0)|.
    f.second_moment = 0, f.lat = 0;
    double R[n_zernike];
    zernike_radials(0.0, R);
    for (int q = 0; q < n_zernike; ++q) f.zernike[q] = (zn[q] + 1) * inv_pi * fabs(R[q]);
    return;
  }

  // Shower axis from the origin through the position; local frame (e1, e2) across it.
  const double norm = sqrt(f.x * f.x + f.y * f.y + f.z * f.z);
  const double ux = f.x / norm, uy = f.y / norm, uz = f.z / norm;
  double ax = -uy, ay = ux, az = 0;  // z x u
  double an = sqrt(ax * ax + ay * ay);
  if (an < 1e-9) ax = 1, ay = 0, an = 1;
  ax /= an, ay /= an;
  const double bx = uy * az - uz * ay, by = uz * ax - ux * az, bz = ux * ay - uy * ax;  // u x e1

  // Second moment, LAT (two highest crystals excluded) and Zernike moments in one pass.
  int second = -1;
  for (int k = 0; k < d.n; ++k) {
    if (k == f.highest) continue;
    if (second < 0 || d.energy[k] > d.energy[second] || (d.energy[k] == d.energy[second] && d.cell[k] < d.cell[second]))
      second = k;
  }
  double m2 = 0, lat_num = 0;
  double zre[n_zernike] = {}, zim[n_zernike] = {};
  for (int k = 0; k < d.n; ++k) {
    const int c = d.cell[k] - 1;
    const double px = geo.centre_x[c], py = geo.centre_y[c], pz = geo.centre_z[c];
    const double along = px * ux + py * uy + pz * uz;
    const double tx = px - along * ux, ty = py - along * uy, tz = pz - along * uz;
    const double rho2 = tx * tx + ty * ty + tz * tz;
    m2 += d.energy[k] * rho2;
    if (k != f.highest && k != second) lat_num += d.energy[k] * rho2;
    const double rho = sqrt(rho2) / opt.zernike_rho0;
    const double r = rho < 1.0 ? rho : 1.0;
    // cos(m alpha), sin(m alpha) for m = 0..5 by the Chebyshev recurrence from the azimuth alpha of
    // the crystal around the axis (alpha = 0 on the axis itself, as atan2(0, 0) gives).
    const double u = tx * ax + ty * ay + tz * az, v = tx * bx + ty * by + tz * bz;
    const double t = sqrt(u * u + v * v);
    double cm[6], sm[6];
    cm[0] = 1, sm[0] = 0;
    cm[1] = t > 0 ? u / t : 1.0, sm[1] = t > 0 ? v / t : 0.0;
    for (int m = 2; m < 6; ++m) {
      cm[m] = 2 * cm[1] * cm[m - 1] - cm[m - 2];
      sm[m] = 2 * cm[1] * sm[m - 1] - sm[m - 2];
    }
    double R[n_zernike];
    zernike_radials(r, R);
    for (int q = 0; q < n_zernike; ++q) {
      const double rad = d.energy[k] * R[q];
      zre[q] += rad * cm[zm[q]];
      zim[q] -= rad * sm[zm[q]];
    }
  }
  f.second_moment = m2 / f.energy;
  if (d.n >= 3) {
    const double top2 = d.energy[f.highest] + d.energy[second];
    const double den = lat_num + opt.lat_r0 * opt.lat_r0 * top2;
    f.lat = den > 0 ? lat_num / den : 0;
  } else {
    f.lat = 0;
  }
  for (int q = 0; q < n_zernike; ++q)
    f.zernike[q] = (zn[q] + 1) * inv_pi * sqrt(zre[q] * zre[q] + zim[q] * zim[q]) / f.energy;
}

}  // namespace umbra::ecl
