#pragma once
// Crystal Ball (one low-side power-law tail) and double-sided Crystal Ball (a second, high-side
// tail) as UMBRA_HD functions of the standardised variable t = (x - mean) / sigma. The shape g(t)
// is left unnormalised; its antiderivative G(t) (from -inf) is analytic, so window normalisation,
// bin integrals and their sigma-derivatives need no numerical integration (reference/belle2.md
// "ALP -> gamma gamma analysis": signal shape is a (double-sided) Crystal Ball).
//
//   core      g(t) = exp(-t^2/2)                       for -alpha_lo <= t <= alpha_hi
//   low tail  g(t) = A (B - t)^-n,  A = (n/a)^n e^{-a^2/2}, B = n/a - a     for t < -alpha_lo
//   high tail mirror image with (alpha_hi, n_hi); alpha_hi <= 0 means "no high tail" (plain CB).
// Tails need n > 1 so that G(+-inf) is finite; the signal table validates that.

#include <cmath>

#include "umbra/core/qualifiers.hpp"

namespace umbra::scan {

struct CrystalBallShape {
  double mean = 0;      // observable units (GeV^2)
  double sigma = 1;     // Gaussian core width, same units
  double alpha_lo = 1;  // low tail starts at t = -alpha_lo (> 0)
  double n_lo = 3;      // low tail power (> 1)
  double alpha_hi = 0;  // high tail starts at t = +alpha_hi; <= 0: single-sided CB
  double n_hi = 3;      // high tail power (> 1)

