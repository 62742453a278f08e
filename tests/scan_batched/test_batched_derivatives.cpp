// The batched fitter's building blocks: its streaming NLL and gradient equal model.hpp's
// binned_nll, its exact Hessian matches finite differences of that gradient, the chunked (warp)
// evaluation equals the serial one, and the small Cholesky solves.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "scan/toy_spectrum.hpp"
#include "umbra/scan/batched_fit.hpp"

using namespace umbra::scan;
using namespace umbra::scan::batched;

namespace {

/// A toy window histogram: ~20k background events + a signal on [lo, hi], order-4 background.
struct Window {
  std::vector<double> edges, counts, basis;
  BinnedView v;
  Window(const CrystalBallShape& s, Basis b, int order, int nb, std::uint64_t seed) {
    test::ToyBackground bg;
    bg.lo = s.mean - 20 * s.sigma, bg.hi = s.mean + 30 * s.sigma, bg.expected = 20000;
    const std::vector<double> x = test::make_toy(bg, s, 300, seed, 0);
    edges.resize(nb + 1), counts.assign(nb, 0.0), basis.resize(std::size_t(nb) * (order + 1));
    for (int i = 0; i <= nb; ++i) edges[i] = bg.lo + (bg.hi - bg.lo) * i / nb;
    for (double xi : x) counts[std::min(nb - 1, int((xi - bg.lo) / (bg.hi - bg.lo) * nb))] += 1;
    fill_basis_integrals(b, order, nb, edges.data(), basis.data());
    v.n_bins = nb, v.edges = edges.data(), v.counts = counts.data(), v.basis_integrals = basis.data();
    v.order = order, v.shape = s, v.eff_rel_unc = 0.05, v.sigma_rel_unc = 0.08;
  }
  /// A point away from the minimum, nuisances non-zero (all Hessian terms active).
  std::vector<double> point() const {
    std::vector<double> p(v.n_params(), 0.0);
    p[p_yield] = 250, p[p_theta_eff] = 0.7, p[p_theta_res] = -0.9;
    double total = 0;
    for (double c : counts) total += c;
    p[p_background] = 0.97 * total;
    for (int k = 1; k <= v.order; ++k) p[p_background + k] = 0.05 * total / (k + 1) * (k % 2 ? -1 : 1);
    return p;
  }
};

const CrystalBallShape single{1.0, 0.02, 1.1, 3.5, 0, 3};
const CrystalBallShape dscb{49.0, 1.2, 1.3, 4.0, 1.6, 6.0};

double reference_nll(const BinnedView& v, const double* p, double* grad) {
  std::vector<double> scratch(std::size_t(v.n_bins) * (v.n_params() + 1) + 2 * (v.n_bins + 1));
  return binned_nll(v, p, grad, scratch.data());
}

/// One lane of a team of `n` with no reduction: summing the lanes by hand emulates a warp.
struct LaneTeam {
  int l, n;
  int lane() const { return l; }
  int size() const { return n; }
  double sum(double x) const { return x; }
};

}  // namespace

TEST(BatchedDerivatives, NllAndGradientEqualTheModel) {
  for (const CrystalBallShape& s : {single, dscb})
    for (Basis b : {Basis::chebyshev, Basis::bernstein}) {
      const Window w(s, b, 4, 200, 11);
      const std::vector<double> p = w.point();
      std::vector<double> g_ref(p.size());
      const double nll_ref = reference_nll(w.v, p.data(), g_ref.data());
      Eval e;
      evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, e, SerialTeam{});
      EXPECT_NEAR(e.nll, nll_ref, 1e-12 * nll_ref);
      for (std::size_t a = 0; a < p.size(); ++a) EXPECT_NEAR(e.g[a], g_ref[a], 1e-9 * (1 + std::abs(g_ref[a]))) << a;
    }
}

TEST(BatchedDerivatives, GradientMatchesFiniteDifferences) {
  const Window w(dscb, Basis::chebyshev, 4, 200, 12);
  const std::vector<double> p = w.point();
  Eval e;
  evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, e, SerialTeam{});
  for (std::size_t a = 0; a < p.size(); ++a) {
    const double h = 1e-5 * std::max(1.0, std::abs(p[a]));
    std::vector<double> pp = p, pm = p;
    pp[a] += h, pm[a] -= h;
    const double fd = (reference_nll(w.v, pp.data(), nullptr) - reference_nll(w.v, pm.data(), nullptr)) / (2 * h);
    EXPECT_NEAR(e.g[a], fd, 1e-5 * (1 + std::abs(fd))) << "parameter " << a;
  }
}

