#pragma once
// Clustering physics on simulated samples (umbra::sim), one body for every backend. A runner as in
// ecl_clustering_tests.hpp. Fixed seeds; tolerances stated per assertion.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>

#include "common/ecl_merged_samples.hpp"
#include "common/ecl_photon_samples.hpp"

namespace umbra::test {

template <class Runner>
class EclPhysicsTest : public ::testing::Test {
 protected:
  static const ecl::EclGeometry& geo() {
    static const ecl::EclGeometry g;
    return g;
  }
};
TYPED_TEST_SUITE_P(EclPhysicsTest);

// Single photons at 0.1, 0.5, 1, 3, 5 GeV in the three ECL parts, no beam background.
//  - efficiency (a shower within 0.1 rad of the photon) >= 99%;
//  - sigma_E/E (half the central 68% of E_rec/E - 1) within 25% of the reference resolution
//    (reference/belle2.md; measured within 10%);
//  - energy bias (median): between -8% and 0 -- no leakage correction is applied (measured
//    -2% at 0.1 GeV to -6% at 5 GeV, the longitudinal leakage of the simulation);
//  - theta/phi: median bias below 0.5 mrad; sigma_theta, sigma_phi at most 1.5x the barrel
//    reference + 1 mrad in the barrel; in the endcaps, where the same crystal size spans a larger
//    angle, at most 3x + 1 mrad (phi) and 1.5x + 2 mrad (theta).
TYPED_TEST_P(EclPhysicsTest, SinglePhotonResolutionAndEfficiency) {
  const std::uint64_t n = 1000;
  for (const PolarRange& part : {barrel_range, forward_range, backward_range}) {
    const bool barrel = &part == &barrel_range;
    for (const double energy : {0.1, 0.5, 1.0, 3.0, 5.0}) {
      const EventBatch b = gun_sample(22, energy, part, n, 11 + std::uint64_t(energy * 10));
      const auto r = TypeParam::run(this->geo(), b.digits, {});
      std::vector<double> de, dth, dph;
      for (std::uint64_t e = 0; e < n; ++e) {
        const std::uint64_t i = b.mc.begin(e);
        const double th = std::atan2(std::hypot(b.mc.px[i], b.mc.py[i]), b.mc.pz[i]);
        const double ph = std::atan2(b.mc.py[i], b.mc.px[i]);
        const std::int64_t k = matched_shower(r.showers, e, th, ph, 0.1);
        if (k < 0) continue;
        de.push_back(r.showers.energy[k] / energy - 1);
        dth.push_back(r.showers.theta[k] - th);
        dph.push_back(std::remainder(r.showers.phi[k] - ph, 2 * M_PI));
      }
      const double eff = double(de.size()) / double(n);
      const double se = robust_sigma(de), bias = quantile(de, 0.5);
      const double st = robust_sigma(dth), sp = robust_sigma(dph);
      const double ref_e = reference_sigma_e_over_e(energy), ref_t = reference_sigma_theta(energy),
                   ref_p = reference_sigma_phi(energy);
      std::printf("%-8s %.1f GeV: eff %.4f  sigmaE/E %.4f (ref %.4f)  bias %+.4f  sigma theta %.2f (ref %.2f) "
                  "phi %.2f (ref %.2f) mrad\n",
                  part.name, energy, eff, se, ref_e, bias, 1e3 * st, 1e3 * ref_t, 1e3 * sp, 1e3 * ref_p);
      SCOPED_TRACE(std::string(part.name) + " " + std::to_string(energy) + " GeV");
      EXPECT_GE(eff, 0.99);
      EXPECT_NEAR(se / ref_e, 1.0, 0.25);
      EXPECT_LE(bias, 0.0);
      EXPECT_GE(bias, -0.08);
      EXPECT_LT(std::fabs(quantile(dth, 0.5)), 0.5e-3);
      EXPECT_LT(std::fabs(quantile(dph, 0.5)), 0.5e-3);
      EXPECT_LE(st, (barrel ? 1.5 * ref_t + 1e-3 : 1.5 * ref_t + 2e-3));
      EXPECT_LE(sp, (barrel ? 1.5 * ref_p + 1e-3 : 3.0 * ref_p + 1e-3));
    }
  }
}

// Efficiency >= 99% above 100 MeV in the barrel with nominal beam background too (the background
// adds its own showers; the photon's must still be found).
TYPED_TEST_P(EclPhysicsTest, BarrelEfficiencyWithBackground) {
  const std::uint64_t n = 1000;
  for (const double energy : {0.1, 0.3, 1.0}) {
    const EventBatch b = gun_sample(22, energy, barrel_range, n, 21, 1.0);
    const auto r = TypeParam::run(this->geo(), b.digits, {});
    std::uint64_t found = 0;
    for (std::uint64_t e = 0; e < n; ++e) {
      const std::uint64_t i = b.mc.begin(e);
      const double th = std::atan2(std::hypot(b.mc.px[i], b.mc.py[i]), b.mc.pz[i]);
      const std::int64_t k = matched_shower(r.showers, e, th, std::atan2(b.mc.py[i], b.mc.px[i]), 0.05);
      found += k >= 0 && std::fabs(r.showers.energy[k] / energy - 1) < 0.3;
    }
    std::printf("barrel %.1f GeV, nominal background: efficiency %.4f, %.1f showers/event\n", energy,
                double(found) / n, double(r.showers.size()) / n);
    EXPECT_GE(double(found) / n, 0.99) << energy << " GeV";
  }
}

// Merged separation at 3 GeV: single photons vs merged pairs of a 0.05-0.15 GeV parent (opening
// angle >= 2m/E >= 0.033 rad, more than half a crystal). The fitted model (seed 1, see
// scripts/fit_merged_discriminant.py) gives ROC AUC 0.955 on this independent seed-2 sample at the
// 10 MeV growth default (0.967 with 1.5 MeV growth: the low-energy crystals the lower threshold
// adds carry shape information); the test asserts >= 0.93 and that the probabilities order the classes.
TYPED_TEST_P(EclPhysicsTest, MergedPhotonSeparationAuc) {
  const auto rows = merged_samples(1500, 2, [&](const EclDigits& d) { return TypeParam::run(this->geo(), d, {}); });
  std::vector<double> pos, neg;
  for (const auto& m : rows) (m.label ? pos : neg).push_back(m.probability);
  ASSERT_GT(pos.size(), 1400u);
  ASSERT_GT(neg.size(), 1400u);
  const double auc = roc_auc(pos, neg);
  std::printf("merged vs single photons at 3 GeV: ROC AUC %.4f (%zu + %zu showers)\n", auc, pos.size(), neg.size());
  EXPECT_GE(auc, 0.93);
  EXPECT_GT(quantile(pos, 0.5), quantile(neg, 0.5));
}

REGISTER_TYPED_TEST_SUITE_P(EclPhysicsTest, SinglePhotonResolutionAndEfficiency, BarrelEfficiencyWithBackground,
                            MergedPhotonSeparationAuc);

}  // namespace umbra::test
