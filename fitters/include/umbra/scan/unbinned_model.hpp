#pragma once
// Extended unbinned NLL of the scan model (same parameter layout as model.hpp) and its analytic
// gradient, as an UMBRA_HD function over the plain array of observable values in the window.
//   NLL = nu_tot - sum_j ln(lambda(x_j)) + theta^2/2,
//   lambda(x) = N kappa p_sig(x) + sum_k c_k b_k(x),  nu_tot = N kappa + sum_k c_k W_k
// with W_k the window integral of basis function k (1 for Chebyshev c_0 and every Bernstein term).

#include <cmath>

#include "umbra/scan/model.hpp"

namespace umbra::scan {

struct UnbinnedView {
  const double* values = nullptr;  // observable values inside [lo, hi]
  long long n_values = 0;
  double lo = 0, hi = 1;
  Basis basis = Basis::chebyshev;
  int order = 0;
  CrystalBallShape shape;
  double eff_rel_unc = 0, sigma_rel_unc = 0;

  UMBRA_HD int n_params() const { return p_background + order + 1; }
};

/// Returns false where the intensity is not positive at some value (outside the model's domain).
UMBRA_HD inline bool unbinned_nll(const UnbinnedView& v, const double* p, double* nll_out, double* grad) {
  const int np = v.n_params();
  double scale = 1 + v.sigma_rel_unc * p[p_theta_res];
  const bool clamped = scale < min_sigma_scale;
  if (clamped) scale = min_sigma_scale;
  CrystalBallShape s = v.shape;
  s.sigma = v.shape.sigma * scale;
  const double dsigma_dtheta = clamped ? 0.0 : v.shape.sigma * v.sigma_rel_unc;
  const WindowNorm w = cb_window(s, v.lo, v.hi);
  const double kappa = 1 + v.eff_rel_unc * p[p_theta_eff];
  const double n_sig = p[p_yield];

  double wk[max_poly_order + 1], plo[max_poly_order + 1], phi[max_poly_order + 1], b[max_poly_order + 1];
  basis_primitive(v.basis, v.order, v.lo, v.hi, v.lo, plo);
  basis_primitive(v.basis, v.order, v.lo, v.hi, v.hi, phi);
  double nu_tot = n_sig * kappa;
  for (int k = 0; k <= v.order; ++k) {
    wk[k] = phi[k] - plo[k];
    nu_tot += p[p_background + k] * wk[k];
  }
  double nll = nu_tot + 0.5 * (p[p_theta_eff] * p[p_theta_eff] + p[p_theta_res] * p[p_theta_res]);
  double g[max_params];
  for (int j = 0; j < np; ++j) g[j] = 0;
  for (long long j = 0; j < v.n_values; ++j) {
    const double x = v.values[j];
    const double t = (x - s.mean) / s.sigma;
    const double norm = s.sigma * w.integral;
    const double ps = cb_shape(s, t) / norm;
    basis_density(v.basis, v.order, v.lo, v.hi, x, b);
    double lambda = n_sig * kappa * ps;
    for (int k = 0; k <= v.order; ++k) lambda += p[p_background + k] * b[k];
    if (!(lambda > 0)) return false;
    nll -= log(lambda);
    if (grad) {
      const double inv = 1 / lambda;
      // d ps / d sigma = [g'(t) (-t/sigma) norm - g(t) (w.integral + sigma dI/dsigma)] / norm^2
      const double dps = (cb_shape_slope(s, t) * (-t / s.sigma) * norm -
                          cb_shape(s, t) * (w.integral + s.sigma * w.d_integral_dsigma)) / (norm * norm);
      g[p_yield] -= kappa * ps * inv;
      g[p_theta_eff] -= n_sig * v.eff_rel_unc * ps * inv;
      g[p_theta_res] -= n_sig * kappa * dps * dsigma_dtheta * inv;
      for (int k = 0; k <= v.order; ++k) g[p_background + k] -= b[k] * inv;
    }
  }
  if (grad) {
    grad[p_yield] = g[p_yield] + kappa;
    grad[p_theta_eff] = g[p_theta_eff] + n_sig * v.eff_rel_unc + p[p_theta_eff];
    grad[p_theta_res] = g[p_theta_res] + p[p_theta_res];
    for (int k = 0; k <= v.order; ++k) grad[p_background + k] = g[p_background + k] + wk[k];
  }
  *nll_out = nll;
  return true;
}

}  // namespace umbra::scan
