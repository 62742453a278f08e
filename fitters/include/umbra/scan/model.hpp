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

/// Expected counts never drop below this (a negative yield may push a bin to zero).
inline constexpr double min_expected = 1e-12;
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
  const WindowNorm w = cb_window(s, v.lo(), v.hi());
  double* prim = scratch;          // G(t) at each edge
  double* gt = scratch + nb + 1;   // g(t) * t at each edge
  for (int i = 0; i <= nb; ++i) {
    const double t = (v.edges[i] - s.mean) / s.sigma;
    prim[i] = cb_primitive(s, t);
    gt[i] = cb_shape(s, t) * t;
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

/// Deviance residual of one bin, r = sign(nu - n) sqrt(2 (nu - n + n ln(n/nu))), and dr/dnu.
UMBRA_HD inline double deviance_residual(double n, double nu, double* dr_dnu) {
  if (nu < min_expected) nu = min_expected;
  const double d = nu - n + (n > 0 ? n * log(n / nu) : 0.0);
  const double r2 = d > 0 ? 2 * d : 0.0;
  const double r = (nu >= n ? 1.0 : -1.0) * sqrt(r2);
  if (dr_dnu) *dr_dnu = r2 > 1e-16 ? (1 - n / nu) / r : 1 / sqrt(nu);
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
    const double n = v.counts[i];
    const double mu = nu[i] < min_expected ? min_expected : nu[i];
    nll += mu - n + (n > 0 ? n * log(n / mu) : 0.0);
    if (grad) {
      const double w = 1 - n / mu;
      for (int j = 0; j < np; ++j) grad[j] += w * jac[j * nb + i];
    }
  }
  return nll;
}

}  // namespace umbra::scan
