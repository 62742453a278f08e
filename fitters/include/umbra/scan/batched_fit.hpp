#pragma once
// Batched scan fits (issue 9): everything one window job of the mass scan does -- B-only, S+B,
// Asimov and profile-likelihood limit fits -- as UMBRA_HD code over plain arrays, so the CPU
// backend (cpu::for_each, one job per item) and the CUDA backend (cuda/src/scan_batched.cu) run
// the same source. It mirrors analyse_window() of the Ceres path (host/src/scan/scan.cpp) fit by
// fit, with a fixed-size damped Newton (Levenberg-Marquardt on the exact Hessian) in place of
// Ceres: <= max_params parameters, no allocation, a small dense Cholesky of our own.
//
// The NLL is that of model.hpp (extended binned Poisson relative to saturated + Gaussian
// constraints). Its gradient and exact Hessian are accumulated in one streaming pass over the
// bins: the Crystal Ball primitive at edge i+1 is carried to bin i+1, so a fit needs no per-bin
// scratch memory (registers/local memory only on a GPU).
//
// Team: the bin loop is split into contiguous chunks over `team.size()` lanes and the sums are
// reduced with `team.sum()`; everything else runs redundantly (and identically) on every lane.
// The CPU uses SerialTeam (one job per thread). On the GPU one job per warp (32 lanes) is the
// default, see cuda/src/scan_batched.cu for why.

#include <cstdint>

#include "umbra/core/block_math.hpp"
#include "umbra/core/qualifiers.hpp"
#include "umbra/scan/model.hpp"
#include "umbra/scan/statistics.hpp"