TEST(BatchedDerivatives, HessianMatchesFiniteDifferencesOfTheGradient) {
  for (const CrystalBallShape& s : {single, dscb})
    for (Basis b : {Basis::chebyshev, Basis::bernstein}) {
      const Window w(s, b, 4, 200, 13);
      const std::vector<double> p = w.point();
      const int np = int(p.size());
      Eval e;
      evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, e, SerialTeam{});
      for (int a = 0; a < np; ++a) {
        const double h = 1e-5 * std::max(1.0, std::abs(p[a]));
        std::vector<double> pp = p, pm = p, gp(np), gm(np);
        pp[a] += h, pm[a] -= h;
        reference_nll(w.v, pp.data(), gp.data());
        reference_nll(w.v, pm.data(), gm.data());
        for (int c = 0; c < np; ++c) {
          const double fd = (gp[c] - gm[c]) / (2 * h);
          const double an = a <= c ? e.h[batched::detail::hidx(a, c)] : e.h[batched::detail::hidx(c, a)];
          const double scale = std::sqrt(std::abs(e.h[batched::detail::hidx(a, a)] * e.h[batched::detail::hidx(c, c)]));
          EXPECT_NEAR(an, fd, 1e-5 * scale + 1e-8) << "H(" << a << "," << c << ") basis " << int(b);
        }
      }
    }
}

TEST(BatchedDerivatives, ChunkedEvaluationEqualsSerial) {
  const Window w(single, Basis::chebyshev, 5, 333, 14);  // 333 bins: uneven chunks over 32 lanes
  const std::vector<double> p = w.point();
  const int np = int(p.size());
  Eval serial, lane, sum;
  evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, serial, SerialTeam{});
  sum.nll = 0;
  for (int a = 0; a < np; ++a) sum.g[a] = 0;
  for (int a = 0; a < nh_max; ++a) sum.h[a] = 0;
  const double constraint = 0.5 * (p[1] * p[1] + p[2] * p[2]);
  for (int l = 0; l < 32; ++l) {
    evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, lane, LaneTeam{l, 32});
    sum.nll += lane.nll - constraint;
    for (int a = 0; a < np; ++a) sum.g[a] += lane.g[a] - (a == 1 || a == 2 ? p[a] : 0.0);
    for (int a = 0; a < np; ++a)
      for (int c = a; c < np; ++c) sum.h[batched::detail::hidx(a, c)] += lane.h[batched::detail::hidx(a, c)] - (a == c && (a == 1 || a == 2));
  }
  EXPECT_NEAR(sum.nll + constraint, serial.nll, 1e-12 * serial.nll);
  for (int a = 0; a < np; ++a) {
    EXPECT_NEAR(sum.g[a] + (a == 1 || a == 2 ? p[a] : 0.0), serial.g[a], 1e-9 * (1 + std::abs(serial.g[a])));
    for (int c = a; c < np; ++c)
      EXPECT_NEAR(sum.h[batched::detail::hidx(a, c)] + (a == c && (a == 1 || a == 2)), serial.h[batched::detail::hidx(a, c)],
                  1e-9 * (1 + std::abs(serial.h[batched::detail::hidx(a, c)])));
  }
}

TEST(BatchedDerivatives, AsimovCountsAreTheBackgroundModel) {
  const Window w(single, Basis::bernstein, 3, 100, 15);
  std::vector<double> p = w.point();
  p[p_yield] = 0, p[p_theta_eff] = p[p_theta_res] = 0;
  std::vector<double> nu(w.v.n_bins), scratch(2 * (w.v.n_bins + 1));
  expected_counts(w.v, p.data(), nu.data(), nullptr, scratch.data());
  const BinData asimov{nullptr, p.data() + p_background};
  for (int i = 0; i < w.v.n_bins; ++i) EXPECT_EQ(asimov.at(w.v, i), std::max(nu[i], 0.0)) << i;
}

TEST(BatchedDerivatives, CholeskySolvesAndRefusesIndefinite) {
  double a[np_max * np_max] = {}, x[3] = {1, 2, 3};
  const double m[3][3] = {{4, 2, 0.4}, {2, 5, 1}, {0.4, 1, 3}};
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j <= i; ++j) a[i * np_max + j] = m[i][j];
  ASSERT_TRUE(cholesky(a, 3));
  cholesky_solve(a, 3, x);
  for (int i = 0; i < 3; ++i) {
    double r = 0;
    for (int j = 0; j < 3; ++j) r += m[i][j] * x[j];
    EXPECT_NEAR(r, i + 1.0, 1e-12);
  }
  double b[np_max * np_max] = {};
  b[0] = 1, b[np_max] = 2, b[np_max + 1] = 1;  // [[1, 2], [2, 1]]: indefinite
  EXPECT_FALSE(cholesky(b, 2));
}

