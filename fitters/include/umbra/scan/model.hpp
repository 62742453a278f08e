#pragma once
// The per-fit model of the mass scan as UMBRA_HD functions over plain arrays (one source for the
// host driver now and batched GPU fits later): expected bin counts of signal (Crystal Ball) +
// background (polynomial basis) with their parameter derivatives, the extended binned Poisson NLL
// and its gradient, and the deviance residuals that feed least-squares solvers.
//
// Parameter vector p (fixed layout, no index cursors):
//   p[0] = N          signal yield at the nominal efficiency (the parameter of interest; may be < 0)
//   p[1] = theta_eff  efficiency nuisance: yield scales by (1 + eff_rel_unc * theta_eff), N(0,1) constraint
//   p[2] = theta_res  resolution nuisance: sigma = sigma0 (1 + sigma_rel_unc * theta_res), N(0,1) constraint
//   p[3 + k] = c_k    background coefficient k = 0..order (event counts, see polynomial.hpp)
// The NLL is taken relative to the saturated model, sum_i [nu_i - n_i + n_i ln(n_i/nu_i)] + theta^2/2,
// so 2 * NLL is the Poisson deviance (a chi2-like goodness of fit) plus the constraint terms.

#include <cmath>

#include "umbra/core/qualifiers.hpp"
#include "umbra/scan/crystal_ball.hpp"
#include "umbra/scan/polynomial.hpp"

namespace umbra::scan {

enum Param : int { p_yield = 0, p_theta_eff = 1, p_theta_res = 2, p_background = 3 };
inline constexpr int max_params = p_background + max_poly_order + 1;

/// Kept for callers of the old clamp; the likelihood now uses bin_term()'s continuation instead.
inline constexpr double min_expected = 1e-12;
/// Below nu_c = floor_events * max(n, 1) expected events a bin's NLL term is continued by a convex
/// quadratic (see bin_term). Small enough to leave every fit with nu >> 1e-3 untouched.
inline constexpr double floor_events = 1e-3;
/// The resolution nuisance may not shrink sigma below this fraction of its nominal value.
inline constexpr double min_sigma_scale = 0.2;

/// One binned fit problem: a histogram of the window and the fixed parts of the model.
struct BinnedView {
  int n_bins = 0;
  const double* edges = nullptr;            // n_bins + 1, increasing; edges[0] = lo, edges[n_bins] = hi
  const double* counts = nullptr;           // n_bins (non-integer for Asimov data)
  const double* basis_integrals = nullptr;  // (order + 1) x n_bins, [k * n_bins + i]
  int order = 0;
  CrystalBallShape shape;                   // nominal signal shape
  double eff_rel_unc = 0, sigma_rel_unc = 0;

