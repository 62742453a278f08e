#pragma once
// Perigee helix geometry for the vertex fit (reference/belle2.md "Tracking detectors"):
//   x(s) = d0 sin(phi0) + [sin(phi0) - sin(phi0 - omega s)] / omega
//   y(s) = -d0 cos(phi0) + [cos(phi0 - omega s) - cos(phi0)] / omega
//   z(s) = z0 + s tanLambda,   direction angle phi(s) = phi0 - omega s,   charge = sign(omega).
// The circle centre is ((d0 + 1/omega) sin(phi0), -(d0 + 1/omega) cos(phi0)), radius 1/|omega|.
// The vertex fit's measurement model is the inverse map: the perigee parameters of the track
// that passes through vertex v with direction phi, slope tanLambda and curvature omega there,
// with its analytic Jacobians (Billoir, Fruhwirth, Regler, NIM A 241 (1985) 115, for the idea).
// Helix evaluation is the track fit's (umbra/track/helix.hpp); the inverse map with its Jacobians
// is here because the fit needs it in the vertex frame (checked against track::change_pivot).

#include <cmath>

#include "umbra/core/portable_math.hpp"
#include "umbra/core/small_angle.hpp"
#include "umbra/core/units.hpp"
#include "umbra/track/helix.hpp"
#include "umbra/vertex/sincos.hpp"
#include "umbra/vertex/small_matrix.hpp"