namespace umbra::scan::batched {

inline constexpr int np_max = max_params;
inline constexpr int nh_max = np_max * (np_max + 1) / 2;  // packed upper triangle

struct SerialTeam {
  UMBRA_HD int lane() const { return 0; }
  UMBRA_HD int size() const { return 1; }
  UMBRA_HD double sum(double x) const { return x; }
};

namespace detail {
UMBRA_HD inline bool finite(double x) { return x == x && x - x == 0; }
UMBRA_HD inline double dmax(double a, double b) { return a > b ? a : b; }
UMBRA_HD inline double dabs(double a) { return a < 0 ? -a : a; }
UMBRA_HD inline int hidx(int a, int b) {  // a <= b, packed upper triangle of np_max x np_max
  return a * np_max - a * (a - 1) / 2 + (b - a);
}
}  // namespace detail

/// In-place Cholesky A = L L^T of the leading n x n block (row-major, leading dimension np_max;
/// the lower triangle is overwritten). False when A is not (numerically) positive definite.
UMBRA_HD inline bool cholesky(double* a, int n) {
  for (int j = 0; j < n; ++j) {
    double d = a[j * np_max + j];
    for (int k = 0; k < j; ++k) d -= a[j * np_max + k] * a[j * np_max + k];
    if (!(d > 0) || !detail::finite(d)) return false;
    const double l = sqrt(d);
    a[j * np_max + j] = l;
    for (int i = j + 1; i < n; ++i) {
      double s = a[i * np_max + j];
      for (int k = 0; k < j; ++k) s -= a[i * np_max + k] * a[j * np_max + k];
      a[i * np_max + j] = s / l;
    }
  }
  return true;
}
/// Solves L L^T x = b in place (x holds b on entry).
UMBRA_HD inline void cholesky_solve(const double* l, int n, double* x) {
  for (int i = 0; i < n; ++i) {
    double s = x[i];
    for (int k = 0; k < i; ++k) s -= l[i * np_max + k] * x[k];
    x[i] = s / l[i * np_max + i];
  }
  for (int i = n - 1; i >= 0; --i) {
    double s = x[i];
    for (int k = i + 1; k < n; ++k) s -= l[k * np_max + i] * x[k];
    x[i] = s / l[i * np_max + i];
  }
}

/// The counts a fit sees: observed (counts != nullptr), or the Asimov data set of a
/// background-only fit, n_i = max(sum_k c_k B_ki, 0) -- what expected_counts() gives for N = 0.
struct BinData {
  const double* counts = nullptr;
  const double* asimov_bkg = nullptr;  // background coefficients c_0..c_order
  UMBRA_HD double at(const BinnedView& v, int i) const {
    if (counts) return counts[i];
    double b = 0;
    for (int k = 0; k <= v.order; ++k) b += asimov_bkg[k] * v.basis_integrals[k * v.n_bins + i];
    return b > 0 ? b : 0.0;
  }
};

enum EvalWhat : int {
  eval_value = 0,
  eval_hessian = 1,  // NLL, gradient and exact Hessian
  eval_ceres_jtj = 2,  // NLL, gradient and J^T J of the deviance residuals (Ceres' covariance)
};

/// Result of one pass over the bins: NLL, gradient g[np], and (eval_hessian / eval_ceres_jtj) the
/// symmetric matrix h in packed upper-triangle form (detail::hidx).
struct Eval {
  double nll = 0;
  double g[np_max];
  double h[nh_max];
};

namespace detail {
struct EdgeValues {
  double prim, gt, d2;  // G(t), g(t) t, d^2 G(t(sigma)) / d sigma^2
};
// Beyond this many sigma on the Gaussian side erf(t/sqrt2) is 1 in double precision and
// g(t) t < 3e-17: the edge needs no exp/erf (a single-sided window reaches +30 sigma).
inline constexpr double core_cutoff = 9;
UMBRA_HD inline bool far_edge(const CbPrepared& c, double t) {
  return t > core_cutoff && !(c.s.double_sided() && t > c.s.alpha_hi);
}
// G, g and g' of n <= math_block_size edges x[0..n) from one prepared evaluation each (tail
// constants computed once per pass), the tails' logs and all exps taken in block calls.
// inv_sigma = 1 / c.s.sigma (divisions are a visible part of the bin loop).
UMBRA_HD inline void edge_values_block(const CbPrepared& c, const double* x, int n, bool second, double inv_sigma,
                                       EdgeValues* out) {
  constexpr int B = math_block_size;
  double t[B], u[B], log_u[B], log_g[B], g[B];
  CbRegion r[B];
  bool far[B], any_tail = false, any_exp = false;
  for (int k = 0; k < n; ++k) {
    t[k] = (x[k] - c.s.mean) * inv_sigma;
    far[k] = far_edge(c, t[k]);
    r[k] = cb_region(c, t[k]);
    u[k] = cb_tail_base(c, r[k], t[k]);  // 1 in the core
    any_tail = any_tail || r[k] != CbRegion::core;
    any_exp = any_exp || !far[k];
  }
  if (any_tail)
    log_block(u, log_u, n);
  else
    for (int k = 0; k < n; ++k) log_u[k] = 0;
  for (int k = 0; k < n; ++k) log_g[k] = far[k] ? 0.0 : cb_log_shape(c, r[k], t[k], log_u[k]);
  if (any_exp) exp_block(log_g, g, n);
  for (int k = 0; k < n; ++k) {
    if (far[k]) {
      out[k] = {c.lo_total + scan::detail::sqrt_half_pi * (1.0 - c.core_lo), 0.0, 0.0};
      continue;
    }
    const CbValues cv = cb_finish(c, r[k], t[k], u[k], g[k]);
    out[k] = {cv.prim, cv.shape * t[k], 0.0};
    // t = (x - m)/sigma, dt/dsigma = -t/sigma: d^2G/dsigma^2 = (g'(t) t^2 + 2 g(t) t) / sigma^2.
    if (second) out[k].d2 = (cv.slope * t[k] * t[k] + 2 * cv.shape * t[k]) * (inv_sigma * inv_sigma);
  }
}
UMBRA_HD inline EdgeValues edge_values(const CbPrepared& c, double x, bool second, double inv_sigma) {
  EdgeValues e;
  edge_values_block(c, &x, 1, second, inv_sigma, &e);
  return e;
}
}  // namespace detail

namespace detail {
/// The sums of one pass over the bins, in terms of the per-bin features u = (f, df, B_0..B_order)
/// (signal) or u = (B_0..B_order) (no signal). nu_i depends on the signal parameters only through
/// the bin's signal fraction f_i and its sigma-derivative df_i, so the Jacobian is J = A u with a
/// matrix A that is constant over the bins, and J^T C J = A (sum_i c_i u_i u_i^T) A^T: per bin
/// F (F + 1) / 2 products over F <= np - 1 features (fixed parameters and symmetry cost nothing)
/// instead of the full np x np outer product; A is applied once per pass (evaluate).
template <int F>
struct FeatureSums {
  double nll = 0, swd2f = 0;   // sum_i t_i; sum_i t'_i d^2 f_i / dsigma^2
  double gu[F], hu[F * (F + 1) / 2];  // sum_i t'_i u_i; sum_i c_i u_i u_i^T (packed upper triangle)
};

/// gu += w u, hu += c u u^T (packed upper triangle), unrolled at compile time so that every index
/// is a constant (GCC leaves a runtime loop over the triangle with its accumulators in memory).
template <int F, int M = 0, int L = 0>
UMBRA_HD inline void accumulate(double w, double c, const double* u, double* gu, double* hu) {
  if constexpr (M < F) {
    if constexpr (L == M) gu[M] += w * u[M];
    hu[M * F - M * (M - 1) / 2 + (L - M)] += c * u[M] * u[L];
    if constexpr (L + 1 < F)
      accumulate<F, M, L + 1>(w, c, u, gu, hu);
    else
      accumulate<F, M + 1, M + 1>(w, c, u, gu, hu);
  }
}

/// The bin loop over [b0, b1) with the feature count fixed at compile time (NK background
/// coefficients; SIG: f and df come first), so the accumulators live in registers.
/// Feature capacity for NK background coefficients; NK = 0: the count is v.order + 1 at run time.
template <int NK, bool SIG>
inline constexpr int feature_cap = (NK > 0 ? NK : max_poly_order + 1) + (SIG ? 2 : 0);

/// B: bins per block (the host's vector block; 1 on the device, and in a test on the host).
template <int NK, bool SIG, int B = math_block_size>
UMBRA_HD inline void bin_sums(const BinnedView& v, const BinData& d, const double* p, int what, bool second,
                              const CbPrepared& cp, double I, double dI, double d2I, double amp, int b0, int b1,
                              FeatureSums<feature_cap<NK, SIG>>& s) {
  constexpr int FC = feature_cap<NK, SIG>, off = SIG ? 2 : 0;
  const int nk = NK > 0 ? NK : v.order + 1, F = nk + off;
  const int nb = v.n_bins;
  const bool derivs = what != eval_value, hess = what == eval_hessian;
  const double inv_sigma = 1 / cp.s.sigma, inv_i = 1 / I;
  double nll = 0, swd2f = 0, gu[FC], hu[FC * (FC + 1) / 2];
  for (int m = 0; m < F; ++m) gu[m] = 0;
  for (int m = 0; m < F * (F + 1) / 2; ++m) hu[m] = 0;
  EdgeValues prev{0, 0, 0}, cur{0, 0, 0};
  if (SIG) prev = edge_values(cp, v.edges[b0], second, inv_sigma);
  // Blocks of B bins: expected counts first, then the logs of the Poisson terms in one
  // log_block call (a vector call on the host; B = 1 on the device), then the sums.
  for (int i0 = b0; i0 < b1; i0 += B) {
    const int nblk = b1 - i0 < B ? b1 - i0 : B;
    double nu_b[B], n_b[B], ratio[B], lg[B], f_b[B], df_b[B], d2f_b[B];
    EdgeValues ev[SIG ? B : 1];
    if (SIG) edge_values_block(cp, v.edges + i0 + 1, nblk, second, inv_sigma, ev);
    for (int c = 0; c < nblk; ++c) {
      const int i = i0 + c;
      double nu = 0;
      for (int k = 0; k < nk; ++k) nu += p[p_background + k] * v.basis_integrals[k * nb + i];
      if (SIG) {
        cur = ev[c];
        const double dg = cur.prim - prev.prim, ddg = -(cur.gt - prev.gt) * inv_sigma;
        const double f = dg * inv_i;               // f = dG / I
        f_b[c] = f;
        df_b[c] = (ddg - f * dI) * inv_i;          // df/dsigma = (dG' I - dG I') / I^2
        nu += amp * f;
        if (second) {
          const double d2dg = cur.d2 - prev.d2;
          // d2f = dG''/I - 2 dG' I'/I^2 - dG I''/I^2 + 2 dG I'^2/I^3
          d2f_b[c] = (d2dg - 2 * ddg * dI * inv_i - f * d2I + 2 * f * dI * dI * inv_i) * inv_i;
        }
        prev = cur;
      }
      const double n = d.at(v, i);
      nu_b[c] = nu, n_b[c] = n;
      ratio[c] = bin_term_regular(n, nu) ? n / nu : 1.0;
    }
    log_block(ratio, lg, nblk);
    for (int c = 0; c < nblk; ++c) {
      const double n = n_b[c], nu = nu_b[c];
      // continued below a floor: defined for every nu
      const BinTerm bt = bin_term_regular(n, nu) ? bin_term_with_log(n, nu, lg[c]) : bin_term(n, nu);
      nll += bt.t;
      if (!derivs) continue;
      double c2;
      if (hess) {
        c2 = bt.d2;
      } else {  // (dr/dnu)^2 of the deviance residual r = +-sqrt(2 t), as deviance_residual()
        const double r2 = bt.t > 0 ? 2 * bt.t : 0.0;
        c2 = r2 > 1e-16 ? bt.d1 * bt.d1 / r2 : 1 / (nu > floor_events ? nu : floor_events);
      }
      const double wgt = bt.d1;
      double u[FC];
      for (int k = 0; k < nk; ++k) u[off + k] = v.basis_integrals[k * nb + i0 + c];
      if (SIG) u[0] = f_b[c], u[1] = df_b[c];
      if constexpr (NK > 0) {
        accumulate<FC>(wgt, c2, u, gu, hu);
      } else {
        int idx = 0;
        for (int m = 0; m < F; ++m) {
          gu[m] += wgt * u[m];
          const double cm = c2 * u[m];
          for (int l = m; l < F; ++l) hu[idx++] += cm * u[l];
        }
      }
      if (SIG && second) swd2f += wgt * d2f_b[c];
    }
  }
  s.nll = nll, s.swd2f = swd2f;
  for (int m = 0; m < F; ++m) s.gu[m] = gu[m];
  for (int m = 0; m < F * (F + 1) / 2; ++m) s.hu[m] = hu[m];
}

/// Packed index of (m, l), m <= l, in an F x F upper triangle.
UMBRA_HD inline int fidx(int f, int m, int l) { return m * f - m * (m - 1) / 2 + (l - m); }

/// One pass with NK background coefficients: team-reduced feature sums mapped to parameters.
template <int NK, bool SIG, class Team>
UMBRA_HD inline void evaluate_nk(const BinnedView& v, const BinData& d, const double* p, int what, Eval& e,
                                 const Team& team, bool res_free) {
  constexpr int FC = feature_cap<NK, SIG>, off = SIG ? 2 : 0;
  const int F = (NK > 0 ? NK : v.order + 1) + off;
  const bool derivs = what != eval_value, second = what == eval_hessian && SIG && res_free;
  CbPrepared cp;
  WindowNorm w{0, 0, 1, 0};
  double d2I = 0;
  if (SIG) {
    cp = cb_prepare(shape_at(v, p[p_theta_res]));
    w = cb_window(cp, v.lo(), v.hi());
    if (second) {
      const double inv_sigma = 1 / cp.s.sigma;
      d2I = edge_values(cp, v.hi(), true, inv_sigma).d2 - edge_values(cp, v.lo(), true, inv_sigma).d2;
    }
  }
  const double kappa = 1 + v.eff_rel_unc * p[p_theta_eff];
  const double n_sig = p[p_yield];
  const double scale = 1 + v.sigma_rel_unc * p[p_theta_res];
  const double dsig = scale < min_sigma_scale ? 0.0 : v.shape.sigma * v.sigma_rel_unc;
  const int nb = v.n_bins;
  const int b0 = int((long long)nb * team.lane() / team.size());
  const int b1 = int((long long)nb * (team.lane() + 1) / team.size());
  // Bins whose both edges lie beyond core_cutoff on a single-sided shape's Gaussian side hold no
  // signal (f = df = 0 exactly): summed over the background features only -- the same numbers
  // without the products of the two zero features (~40% of the bins of a -20..+30 sigma window).
  int b_sig = b1;
  if (SIG && !cp.s.double_sided()) {
    const double inv_sigma = 1 / cp.s.sigma;
    int lo = b0, hi = b1;  // first bin in [b0, b1) with a far lower edge (b1: none)
    while (lo < hi) {
      const int mid = lo + (hi - lo) / 2;
      if (far_edge(cp, (v.edges[mid] - cp.s.mean) * inv_sigma))
        hi = mid;
      else
        lo = mid + 1;
    }
    b_sig = lo;
  }
  FeatureSums<FC> s;
  bin_sums<NK, SIG>(v, d, p, what, second, cp, w.integral, w.d_integral_dsigma, d2I, n_sig * kappa, b0, b_sig, s);
  if (SIG && b_sig < b1) {
    constexpr int FB = feature_cap<NK, false>;
    FeatureSums<FB> sb;
    bin_sums<NK, false>(v, d, p, what, false, cp, 1, 0, 0, 0, b_sig, b1, sb);
    const int nkr = F - off;
    s.nll += sb.nll;
    for (int m = 0; m < nkr; ++m) {
      s.gu[off + m] += sb.gu[m];
      for (int l = m; l < nkr; ++l) s.hu[fidx(F, off + m, off + l)] += sb.hu[fidx(nkr, m, l)];
    }
  }
  // Reduce over the team (a fixed butterfly on a warp: every lane gets the same bits).
  e.nll = team.sum(s.nll) + 0.5 * (p[p_theta_eff] * p[p_theta_eff] + p[p_theta_res] * p[p_theta_res]);
  if (!derivs) return;
  double gu[FC], hu[FC * (FC + 1) / 2];
  for (int m = 0; m < F; ++m) gu[m] = team.sum(s.gu[m]);
  for (int m = 0; m < F * (F + 1) / 2; ++m) hu[m] = team.sum(s.hu[m]);
  const double swd2f = second ? team.sum(s.swd2f) : 0.0;
  // Parameter a's Jacobian is coef[a] * u[feat[a]]: N -> kappa f, theta_eff -> N eff_unc f,
  // theta_res -> N kappa dsigma df, c_k -> B_k. Without signal the first three are zero.
  const int np = v.n_params();
  int feat[np_max];
  double coef[np_max];
  for (int a = 0; a < np; ++a) feat[a] = a < p_background ? 0 : off + (a - p_background), coef[a] = 1;
  coef[p_yield] = coef[p_theta_eff] = coef[p_theta_res] = 0;
  if (SIG) {
    feat[p_theta_res] = 1;
    coef[p_yield] = kappa, coef[p_theta_eff] = n_sig * v.eff_rel_unc, coef[p_theta_res] = n_sig * kappa * dsig;
  }
  for (int a = 0; a < np; ++a) {
    e.g[a] = coef[a] * gu[feat[a]];
    for (int b = a; b < np; ++b) {
      const int m = feat[a] < feat[b] ? feat[a] : feat[b], l = feat[a] < feat[b] ? feat[b] : feat[a];
      e.h[hidx(a, b)] = coef[a] * coef[b] * hu[fidx(F, m, l)];
    }
  }
  if (SIG && what == eval_hessian) {
    // Second derivatives of nu (non-zero only among N, theta_eff, theta_res).
    e.h[hidx(p_yield, p_theta_eff)] += v.eff_rel_unc * gu[0];
    e.h[hidx(p_yield, p_theta_res)] += kappa * dsig * gu[1];
    e.h[hidx(p_theta_eff, p_theta_res)] += n_sig * v.eff_rel_unc * dsig * gu[1];
    if (second) e.h[hidx(p_theta_res, p_theta_res)] += n_sig * kappa * dsig * dsig * swd2f;
  }
  // Gaussian constraints theta^2/2 (Ceres: residual rows r = theta, so J^T J gains the same 1).
  e.g[p_theta_eff] += p[p_theta_eff];
  e.g[p_theta_res] += p[p_theta_res];
  e.h[hidx(p_theta_eff, p_theta_eff)] += 1;
  e.h[hidx(p_theta_res, p_theta_res)] += 1;
}

template <bool SIG, class Team>
UMBRA_HD inline void evaluate_sig(const BinnedView& v, const BinData& d, const double* p, int what, Eval& e,
                                  const Team& team, bool res_free) {
#if UMBRA_ON_DEVICE
  // One instantiation with the order at run time: the per-order unrolled ones below, inlined at
  // every fit of run_job, made ptxas take > 10 minutes and ~8 GB per architecture.
  return evaluate_nk<0, SIG>(v, d, p, what, e, team, res_free);
#else
  switch (v.order) {  // orders 0..max_poly_order (polynomial.hpp)
    case 0: return evaluate_nk<1, SIG>(v, d, p, what, e, team, res_free);
    case 1: return evaluate_nk<2, SIG>(v, d, p, what, e, team, res_free);
    case 2: return evaluate_nk<3, SIG>(v, d, p, what, e, team, res_free);
    case 3: return evaluate_nk<4, SIG>(v, d, p, what, e, team, res_free);
    case 4: return evaluate_nk<5, SIG>(v, d, p, what, e, team, res_free);
    case 5: return evaluate_nk<6, SIG>(v, d, p, what, e, team, res_free);
    case 6: return evaluate_nk<7, SIG>(v, d, p, what, e, team, res_free);
    default: return evaluate_nk<max_poly_order + 1, SIG>(v, d, p, what, e, team, res_free);
  }
#endif
}
static_assert(max_poly_order == 7, "evaluate_sig dispatches orders 0..7");
}  // namespace detail

/// One pass over the bins at parameters p (model.hpp layout): NLL, and for eval_hessian /
/// eval_ceres_jtj the gradient and the matrix of every parameter (fixed ones included). The
/// expected counts are those of expected_counts() term by term; the derivatives of the signal
/// fraction f_i = dG_i / I with respect to sigma follow from G's analytic primitive, so the
/// Hessian needs no numerics. `signal`: false skips the Crystal Ball entirely (B-only fits: yield
/// fixed at 0; the yield's and the nuisances' entries are then zero, except the constraints'
/// 1 on the diagonal); `res_free`: false skips the sigma second derivative.
template <class Team>
UMBRA_HD void evaluate(const BinnedView& v, const BinData& d, const double* p, int what, Eval& e,
                       const Team& team, bool signal = true, bool res_free = true) {
  if (signal)
    detail::evaluate_sig<true>(v, d, p, what, e, team, res_free);
  else
    detail::evaluate_sig<false>(v, d, p, what, e, team, res_free);
}

/// Fit configuration (FitOptions of the Ceres path, same meaning).
struct FitConfig {
  int max_iterations = 100;
  int max_retries = 4;
  double function_tolerance = 1e-10, gradient_tolerance = 1e-10, parameter_tolerance = 1e-10;
  // newton_finish: the largest predicted decrease of a final Newton step taken without a pass at
  // its end point (see there): relative to the NLL (never below function_tolerance) or absolute.
  // 1e-4 absolute is a displacement of sqrt(2e-4) ~ 0.014 sigma; the step leaves ~1e-4 sigma x the
  // curvature's relative change per sigma (<< 1), and the NLL off by ~1e-6 at most. Measured on
  // the benchmark scan against 0: NLL 5e-10 relative, yields 1e-5 sigma, statuses identical.
  double finish_tolerance = 1e-8, finish_absolute = 1e-4;
};

enum class Mode : int { signal_plus_background = 0, background_only = 1, fixed_yield = 2 };

/// Status codes match FitStatus (fit.hpp): 0 ok, 1 ok after retry, 2 failed.
struct Fit {
  double nll = 0;
  double p[np_max];
  double err_yield = 0;  // sqrt of the yield's variance (Ceres-compatible J^T J inverse)
  // With the yield's error: how the other parameters' profile minimum moves with the yield,
  // cov(p, N) / var(N) (zero where not computed) -- the warm start of the fixed-yield fits.
  double dp_dyield[np_max];
  int status = 2;
  int iterations = 0;
  double deviance = 0;
  int ndf = 0;
};

namespace detail {

/// Which parameters a fit varies (FitMode semantics of fit_binned) and their limits: the
/// nuisances stay within +-10 (a Gaussian constraint makes more absurd) and the resolution one
/// above the point where the model clamps sigma (min_sigma_scale), so steps cannot leave the
/// region where the model is smooth.
struct FreeSet {
  int n = 0;
  int idx[np_max];
  double lo[np_max], hi[np_max];
};
UMBRA_HD inline FreeSet free_set(const BinnedView& v, Mode mode) {
  FreeSet f;
  const int np = v.n_params();
  const bool nuis = mode != Mode::background_only && (v.eff_rel_unc > 0 || v.sigma_rel_unc > 0);
  for (int a = 0; a < np; ++a) {
    f.lo[a] = -1e300, f.hi[a] = 1e300;
    const bool free = a == p_yield           ? mode == Mode::signal_plus_background
                      : a == p_theta_eff     ? nuis && v.eff_rel_unc > 0
                      : a == p_theta_res     ? nuis && v.sigma_rel_unc > 0
                                             : true;
    if (free) f.idx[f.n++] = a;
  }
  f.lo[p_theta_eff] = -10, f.hi[p_theta_eff] = 10;
  f.lo[p_theta_res] = -10, f.hi[p_theta_res] = 10;
  if (v.sigma_rel_unc > 0) f.lo[p_theta_res] = dmax(-10.0, (min_sigma_scale - 1) / v.sigma_rel_unc * 0.999);
  return f;
}

UMBRA_HD inline double hget(const double* h, int a, int b) { return a <= b ? h[hidx(a, b)] : h[hidx(b, a)]; }

struct Attempt {
  double nll;
  double p[np_max];
  bool converged;
  int iterations;
};

/// The last pass of a converging fit, saved: where the full Newton step from the point just
/// evaluated (undamped, inside the limits) is predicted to lower the NLL by no more than
/// FitConfig's finish tolerances, the step is taken without evaluating its end point -- the pass
/// that would only confirm Ceres' |dNLL| <= function_tolerance * NLL. Near a minimum the
/// quadratic model is exact to third order, so the parameters end closer to the minimum than
/// after that pass; the NLL is the model's prediction (off by far less than the tolerances).
UMBRA_HD inline bool newton_finish(const Eval& e, const FreeSet& fs, const FitConfig& cfg, Attempt& at) {
  const int nf = fs.n;
  double a_mat[np_max * np_max], step[np_max];
  for (int a = 0; a < nf; ++a) {
    for (int b = 0; b <= a; ++b) a_mat[a * np_max + b] = hget(e.h, fs.idx[a], fs.idx[b]);
    step[a] = -e.g[fs.idx[a]];
  }
  if (!cholesky(a_mat, nf)) return false;
  cholesky_solve(a_mat, nf, step);
  double decrease = 0;  // -g.s - s.H.s/2 = -g.s/2 for the Newton step
  for (int a = 0; a < nf; ++a) {
    const int j = fs.idx[a];
    const double x = at.p[j] + step[a];
    if (x < fs.lo[j] || x > fs.hi[j]) return false;
    decrease -= 0.5 * e.g[j] * step[a];
  }
  const double tol = cfg.finish_tolerance > cfg.function_tolerance ? cfg.finish_tolerance : cfg.function_tolerance;
  if (!(decrease >= 0 && decrease <= dmax(tol * dabs(at.nll), cfg.finish_absolute))) return false;
  for (int a = 0; a < nf; ++a) at.p[fs.idx[a]] += step[a];
  at.nll -= decrease;
  at.converged = true;
  return true;
}

inline constexpr int pinned_limit_steps = 10;

/// One damped-Newton minimisation from p0 over the free set: solve (H + lambda D) step = -g with
/// D = diag(H) floored (Ceres' LM scaling), accept when the NLL drops, adapt lambda by the gain
/// ratio (Nielsen). Convergence tests are Ceres' function / gradient / parameter tolerances.
template <class Team>
UMBRA_HD Attempt minimise(const BinnedView& v, const BinData& d, const FreeSet& fs, const double* p0,
                          const FitConfig& cfg, const Team& team) {
  Attempt at;
  const int np = v.n_params(), nf = fs.n;
  for (int a = 0; a < np; ++a) at.p[a] = p0[a];
  at.converged = false;
  at.iterations = 0;
  // A fit with the yield fixed at 0 needs no signal shape; sigma's second derivative only when it floats.
  bool signal = false, res_free = false;
  for (int a = 0; a < nf; ++a) res_free = res_free || fs.idx[a] == p_theta_res;
  signal = p0[p_yield] != 0 || fs.idx[0] == p_yield;
  Eval e;
  evaluate(v, d, at.p, eval_hessian, e, team, signal, res_free);
  at.nll = e.nll;
  if (!finite(e.nll)) return at;
  auto grad_small = [&](const Eval& ev) {
    double m = 0;
    for (int a = 0; a < nf; ++a) m = dmax(m, dabs(ev.g[fs.idx[a]]));
    return m <= cfg.gradient_tolerance;
  };
  if (grad_small(e)) {
    at.converged = true;
    return at;
  }
  double lambda = 1e-4, nu_up = 2;
  bool fresh = true;  // e was evaluated at a new point (start or accepted step)
  int pinned = 0;     // consecutive steps cut by a parameter limit
  Eval trial;
  for (int it = 0; it < cfg.max_iterations; ++it) {
    at.iterations = it + 1;
    double a_mat[np_max * np_max], step[np_max];
    if (fresh && newton_finish(e, fs, cfg, at)) return at;
    fresh = false;
    for (int a = 0; a < nf; ++a) {
      for (int b = 0; b <= a; ++b) a_mat[a * np_max + b] = hget(e.h, fs.idx[a], fs.idx[b]);
      a_mat[a * np_max + a] += lambda * dmax(hget(e.h, fs.idx[a], fs.idx[a]), 1e-6);
      step[a] = -e.g[fs.idx[a]];
    }
    // The lower triangle holds A (cholesky reads a[i][k] for k <= i only).
    if (!cholesky(a_mat, nf)) {  // indefinite far from the minimum: damp harder
      lambda *= nu_up, nu_up *= 2;
      continue;
    }
    cholesky_solve(a_mat, nf, step);
    double pt[np_max], step_norm2 = 0, p_norm2 = 0;
    bool cut = false;
    for (int a = 0; a < np; ++a) pt[a] = at.p[a];
    for (int a = 0; a < nf; ++a) {
      const int j = fs.idx[a];
      double x = at.p[j] + step[a];
      cut = cut || x < fs.lo[j] || x > fs.hi[j];
      x = x < fs.lo[j] ? fs.lo[j] : x > fs.hi[j] ? fs.hi[j] : x;  // parameter limits
      step[a] = x - at.p[j];
      pt[j] = x;
      step_norm2 += step[a] * step[a];
      p_norm2 += at.p[j] * at.p[j];
    }
    // Decrease predicted by the quadratic model for the (projected) step.
    double predicted = 0;
    for (int a = 0; a < nf; ++a) {
      double hs = 0;
      for (int b = 0; b < nf; ++b) hs += hget(e.h, fs.idx[a], fs.idx[b]) * step[b];
      predicted -= e.g[fs.idx[a]] * step[a] + 0.5 * step[a] * hs;
    }
    const bool tiny_step =
        sqrt(step_norm2) <= cfg.parameter_tolerance * (sqrt(p_norm2) + cfg.parameter_tolerance);
    // The limits are a safety net (a nuisance at 10 sigma of its constraint is no answer): a fit
    // that keeps pushing into one -- a window the model cannot describe, e.g. the toy spectrum's
    // end inside it -- crawls along the limit for all max_iterations. Give up early instead; the
    // job is then re-run with Ceres (unbounded) like every failed batched fit.
    pinned = cut ? pinned + 1 : 0;
    if (pinned > pinned_limit_steps) return at;
    evaluate(v, d, pt, eval_hessian, trial, team, signal, res_free);
    const double actual = at.nll - trial.nll;
    if (finite(trial.nll) && actual > 0) {
      const double rho = predicted > 0 ? actual / predicted : 0.0;
      const double r = 2 * rho - 1;
      lambda *= dmax(1.0 / 3.0, 1 - r * r * r);
      nu_up = 2;
      for (int a = 0; a < np; ++a) at.p[a] = pt[a];
      at.nll = trial.nll;
      e = trial;
      fresh = true;
      if (actual <= cfg.function_tolerance * dabs(at.nll + actual) || tiny_step || grad_small(e)) {
        at.converged = true;
        return at;
      }
    } else {
      // No decrease: converged if the model and the function both say we are at rounding level.
      if (tiny_step || (finite(trial.nll) && dabs(actual) <= cfg.function_tolerance * dabs(at.nll) &&
                        predicted <= cfg.function_tolerance * dabs(at.nll))) {
        at.converged = true;
        return at;
      }
      lambda *= nu_up, nu_up *= 2;
    }
  }
  return at;
}

/// Background coefficients from weighted linear least squares on the basis integrals (the
/// default start of the Ceres path, linear_background_start): Neyman weights floored at 1.
UMBRA_HD inline void linear_background(const BinnedView& v, const BinData& d, double* p) {
  const int nb = v.n_bins, nk = v.order + 1;
  double a_mat[np_max * np_max] = {}, rhs[np_max] = {};  // zeroed: GCC cannot see the nk x nk fill
  for (int a = 0; a < nk; ++a) {
    rhs[a] = 0;
    for (int b = 0; b <= a; ++b) a_mat[a * np_max + b] = 0;
  }
  for (int i = 0; i < nb; ++i) {
    const double n = d.at(v, i);
    const double w = 1.0 / (n > 1 ? n : 1.0);
    for (int a = 0; a < nk; ++a) {
      const double xa = v.basis_integrals[a * nb + i];
      rhs[a] += w * xa * n;
      for (int b = 0; b <= a; ++b) a_mat[a * np_max + b] += w * xa * v.basis_integrals[b * nb + i];
    }
  }
  const bool ok = cholesky(a_mat, nk);
  if (ok) cholesky_solve(a_mat, nk, rhs);
  for (int k = 0; k < nk; ++k) p[p_background + k] = ok && finite(rhs[k]) ? rhs[k] : 0.0;
}

}  // namespace detail

/// One fit with the retry policy of fit_binned (Ceres path): the given start, a fresh start from
/// the best point so far, then the linear background with the yield kicked by +-0.3 sqrt(total),
/// then a flat background. With
/// `errors`, the yield's uncertainty from the inverse of the deviance residuals' J^T J over the
/// free parameters (what Ceres' covariance of fit_binned computes).
template <class Team>
UMBRA_HD Fit fit_window(const BinnedView& v, const BinData& d, Mode mode, double yield, const double* start,
                        const FitConfig& cfg, bool errors, const Team& team) {
  Fit r;
  const int np = v.n_params();
  for (int a = 0; a < np_max; ++a) r.dp_dyield[a] = 0;
  const detail::FreeSet fs = detail::free_set(v, mode);
  const bool nuis = mode != Mode::background_only && (v.eff_rel_unc > 0 || v.sigma_rel_unc > 0);
  double total = -1;  // events in the window, for the retry starts only (a pass over the bins)
  detail::Attempt best;
  best.nll = 1e308, best.converged = false, best.iterations = 0;
  for (int a = 0; a < np; ++a) best.p[a] = start[a];
  int iterations = 0;
  for (int attempt = 0; attempt <= cfg.max_retries; ++attempt) {
    double p0[np_max];
    for (int a = 0; a < np; ++a) p0[a] = attempt == 0 ? start[a] : attempt == 1 ? best.p[a] : 0.0;
    if (attempt >= 2) {
      if (total < 0) {
        total = 0;
        for (int i = 0; i < v.n_bins; ++i) total += d.at(v, i);
      }
      detail::linear_background(v, d, p0);
      const double kick = 3 * sqrt(total > 1 ? total : 1.0) / 10;
      p0[p_yield] = attempt == 2 ? kick : attempt == 3 ? -kick : 0.0;
      if (attempt >= 4) {
        for (int k = p_background; k < np; ++k) p0[k] = 0;
        p0[p_background] = total;
      }
    }
    if (mode == Mode::background_only) p0[p_yield] = 0;
    if (mode == Mode::fixed_yield) p0[p_yield] = yield;
    if (!nuis) p0[p_theta_eff] = p0[p_theta_res] = 0;
    const detail::Attempt at = detail::minimise(v, d, fs, p0, cfg, team);
    iterations += at.iterations;
    if (at.converged) {
      best = at;
      r.status = attempt == 0 ? 0 : 1;
      break;
    }
    if (at.nll < best.nll) best = at;
  }
  if (!best.converged) r.status = 2;
  r.iterations = iterations;
  r.nll = best.nll;
  for (int a = 0; a < np; ++a) r.p[a] = best.p[a];
  for (int a = np; a < np_max; ++a) r.p[a] = 0;
  r.deviance = 2 * r.nll - r.p[p_theta_eff] * r.p[p_theta_eff] - r.p[p_theta_res] * r.p[p_theta_res];
  r.ndf = v.n_bins - (v.order + 1 + (mode == Mode::signal_plus_background ? 1 : 0));
  if (errors && best.converged && mode == Mode::signal_plus_background) {
    Eval e;
    evaluate(v, d, r.p, eval_ceres_jtj, e, team);
    double c[np_max * np_max], col[np_max];
    for (int a = 0; a < fs.n; ++a)
      for (int b = 0; b <= a; ++b) c[a * np_max + b] = detail::hget(e.h, fs.idx[a], fs.idx[b]);
    if (cholesky(c, fs.n)) {
      for (int a = 0; a < fs.n; ++a) col[a] = fs.idx[a] == p_yield ? 1.0 : 0.0;
      cholesky_solve(c, fs.n, col);  // column of the inverse; the yield is free parameter 0
      r.err_yield = sqrt(col[0] > 0 ? col[0] : 0.0);
      // Profile minimum at fixed N (quadratic model): p_o(N) - p_o = -C_oo^-1 C_oN (N - N_hat),
      // which equals cov(p_o, N) / var(N) (N - N_hat) by the partitioned inverse.
      if (col[0] > 0)
        for (int a = 1; a < fs.n; ++a) r.dp_dyield[fs.idx[a]] = col[a] / col[0];
    }
  }
  return r;
}

/// The windows of all jobs, packed once on the host (SoA with offsets; see scan_batched.hpp).
struct WindowsView {
  std::uint64_t n_windows = 0;
  const std::uint64_t* bin_offsets = nullptr;    // n_windows + 1; edges of window w start at bin_offsets[w] + w
  const std::uint64_t* basis_offsets = nullptr;  // n_windows; basis integrals of window w
  const double* edges = nullptr;
  const double* counts = nullptr;
  const double* basis = nullptr;
  const int* order = nullptr;
  const CrystalBallShape* shape = nullptr;
  double eff_rel_unc = 0, sigma_rel_unc = 0;