  UMBRA_HD int n_params() const { return p_background + order + 1; }
  UMBRA_HD double lo() const { return edges[0]; }
  UMBRA_HD double hi() const { return edges[n_bins]; }
};

/// Fills basis_integrals (size (order+1) * n_bins) for the given edges.
UMBRA_HD inline void fill_basis_integrals(Basis b, int order, int n_bins, const double* edges, double* out) {
  double prev[max_poly_order + 1], cur[max_poly_order + 1];
  const double lo = edges[0], hi = edges[n_bins];
  basis_primitive(b, order, lo, hi, lo, prev);
  for (int i = 0; i < n_bins; ++i) {
    basis_primitive(b, order, lo, hi, edges[i + 1], cur);
    for (int k = 0; k <= order; ++k) {
      out[k * n_bins + i] = cur[k] - prev[k];
      prev[k] = cur[k];
    }
  }
}

UMBRA_HD inline CrystalBallShape shape_at(const BinnedView& v, double theta_res) {
  CrystalBallShape s = v.shape;
  double scale = 1 + v.sigma_rel_unc * theta_res;
  s.sigma = v.shape.sigma * (scale < min_sigma_scale ? min_sigma_scale : scale);
  return s;
}

/// Expected counts nu[i]; with jac != nullptr also d nu_i / d p_j in jac[j * n_bins + i].
/// scratch: 2 * (n_bins + 1) doubles.
UMBRA_HD inline void expected_counts(const BinnedView& v, const double* p, double* nu, double* jac, double* scratch) {
  const int nb = v.n_bins;
  const CrystalBallShape s = shape_at(v, p[p_theta_res]);
  const CbPrepared cp = cb_prepare(s);
  const WindowNorm w = cb_window(cp, v.lo(), v.hi());
  double* prim = scratch;          // G(t) at each edge
  double* gt = scratch + nb + 1;   // g(t) * t at each edge
  for (int i = 0; i <= nb; ++i) {
    const double t = (v.edges[i] - s.mean) / s.sigma;
    const CbValues c = cb_values(cp, t);
    prim[i] = c.prim;
    gt[i] = c.shape * t;
  }
  const double kappa = 1 + v.eff_rel_unc * p[p_theta_eff];
  const double n_sig = p[p_yield];
  const double scale = 1 + v.sigma_rel_unc * p[p_theta_res];
  const double dsigma_dtheta = scale < min_sigma_scale ? 0.0 : v.shape.sigma * v.sigma_rel_unc;
  for (int i = 0; i < nb; ++i) {
    const double dg = prim[i + 1] - prim[i];
    const double f = dg / w.integral;
    double b = 0;
    for (int k = 0; k <= v.order; ++k) b += p[p_background + k] * v.basis_integrals[k * nb + i];
    nu[i] = n_sig * kappa * f + b;
    if (jac) {
      const double ddg = -(gt[i + 1] - gt[i]) / s.sigma;
      const double df = (ddg * w.integral - dg * w.d_integral_dsigma) / (w.integral * w.integral);
      jac[p_yield * nb + i] = kappa * f;
      jac[p_theta_eff * nb + i] = n_sig * v.eff_rel_unc * f;
      jac[p_theta_res * nb + i] = n_sig * kappa * df * dsigma_dtheta;
      for (int k = 0; k <= v.order; ++k) jac[(p_background + k) * nb + i] = v.basis_integrals[k * nb + i];
    }
  }
}

/// One bin's NLL term t(nu) = nu - n + n ln(n/nu) (relative to saturated) with dt/dnu and d2t/dnu2.
/// Sparse windows need it defined for every nu: the polynomial background may dip to or below
/// zero where bins are empty, and a clamp there (flat value, non-zero gradient) made ~half of the
/// fits with a few events per window fail and let the extended likelihood run off to negative
/// background. Below nu_c the term is continued by a convex quadratic, C1 at nu_c (C2 for n > 0):
///   n > 0:  second-order Taylor expansion at nu_c = floor_events * n;
///   n = 0:  t = nu^2 / (2 nu_c) + nu_c / 2 with nu_c = floor_events (t = nu above; minimum nu_c/2 at nu = 0).
/// So negative expected counts cost a steep, finite penalty and the NLL is bounded below.
struct BinTerm {
  double t, d1, d2;
};
/// Whether bin_term(n, nu) takes its regular branch, the one that needs ln(n/nu).
UMBRA_HD inline bool bin_term_regular(double n, double nu) { return n > 0 && nu >= floor_events * n; }
/// bin_term's regular branch with ln(n/nu) given: the batched fits take the logs of a block of
/// bins in one vector call (core/block_math.hpp).
UMBRA_HD inline BinTerm bin_term_with_log(double n, double nu, double log_ratio) {
  return {nu - n + n * log_ratio, 1 - n / nu, n / (nu * nu)};
}
UMBRA_HD inline BinTerm bin_term(double n, double nu) {
  if (bin_term_regular(n, nu)) return bin_term_with_log(n, nu, log(n / nu));
  if (n > 0) {
    const double c = floor_events * n;
    const double x = nu - c, d0 = 1 - n / c, h = n / (c * c);
    return {c - n + n * log(n / c) + d0 * x + 0.5 * h * x * x, d0 + h * x, h};
  }
  if (nu >= floor_events) return {nu, 1.0, 0.0};
  return {0.5 * (nu * nu / floor_events + floor_events), nu / floor_events, 1 / floor_events};
}

/// Deviance residual of one bin, r = sign(nu - n) sqrt(2 t(nu)) (always + for n = 0, where t > 0
/// everywhere, so r stays smooth through nu = 0), and dr/dnu.
UMBRA_HD inline double deviance_residual(double n, double nu, double* dr_dnu) {
  const BinTerm b = bin_term(n, nu);
  const double r2 = b.t > 0 ? 2 * b.t : 0.0;
  const double r = (n == 0 || nu >= n ? 1.0 : -1.0) * sqrt(r2);
  if (dr_dnu) *dr_dnu = r2 > 1e-16 ? b.d1 / r : 1 / sqrt(nu > floor_events ? nu : floor_events);
  return r;
}

/// Extended binned Poisson NLL (relative to saturated) incl. the Gaussian constraints; gradient
/// in grad[n_params] when non-null. scratch: n_bins * (n_params + 1) + 2 * (n_bins + 1) doubles.
UMBRA_HD inline double binned_nll(const BinnedView& v, const double* p, double* grad, double* scratch) {
  const int nb = v.n_bins, np = v.n_params();
  double* nu = scratch;
  double* jac = grad ? scratch + nb : nullptr;
  double* tmp = scratch + nb * (np + 1);
  expected_counts(v, p, nu, jac, tmp);
  double nll = 0.5 * (p[p_theta_eff] * p[p_theta_eff] + p[p_theta_res] * p[p_theta_res]);
  if (grad) {
    for (int j = 0; j < np; ++j) grad[j] = 0;
    grad[p_theta_eff] = p[p_theta_eff];
    grad[p_theta_res] = p[p_theta_res];
  }
  for (int i = 0; i < nb; ++i) {
    const BinTerm b = bin_term(v.counts[i], nu[i]);
    nll += b.t;
    if (grad) {
      const double w = b.d1;
      for (int j = 0; j < np; ++j) grad[j] += w * jac[j * nb + i];
    }
  }
  return nll;
}

}  // namespace umbra::scan
