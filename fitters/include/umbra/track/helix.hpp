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

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/units.hpp"
#include "umbra/track/dual.hpp"

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
