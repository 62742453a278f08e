#pragma once
// The helix in the uniform solenoid field, Belle II perigee convention (reference/belle2.md,
// "Tracking detectors"): parameters (d0, phi0, omega, z0, tanLambda) relative to a pivot P,
//   x(s) = Px + d0 sin(phi0) + [sin(phi0) - sin(phi0 - omega s)] / omega
//   y(s) = Py - d0 cos(phi0) + [cos(phi0 - omega s) - cos(phi0)] / omega
//   z(s) = Pz + z0 + s tanLambda,
// s the transverse arc length, omega = q c B / pt (> 0 for positive charge, which turns
// clockwise seen from +z). With P = 0 these are the perigee parameters. Moving the pivot
// (`change_pivot`) is the analytic propagation used by the simulation and the Kalman fit; it is a
// template so that Dual<5> gives its exact Jacobian. All forms are stable for omega -> 0.

#include <cmath>

#include "umbra/core/lanes.hpp"
#include "umbra/core/qualifiers.hpp"
#include "umbra/core/small_angle.hpp"
#include "umbra/core/units.hpp"
#include "umbra/track/dual.hpp"
#include "umbra/track/matrix.hpp"

namespace umbra::track {

enum HelixIndex : int { kD0 = 0, kPhi0 = 1, kOmega = 2, kZ0 = 3, kTanLambda = 4 };

/// A point (x, y, z) in cm; pivots are plain doubles (never differentiated).
struct Point3 {
  double x = 0, y = 0, z = 0;
};

/// sin(a)/a, smooth at 0.
template <class T>
UMBRA_HD inline T sinc(const T& a) {
  const double av = value(a);
  if (av * av < 1e-8) return 1.0 - a * a * (1.0 / 6.0);
  return sin(a) / a;
}

/// omega [1/cm] of a particle of charge q and transverse momentum pt [GeV] in field b [T].
UMBRA_HD inline double omega_of(double q, double pt, double b) { return q * constants::c_curvature * b / pt; }
/// Transverse momentum [GeV] of curvature omega in field b.
UMBRA_HD inline double pt_of(double omega, double b) { return constants::c_curvature * b / fabs(omega); }

/// Position at transverse arc length s from the point of closest approach to the pivot.
template <class T>
UMBRA_HD inline void helix_position(const T p[5], const Point3& pivot, const T& s, T& x, T& y, T& z) {
  // [sin f - sin(f - a)] / w = s cos(f - a/2) sinc(a/2), [cos(f - a) - cos f] / w = s sin(f - a/2) sinc(a/2)
  const T half = p[kOmega] * s * 0.5;
  const T k = s * sinc(half);
  const T fm = p[kPhi0] - half;
  x = pivot.x + p[kD0] * sin(p[kPhi0]) + k * cos(fm);
  y = pivot.y - p[kD0] * cos(p[kPhi0]) + k * sin(fm);
  z = pivot.z + p[kZ0] + s * p[kTanLambda];
}

/// Direction angle in xy at arc length s (the momentum points along (cos, sin)).
template <class T>
UMBRA_HD inline T helix_phi(const T p[5], const T& s) { return p[kPhi0] - p[kOmega] * s; }

/// The same track described relative to a new pivot: out = parameters at `to`, s = transverse
/// arc length from the old point of closest approach to the new one (negative when backwards).
/// Valid while the new pivot is not at the circle centre.
template <class T>
UMBRA_HD inline void change_pivot(const T p[5], const Point3& from, const Point3& to, T out[5], T& s) {
  const T sf = sin(p[kPhi0]), cf = cos(p[kPhi0]);
  // old point of closest approach relative to the new pivot
  const T ax = (from.x - to.x) + p[kD0] * sf;
  const T ay = (from.y - to.y) - p[kD0] * cf;
  const T w = p[kOmega];
  const T u = sf + w * ax, v = cf - w * ay;  // (1 + w d') (sin phi', cos phi')
  const T phi1 = atan2(u, v);
  const T U = sqrt(u * u + v * v);
  const T q = ax * sf - ay * cf;
  const T d1 = (2.0 * q + w * (ax * ax + ay * ay)) / (U + 1.0);
  // arc length: chord . mid-direction = 2 sin(dphi/2) / w, so s = chord_mid / sinc(dphi/2)
  const T s1 = sin(phi1), c1 = cos(phi1);
  const T dsin = sf * c1 - cf * s1, dcos = cf * c1 + sf * s1;  // sin, cos of (phi - phi')
  const T dphi = atan2(dsin, dcos);
  const T fm = p[kPhi0] - dphi * 0.5;
  const T chord_mid = (d1 * s1 - ax) * cos(fm) + (-d1 * c1 - ay) * sin(fm);
  s = chord_mid / sinc(dphi * 0.5);
  out[kD0] = d1;
  out[kPhi0] = phi1;
  out[kOmega] = w;
  out[kZ0] = p[kZ0] + s * p[kTanLambda] + (from.z - to.z);
  out[kTanLambda] = p[kTanLambda];
}

/// change_pivot for plain doubles with its Jacobian J = d out / d p written out analytically (the
/// hot path of the Kalman fit; tests/tracking/test_helix.cpp checks it against Dual<5>). Only
/// (d0, phi0, omega) mix; z0' = z0 + s tanLambda; omega and tanLambda are unchanged. Returns the
/// 3x3 block J3[i][j] = d(d0', phi0', s)/d(d0, phi0, omega); phi0' is wrapped into (-pi, pi].
/// sf, cf: sin, cos of phi0 (the fit carries them along instead of recomputing them); also returns
/// sin/cos of phi0'.
/// Written over a lane type V (umbra/core/lanes.hpp): V = double is the scalar code, a vector of
/// doubles runs several tracks side by side with the same operations per lane; P: the pivot type
/// (Point3, or a point of V). The rare branches (long steps, nearly straight tracks) are per-lane
/// scalar paths there.
template <class V>
struct PivotJacobianT {
  V a[3][3];  // rows d0', phi0', s; columns d0, phi0, omega
  V s;        // transverse arc length
  V tan_lambda;
  V sin_phi, cos_phi;  // of the new phi0
};
using PivotJacobian = PivotJacobianT<double>;
template <class V, class P>
UMBRA_HD inline void change_pivot_jacobian(const V p[5], V sf, V cf, const P& from, const P& to, V out[5],
                                           PivotJacobianT<V>& J) {
  using lanes::at;
  const V d0 = p[kD0], w = p[kOmega];
  const V ax = (from.x - to.x) + d0 * sf, ay = (from.y - to.y) - d0 * cf;
  const V u = sf + w * ax, v = cf - w * ay;
  const V U2 = u * u + v * v, U = lanes::sqrt(U2), iU = 1.0 / U;
  const V q = ax * sf - ay * cf, A = ax * ax + ay * ay;
  const V c = ax * cf + ay * sf;  // old closest point relative to the new pivot, along the track
  const V iU1 = 1.0 / (U + 1.0);
  const V d1 = (2.0 * q + w * A) * iU1;
  const V s1 = u * iU, c1 = v * iU;
  // U sin(dphi) = -w c and U cos(dphi) = 1 + w q for dphi = phi - phi' (expand sin phi cos phi' -
  // cos phi sin phi' with u, v): tan(dphi) without the square root and the divisions by U, which
  // stay off the chain from one hit to the next, and without the cancellation of the difference.
  const V wq1 = 1.0 + w * q, dsin = -w * c * iU;
  V dphi{}, s{};  // every lane is set below (the braces: GCC cannot see that through the masks)
  const auto short_step = wq1 > 0 && lanes::fabs(w * c) < 0.1 * wq1;
  auto tiny = short_step;  // where the short series below sets dphi and s
  if (lanes::any(short_step)) {  // the usual short step: atan series, |tan dphi| < 0.1
    const V xs = -c / wq1, x = w * xs, x2 = x * x;  // xs = tan(dphi) / w, finite for w = 0
    tiny = short_step && x2 < 1e-3;
    if (lanes::any(tiny)) {  // |x| < 0.032 (most steps): atan_small's series cut at x^11, truncation < 1e-18 relative
      // s = dphi / w straight from xs: no division by w, exact for a straight track
      const V x4 = x2 * x2;
      const V a = 1.0 - x2 * (1.0 / 3.0), b = 1.0 / 5.0 - x2 * (1.0 / 7.0), c = 1.0 / 9.0 - x2 * (1.0 / 11.0);
      const V series = a + x4 * (b + x4 * c);
      dphi = x * series, s = xs * series;
    }
    lanes::for_lanes<V>(short_step && !tiny, [&](int l) { at(dphi, l) = atan_small(at(x, l)); });
  }
  lanes::for_lanes<V>(!short_step, [&](int l) { at(dphi, l) = atan2(-at(w, l) * at(c, l), at(wq1, l)); });
  const auto curved = !tiny && lanes::fabs(w) > 1e-7;
  if (lanes::any(curved)) s = lanes::select(curved, dphi / w, s);  // absolute error ~ 1e-16 / |w|: below 1e-9 cm here
  lanes::for_lanes<V>(!tiny && !curved, [&](int l) {
    // nearly straight: chord projected on the mean direction (bisector), over sinc(dphi/2)
    const double cfl = at(cf, l), sfl = at(sf, l), c1l = at(c1, l), s1l = at(s1, l), dphil = at(dphi, l);
    const double d1l = at(d1, l), axl = at(ax, l), ayl = at(ay, l), phil = at(p[kPhi0], l);
    const double bx = cfl + c1l, by = sfl + s1l, nb = sqrt(bx * bx + by * by);
    const double h = 0.5 * dphil;
    const double cm = nb > 1e-6 ? bx / nb : cos(phil - h), sm = nb > 1e-6 ? by / nb : sin(phil - h);
    const double sc = fabs(h) < 1e-3 ? 1.0 - h * h * (1.0 / 6.0) + h * h * h * h * (1.0 / 120.0) : sin(h) / h;
    at(s, l) = ((d1l * s1l - axl) * cm + (-d1l * c1l - ayl) * sm) / sc;
  });
  V phi1 = p[kPhi0] - dphi;
  const double pi = constants::pi;
  phi1 = lanes::select(phi1 > pi, phi1 - 2 * pi, lanes::select(phi1 <= -pi, phi1 + 2 * pi, phi1));
  const V t = p[kTanLambda];
  out[kD0] = d1;
  out[kPhi0] = phi1;
  out[kOmega] = w;
  out[kZ0] = p[kZ0] + s * t + (from.z - to.z);
  out[kTanLambda] = t;
  // d phi' and d U from u = sin + w ax, v = cos - w ay
  const V iU2 = iU * iU, e = 1.0 + w * d0;
  J.a[1][0] = -w * w * c * iU2;
  J.a[1][1] = e * wq1 * iU2;
  J.a[1][2] = c * iU2;
  const V dU0 = w * wq1 * iU, dU1 = e * w * c * iU, dU2 = (q + w * A) * iU;
  // d1 = N / (U + 1), N = 2 q + w A
  J.a[0][0] = (2.0 + 2.0 * w * q - d1 * dU0) * iU1;
  J.a[0][1] = (2.0 * c * e - d1 * dU1) * iU1;
  J.a[0][2] = (A - d1 * dU2) * iU1;
  // s = (phi - phi') / w, written without the 1/w; d s / d w from the closest-approach condition
  J.a[2][0] = w * c * iU2;
  J.a[2][1] = ((q - d0) + w * (A - d0 * q)) * iU2;
  const V a = dphi;  // = w s
  const V g = lanes::choose<V>(
      lanes::fabs(a) > 1e-2, [&] { return (a - dsin) / (a * a); },
      [&] { return a * (1.0 / 6.0) - a * a * a * (1.0 / 120.0); });
  J.a[2][2] = -(s * s * g + s * d1) * iU;
  J.s = s, J.tan_lambda = t;
  J.sin_phi = s1, J.cos_phi = c1;
}

UMBRA_HD inline void change_pivot_jacobian(const double p[5], const Point3& from, const Point3& to, double out[5],
                                           PivotJacobian& J) {
  change_pivot_jacobian(p, sin(p[kPhi0]), cos(p[kPhi0]), from, to, out, J);
}

/// C <- J C J^T for the Jacobian of change_pivot_jacobian.
/// J's rows omega and tanLambda are unit rows, so only rows d0, phi0, z0 of M = J C are formed and
/// only the upper triangle of M J^T is summed.
template <class V>
UMBRA_HD inline void pivot_similarity(const PivotJacobianT<V>& J, Mat5T<V>& C) {
  const V t = J.tan_lambda, sj = J.s;
  const V a00 = J.a[0][0], a01 = J.a[0][1], a02 = J.a[0][2];
  const V a10 = J.a[1][0], a11 = J.a[1][1], a12 = J.a[1][2];
  const V z0 = t * J.a[2][0], z1 = t * J.a[2][1], z2 = t * J.a[2][2];
  V M0[5], M1[5], M3[5];
  for (int j = 0; j < 5; ++j) {
    const V c0 = C(0, j), c1 = C(1, j), c2 = C(2, j);
    M0[j] = a00 * c0 + a01 * c1 + a02 * c2;
    M1[j] = a10 * c0 + a11 * c1 + a12 * c2;
    M3[j] = z0 * c0 + z1 * c1 + z2 * c2 + C(3, j) + sj * C(4, j);
  }
  const V c00 = a00 * M0[0] + a01 * M0[1] + a02 * M0[2];
  const V c01 = a10 * M0[0] + a11 * M0[1] + a12 * M0[2];
  const V c11 = a10 * M1[0] + a11 * M1[1] + a12 * M1[2];
  const V c03 = z0 * M0[0] + z1 * M0[1] + z2 * M0[2] + M0[3] + sj * M0[4];
  const V c13 = z0 * M1[0] + z1 * M1[1] + z2 * M1[2] + M1[3] + sj * M1[4];
  const V c33 = z0 * M3[0] + z1 * M3[1] + z2 * M3[2] + M3[3] + sj * M3[4];
  C(0, 0) = c00, C(0, 1) = c01, C(1, 1) = c11;
  C(0, 2) = M0[2], C(1, 2) = M1[2], C(2, 3) = M3[2];
  C(0, 4) = M0[4], C(1, 4) = M1[4], C(3, 4) = M3[4];
  C(0, 3) = c03, C(1, 3) = c13, C(3, 3) = c33;
}

namespace detail {
/// a in (-pi, pi] (a non-finite or huge angle is returned as it is).
UMBRA_HD inline double wrap_angle(double a) {
  // a diverging track's angle can be huge or infinite: the loops below would (nearly) never end
  if (!(fabs(a) < 1e6)) return a;
  const double pi = constants::pi;
  while (a > pi) a -= 2 * pi;
  while (a <= -pi) a += 2 * pi;
  return a;
}
}  // namespace detail

/// (sin, cos) of phi + delta from those of phi: a short series for the small steps of a Kalman
/// update (|delta| < 0.01: truncation below 1e-19), the library call otherwise.
template <class V>
UMBRA_HD inline void rotate_angle(V& sf, V& cf, V phi_new, V delta) {
  const auto small = lanes::fabs(delta) < 1e-2;
  if (lanes::any(small)) {
    V sd, cd;
    small_sincos(delta, sd, cd);
    const V s = sf * cd + cf * sd, c = cf * cd - sf * sd;
    sf = s, cf = c;
  }
  lanes::for_lanes<V>(!small, [&](int l) {
    lanes::at(sf, l) = sin(lanes::at(phi_new, l)), lanes::at(cf, l) = cos(lanes::at(phi_new, l));
  });
}

/// Smallest positive transverse arc length at which the helix reaches cylindrical radius r;
/// false when it never does (curls inside, or runs parallel).
UMBRA_HD inline bool arc_to_radius(const double p[5], const Point3& pivot, double r, double& s_out) {
  const double sf = sin(p[kPhi0]), cf = cos(p[kPhi0]);
  const double x0 = pivot.x + p[kD0] * sf, y0 = pivot.y - p[kD0] * cf;  // point of closest approach
  const double w = p[kOmega];
  const double two_pi = constants::two_pi;
  if (fabs(w) < 1e-9) {  // straight line: |x0 + s dir| = r
    const double b = x0 * cf + y0 * sf, c = x0 * x0 + y0 * y0 - r * r;
    const double disc = b * b - c;
    if (disc < 0) return false;
    const double sq = sqrt(disc);
    const double s1 = -b - sq, s2 = -b + sq;
    s_out = s1 > 1e-9 ? s1 : s2;
    return s_out > 1e-9;
  }
  const double rho = 1.0 / fabs(w), sg = w > 0 ? 1.0 : -1.0;
  const double cx = x0 + sf / w, cy = y0 - cf / w;
  const double D = sqrt(cx * cx + cy * cy);
  if (D < 1e-12 || D > r + rho || D < fabs(r - rho)) return false;
  const double a = (r * r - rho * rho + D * D) / (2 * D);
  const double h = sqrt(fmax(0.0, r * r - a * a));
  const double ux = cx / D, uy = cy / D;
  double best = -1;
  for (int k = 0; k < 2; ++k) {
    const double sgn = k == 0 ? 1.0 : -1.0;
    const double x = a * ux - sgn * h * uy, y = a * uy + sgn * h * ux;
    // direction angle psi at (x, y): (sin psi, -cos psi) = sign(w) (C - X) / rho
    const double psi = atan2(sg * (cx - x) / rho, -sg * (cy - y) / rho);
    double dphi = sg * (p[kPhi0] - psi);  // |w| s, wanted in (0, 2 pi)
    dphi = fmod(dphi, two_pi);
    if (dphi < 0) dphi += two_pi;
    const double s = dphi * rho;
    if (s > 1e-9 && (best < 0 || s < best)) best = s;
  }
  if (best < 0) return false;
  s_out = best;
  return true;
}

/// Helix through point `x` with momentum `p` [GeV] and charge q, pivot at x itself (d0 = z0 = 0).
UMBRA_HD inline void helix_from_momentum(double px, double py, double pz, double q, double b, double out[5]) {
  const double pt = sqrt(px * px + py * py);
  out[kD0] = 0;
  out[kPhi0] = atan2(py, px);
  out[kOmega] = omega_of(q, pt, b);
  out[kZ0] = 0;
  out[kTanLambda] = pz / pt;
}

/// Unit direction of flight at arc length s.
UMBRA_HD inline void helix_direction(const double p[5], double s, double& ux, double& uy, double& uz) {
  const double f = p[kPhi0] - p[kOmega] * s, t = p[kTanLambda];
  const double n = 1.0 / sqrt(1.0 + t * t);
  ux = cos(f) * n, uy = sin(f) * n, uz = t * n;
}

/// Moves the pivot to the point at arc length s on the track itself (d0 = z0 = 0 there).
UMBRA_HD inline void advance(double p[5], Point3& pivot, double s) {
  double x, y, z;
  helix_position(p, pivot, s, x, y, z);
  p[kPhi0] = helix_phi(p, s);
  p[kD0] = 0;
  p[kZ0] = 0;
  pivot = {x, y, z};
}

}  // namespace umbra::track