TEST(BatchedDerivatives, BackgroundOnlyShortcutsChangeNothing) {
  // evaluate(signal = false) for a yield fixed at 0, and res_free = false, give the entries a
  // B-only / fixed-sigma fit uses unchanged.
  const Window w(dscb, Basis::chebyshev, 4, 150, 16);
  std::vector<double> p = w.point();
  p[p_yield] = 0;
  Eval full, fast;
  evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, full, SerialTeam{});
  evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), eval_hessian, fast, SerialTeam{}, false, false);
  EXPECT_NEAR(fast.nll, full.nll, 1e-13 * full.nll);
  for (int a = p_background; a < w.v.n_params(); ++a) {
    EXPECT_NEAR(fast.g[a], full.g[a], 1e-10 * (1 + std::abs(full.g[a])));
    for (int c = a; c < w.v.n_params(); ++c)
      EXPECT_NEAR(fast.h[batched::detail::hidx(a, c)], full.h[batched::detail::hidx(a, c)], 1e-10 * std::abs(full.h[batched::detail::hidx(a, c)]));
  }
}

TEST(BatchedDerivatives, RuntimeOrderEvaluationEqualsTheUnrolledOne) {
  // The device instantiates evaluate_nk<0> (order at run time); the host the per-order unrolled
  // ones. Same sums in the same order: identical bits.
  for (int order : {2, 4, 5}) {
    const Window w(dscb, Basis::chebyshev, order, 150, 17);
    const std::vector<double> p = w.point();
    for (int what : {int(eval_value), int(eval_hessian), int(eval_ceres_jtj)}) {
      Eval a, b;
      evaluate(w.v, BinData{w.v.counts, nullptr}, p.data(), what, a, SerialTeam{});
      batched::detail::evaluate_nk<0, true>(w.v, BinData{w.v.counts, nullptr}, p.data(), what, b, SerialTeam{}, true);
      EXPECT_EQ(a.nll, b.nll) << order;
      if (what == eval_value) continue;
      for (int x = 0; x < w.v.n_params(); ++x) {
        EXPECT_EQ(a.g[x], b.g[x]) << order << " " << x;
        for (int y = x; y < w.v.n_params(); ++y)
          EXPECT_EQ(a.h[batched::detail::hidx(x, y)], b.h[batched::detail::hidx(x, y)]) << order << " " << x << " " << y;
      }
    }
  }
}

TEST(BatchedDerivatives, OneBinBlocksEqualTheHostBlocks) {
  // The device runs the bin loop with blocks of one bin (math_block_size = 1 there), the host with
  // blocks of 16 through the vector log/exp: same sums up to the last bits of those functions.
  using batched::detail::FeatureSums;
  using batched::detail::feature_cap;
  for (const CrystalBallShape& shape : {single, dscb}) {
    const Window w(shape, Basis::chebyshev, 4, 150, 23);
    const std::vector<double> p = w.point();
    const CbPrepared cp = cb_prepare(shape_at(w.v, p[p_theta_res]));
    const WindowNorm norm = cb_window(cp, w.v.lo(), w.v.hi());
    for (int what : {int(eval_value), int(eval_hessian), int(eval_ceres_jtj)}) {
      FeatureSums<feature_cap<5, true>> a, b;
      const bool second = what == eval_hessian;
      const BinData data{w.v.counts, nullptr};
      batched::detail::bin_sums<5, true>(w.v, data, p.data(), what, second, cp, norm.integral, norm.d_integral_dsigma,
                                         0.01, 250, 3, w.v.n_bins - 2, a);
      batched::detail::bin_sums<5, true, 1>(w.v, data, p.data(), what, second, cp, norm.integral,
                                            norm.d_integral_dsigma, 0.01, 250, 3, w.v.n_bins - 2, b);
      EXPECT_NEAR(a.nll, b.nll, 1e-12 * std::abs(a.nll));
      EXPECT_NEAR(a.swd2f, b.swd2f, 1e-12 * (1 + std::abs(a.swd2f)));
      constexpr int F = feature_cap<5, true>;
      for (int m = 0; m < F; ++m) EXPECT_NEAR(a.gu[m], b.gu[m], 1e-12 * (1 + std::abs(a.gu[m]))) << what << " " << m;
      for (int m = 0; m < F * (F + 1) / 2; ++m)
        EXPECT_NEAR(a.hu[m], b.hu[m], 1e-12 * (1 + std::abs(a.hu[m]))) << what << " " << m;
    }
  }
}
