#pragma once
// Background polynomial bases over a fit window [lo, hi] (reference/belle2.md "ALP -> gamma gamma
// analysis": orders 2/4/5 by region, coefficients free). Chebyshev T_k on u in [-1, 1] or Bernstein
// B_{k,n} on v in [0, 1]; both well conditioned, unlike raw powers of x. Each basis function is
// scaled so that its coefficient is an event count: Chebyshev k integrates to (hi - lo) * c_k * I_k
// with I_0 = 1; Bernstein functions each integrate to exactly c_k.

#include "umbra/core/qualifiers.hpp"

namespace umbra::scan {

enum class Basis : int { chebyshev = 0, bernstein = 1 };

inline constexpr int max_poly_order = 7;  // orders 2/4/5 +- 1 need at most 6

namespace detail {
// T_0..T_{m} at u (m <= max_poly_order + 1).
UMBRA_HD inline void chebyshev_values(double u, int m, double* t) {
  t[0] = 1;
  if (m >= 1) t[1] = u;
  for (int k = 2; k <= m; ++k) t[k] = 2 * u * t[k - 1] - t[k - 2];
}
// Antiderivative of T_k at u (constant irrelevant: only differences are used).
UMBRA_HD inline double chebyshev_primitive(int k, const double* t) {
  if (k == 0) return t[1];
  if (k == 1) return 0.5 * t[1] * t[1];
  return t[k + 1] / (2.0 * (k + 1)) - t[k - 1] / (2.0 * (k - 1));
}
UMBRA_HD inline double binomial(int n, int k) {
  double r = 1;
  for (int i = 1; i <= k; ++i) r = r * (n - k + i) / i;
  return r;
}
UMBRA_HD inline double bernstein(int k, int n, double v) {
  double r = binomial(n, k);
  for (int i = 0; i < k; ++i) r *= v;
  for (int i = 0; i < n - k; ++i) r *= 1 - v;
  return r;
}
}  // namespace detail

/// Basis values per unit observable at x: out[k] for k = 0..order, such that the background
/// density is sum_k c_k out[k] (events per GeV^2).
UMBRA_HD inline void basis_density(Basis b, int order, double lo, double hi, double x, double* out) {
  const double w = hi - lo;
  if (b == Basis::chebyshev) {
    const double u = 2 * (x - lo) / w - 1;
    detail::chebyshev_values(u, order, out);
    for (int k = 0; k <= order; ++k) out[k] /= w;
  } else {
    const double v = (x - lo) / w;
    for (int k = 0; k <= order; ++k) out[k] = detail::bernstein(k, order, v) * (order + 1) / w;
  }
}

/// Primitive of basis_density in x at x (differences give bin integrals; dimensionless).
/// Whether the integrals of basis functions 0..k are the same for every order >= k (Chebyshev:
/// yes, bit for bit, the recurrence runs upwards; Bernstein: no, every function depends on the order).
inline constexpr bool basis_is_nested(Basis b) { return b == Basis::chebyshev; }

UMBRA_HD inline void basis_primitive(Basis b, int order, double lo, double hi, double x, double* out) {
  const double w = hi - lo;
  if (b == Basis::chebyshev) {
    double t[max_poly_order + 2];
    const double u = 2 * (x - lo) / w - 1;
    detail::chebyshev_values(u, order + 1, t);
    for (int k = 0; k <= order; ++k) out[k] = 0.5 * detail::chebyshev_primitive(k, t);  // dx = w/2 du
  } else {
    // integral of B_{k,n} dv = 1/(n+1) sum_{j>k} B_{j,n+1}; scaled by (n+1) above.
    const double v = (x - lo) / w;
    for (int k = 0; k <= order; ++k) {
      double s = 0;
      for (int j = k + 1; j <= order + 1; ++j) s += detail::bernstein(j, order + 1, v);
      out[k] = s;
    }
  }
}

}  // namespace umbra::scan
