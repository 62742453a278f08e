#pragma once
// Four-vectors, Lorentz boosts and the SuperKEKB beams (e- 7 GeV along +z, e+ 4 GeV along -z;
// reference/belle2.md "Machine and units": the 83 mrad crossing angle is neglected, so the CM
// boost is along z). Host and device code.

#include <cmath>

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/units.hpp"

namespace umbra {

struct FourVector {
  double px = 0, py = 0, pz = 0, e = 0;  // GeV

  UMBRA_HD FourVector operator+(const FourVector& o) const { return {px + o.px, py + o.py, pz + o.pz, e + o.e}; }
  UMBRA_HD FourVector operator-(const FourVector& o) const { return {px - o.px, py - o.py, pz - o.pz, e - o.e}; }
  UMBRA_HD FourVector operator-() const { return {-px, -py, -pz, e}; }  // spatial reflection
  UMBRA_HD double p2() const { return px * px + py * py + pz * pz; }
  UMBRA_HD double p() const { return sqrt(p2()); }
  UMBRA_HD double pt() const { return sqrt(px * px + py * py); }
  UMBRA_HD double m2() const { return e * e - p2(); }
  UMBRA_HD double m() const { return m2() > 0 ? sqrt(m2()) : 0.0; }
  UMBRA_HD double dot(const FourVector& o) const { return e * o.e - px * o.px - py * o.py - pz * o.pz; }
};

/// A particle of mass m with momentum p along (cos_theta, phi).
UMBRA_HD inline FourVector polar(double p, double m, double cos_theta, double phi) {
  const double s = sqrt(fmax(0.0, 1.0 - cos_theta * cos_theta));
  return {p * s * cos(phi), p * s * sin(phi), p * cos_theta, sqrt(p * p + m * m)};
}

/// Active boost of v by velocity (bx, by, bz).
UMBRA_HD inline FourVector boost(const FourVector& v, double bx, double by, double bz) {
  const double b2 = bx * bx + by * by + bz * bz;
  if (b2 <= 0) return v;
  const double g = 1.0 / sqrt(1.0 - b2);
  const double bp = bx * v.px + by * v.py + bz * v.pz;
  const double k = (g - 1.0) * bp / b2 + g * v.e;
  return {v.px + k * bx, v.py + k * by, v.pz + k * bz, g * (v.e + bp)};
}

/// A daughter given in its parent's rest frame, taken to the frame where the parent has `parent`.
UMBRA_HD inline FourVector from_rest_frame(const FourVector& d, const FourVector& parent) {
  return boost(d, parent.px / parent.e, parent.py / parent.e, parent.pz / parent.e);
}

/// Momentum of either daughter in the two-body decay M -> m1 m2 (0 below threshold).
UMBRA_HD inline double two_body_momentum(double M, double m1, double m2) {
  const double a = (M * M - (m1 + m2) * (m1 + m2)) * (M * M - (m1 - m2) * (m1 - m2));
  return a > 0 ? sqrt(a) / (2.0 * M) : 0.0;
}

/// Rotates v, given with respect to the z axis, so that the z axis goes onto the unit vector u.
UMBRA_HD inline FourVector rotate_z_to(const FourVector& v, double ux, double uy, double uz) {
  const double st = sqrt(fmax(0.0, 1.0 - uz * uz));
  const double cp = st > 1e-12 ? ux / st : 1.0, sp = st > 1e-12 ? uy / st : 0.0;
  const double x1 = v.px * uz + v.pz * st, z1 = -v.px * st + v.pz * uz;  // about y by theta
  return {x1 * cp - v.py * sp, x1 * sp + v.py * cp, z1, v.e};             // about z by phi
}

/// The colliding beams in the lab, their sum, sqrt(s) and the CM velocity along +z.
struct Beams {
  FourVector electron, positron, total;
  double sqrt_s, s, beta_z;

  UMBRA_HD FourVector to_lab(const FourVector& cm) const { return boost(cm, 0, 0, beta_z); }
  UMBRA_HD FourVector to_cm(const FourVector& lab) const { return boost(lab, 0, 0, -beta_z); }
};

UMBRA_HD inline Beams superkekb() {
  const double me = constants::m_electron;
  Beams b;
  b.electron = {0, 0, sqrt(constants::e_her * constants::e_her - me * me), constants::e_her};
  b.positron = {0, 0, -sqrt(constants::e_ler * constants::e_ler - me * me), constants::e_ler};
  b.total = b.electron + b.positron;
  b.s = b.total.m2();
  b.sqrt_s = sqrt(b.s);  // 10.583 GeV (reference quotes 10.58)
  b.beta_z = b.total.pz / b.total.e;  // beta*gamma = 0.284
  return b;
}

/// CM |cos theta*| below which a massless particle lands inside the lab polar range
/// [theta_min, theta_max] whichever hemisphere it goes to (the tighter of the two ends).
UMBRA_HD inline double cm_cos_cut(double theta_min, double theta_max, double beta_z) {
  auto cm = [&](double th) { return (cos(th) - beta_z) / (1.0 - beta_z * cos(th)); };
  return fmin(cm(theta_min), -cm(theta_max));
}

}  // namespace umbra
