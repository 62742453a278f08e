#pragma once
// A cheap estimate of the vertex fit's chi2 at a starting point, to skip fits that cannot pass
// the chi2 cut. At the closest approach of two (locally straight) tracks the only inconsistency
// a common vertex has to absorb is the distance d along the doca direction n, which is
// perpendicular to both tangents; to first order the fitted chi2 (ndf = 1) is
//   chi2 ~ d^2 / (sigma_1^2 + sigma_2^2),   sigma_i^2 = g_i^T V_i g_i,  g_i = (d position_i / d p_i)^T n,
// with the position derivatives of the perigee helix (perigee.hpp) at the closest-approach arc
// length (moving along the track changes nothing to first order: n is perpendicular to it).
#include <cmath>

#include "umbra/vertex/helix_poca.hpp"

namespace umbra::vertex {

/// Variance of the position of helix h (covariance V) along the unit direction n at its point of
/// arc length s, whose direction angle has sine ss and cosine cs (PocaCandidate carries them).
UMBRA_HD inline double position_variance_along(const HelixEval& h, const Mat<5, 5>& V, double s, double ss, double cs,
                                               const double n[3]) {
  const double d0 = h.d0, iw = h.iw, s0 = h.s0, c0 = h.c0;
  // x = d0 s0 + (s0 - ss)/w,  y = -d0 c0 + (cs - c0)/w,  z = z0 + s tanLambda.
  const double dx_dphi = d0 * c0 + (c0 - cs) * iw, dy_dphi = d0 * s0 + (s0 - ss) * iw;
  const double dx_dw = (-(s0 - ss) * iw + s * cs) * iw, dy_dw = (-(cs - c0) * iw + s * ss) * iw;
  const double g[5] = {n[0] * s0 - n[1] * c0, n[0] * dx_dphi + n[1] * dy_dphi, n[0] * dx_dw + n[1] * dy_dw, n[2],
                       n[2] * s};
  double v = 0.0;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) v += g[i] * V.a[i][j] * g[j];
  return v;
}

/// The first-order chi2 of a common vertex at closest-approach candidate c of helices h (0 when
/// the helices touch, where the doca direction is undefined and nothing can be said).
UMBRA_HD inline double start_chi2(const HelixEval h[2], const Mat<5, 5> V[2], const PocaCandidate& c) {
  if (!(c.doca > 0.0)) return 0.0;
  const double n[3] = {c.dx / c.doca, c.dy / c.doca, c.dz / c.doca};
  const double var = position_variance_along(h[0], V[0], c.s1, c.sphi1, c.cphi1, n) +
                     position_variance_along(h[1], V[1], c.s2, c.sphi2, c.cphi2, n);
  return var > 0.0 ? c.doca * c.doca / var : 0.0;
}

}  // namespace umbra::vertex