namespace umbra::vertex {

/// Angle wrapped into (-pi, pi].
UMBRA_HD inline double wrap_angle(double a) {
  const double pi = constants::pi;
  if (a > -pi && a <= pi) return a;  // the usual case: no fmod (a slow library call)
  a = fmod(a + pi, 2.0 * pi);
  if (a <= 0.0) a += 2.0 * pi;
  return a - pi;
}

/// An angle known to lie near `angle`, whose sine and cosine are given too (the measured phi0 of
/// a track, or the perigee direction of the helix being searched).
struct AngleRef {
  double angle, s, c;
};

/// atan2(y, x) for a direction expected near `ref`: ref plus the angle between them, which when
/// small (|tan| <= 1/8) is the odd series of atan to t^19 (truncation < 1e-20) -- no library
/// call, whose cost (~30 ns on the host, with a rounding-mode save/restore) dominated the
/// closest-approach search and the fit's linearisation. Otherwise atan2. The result may lie
/// outside (-pi, pi] by at most 1/8 (callers wrap differences).
UMBRA_HD inline double atan2_near(double y, double x, const AngleRef& ref) {
  const double yr = y * ref.c - x * ref.s, xr = x * ref.c + y * ref.s;  // (x, y) rotated by -ref
  if (!(xr > 0.0 && fabs(yr) <= 0.125 * xr)) return portable::atan2(y, x);
  return ref.angle + atan_small(yr / xr);
}

/// sqrt(x^2 + y^2) without hypot's overflow and underflow guards (a slow library call; the
/// lengths here are cm).
UMBRA_HD inline double norm2d(double x, double y) { return sqrt(x * x + y * y); }

/// Transverse momentum [GeV] of curvature omega [1/cm] in field b [T] (the track fit's helper).
UMBRA_HD inline double pt_of_omega(double omega, double b_field) { return track::pt_of(omega, b_field); }

struct HelixPoint {
  double x, y, z;  // cm
  double phi;      // transverse direction angle
};

/// Point at transverse arc length s from the perigee (the track fit's helix, pivot at the origin).
UMBRA_HD inline HelixPoint helix_at(const Vec<5>& p, double s) {
  const double q[5] = {p.a[0][0], p.a[1][0], p.a[2][0], p.a[3][0], p.a[4][0]};
  HelixPoint h;
  track::helix_position(q, track::Point3{}, s, h.x, h.y, h.z);
  h.phi = track::helix_phi(q, s);
  return h;
}

/// Centre of the transverse circle.
UMBRA_HD inline void helix_centre(const Vec<5>& p, double& xc, double& yc) {
  const double r = p.a[0][0] + 1.0 / p.a[2][0];
  xc = r * sin(p.a[1][0]);
  yc = -r * cos(p.a[1][0]);
}

/// Direction angle of the helix at the point of its circle nearest to (x, y), and the arc length
/// to it from the perigee (the branch within half a turn: loopers are not followed).
UMBRA_HD inline double helix_arc_to(const Vec<5>& p, double x, double y, double& phi) {
  double xc, yc;
  helix_centre(p, xc, yc);
  const double w = p.a[2][0];
  // On the circle x - xc = -sin(phi)/omega, y - yc = cos(phi)/omega.
  phi = atan2(-w * (x - xc), w * (y - yc));
  return wrap_angle(p.a[1][0] - phi) / w;
}

/// Track state at the vertex: direction angle, tanLambda and curvature.
struct VertexMomentum {
  double phi, tan_lambda, omega;
};

/// Perigee parameters h(v, q) of the helix through vertex v with state q there, and the Jacobians
/// A = dh/dv (5x3), B = dh/dq (5x3) with q ordered (phi, tanLambda, omega). With `near`, the
/// perigee angle phi0 is found as an angle near it (atan2_near; the vertex fit passes the
/// measured phi0, where the result may then lie up to 1/8 outside (-pi, pi]).
UMBRA_HD inline void perigee_from_vertex(const double v[3], const VertexMomentum& q, Vec<5>& h, Mat<5, 3>& A,
                                         Mat<5, 3>& B, const AngleRef* near = nullptr) {
  const double w = q.omega, rho = 1.0 / w;
  double sphi, cphi;
  sincos_fast(q.phi, sphi, cphi);
  const double sgn = w > 0 ? 1.0 : -1.0;
  const double xc = v[0] + rho * sphi, yc = v[1] - rho * cphi;
  const double D2 = xc * xc + yc * yc, D = sqrt(D2);
  const double phi0 = near ? atan2_near(sgn * xc, -sgn * yc, *near) : atan2(sgn * xc, -sgn * yc);
  const double d0 = sgn * D - rho;
  const double dphi = wrap_angle(phi0 - q.phi);
  const double s = dphi / w;
  h.a[0][0] = d0, h.a[1][0] = phi0, h.a[2][0] = w, h.a[3][0] = v[2] - s * q.tan_lambda, h.a[4][0] = q.tan_lambda;

  // Derivatives of the centre with respect to (vx, vy) and (phi, omega).
  const double dxc_dphi = rho * cphi, dxc_dw = -rho * rho * sphi;
  const double dyc_dphi = rho * sphi, dyc_dw = rho * rho * cphi;
  // dD = (xc dxc + yc dyc)/D ; dphi0 = (-yc dxc + xc dyc)/D^2 ; dd0 = sgn dD + rho^2 domega.
  const double iD = 1.0 / D, iD2 = 1.0 / D2;
  A = Mat<5, 3>::zero();
  B = Mat<5, 3>::zero();
  A.a[0][0] = sgn * xc * iD, A.a[0][1] = sgn * yc * iD;
  A.a[1][0] = -yc * iD2, A.a[1][1] = xc * iD2;
  B.a[0][0] = sgn * (xc * dxc_dphi + yc * dyc_dphi) * iD;
  B.a[0][2] = sgn * (xc * dxc_dw + yc * dyc_dw) * iD + rho * rho;
  B.a[1][0] = (-yc * dxc_dphi + xc * dyc_dphi) * iD2;
  B.a[1][2] = (-yc * dxc_dw + xc * dyc_dw) * iD2;
  B.a[2][2] = 1.0;
  // z0 = vz - tanLambda (phi0 - phi)/omega.
  const double t_w = q.tan_lambda * rho;
  A.a[3][0] = -t_w * A.a[1][0], A.a[3][1] = -t_w * A.a[1][1], A.a[3][2] = 1.0;
  B.a[3][0] = -t_w * (B.a[1][0] - 1.0);
  B.a[3][1] = -s;
  B.a[3][2] = -t_w * B.a[1][2] + q.tan_lambda * dphi * rho * rho;
  B.a[4][1] = 1.0;
}

}  // namespace umbra::vertex
