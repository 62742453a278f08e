// The UMBRA_HD scan model: Crystal Ball normalisation, basis integrals, analytic derivatives
// against finite differences, the statistics helpers and the coupling conversion.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "umbra/scan/model.hpp"
#include "umbra/scan/statistics.hpp"
#include "umbra/scan/unbinned_model.hpp"

using namespace umbra::scan;

namespace {

double simpson(const CrystalBallShape& s, double a, double b, int n = 20000) {
  const double h = (b - a) / n;
  double sum = cb_shape(s, a) + cb_shape(s, b);
  for (int i = 1; i < n; ++i) sum += (i % 2 ? 4 : 2) * cb_shape(s, a + i * h);
  return sum * h / 3;
}

const CrystalBallShape single{1.0, 0.02, 1.1, 3.5, 0, 3};
const CrystalBallShape dscb{49.0, 1.2, 1.3, 4.0, 1.6, 6.0};

}  // namespace

TEST(ScanModel, PrimitiveMatchesNumericalIntegral) {
  for (const CrystalBallShape& s : {single, dscb}) {
    for (auto [a, b] : {std::pair{-20.0, 30.0}, {-3.0, 0.5}, {-1.5, 2.5}, {0.2, 8.0}}) {
      const double exact = cb_primitive(s, b) - cb_primitive(s, a);
      EXPECT_NEAR(exact, simpson(s, a, b), 1e-9 * exact) << a << " " << b;
    }
    // Continuity of G at the tail junctions.
    for (double t : {-s.alpha_lo, s.alpha_hi}) {
      if (t == 0) continue;
      EXPECT_NEAR(cb_primitive(s, t - 1e-9), cb_primitive(s, t + 1e-9), 1e-8);
      EXPECT_NEAR(cb_shape(s, t - 1e-9), cb_shape(s, t + 1e-9), 1e-8);
    }
  }
}

TEST(ScanModel, BasisIntegralsAreEventCounts) {
  std::vector<double> edges(101);
  for (int i = 0; i <= 100; ++i) edges[i] = 0.6 + 0.01 * i;
  for (Basis b : {Basis::chebyshev, Basis::bernstein}) {
    std::vector<double> integ(6 * 100);
    fill_basis_integrals(b, 5, 100, edges.data(), integ.data());
    for (int k = 0; k <= 5; ++k) {
      double sum = 0;
      for (int i = 0; i < 100; ++i) sum += integ[k * 100 + i];
      // Chebyshev: int T_k du / 2 = 1, 0, -1/3, 0, -1/15, 0; Bernstein: each integrates to 1.
      const double expect = b == Basis::bernstein ? 1.0 : (k % 2 ? 0.0 : -1.0 / (k * k - 1.0));
      EXPECT_NEAR(sum, expect, 1e-12) << int(b) << " k=" << k;
    }
  }
}

namespace {
struct Problem {
  std::vector<double> edges, counts, basis;
  BinnedView v;
  explicit Problem(int order = 4) {
    const int nb = 60;
    edges.resize(nb + 1), counts.resize(nb), basis.resize((order + 1) * nb);
    for (int i = 0; i <= nb; ++i) edges[i] = 0.6 + 1.0 * i / nb;
    for (int i = 0; i < nb; ++i) counts[i] = 200 + 3 * i + (i % 7) + (i == 25 ? 40 : 0);
    fill_basis_integrals(Basis::chebyshev, order, nb, edges.data(), basis.data());
    v.n_bins = nb, v.edges = edges.data(), v.counts = counts.data(), v.basis_integrals = basis.data();
    v.order = order, v.shape = single, v.eff_rel_unc = 0.1, v.sigma_rel_unc = 0.08;
  }
};
}  // namespace

TEST(ScanModel, ExpectedCountsJacobianMatchesFiniteDifferences) {
  Problem pr;
  const BinnedView& v = pr.v;
  const int nb = v.n_bins, np = v.n_params();
  const double p[] = {150, 0.3, -0.4, 15000, -1000, 300, -50, 20};
  std::vector<double> nu(nb), jac(nb * np), scratch(2 * (nb + 1)), up(nb), dn(nb);
  expected_counts(v, p, nu.data(), jac.data(), scratch.data());
  for (int j = 0; j < np; ++j) {
    double pp[max_params], pm[max_params];
    std::copy(p, p + np, pp), std::copy(p, p + np, pm);
    const double h = 1e-6 * std::max(1.0, std::abs(p[j]));
    pp[j] += h, pm[j] -= h;
    expected_counts(v, pp, up.data(), nullptr, scratch.data());
    expected_counts(v, pm, dn.data(), nullptr, scratch.data());
    for (int i = 0; i < nb; ++i)
      EXPECT_NEAR(jac[j * nb + i], (up[i] - dn[i]) / (2 * h), 1e-6 * (1 + std::abs(jac[j * nb + i]))) << j << " " << i;
  }
}