  UMBRA_HD bool double_sided() const { return alpha_hi > 0; }
};

namespace detail {
inline constexpr double sqrt_half_pi = 1.2533141373155003;  // sqrt(pi/2)
inline constexpr double inv_sqrt2 = 0.7071067811865476;

// Integral of the power-law tail from the far side to distance d >= a from the core centre:
// A (B + d)^{1-n} / (n - 1) with B + a = n/a.
UMBRA_HD inline double tail_integral(double a, double n, double d) {
  const double log_a_coef = n * log(n / a) - 0.5 * a * a;  // ln A
  const double b = n / a - a;
  return exp(log_a_coef + (1.0 - n) * log(b + d)) / (n - 1.0);
}
UMBRA_HD inline double tail_value(double a, double n, double d) {
  const double b = n / a - a;
  return exp(n * log(n / a) - 0.5 * a * a - n * log(b + d));
}
// d/dd of tail_value.
UMBRA_HD inline double tail_slope(double a, double n, double d) {
  const double b = n / a - a;
  return -n * tail_value(a, n, d) / (b + d);
}
}  // namespace detail

/// Unnormalised shape g(t).
UMBRA_HD inline double cb_shape(const CrystalBallShape& s, double t) {
  if (t < -s.alpha_lo) return detail::tail_value(s.alpha_lo, s.n_lo, -t);
  if (s.double_sided() && t > s.alpha_hi) return detail::tail_value(s.alpha_hi, s.n_hi, t);
  return exp(-0.5 * t * t);
}

/// dg/dt (for the unbinned gradient with respect to sigma).
UMBRA_HD inline double cb_shape_slope(const CrystalBallShape& s, double t) {
  if (t < -s.alpha_lo) return -detail::tail_slope(s.alpha_lo, s.n_lo, -t);
  if (s.double_sided() && t > s.alpha_hi) return detail::tail_slope(s.alpha_hi, s.n_hi, t);
  return -t * exp(-0.5 * t * t);
}

/// G(t) = integral of g from -inf to t (in units of t).
UMBRA_HD inline double cb_primitive(const CrystalBallShape& s, double t) {
  using namespace detail;
  const double low_tail_total = tail_integral(s.alpha_lo, s.n_lo, s.alpha_lo);
  if (t <= -s.alpha_lo) return tail_integral(s.alpha_lo, s.n_lo, -t);
  const double core_lo = erf(-s.alpha_lo * inv_sqrt2);
  if (!s.double_sided() || t <= s.alpha_hi) return low_tail_total + sqrt_half_pi * (erf(t * inv_sqrt2) - core_lo);
  const double core_total = sqrt_half_pi * (erf(s.alpha_hi * inv_sqrt2) - core_lo);
  return low_tail_total + core_total + tail_integral(s.alpha_hi, s.n_hi, s.alpha_hi) -
         tail_integral(s.alpha_hi, s.n_hi, t);
}

/// The shape with its tail constants computed once (ln A, B, the low tail's and the core's
/// integrals), so that each edge of a binned evaluation costs one exp plus one erf (core) or one
/// log plus one exp (tails) for G, g and dg/dt together -- the per-edge work of every fit.
struct CbPrepared {
  CrystalBallShape s;
  double lo_ln_a = 0, lo_b = 0, lo_total = 0;  // low tail: ln A, B and its integral up to -alpha_lo
  double hi_ln_a = 0, hi_b = 0, hi_tail = 0;   // high tail: ln A, B and its integral from +alpha_hi
  double core_lo = 0, below_hi = 0;            // erf(-alpha_lo/sqrt2); G(alpha_hi)
};

UMBRA_HD inline CbPrepared cb_prepare(const CrystalBallShape& s) {
  using namespace detail;
  CbPrepared c;
  c.s = s;
  c.lo_ln_a = s.n_lo * log(s.n_lo / s.alpha_lo) - 0.5 * s.alpha_lo * s.alpha_lo;
  c.lo_b = s.n_lo / s.alpha_lo - s.alpha_lo;
  c.lo_total = exp(c.lo_ln_a + (1.0 - s.n_lo) * log(c.lo_b + s.alpha_lo)) / (s.n_lo - 1.0);
  c.core_lo = erf(-s.alpha_lo * inv_sqrt2);
  if (s.double_sided()) {
    c.hi_ln_a = s.n_hi * log(s.n_hi / s.alpha_hi) - 0.5 * s.alpha_hi * s.alpha_hi;
    c.hi_b = s.n_hi / s.alpha_hi - s.alpha_hi;
    c.hi_tail = exp(c.hi_ln_a + (1.0 - s.n_hi) * log(c.hi_b + s.alpha_hi)) / (s.n_hi - 1.0);
    c.below_hi = c.lo_total + sqrt_half_pi * (erf(s.alpha_hi * inv_sqrt2) - c.core_lo);
  }
  return c;
}

/// G(t), g(t) and dg/dt at once (same values as cb_primitive, cb_shape, cb_shape_slope).
struct CbValues {
  double prim, shape, slope;
};
/// cb_values in stages, so that a loop over many t can take the logs and exps of a block of them
/// in vector calls (batched_fit.hpp); cb_values chains them with log and exp.
/// Region of t: the core or one of the power-law tails.
enum class CbRegion : int { core = 0, low_tail = 1, high_tail = 2 };
UMBRA_HD inline CbRegion cb_region(const CbPrepared& c, double t) {
  if (t < -c.s.alpha_lo) return CbRegion::low_tail;
  if (c.s.double_sided() && t > c.s.alpha_hi) return CbRegion::high_tail;
  return CbRegion::core;
}
/// The tail's base u = B -+ t (its log is needed); 1 in the core.
UMBRA_HD inline double cb_tail_base(const CbPrepared& c, CbRegion r, double t) {
  return r == CbRegion::low_tail ? c.lo_b - t : r == CbRegion::high_tail ? c.hi_b + t : 1.0;
}
/// ln g(t) from ln u: ln A - n ln u in a tail, -t^2/2 in the core.
UMBRA_HD inline double cb_log_shape(const CbPrepared& c, CbRegion r, double t, double log_u) {
  return r == CbRegion::low_tail    ? c.lo_ln_a - c.s.n_lo * log_u
         : r == CbRegion::high_tail ? c.hi_ln_a - c.s.n_hi * log_u
                                    : -0.5 * t * t;
}
/// G(t) and dg/dt from g(t) = shape (one erf in the core).
UMBRA_HD inline CbValues cb_finish(const CbPrepared& c, CbRegion r, double t, double u, double shape) {
  using namespace detail;
  CbValues v;
  v.shape = shape;
  if (r == CbRegion::low_tail) {  // G = g (B - t) / (n - 1)
    v.prim = shape * u / (c.s.n_lo - 1.0);
    v.slope = c.s.n_lo * shape / u;
  } else if (r == CbRegion::high_tail) {
    v.prim = c.below_hi + c.hi_tail - shape * u / (c.s.n_hi - 1.0);
    v.slope = -c.s.n_hi * shape / u;
  } else {
    v.prim = c.lo_total + sqrt_half_pi * (erf(t * inv_sqrt2) - c.core_lo);
    v.slope = -t * shape;
  }
  return v;
}
UMBRA_HD inline CbValues cb_values(const CbPrepared& c, double t) {
  const CbRegion r = cb_region(c, t);
  const double u = cb_tail_base(c, r, t);
  return cb_finish(c, r, t, u, exp(cb_log_shape(c, r, t, r == CbRegion::core ? 0.0 : log(u))));
}

/// Fraction of the shape (normalised to the window [lo, hi]) in [a, b], and its derivative with
/// respect to sigma (t = (x - mean)/sigma, so dG(t)/dsigma = -g(t) t / sigma).
struct WindowNorm {
  double t_lo, t_hi, integral, d_integral_dsigma;  // integral = G(t_hi) - G(t_lo)
};

UMBRA_HD inline WindowNorm cb_window(const CrystalBallShape& s, double lo, double hi) {
  WindowNorm w;
  w.t_lo = (lo - s.mean) / s.sigma;
  w.t_hi = (hi - s.mean) / s.sigma;
  w.integral = cb_primitive(s, w.t_hi) - cb_primitive(s, w.t_lo);
  w.d_integral_dsigma = -(cb_shape(s, w.t_hi) * w.t_hi - cb_shape(s, w.t_lo) * w.t_lo) / s.sigma;
  return w;
}
UMBRA_HD inline WindowNorm cb_window(const CbPrepared& c, double lo, double hi) {
  WindowNorm w;
  w.t_lo = (lo - c.s.mean) / c.s.sigma;
  w.t_hi = (hi - c.s.mean) / c.s.sigma;
  const CbValues a = cb_values(c, w.t_lo), b = cb_values(c, w.t_hi);
  w.integral = b.prim - a.prim;
  w.d_integral_dsigma = -(b.shape * w.t_hi - a.shape * w.t_lo) / c.s.sigma;
  return w;
}

/// Normalised density at x inside the window (1/observable units).
UMBRA_HD inline double cb_density(const CrystalBallShape& s, const WindowNorm& w, double x) {
  return cb_shape(s, (x - s.mean) / s.sigma) / (s.sigma * w.integral);
}

}  // namespace umbra::scan