  UMBRA_HD BinnedView window(std::uint64_t w) const {
    BinnedView v;
    v.n_bins = int(bin_offsets[w + 1] - bin_offsets[w]);
    v.edges = edges + bin_offsets[w] + w;
    v.counts = counts + bin_offsets[w];
    v.basis_integrals = basis + basis_offsets[w];
    v.order = order[w];
    v.shape = shape[w];
    v.eff_rel_unc = eff_rel_unc, v.sigma_rel_unc = sigma_rel_unc;
    return v;
  }
};

/// Per-job outputs (SoA; params and limit_exp strided by np_max and 5).
struct JobsView {
  double *n_sig, *n_sig_err, *nll_sb, *nll_b, *significance, *limit_obs, *sigma_asimov, *limit_exp, *chi2_ndf;
  double *params_sb, *params_b;
  int *status, *fits, *failed_fits, *retried_fits, *iterations;
};

namespace detail {
/// Warm start of a fixed-yield fit at yield + dmu from a fit at `yield`: the other parameters moved
/// along the S+B fit's linear response (Fit::dp_dyield), nuisances kept inside their limits.
/// Newton then starts within second-order distance of the profile minimum.
UMBRA_HD inline void shifted_start(const BinnedView& v, const double* base, const double* dp, double dmu,
                                   double* out) {
  const FreeSet fs = free_set(v, Mode::fixed_yield);
  const int np = v.n_params();
  for (int a = 0; a < np_max; ++a) {
    double x = base[a];
    if (a < np && a != p_yield) {
      x += dp[a] * dmu;
      x = x < fs.lo[a] ? fs.lo[a] : x > fs.hi[a] ? fs.hi[a] : x;
      x = finite(x) ? x : base[a];
    }
    out[a] = x;
  }
}
}  // namespace detail

/// The scan job of one window, fit for fit as analyse_window(): B-only from the linear
/// background, S+B from the B-only result (with the yield's error), the Asimov fit of the
/// B-only model at a test yield (sigma_A, expected limits), and the q~mu upper limit by the same
/// Newton-on-sqrt(q) iteration. Written by lane 0 only.
template <class Team>
UMBRA_HD void run_job(const BinnedView& v, const FitConfig& cfg, double z, const JobsView& out, std::uint64_t j,
                      const Team& team) {
  const int np = v.n_params();
  const BinData data{v.counts, nullptr};
  int fits = 0, failed = 0, retried = 0, status = 0, iterations = 0;
  auto count = [&](const Fit& f, bool count_retry) {
    ++fits;
    iterations += f.iterations;
    if (f.status == 2) ++failed;
    if (count_retry && f.status == 1) ++retried;
    if (f.status > status) status = f.status;
  };
  double start[np_max];
  for (int a = 0; a < np_max; ++a) start[a] = 0;
  detail::linear_background(v, data, start);
  const Fit fb = fit_window(v, data, Mode::background_only, 0.0, start, cfg, false, team);
  count(fb, true);
  const Fit fsb = fit_window(v, data, Mode::signal_plus_background, 0.0, fb.p, cfg, true, team);
  count(fsb, true);
  const double n_sig = fsb.p[p_yield], n_sig_err = fsb.err_yield;
  const double nll_sb = fsb.nll < fb.nll ? fsb.nll : fb.nll;  // S+B nests B-only
  const double nll_b = fb.nll;
  double n_events = 0;
  for (int i = 0; i < v.n_bins; ++i) n_events += v.counts[i];

  // Asimov data set of the B-only fit (nuisances nominal): sigma_A^2 = mu^2 / q_mu,A.
  double pb[np_max];
  for (int a = 0; a < np_max; ++a) pb[a] = fb.p[a];
  pb[p_theta_eff] = pb[p_theta_res] = 0;
  const BinData asimov{nullptr, pb + p_background};
  const bool err_ok = n_sig_err > 0 && detail::finite(n_sig_err);
  const double mu_scale = err_ok ? n_sig_err : sqrt(n_events);
  const double mu_test = z * (mu_scale > 1 ? mu_scale : 1.0);  // >= 1 event (see analyse_window)
  // A job with a failed fit is re-run with Ceres as a whole (run_scan_batched): once one failed,
  // its remaining fits would only be discarded (the limit fits of such windows mostly fail too).
  double qa = 0;
  if (status != 2) {
    double pa[np_max];
    detail::shifted_start(v, pb, fsb.dp_dyield, mu_test, pa);
    const Fit fa = fit_window(v, asimov, Mode::fixed_yield, mu_test, pa, cfg, false, team);
    count(fa, false);
    qa = 2 * fa.nll;
  }
  const double sigma_a = qa > 0 ? mu_test / sqrt(qa) : n_sig_err;

  // Observed q~mu limit (see analyse_window for the two branches).
  const bool err_usable = usable_yield_error(n_sig_err, sigma_a);
  const double sigma = err_usable ? n_sig_err : sigma_a;
  double n_err = n_sig_err;  // replaced by the profile-likelihood error when unusable
  double limit;
  double warm[np_max];
  if (n_sig >= 0) {
    double mu = n_sig + z * sigma;
    detail::shifted_start(v, fsb.p, fsb.dp_dyield, mu - n_sig, warm);
    for (int it = 0; it < 12 && status != 2; ++it) {
      const Fit fm = fit_window(v, data, Mode::fixed_yield, mu, warm, cfg, false, team);
      count(fm, true);
      const double q = 2 * (fm.nll - nll_sb);
      const double rq = sqrt(q > 1e-300 ? q : 1e-300);
      const double next = n_sig + (mu - n_sig) * z / rq;
      if (detail::dabs(rq - z) < 2e-3 * z) break;
      detail::shifted_start(v, fm.p, fsb.dp_dyield, next - mu, warm);
      mu = next;
      if (detail::dabs(rq - z) < 5e-2 * z) break;  // second-order exact step (see analyse_window)
    }
    limit = mu;
    if (!err_usable) n_err = (mu - n_sig) / z;
  } else {
    double mu = n_sig + z * sigma_a;
    if (mu > 0) {
      detail::shifted_start(v, fb.p, fsb.dp_dyield, mu, warm);
      for (int it = 0; it < 12 && status != 2; ++it) {
        const Fit fm = fit_window(v, data, Mode::fixed_yield, mu, warm, cfg, false, team);
        count(fm, true);
        const double zm = qtilde_z(2 * (fm.nll - nll_b), mu, sigma_a);
        if (detail::dabs(zm - z) < 2e-3 * z) break;
        double next = mu + (z - zm) * sigma_a;
        next = next > 0.5 * mu ? next : 0.5 * mu;
        detail::shifted_start(v, fm.p, fsb.dp_dyield, next - mu, warm);
        mu = next;
      }
    }
    limit = mu;
    if (!err_usable) n_err = sigma_a;
  }

  if (team.lane() != 0) return;
  out.n_sig[j] = n_sig, out.n_sig_err[j] = n_err;
  out.nll_sb[j] = nll_sb, out.nll_b[j] = nll_b;
  out.significance[j] = local_significance(n_sig, nll_sb, nll_b);
  out.limit_obs[j] = limit;
  out.sigma_asimov[j] = sigma_a;
  for (int k = 0; k < 5; ++k) out.limit_exp[5 * j + k] = sigma_a * (z + (k - 2));
  out.chi2_ndf[j] = fsb.ndf > 0 ? fsb.deviance / fsb.ndf : 0.0;
  for (int a = 0; a < np_max; ++a) {
    out.params_sb[np_max * j + a] = a < np ? fsb.p[a] : 0.0;
    out.params_b[np_max * j + a] = a < np ? fb.p[a] : 0.0;
  }
  out.status[j] = status, out.fits[j] = fits, out.failed_fits[j] = failed, out.retried_fits[j] = retried;
  out.iterations[j] = iterations;
}

/// The per-item step both backends launch (one job per item).
struct ScanJobStep {
  WindowsView windows;
  FitConfig cfg;
  double z = 1.6448536269514722;
  JobsView out;
  UMBRA_HD void operator()(std::uint64_t j) const { run_job(windows.window(j), cfg, z, out, j, SerialTeam{}); }
};

}  // namespace umbra::scan::batched