TEST(ScanModel, BinnedNllGradientMatchesFiniteDifferences) {
  Problem pr;
  const BinnedView& v = pr.v;
  const int np = v.n_params();
  const double p[] = {80, 0.5, 0.7, 14000, -900, 250, -40, 10};
  std::vector<double> grad(np), scratch(v.n_bins * (np + 1) + 2 * (v.n_bins + 1));
  binned_nll(v, p, grad.data(), scratch.data());
  for (int j = 0; j < np; ++j) {
    double pp[max_params], pm[max_params];
    std::copy(p, p + np, pp), std::copy(p, p + np, pm);
    const double h = 1e-5 * std::max(1.0, std::abs(p[j]));
    pp[j] += h, pm[j] -= h;
    const double fd = (binned_nll(v, pp, nullptr, scratch.data()) - binned_nll(v, pm, nullptr, scratch.data())) / (2 * h);
    EXPECT_NEAR(grad[j], fd, 1e-6 * (1 + std::abs(fd))) << j;
  }
}

TEST(ScanModel, DevianceResidualsSumToTwiceTheNll) {
  Problem pr;
  const BinnedView& v = pr.v;
  const int np = v.n_params();
  const double p[] = {80, 0.5, 0.7, 14000, -900, 250, -40, 10};
  std::vector<double> nu(v.n_bins), scratch(v.n_bins * (np + 1) + 2 * (v.n_bins + 1));
  expected_counts(v, p, nu.data(), nullptr, scratch.data());
  double sum = p[1] * p[1] + p[2] * p[2];
  for (int i = 0; i < v.n_bins; ++i) {
    double dr;
    const double r = deviance_residual(v.counts[i], nu[i], &dr);
    sum += r * r;
    // dr/dnu against a finite difference
    const double h = 1e-6 * nu[i];
    const double fd = (deviance_residual(v.counts[i], nu[i] + h, nullptr) - deviance_residual(v.counts[i], nu[i] - h, nullptr)) / (2 * h);
    EXPECT_NEAR(dr, fd, 1e-5 * (1 + std::abs(fd)));
  }
  EXPECT_NEAR(sum, 2 * binned_nll(v, p, nullptr, scratch.data()), 1e-9 * sum);
}

TEST(ScanModel, UnbinnedGradientMatchesFiniteDifferences) {
  std::vector<double> x;
  for (int i = 0; i < 500; ++i) x.push_back(0.6 + 1.0 * ((i * 0.6180339887) - std::floor(i * 0.6180339887)));
  for (Basis b : {Basis::chebyshev, Basis::bernstein}) {
    UnbinnedView v;
    v.values = x.data(), v.n_values = long(x.size()), v.lo = 0.6, v.hi = 1.6, v.basis = b, v.order = 2;
    v.shape = single, v.eff_rel_unc = 0.1, v.sigma_rel_unc = 0.08;
    const double p[] = {40, 0.3, -0.6, 200, 150, 180};
    double nll, grad[max_params];
    ASSERT_TRUE(unbinned_nll(v, p, &nll, grad));
    for (int j = 0; j < v.n_params(); ++j) {
      double pp[max_params], pm[max_params], fp = 0, fm = 0;
      std::copy(p, p + 6, pp), std::copy(p, p + 6, pm);
      const double h = 1e-5 * std::max(1.0, std::abs(p[j]));
      pp[j] += h, pm[j] -= h;
      unbinned_nll(v, pp, &fp, nullptr), unbinned_nll(v, pm, &fm, nullptr);
      EXPECT_NEAR(grad[j], (fp - fm) / (2 * h), 1e-5 * (1 + std::abs(grad[j]))) << int(b) << " " << j;
    }
  }
}

TEST(ScanStatistics, NormalQuantileAndTail) {
  EXPECT_NEAR(normal_quantile(0.95), 1.6448536269514722, 1e-12);
  EXPECT_NEAR(normal_quantile(0.5), 0.0, 1e-14);
  EXPECT_NEAR(normal_quantile(2.866515718791939e-07), -5.0, 1e-9);
  EXPECT_NEAR(normal_sf(1.6448536269514722), 0.05, 1e-14);
  EXPECT_NEAR(local_significance(10, 100, 112.5), 5.0, 1e-14);
  EXPECT_NEAR(local_significance(-10, 100, 112.5), -5.0, 1e-14);
}

TEST(ScanStatistics, CouplingConversionAtThreeMasses) {
  // sigma = g^2 alpha / 24 (1 - m^2/s)^3 with 1 GeV^-2 = 3.893793e8 pb (reference/belle2.md)
  const double alpha = 1 / 137.035999, s = 10.58 * 10.58, to_pb = 3.893793e8;
  const double n = 25, eff = 0.3, lumi = 445;
  for (double m : {0.3, 4.0, 9.5}) {
    const double sigma_pb = n / (eff * lumi);
    const double expected_g = std::sqrt(24 * (sigma_pb / to_pb) / (alpha * std::pow(1 - m * m / s, 3)));
    const double g = coupling_from_cross_section(cross_section_pb(n, eff, lumi), m);
    EXPECT_NEAR(g, expected_g, 1e-6 * expected_g) << m;
    EXPECT_NEAR(cross_section_from_coupling(g, m), sigma_pb, 1e-6 * sigma_pb);
  }
  // The published scale: g = 1e-3 GeV^-1 at 0.3 GeV is a cross-section of ~0.045 pb.
  EXPECT_NEAR(cross_section_from_coupling(1e-3, 0.3), 1e-6 / 137.035999 / 24 * std::pow(1 - 0.09 / s, 3) * to_pb, 1e-12);
}
