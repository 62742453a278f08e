#pragma once
// Starting point of the vertex fit: where two helices come closest. The transverse circles meet in
// two points, touch, or miss; every case gives one or two candidate points (both intersections are
// kept), each refined in 3D by a few Gauss-Newton steps on the arc lengths (s1, s2) minimising
// |X1(s1) - X2(s2)|^2. Nearly parallel tracks (idm-like e+e-, conversions) make the circles almost
// tangent: the "touch/miss" branch then supplies the point, so no square root of a negative
// number or division by a vanishing determinant can occur. Per pair the search costs two sincos
// (the perigee angles) and one atan2 per candidate and track; the steps rotate known directions.

#include <cmath>

#include "umbra/core/lanes.hpp"
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


/// The fields of a helix that the closest-approach steps use, over a lane type V
/// (umbra/core/lanes.hpp): V = double is one helix; a vector of doubles holds the helices of
/// several pairs side by side (the CPU backend refines the candidates of many pairs in lanes).
template <class V>
struct HelixT {
  V phi0, w, z0, tl, s0, c0, iw;  // iw = 1 / omega
  V xd, yd;                       // the perigee point (d0 sin phi0, -d0 cos phi0)
};

/// A point of a helix at arc length s with the sin/cos of its direction; the direction angle
/// itself is phi0 - omega s (needed once per search, not per step).
template <class V>
struct HelixPointT {
  V s, x, y, z, cphi, sphi;
};

/// The point of h at arc length s whose direction has sin/cos (sp, cp)
/// (x = d0 sin phi0 + [sin phi0 - sin phi]/omega, y = -d0 cos phi0 + [cos phi - cos phi0]/omega).
template <class V>
UMBRA_HD inline HelixPointT<V> helix_point(const HelixT<V>& h, V s, V sp, V cp) {
  return {s, h.xd + (h.s0 - sp) * h.iw, h.yd + (cp - h.c0) * h.iw, h.z0 + s * h.tl, cp, sp};
}

/// The point ds further along h than a (|omega ds| <= 0.3): its direction rotated by a
/// small-angle series, no trigonometric call.
template <class V>
UMBRA_HD inline HelixPointT<V> helix_step(const HelixT<V>& h, const HelixPointT<V>& a, V ds) {
  V sd, cd;
  small_sincos(h.w * ds, sd, cd);  // phi -> phi - omega ds (|omega ds| <= 0.3)
  return helix_point(h, a.s + ds, a.sphi * cd - a.cphi * sd, a.cphi * cd + a.sphi * sd);
}

/// A helix prepared for the closest-approach search: sin/cos of phi0 and the circle centre computed
/// once per track (perigee.hpp). Points carry sin/cos of their direction, so moving along the
/// helix is a rotation (no trigonometric call per point).
struct HelixEval : HelixT<double> {
  double d0, xc, yc, r;
  using Point = HelixPointT<double>;
  HelixEval() = default;
  UMBRA_HD explicit HelixEval(const Vec<5>& p) {
    d0 = p.a[0][0], phi0 = p.a[1][0], w = p.a[2][0], z0 = p.a[3][0], tl = p.a[4][0];
    sincos_fast(phi0, s0, c0);
    iw = 1.0 / w;
    const double rr = d0 + iw;
    xc = rr * s0, yc = -rr * c0, r = fabs(iw);
    xd = d0 * s0, yd = -d0 * c0;
  }
  /// The point at arc length s whose direction has sin/cos (sp, cp).
  UMBRA_HD Point make(double s, double sp, double cp) const { return helix_point<double>(*this, s, sp, cp); }
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
  UMBRA_HD Point step(const Point& a, double ds) const { return helix_step<double>(*this, a, ds); }
};

/// The state of a closest-approach search: the two helix points and their difference a - b.
template <class V>
struct PocaSearchT {
  HelixPointT<V> a, b;
  V dx, dy, dz, d2;
};

