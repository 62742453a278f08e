#pragma once
// The seed of the Kalman track fit (kalman_fit.hpp, step 1): a helix at the perigee from a fast
// algebraic fit of the hits, the filter's starting point (its covariance is inflated there).

#include <cmath>

#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/helix.hpp"

namespace umbra::track::detail {

/// Algebraic circle fit (Kasa) in xy + line fit in (s, z). False when degenerate.
/// W: kalman_fit.hpp's detail::Work (reads hit[0..n_hits): detector, layer, pos, wire, radius,
/// sigma_b), a template parameter so that this file needs the hit layout only where it is used.
template <class W>
UMBRA_HD inline bool seed(const W& wk, const tracker::TrackerGeometry& g, double x[5]) {
  double S[3][3] = {}, rhs[3] = {};
  int n = 0, first = -1, last = -1;
  for (int k = 0; k < wk.n_hits; ++k) {
    const auto& h = wk.hit[k];
    double hx, hy, wt;
    if (h.detector == 3) {
      if (g.cdc[h.layer].stereo != 0) continue;
      hx = h.wire.x, hy = h.wire.y, wt = 1;
    } else {
      hx = h.pos.x, hy = h.pos.y, wt = 100;
    }
    const double v[3] = {hx, hy, 1}, r2 = hx * hx + hy * hy;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) S[i][j] += wt * v[i] * v[j];
      rhs[i] -= wt * v[i] * r2;
    }
    ++n;
    if (first < 0) first = k;
    last = k;
  }
  if (n < 3) return false;
  // solve S (D, E, F) = rhs by Cramer's rule
  auto det3 = [](double m[3][3]) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  const double d = det3(S);
  if (!(fabs(d) > 0)) return false;
  double sol[3];
  for (int c = 0; c < 3; ++c) {
    double m[3][3];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) m[i][j] = j == c ? rhs[i] : S[i][j];
    sol[c] = det3(m) / d;
  }
  const double cx = -sol[0] / 2, cy = -sol[1] / 2, R2 = cx * cx + cy * cy - sol[2];
  if (!(R2 > 0)) return false;
  const double R = sqrt(R2);
  // sense of rotation from the first to a later hit: clockwise (cross < 0) is omega > 0
  auto xy = [&](int k, double& hx, double& hy) {
    const auto& h = wk.hit[k];
    hx = h.detector == 3 ? h.wire.x : h.pos.x, hy = h.detector == 3 ? h.wire.y : h.pos.y;
  };
  double x1, y1, x2, y2;
  xy(first, x1, y1);
  int mid = first + (last - first) / 2;
  if (mid == first) mid = last;
  xy(mid, x2, y2);
  const double cross = (x1 - cx) * (y2 - cy) - (y1 - cy) * (x2 - cx);
  const double sg = cross < 0 ? 1.0 : -1.0;
  const double Cn = sqrt(cx * cx + cy * cy);
  if (!(Cn > 0)) return false;
  x[kOmega] = sg / R;
  x[kPhi0] = atan2(sg * cx / Cn, -sg * cy / Cn);
  x[kD0] = sg * (Cn - R);
  // line in (s, z): silicon z, or z of stereo-wire crossings when silicon is short
  double sw = 0, ss = 0, sz = 0, sss = 0, ssz = 0;
  int n_si = 0;
  for (int k = 0; k < wk.n_hits; ++k) n_si += wk.hit[k].detector != 3;
  x[kZ0] = 0, x[kTanLambda] = 0;
  const double sf = sin(x[kPhi0]), cf = cos(x[kPhi0]);  // once: the arc lengths below take them
  for (int k = 0; k < wk.n_hits; ++k) {
    const auto& h = wk.hit[k];
    double s, zz, wt;
    if (h.detector != 3) {  // arc length to the hit: the pivot change's, without its libm calls
      double q[5];
      PivotJacobian J;
      change_pivot_jacobian(x, sf, cf, Point3{}, Point3{h.pos.x, h.pos.y, 0.0}, q, J);
      s = J.s;
      zz = h.pos.z, wt = 1.0 / (h.sigma_b * h.sigma_b);
    } else {
      const double st = g.cdc[h.layer].stereo;
      if (n_si >= 2 || st == 0) continue;
      x[kZ0] = 0, x[kTanLambda] = 0;
      if (!arc_to_radius(x, Point3{}, h.radius, s)) continue;
      double px, py, pz;
      helix_position(x, Point3{}, s, px, py, pz);
      const double dphi = wrap_angle(atan2(py, px) - atan2(h.wire.y, h.wire.x));
      zz = h.radius * tan(dphi) / tan(st), wt = 1.0 / 100.0;
    }
    sw += wt, ss += wt * s, sz += wt * zz, sss += wt * s * s, ssz += wt * s * zz;
  }
  const double det = sw * sss - ss * ss;
  if (sw > 0 && fabs(det) > 1e-12 * sw * sss) {
    x[kTanLambda] = (sw * ssz - ss * sz) / det;
    x[kZ0] = (sz - x[kTanLambda] * ss) / sw;
  } else {
    x[kTanLambda] = 0, x[kZ0] = sw > 0 ? sz / sw : 0;
  }
  return is_finite(x[kOmega]) && is_finite(x[kPhi0]) && is_finite(x[kD0]) && is_finite(x[kZ0]) &&
         is_finite(x[kTanLambda]);
}

}  // namespace umbra::track::detail
