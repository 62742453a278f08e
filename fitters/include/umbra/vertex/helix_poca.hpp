#pragma once
// Starting point of the vertex fit: where two helices come closest. The transverse circles meet in
// two points, touch, or miss; every case gives one or two candidate points (both intersections are
// kept), each refined in 3D by a few Gauss-Newton steps on the arc lengths (s1, s2) minimising
// |X1(s1) - X2(s2)|^2. Nearly parallel tracks (idm-like e+e-, conversions) make the circles almost
// tangent: the "touch/miss" branch then supplies the point, so no square root of a negative
// number or division by a vanishing determinant can occur. Per pair the search costs two sincos
// (the perigee angles) and one atan2 per candidate and track; the steps rotate known directions.

#include <cmath>

#include "umbra/vertex/perigee.hpp"
#include "umbra/vertex/sincos.hpp"

namespace umbra::vertex {

struct PocaCandidate {
  double x, y, z;  // midpoint of the two helix points [cm]
  double doca;     // 3D distance between them [cm]
  double phi1, phi2;  // direction angles of the helices there
  double s1, s2;      // transverse arc lengths from the perigees to the two helix points
  double dx, dy, dz;  // helix point 1 minus helix point 2 [cm]
  double sphi1, cphi1, sphi2, cphi2;  // sin, cos of phi1, phi2
};

struct PocaResult {
  int n = 0;  // 0 (concentric circles), 1 or 2 candidates, best (smallest doca) first
  PocaCandidate c[2];
};


/// A helix prepared for the closest-approach search: sin/cos of phi0 and the circle centre computed
/// once per track (x = d0 sin phi0 + [sin phi0 - sin phi]/omega, y = -d0 cos phi0 + [cos phi -
/// cos phi0]/omega, phi = phi0 - omega s; perigee.hpp). Points carry sin/cos of their direction,
/// so moving along the helix is a rotation (no trigonometric call per point).
struct HelixEval {
  double d0, phi0, w, z0, tl, s0, c0, xc, yc, r, iw;  // iw = 1 / omega
  double xd, yd;  // the perigee point (d0 sin phi0, -d0 cos phi0)
  /// A point of the helix; its direction angle is phi_at(s) (needed once per search, not per step).
  struct Point {
    double s, x, y, z, cphi, sphi;
  };
  UMBRA_HD explicit HelixEval(const Vec<5>& p)
      : d0(p.a[0][0]), phi0(p.a[1][0]), w(p.a[2][0]), z0(p.a[3][0]), tl(p.a[4][0]) {
    sincos_fast(phi0, s0, c0);
    iw = 1.0 / w;
    const double rr = d0 + iw;
    xc = rr * s0, yc = -rr * c0, r = fabs(iw);
    xd = d0 * s0, yd = -d0 * c0;
  }
  /// The point at arc length s whose direction has sin/cos (sp, cp).
  UMBRA_HD Point make(double s, double sp, double cp) const {
    return {s, xd + (s0 - sp) * iw, yd + (cp - c0) * iw, z0 + s * tl, cp, sp};
  }
  /// Direction angle at arc length s.
  UMBRA_HD double phi_at(double s) const { return phi0 - w * s; }
  /// The point of the circle nearest to (x, y), on the branch within half a turn of the perigee
  /// (helix_arc_to): one atan2, the direction from the geometry (x - xc = -sin(phi)/omega,
  /// y - yc = cos(phi)/omega).
  UMBRA_HD Point nearest(double x, double y) const {
    const double ux = w * (y - yc), uy = -w * (x - xc), n = sqrt(ux * ux + uy * uy);
    const double phi = atan2_near(uy, ux, AngleRef{phi0, s0, c0});  // often within 1/8 of phi0
    const double s = wrap_angle(phi0 - phi) * iw;
    return n > 0 ? make(s, uy / n, ux / n) : make(s, sin(phi0 - w * s), cos(phi0 - w * s));
  }
  /// The point ds further along than a (|omega ds| <= 0.3).
  UMBRA_HD Point step(const Point& a, double ds) const {
    double sd, cd;
    small_sincos(w * ds, sd, cd);  // phi -> phi - omega ds (|omega ds| <= 0.3)
    return make(a.s + ds, a.sphi * cd - a.cphi * sd, a.cphi * cd + a.sphi * sd);
  }
};

namespace detail {

/// Gauss-Newton refinement of the 3D closest approach of h1 and h2 starting at points a and b.
/// `give_up`: a pair still farther apart than this plus what the remaining steps can close is left
/// as it is (its doca stays above give_up, all a caller cutting there needs to know).
UMBRA_HD inline PocaCandidate refine_poca(const HelixEval& h1, const HelixEval& h2, HelixEval::Point a,
                                          HelixEval::Point b, double give_up) {
  constexpr int n_iterations = 4;
  double dx = a.x - b.x, dy = a.y - b.y, dz = a.z - b.z;
  double d2 = dx * dx + dy * dy + dz * dz;
  const double t1 = h1.tl, t2 = h2.tl;
  // Keep steps well inside the circles so the linearisation stays valid.
  const double w1 = fabs(h1.w), w2 = fabs(h2.w);
  const double lim = 0.3 / (w1 > w2 ? w1 : w2);
  // A step of at most lim in arc length moves a helix point by at most lim sqrt(1 + tanLambda^2)
  // (chord <= arc), so one iteration brings the points at most `reach` closer (with a margin for
  // rounding). Exact: the refined doca can never fall below d - (iterations left) reach.
  const double reach = lim * (sqrt(1 + t1 * t1) + sqrt(1 + t2 * t2)) * (1 + 1e-9);
  for (int it = 0; it < n_iterations; ++it) {
    const double bound = give_up + (n_iterations - it) * reach;
    if (d2 > bound * bound) break;
    // Tangents dX/ds = (cos phi, sin phi, tanLambda).
    const double g1 = dx * a.cphi + dy * a.sphi + dz * t1, g2 = -(dx * b.cphi + dy * b.sphi + dz * t2);
    const double h11 = 1 + t1 * t1, h22 = 1 + t2 * t2, h12 = -(a.cphi * b.cphi + a.sphi * b.sphi + t1 * t2);
    const double det = h11 * h22 - h12 * h12;
    if (det < 1e-12 * h11 * h22) break;  // parallel: the transverse candidate is as good as it gets
    const double idet = 1.0 / det;
    double ds1 = -(h22 * g1 - h12 * g2) * idet, ds2 = -(h11 * g2 - h12 * g1) * idet;
    const double m = fabs(ds1) > fabs(ds2) ? fabs(ds1) : fabs(ds2);
    if (m > lim) {
      const double f = lim / m;
      ds1 *= f, ds2 *= f;
    }
    const HelixEval::Point na = h1.step(a, ds1), nb = h2.step(b, ds2);
    const double ndx = na.x - nb.x, ndy = na.y - nb.y, ndz = na.z - nb.z;
    const double nd2 = ndx * ndx + ndy * ndy + ndz * ndz;
    if (!(nd2 < d2)) break;
    a = na, b = nb, dx = ndx, dy = ndy, dz = ndz, d2 = nd2;
    if (ds1 * ds1 + ds2 * ds2 < 1e-8) break;  // 1 um: a starting point for the fit, which iterates
  }
  return {0.5 * (a.x + b.x), 0.5 * (a.y + b.y), 0.5 * (a.z + b.z), sqrt(d2), h1.phi_at(a.s), h2.phi_at(b.s), a.s, b.s, dx, dy, dz,
          a.sphi, a.cphi, b.sphi, b.cphi};
}

}  // namespace detail

/// The transverse starting points of the closest-approach search, before any 3D refinement:
/// n = 0 (concentric), 1 (circles apart or nested: the facing points) or 2 (both crossings);
/// point k is (x1[k], y1[k]) on circle 1 and (x2[k], y2[k]) on circle 2. `gap` is the smallest
/// transverse distance between the circles (0 when they cross), a lower bound of any 3D doca.
struct CircleStarts {
  int n = 0;
  double x1[2], y1[2], x2[2], y2[2];
  double gap = 0;
};

UMBRA_HD inline CircleStarts circle_starts(const HelixEval& h1, const HelixEval& h2) {
  CircleStarts r;
  const double x1 = h1.xc, y1 = h1.yc, x2 = h2.xc, y2 = h2.yc, r1 = h1.r, r2 = h2.r;
  const double ex = x2 - x1, ey = y2 - y1, d = sqrt(ex * ex + ey * ey);
  if (!(d > 1e-9 * (r1 + r2))) return r;  // concentric (or NaN input): no defined crossing
  const double ux = ex / d, uy = ey / d;
  if (d >= r1 + r2) {  // apart: nearest points face each other
    r.x1[0] = x1 + r1 * ux, r.y1[0] = y1 + r1 * uy, r.x2[0] = x2 - r2 * ux, r.y2[0] = y2 - r2 * uy;
    r.n = 1, r.gap = d - r1 - r2;
  } else if (d <= fabs(r1 - r2)) {  // nested: nearest points on the same side
    const double sgn = r1 > r2 ? 1.0 : -1.0;
    r.x1[0] = x1 + sgn * r1 * ux, r.y1[0] = y1 + sgn * r1 * uy, r.x2[0] = x2 + sgn * r2 * ux, r.y2[0] = y2 + sgn * r2 * uy;
    r.n = 1, r.gap = fabs(r1 - r2) - d;
  } else {  // two crossings, symmetric about the line of centres
    const double a = (d * d + r1 * r1 - r2 * r2) / (2 * d);
    const double h = sqrt(fmax(r1 * r1 - a * a, 0.0));
    const double bx = x1 + a * ux, by = y1 + a * uy;
    r.x1[0] = r.x2[0] = bx - h * uy, r.y1[0] = r.y2[0] = by + h * ux;
    r.x1[1] = r.x2[1] = bx + h * uy, r.y1[1] = r.y2[1] = by - h * ux;
    r.n = 2;
  }
  return r;
}

UMBRA_HD inline CircleStarts circle_starts(const Vec<5>& p1, const Vec<5>& p2) {
  return circle_starts(HelixEval(p1), HelixEval(p2));
}

/// Starting point k of `st`, refined in 3D; with `give_up`, a candidate that provably cannot come
/// within it is returned unfinished (doca > give_up; detail::refine_poca).
UMBRA_HD inline PocaCandidate refine_start(const HelixEval& h1, const HelixEval& h2, const CircleStarts& st, int k,
                                           double give_up = HUGE_VAL) {
  return detail::refine_poca(h1, h2, h1.nearest(st.x1[k], st.y1[k]), h2.nearest(st.x2[k], st.y2[k]), give_up);
}
UMBRA_HD inline PocaCandidate refine_start(const Vec<5>& p1, const Vec<5>& p2, const CircleStarts& st, int k) {
  return refine_start(HelixEval(p1), HelixEval(p2), st, k);
}

/// Every candidate, refined, smallest doca first.
UMBRA_HD inline PocaResult helix_poca(const Vec<5>& p1, const Vec<5>& p2) {
  const HelixEval h1(p1), h2(p2);
  const CircleStarts st = circle_starts(h1, h2);
  PocaResult r;
  r.n = st.n;
  for (int k = 0; k < st.n; ++k) r.c[k] = refine_start(h1, h2, st, k);
  if (r.n == 2 && r.c[1].doca < r.c[0].doca) {
    const PocaCandidate t = r.c[0];
    r.c[0] = r.c[1], r.c[1] = t;
  }
  return r;
}

}  // namespace umbra::vertex