/// Gauss-Newton refinement of the 3D closest approach of h1 and h2 from the points in `q`,
/// minimising |X1(s1) - X2(s2)|^2 over the arc lengths. Written over a lane type V: every lane
/// does the operations of its own scalar search (a lane whose search has stopped keeps its state),
/// so lanes give the scalar result bit for bit.
/// `give_up`: a pair still farther apart than this plus what the remaining steps can close is left
/// as it is (its doca stays above give_up, all a caller cutting there needs to know).
template <class V>
UMBRA_HD inline void refine_poca_t(const HelixT<V>& h1, const HelixT<V>& h2, PocaSearchT<V>& q, V give_up) {
  using lanes::any;
  using lanes::select;
  constexpr int n_iterations = 4;
  q.dx = q.a.x - q.b.x, q.dy = q.a.y - q.b.y, q.dz = q.a.z - q.b.z;
  q.d2 = q.dx * q.dx + q.dy * q.dy + q.dz * q.dz;
  const V t1 = h1.tl, t2 = h2.tl;
  // Keep steps well inside the circles so the linearisation stays valid.
  const V w1 = lanes::fabs(h1.w), w2 = lanes::fabs(h2.w);
  const V lim = 0.3 / select(w1 > w2, w1, w2);
  // A step of at most lim in arc length moves a helix point by at most lim sqrt(1 + tanLambda^2)
  // (chord <= arc), so one iteration brings the points at most `reach` closer (with a margin for
  // rounding). Exact: the refined doca can never fall below d - (iterations left) reach.
  const V reach = lim * (lanes::sqrt(1.0 + t1 * t1) + lanes::sqrt(1.0 + t2 * t2)) * (1 + 1e-9);
  const V h11 = 1.0 + t1 * t1, h22 = 1.0 + t2 * t2;
  auto go = !(q.d2 > q.d2);  // lanes still searching (all, unless NaN)
  for (int it = 0; it < n_iterations; ++it) {
    const V bound = give_up + double(n_iterations - it) * reach;
    go = go && !(q.d2 > bound * bound);
    // Tangents dX/ds = (cos phi, sin phi, tanLambda).
    const HelixPointT<V>&a = q.a, &b = q.b;
    const V g1 = q.dx * a.cphi + q.dy * a.sphi + q.dz * t1, g2 = -(q.dx * b.cphi + q.dy * b.sphi + q.dz * t2);
    const V h12 = -(a.cphi * b.cphi + a.sphi * b.sphi + t1 * t2);
    const V det = h11 * h22 - h12 * h12;
    go = go && !(det < 1e-12 * h11 * h22);  // parallel: the transverse candidate is as good as it gets
    if (!any(go)) break;
    const V idet = 1.0 / det;
    V ds1 = -(h22 * g1 - h12 * g2) * idet, ds2 = -(h11 * g2 - h12 * g1) * idet;
    const V m = select(lanes::fabs(ds1) > lanes::fabs(ds2), lanes::fabs(ds1), lanes::fabs(ds2));
    const auto clip = m > lim;
    if (any(clip)) {
      const V f = lim / m;
      ds1 = select(clip, ds1 * f, ds1), ds2 = select(clip, ds2 * f, ds2);
    }
    const HelixPointT<V> na = helix_step(h1, a, ds1), nb = helix_step(h2, b, ds2);
    const V ndx = na.x - nb.x, ndy = na.y - nb.y, ndz = na.z - nb.z;
    const V nd2 = ndx * ndx + ndy * ndy + ndz * ndz;
    go = go && nd2 < q.d2;
    q.a.s = select(go, na.s, a.s), q.a.x = select(go, na.x, a.x), q.a.y = select(go, na.y, a.y);
    q.a.z = select(go, na.z, a.z), q.a.cphi = select(go, na.cphi, a.cphi), q.a.sphi = select(go, na.sphi, a.sphi);
    q.b.s = select(go, nb.s, b.s), q.b.x = select(go, nb.x, b.x), q.b.y = select(go, nb.y, b.y);
    q.b.z = select(go, nb.z, b.z), q.b.cphi = select(go, nb.cphi, b.cphi), q.b.sphi = select(go, nb.sphi, b.sphi);
    q.dx = select(go, ndx, q.dx), q.dy = select(go, ndy, q.dy), q.dz = select(go, ndz, q.dz);
    q.d2 = select(go, nd2, q.d2);
    go = go && !(ds1 * ds1 + ds2 * ds2 < 1e-8);  // 1 um: a starting point for the fit, which iterates
    if (!any(go)) break;
  }
}

namespace detail {

/// The candidate of a finished search (scalar).
UMBRA_HD inline PocaCandidate poca_candidate(const HelixEval& h1, const HelixEval& h2, const PocaSearchT<double>& q) {
  const HelixEval::Point &a = q.a, &b = q.b;
  return {0.5 * (a.x + b.x), 0.5 * (a.y + b.y), 0.5 * (a.z + b.z), sqrt(q.d2), h1.phi_at(a.s), h2.phi_at(b.s), a.s, b.s,
          q.dx, q.dy, q.dz, a.sphi, a.cphi, b.sphi, b.cphi};
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

/// The closest-approach search from starting point k of `st`, before any step: the points of
/// the two circles nearest to it.
UMBRA_HD inline PocaSearchT<double> start_search(const HelixEval& h1, const HelixEval& h2, const CircleStarts& st,
                                                 int k) {
  PocaSearchT<double> q;
  q.a = h1.nearest(st.x1[k], st.y1[k]), q.b = h2.nearest(st.x2[k], st.y2[k]);
  return q;
}

/// Starting point k of `st`, refined in 3D; with `give_up`, a candidate that provably cannot come
/// within it is returned unfinished (doca > give_up; refine_poca_t).
UMBRA_HD inline PocaCandidate refine_start(const HelixEval& h1, const HelixEval& h2, const CircleStarts& st, int k,
                                           double give_up = HUGE_VAL) {
  PocaSearchT<double> q = start_search(h1, h2, st, k);
  refine_poca_t<double>(h1, h2, q, give_up);
  return detail::poca_candidate(h1, h2, q);
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
