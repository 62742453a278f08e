#pragma once
// The seed of the Kalman track fit (kalman_fit.hpp, step 1): a helix at the perigee from a fast
// algebraic fit of the hits, the filter's starting point (its covariance is inflated there).

#include <cmath>

#include "umbra/core/small_angle.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/helix.hpp"

namespace umbra::track::detail {

/// Turning angle seen from the circle centre (cx, cy) from the point of the circle closest to the
/// origin to the direction of the point (hx, hy), positive counter-clockwise: the angle between
/// -(cx, cy) and (hx - cx, hy - cy). Short arcs by atan_small, the library call otherwise.
UMBRA_HD inline double seed_turning_angle(double cx, double cy, double hx, double hy) {
  const double cr = cy * hx - cx * hy, dt = cx * cx + cy * cy - cx * hx - cy * hy;
  if (dt > 0 && fabs(cr) < 0.125 * dt) return atan_small(cr / dt);
  return atan2(cr, dt);
}

/// Algebraic circle fit (Kasa) in xy + line fit in (s, z). False when degenerate.
/// W: kalman_fit.hpp's detail::Work (reads hit[0..n_hits): detector, layer, pos, wire, radius,
/// sigma_b), a template parameter so that this file needs the hit layout only where it is used.
template <class W>
UMBRA_HD inline bool seed(const W& wk, const tracker::TrackerGeometry& g, double x[5]) {
  // Kasa: the circle x^2 + y^2 + D x + E y + F = 0 that minimises sum wt (x^2 + y^2 + D x + E y + F)^2
  // over silicon points (wt 100) and axial wires (wt 1). Normal equations S (D, E, F) = -b with
  // S = sum wt (x, y, 1)(x, y, 1)^T, b = sum wt r^2 (x, y, 1): seven weighted moments per point
  // (sum wt is a count, sum wt r^2 = sum wt x^2 + sum wt y^2), a wire's weight 1 not multiplied in.
  double sx = 0, sy = 0, sxx = 0, sxy = 0, syy = 0, sxr = 0, syr = 0;
  int n = 0, n_si = 0;
  for (int k = 0; k < wk.n_hits; ++k) {
    const auto& h = wk.hit[k];
    double hx, hy, wx, wy;
    if (h.detector == 3) {
      if (g.cdc[h.layer].stereo != 0) continue;
      hx = wx = h.wire.x, hy = wy = h.wire.y;
    } else {
      hx = h.pos.x, hy = h.pos.y, wx = 100 * hx, wy = 100 * hy;
      ++n_si;
    }
    const double r2 = hx * hx + hy * hy;
    sx += wx, sy += wy, sxx += wx * hx, sxy += wx * hy, syy += wy * hy, sxr += wx * r2, syr += wy * r2;
    ++n;
  }
  if (n < 3) return false;
  // the first and last points used (a stereo wire is not), found from the ends after the loop
  auto used = [&](int k) { return wk.hit[k].detector != 3 || g.cdc[wk.hit[k].layer].stereo == 0; };
  int first = 0, last = wk.n_hits - 1;
  while (!used(first)) ++first;
  while (!used(last)) --last;
  const double sw = (n - n_si) + 100.0 * n_si, sr = sxx + syy;
  // S^-1 = adj(S) / det(S) (Cramer's rule; S and its adjugate are symmetric)
  const double a00 = syy * sw - sy * sy, a01 = sx * sy - sxy * sw, a02 = sxy * sy - syy * sx;
  const double a11 = sxx * sw - sx * sx, a12 = sxy * sx - sxx * sy, a22 = sxx * syy - sxy * sxy;
  const double d = sxx * a00 + sxy * a01 + sx * a02;
  if (!(fabs(d) > 0)) return false;
  const double id = 1.0 / d;
  const double D = -(a00 * sxr + a01 * syr + a02 * sr) * id, E = -(a01 * sxr + a11 * syr + a12 * sr) * id;
  const double F = -(a02 * sxr + a12 * syr + a22 * sr) * id;
  const double cx = -D / 2, cy = -E / 2, R2 = cx * cx + cy * cy - F;
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
  x[kPhi0] = atan2(sg * cx, -sg * cy);
  x[kD0] = sg * (Cn - R);
  // line in (s, z): silicon z, or z of stereo-wire crossings when silicon is short
  double tw = 0, ts = 0, tz = 0, tss = 0, tsz = 0;
  x[kZ0] = 0, x[kTanLambda] = 0;
  // with two silicon points the loop ends at the last one (silicon hits come first, sorted outward)
  for (int k = 0, si_left = n_si; k < wk.n_hits && (n_si < 2 || si_left > 0); ++k) {
    const auto& h = wk.hit[k];
    double s, zz, wt;
    if (h.detector != 3) {
      --si_left;
      // transverse arc length to the hit = turning angle / omega (clockwise for omega > 0): the
      // s of change_pivot_jacobian from the perigee to the hit, without its Jacobian
      s = -seed_turning_angle(cx, cy, h.pos.x, h.pos.y) / x[kOmega];
      zz = h.pos.z, wt = 1.0 / (h.sigma_b * h.sigma_b);
    } else {
      if (n_si >= 2) continue;
      const double st = g.cdc[h.layer].stereo;
      if (st == 0) continue;
      x[kZ0] = 0, x[kTanLambda] = 0;
      if (!arc_to_radius(x, Point3{}, h.radius, s)) continue;
      double px, py, pz;
      helix_position(x, Point3{}, s, px, py, pz);
      const double dphi = wrap_angle(atan2(py, px) - atan2(h.wire.y, h.wire.x));
      zz = h.radius * tan(dphi) / tan(st), wt = 1.0 / 100.0;
    }
    tw += wt, ts += wt * s, tz += wt * zz, tss += wt * s * s, tsz += wt * s * zz;
  }
  const double det = tw * tss - ts * ts;
  if (tw > 0 && fabs(det) > 1e-12 * tw * tss) {
    x[kTanLambda] = (tw * tsz - ts * tz) / det;
    x[kZ0] = (tz - x[kTanLambda] * ts) / tw;
  } else {
    x[kTanLambda] = 0, x[kZ0] = tw > 0 ? tz / tw : 0;
  }
  return is_finite(x[kOmega]) && is_finite(x[kPhi0]) && is_finite(x[kD0]) && is_finite(x[kZ0]) &&
         is_finite(x[kTanLambda]);
}

}  // namespace umbra::track::detail
