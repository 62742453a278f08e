#pragma once
// Asymptotic statistics of the scan (reference/belle2.md "Statistics", Cowan-Cranmer-Gross-Vitells,
// EPJC 71 (2011) 1554) and the ALP cross-section/coupling conversion (reference/belle2.md
// "ALP -> gamma gamma analysis"). Plain UMBRA_HD functions so batched fits can use them on devices.

#include <cmath>

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/units.hpp"

namespace umbra::scan {

/// Local significance sign(N) sqrt(2 ln(L/L_b)) from the two minimised NLLs.
UMBRA_HD inline double local_significance(double n_sig, double nll_sb, double nll_b) {
  const double q0 = 2 * (nll_b - nll_sb);
  const double z = sqrt(q0 > 0 ? q0 : 0.0);
  return n_sig < 0 ? -z : z;
}

/// Standard normal upper tail and its inverse (Acklam's rational approximation refined by one
/// Halley step: |error| < 1e-12 on (1e-300, 1)).
UMBRA_HD inline double normal_sf(double z) { return 0.5 * erfc(z * 0.7071067811865476); }
UMBRA_HD inline double normal_quantile(double p) {
  const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02, -2.759285104469687e+02,
                      1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                      6.680131188771972e+01,  -1.328068155288572e+01};
  const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                      -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00, 3.754408661907416e+00};
  double x;
  if (p < 0.02425) {
    const double q = sqrt(-2 * log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p > 1 - 0.02425) {
    const double q = sqrt(-2 * log(1 - p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) / ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else {
    const double q = p - 0.5, r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  }
  const double e = 0.5 * erfc(-x * 0.7071067811865476) - p;  // Halley refinement
  const double u = e * 2.5066282746310002 * exp(0.5 * x * x);
  return x - u / (1 + 0.5 * x * u);
}

/// Significance Z of the q~mu test for a yield mu > 0 (Cowan et al. eq. 66): sqrt(q) while
/// q <= mu^2/sigma^2, else (q + mu^2/sigma^2) / (2 mu/sigma); p = 1 - Phi(Z).
UMBRA_HD inline double qtilde_z(double q, double mu, double sigma_a) {
  const double r = mu / sigma_a;
  if (q < 0) q = 0;
  return q <= r * r ? sqrt(q) : (q + r * r) / (2 * r);
}

/// Gross-Vitells: the global p-value of a largest local significance z, given the mean number of
/// upcrossings <N(c0)> of the reference level c0 (in q = Z^2): p_local + <N> exp(-(z^2 - c0)/2).
UMBRA_HD inline double gross_vitells_p(double z, double mean_upcrossings, double c0) {
  const double c = z > 0 ? z * z : 0.0;
  const double p = normal_sf(z) + mean_upcrossings * exp(-(c - c0) / 2);
  return p < 1 ? p : 1.0;
}

/// Whether the S+B fit's curvature error of the yield can be used: finite and not collapsed far
/// below the Asimov sigma (it does collapse when the minimum sits on the positivity boundary of a
/// sparse window, where the continued likelihood is steep). Shared by both scan engines.
UMBRA_HD inline bool usable_yield_error(double err, double sigma_asimov) {
  return err > 0 && err - err == 0 && !(err < 0.25 * sigma_asimov);
}

/// sigma_a [pb] = N / (eff * L[pb^-1]).
UMBRA_HD inline double cross_section_pb(double n, double efficiency, double lumi_inv_pb) {
  return n / (efficiency * lumi_inv_pb);
}

/// g_agg [GeV^-1] from sigma_a [pb] with sigma = g^2 alpha/24 (1 - m^2/s)^3; sigma <= 0 gives 0.
UMBRA_HD inline double coupling_from_cross_section(double sigma_pb, double mass,
                                                   double sqrt_s = constants::sqrt_s) {
  if (!(sigma_pb > 0)) return 0;
  const double x = 1 - mass * mass / (sqrt_s * sqrt_s);
  const double sigma_gev2 = sigma_pb / constants::gev2_to_pb;
  return sqrt(24 * sigma_gev2 / (constants::alpha_qed * x * x * x));
}

/// The inverse, for tests and expected-signal toys: sigma_a [pb] for a coupling g [GeV^-1].
UMBRA_HD inline double cross_section_from_coupling(double g, double mass, double sqrt_s = constants::sqrt_s) {
  const double x = 1 - mass * mass / (sqrt_s * sqrt_s);
  return g * g * constants::alpha_qed / 24 * x * x * x * constants::gev2_to_pb;
}

}  // namespace umbra::scan
