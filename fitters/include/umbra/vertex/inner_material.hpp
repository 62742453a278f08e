#pragma once
// Multiple scattering a displaced track never suffered. The Kalman track fit carries its state from
// the first hit to the perigee through every material cylinder inside that hit (beam pipe, PXD,
// SVD, CDC wall; kalman_fit.hpp, end of `backward`) and adds each cylinder's Highland noise. A
// track born at a vertex of radius R never crossed the cylinders with radius < R, so its perigee
// covariance is too large by
//   sum over those cylinders c of  J_c Q_c J_c^T,
// Q_c the fit's noise at the crossing (add_material on the state there), J_c the helix transport
// Jacobian from the crossing to the perigee (change_pivot_jacobian). Both are recomputed here with
// the track fit's own functions and material model (material.hpp) and subtracted; the vertex fit
// then refits with the corrected covariances (pair_vertex.hpp); the mean energy the fit gave
// back to the track in those cylinders (a few MeV) is taken off its curvature likewise.

#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/kalman_fit.hpp"
#include "umbra/track/material.hpp"
#include "umbra/vertex/small_matrix.hpp"

namespace umbra::vertex {

/// The material cylinders the track fit applied (radial order) and its mass hypothesis; n = 0: the
/// tracks carry no such material (fit without material, or smeared truth) and nothing is removed.
struct TrackMaterial {
  int n = 0;
  double mass = 0;  // GeV: track::mass_of(FitOptions::hypothesis)
  double radius[track::n_material_cylinders] = {};
  double x_over_x0[track::n_material_cylinders] = {};
  track::Material material[track::n_material_cylinders] = {};
};

/// The cylinders of `g` as the track fit with hypothesis `h` sees them.
inline TrackMaterial track_material(const tracker::TrackerGeometry& g, track::Hypothesis h) {
  TrackMaterial m;
  m.n = track::n_material_cylinders, m.mass = track::mass_of(h);
  for (int c = 0; c < m.n; ++c) {
    const track::MaterialCylinderInfo i = track::material_cylinder(g, c);
    m.radius[c] = i.radius, m.x_over_x0[c] = i.x_over_x0, m.material[c] = i.material;
  }
  return m;
}

/// Number of cylinders of m inside transverse radius r (they are in radial order).
UMBRA_HD inline int cylinders_inside(const TrackMaterial& m, double r) {
  int k = 0;
  while (k < m.n && m.radius[k] < r) ++k;
  return k;
}

/// The track (p, V) as the fit would have given it without the first n_inside cylinders: V less
/// their scattering noise transported to the perigee, and p's curvature less the mean energy the
/// fit gave back in them. False (p_out = p, out = V) when the result is not positive definite.
UMBRA_HD inline bool remove_inner_material(const Vec<5>& p, const Mat<5, 5>& V, const TrackMaterial& m, int n_inside,
                                           double b_field, Vec<5>& p_out, Mat<5, 5>& out) {
  out = V, p_out = p;
  const double x[5] = {p.a[0][0], p.a[1][0], p.a[2][0], p.a[3][0], p.a[4][0]};
  const track::Point3 origin{};
  const double lb2 = track::detail::log_beta2(x, m.mass, b_field);
  for (int c = 0; c < n_inside; ++c) {
    double s, px, py, pz, xc[5];
    if (!track::arc_to_radius(x, origin, m.radius[c], s)) continue;  // as the fit: never reached
    track::helix_position(x, origin, s, px, py, pz);
    const track::Point3 at{px, py, pz};
    track::change_pivot(x, origin, at, xc, s);
    const track::Scatterer sc =
        track::make_scatterer(m.material[c], m.x_over_x0[c] * track::path_factor(xc[track::kPhi0], xc[track::kTanLambda], px, py));
    track::Mat5 Q;
    for (int i = 0; i < 15; ++i) Q.p[i] = 0.0;
    double xq[5] = {xc[0], xc[1], xc[2], xc[3], xc[4]};
    track::detail::add_material(xq, Q, sc, m.mass, b_field, lb2, true);  // outward: the loss the fit undid
    p_out.a[2][0] *= xq[track::kOmega] / xc[track::kOmega];
    double back[5];
    track::PivotJacobian J;
    track::change_pivot_jacobian(xc, at, origin, back, J);
    track::pivot_similarity(J, Q);
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) out.a[i][j] -= Q(i, j);
  }
  if (positive_definite(out)) return true;
  out = V, p_out = p;
  return false;
}

}  // namespace umbra::vertex
