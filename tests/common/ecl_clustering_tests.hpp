#pragma once
// The ECL clustering test body on hand-made digit maps, written once and instantiated per backend
// (tests/clustering for the CPU runner, tests/cuda for the CUDA runner). A runner is a type with
//   static ecl::ClusteringResult run(const ecl::EclGeometry&, const EclDigits&, const ecl::ClusteringOptions&);
#include <gtest/gtest.h>

#include <cmath>
#include <numeric>

#include "common/ecl_digit_maps.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/ecl/clustering_options.hpp"
#include "umbra/ecl/shower_shapes.hpp"

namespace umbra::test {

template <class Runner>
class EclClusteringTest : public ::testing::Test {
 protected:
  static const ecl::EclGeometry& geo() {
    static const ecl::EclGeometry g;
    return g;
  }
  static int cell(int theta_id, int phi_id) { return geo().view().cell_id(theta_id, phi_id); }
  static ecl::ClusteringResult run(const EclDigits& d, const ecl::ClusteringOptions& o = {}) {
    return Runner::run(geo(), d, o);
  }
};
TYPED_TEST_SUITE_P(EclClusteringTest);

// One isolated 50 MeV digit: one region, one maximum, one shower sitting on the crystal.
TYPED_TEST_P(EclClusteringTest, IsolatedDigit) {
  const int c = this->cell(30, 70);
  const auto r = this->run(digit_map({{{c, 50 * MeV, 3.0}}}));
  const auto g = this->geo().view();
  ASSERT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 1}));
  ASSERT_EQ(r.showers.size(), 1u);
  EXPECT_EQ(r.digit_region[0], 0);
  EXPECT_EQ(r.digit_is_maximum[0], 1);
  const auto& s = r.showers;
  EXPECT_FLOAT_EQ(s.energy[0], 0.05f);
  EXPECT_NEAR(s.theta[0], g.theta[c - 1], 1e-6);
  EXPECT_NEAR(s.phi[0], g.phi[c - 1], 1e-6);
  EXPECT_NEAR(s.x[0], g.centre_x[c - 1], 1e-4);
  EXPECT_FLOAT_EQ(s.time[0], 3.0f);
  EXPECT_EQ(s.n_crystals[0], 1);
  EXPECT_EQ(s.highest_cell[0], c);
  EXPECT_EQ(s.detector_region[0], std::uint8_t(ecl::Region::Barrel));
  EXPECT_EQ(s.connected_region[0], 0);
  EXPECT_EQ(s.n_local_maxima[0], 1);
  EXPECT_FLOAT_EQ(s.e1_e9[0], 1.0f);
  EXPECT_FLOAT_EQ(s.e9_e21[0], 1.0f);
  EXPECT_NEAR(s.second_moment[0], 0.0, 1e-6);
  EXPECT_EQ(s.lat[0], 0.0f);
  // A point at rho = 0: |Z_nm| = (n+1)/pi |R_nm(0)| -> only m = 0 terms survive.
  EXPECT_NEAR(s.zernike[1][0], 3 / M_PI, 1e-5);  // Z_20: R_20(0) = -1
  EXPECT_NEAR(s.zernike[5][0], 5 / M_PI, 1e-5);  // Z_40: R_40(0) = 1
  EXPECT_NEAR(s.zernike[0][0], 0.0, 1e-5);       // Z_11
  EXPECT_GE(s.merged_probability[0], 0.0f);
  EXPECT_LE(s.merged_probability[0], 1.0f);
  EXPECT_EQ(r.summary.n_showers, 1u);
  EXPECT_EQ(r.summary.n_events, 1u);
}

// Events without digits, or with nothing above the seed threshold, give no region.
TYPED_TEST_P(EclClusteringTest, EmptyAndSubThresholdEvents) {
  const auto r = this->run(digit_map({{}, {{this->cell(20, 5), 9.99 * MeV}}, {}}));
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(r.showers.event_offsets, (std::vector<std::uint64_t>{0, 0, 0, 0}));
  EXPECT_EQ(r.digit_region[0], -1);
}

// Each threshold at the issue-5 defaults (seed 10 MeV, growth 10 MeV, digit 0.5 MeV): a digit just
// below it is left out, one at it is taken in.
TYPED_TEST_P(EclClusteringTest, DigitJustBelowEachThreshold) {
  const int a = this->cell(40, 10), b = this->cell(40, 11), c = this->cell(40, 12);
  ecl::ClusteringOptions o;
  ASSERT_EQ(o.seed_energy, 10 * MeV);
  ASSERT_EQ(o.growth_energy, 10 * MeV);
  ASSERT_EQ(o.digit_energy, 0.5 * MeV);
  // Seed: 9.99 MeV alone makes nothing, 10 MeV makes a shower.
  auto r = this->run(digit_map({{{a, 9.99 * MeV}}, {{a, 10 * MeV}}}), o);
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 0, 1}));
  EXPECT_EQ(r.showers.event_offsets, (std::vector<std::uint64_t>{0, 0, 1}));
  // Growth: b just below growth joins but does not pass the region on to c; at growth it does
  // (b is then a seed too, but not a maximum beside a).
  r = this->run(digit_map({{{a, 50 * MeV}, {b, 9.99 * MeV}, {c, 1.0 * MeV}},
                           {{a, 50 * MeV}, {b, 10 * MeV}, {c, 1.0 * MeV}}}),
                o);
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0, -1, 0, 0, 0}));
  EXPECT_EQ(r.digit_is_maximum, (std::vector<std::uint8_t>{1, 0, 0, 1, 0, 0}));
  EXPECT_EQ(r.showers.event_offsets, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_FLOAT_EQ(r.showers.energy[0], float(59.99 * MeV));
  EXPECT_FLOAT_EQ(r.showers.energy[1], float(61 * MeV));
  EXPECT_EQ(r.showers.n_crystals[0], 2);
  EXPECT_EQ(r.showers.n_crystals[1], 3);
  // Digit threshold: 0.49 MeV next to a seed is ignored, 0.5 MeV is taken.
  r = this->run(digit_map({{{a, 50 * MeV}, {b, 0.49 * MeV}}, {{a, 50 * MeV}, {b, 0.5 * MeV}}}), o);
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, -1, 0, 0}));
  EXPECT_EQ(r.showers.n_crystals[0], 1);
  EXPECT_EQ(r.showers.n_crystals[1], 2);
  EXPECT_FLOAT_EQ(r.showers.energy[1], float(50.5 * MeV));
  // Local maximum (10 MeV). With growth = 10 MeV a sub-10 MeV digit joins only through a higher
  // neighbour, so it can never be a maximum; the 1.5 MeV growth of current basf2 lets a 9.99 MeV
  // bump two crystals away join through a 2 MeV valley: it is not a maximum, 10 MeV is.
  o.growth_energy = 1.5 * MeV;
  r = this->run(digit_map({{{a, 50 * MeV}, {b, 2 * MeV}, {c, 9.99 * MeV}},
                           {{a, 50 * MeV}, {b, 2 * MeV}, {c, 10 * MeV}}}),
                o);
  EXPECT_EQ(r.digit_is_maximum, (std::vector<std::uint8_t>{1, 0, 0, 1, 0, 1}));
  EXPECT_EQ(r.showers.count(0), 1u);
  EXPECT_EQ(r.showers.count(1), 2u);
  EXPECT_EQ(r.showers.n_local_maxima[1], 2);
  o = {};
  // Shower drop: a lone 7.49 MeV shower is dropped with a 7.5 MeV cut (seed lowered to 5 MeV).
  o.seed_energy = 5 * MeV, o.local_maximum_energy = 5 * MeV;
  r = this->run(digit_map({{{a, 7.49 * MeV}}, {{a, 7.5 * MeV}}}), o);
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 1, 2}));
  EXPECT_EQ(r.showers.event_offsets, (std::vector<std::uint64_t>{0, 0, 1}));
  EXPECT_EQ(r.summary.n_dropped_showers, 1u);
}

// The growth threshold is an option: with the 10 MeV default (issue 5 / older basf2) a 5 MeV digit
// does not pass the region on; with 1.5 MeV (current basf2, reference/belle2.md) it does.
TYPED_TEST_P(EclClusteringTest, GrowthThresholdOption) {
  const int a = this->cell(40, 10), b = this->cell(40, 11), c = this->cell(40, 12);
  const auto d = digit_map({{{a, 50 * MeV}, {b, 5 * MeV}, {c, 1 * MeV}}});
  EXPECT_EQ(this->run(d).digit_region, (std::vector<std::int32_t>{0, 0, -1}));
  ecl::ClusteringOptions o;
  o.growth_energy = 1.5 * MeV;
  const auto r = this->run(d, o);
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0, 0}));
  EXPECT_FLOAT_EQ(r.showers.energy[0], float(56 * MeV));
}

// Two regions whose low-energy edges touch stay two regions (edges cannot grow a region); a low
// digit adjacent to both grown regions joins them into one (basf2 merges regions sharing a digit).
TYPED_TEST_P(EclClusteringTest, TwoTouchingRegions) {
  const int s1 = this->cell(25, 30), e1 = this->cell(25, 31), e2 = this->cell(25, 32), s2 = this->cell(25, 33);
  auto r = this->run(digit_map({{{s1, 80 * MeV}, {e1, 1 * MeV}, {e2, 1 * MeV}, {s2, 60 * MeV}}}));
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 2}));
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0, 1, 1}));  // numbered by lowest cellId
  ASSERT_EQ(r.showers.size(), 2u);
  EXPECT_FLOAT_EQ(r.showers.energy[0], float(81 * MeV));
  EXPECT_FLOAT_EQ(r.showers.energy[1], float(61 * MeV));
  EXPECT_EQ(r.showers.connected_region[0], 0);
  EXPECT_EQ(r.showers.connected_region[1], 1);
  // Edges just below the 10 MeV growth threshold still cannot join the regions; the NC2 window of
  // each seed reaches the other region's edge, which stays out of its shower.
  r = this->run(digit_map({{{s1, 80 * MeV}, {e1, 9.99 * MeV}, {e2, 9.99 * MeV}, {s2, 60 * MeV}}}));
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0, 1, 1}));
  ASSERT_EQ(r.showers.size(), 2u);
  EXPECT_FLOAT_EQ(r.showers.energy[0], float(89.99 * MeV));
  EXPECT_FLOAT_EQ(r.showers.energy[1], float(69.99 * MeV));
  EXPECT_EQ(r.showers.n_crystals[0], 2);
  // One shared 1 MeV digit between the seeds: one region with two maxima.
  r = this->run(digit_map({{{s1, 80 * MeV}, {e1, 1 * MeV}, {e2, 60 * MeV}}}));
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 1}));
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0, 0}));
  EXPECT_EQ(r.showers.size(), 2u);
}

// Two equal maxima with a 20 MeV crystal between them: by symmetry each shower takes half of it,
// and the weights of every crystal sum to one (all weighted digits are above 25 keV here).
TYPED_TEST_P(EclClusteringTest, TwoMaximaSplitEnergies) {
  const int a = this->cell(35, 50), m = this->cell(35, 51), b = this->cell(35, 52);
  auto r = this->run(digit_map({{{a, 100 * MeV}, {m, 20 * MeV}, {b, 100 * MeV}}}));
  ASSERT_EQ(r.showers.size(), 2u);
  EXPECT_EQ(r.digit_is_maximum, (std::vector<std::uint8_t>{1, 0, 1}));
  EXPECT_NEAR(r.showers.energy[0], 0.110, 1e-6);
  EXPECT_NEAR(r.showers.energy[1], 0.110, 1e-6);
  EXPECT_EQ(r.showers.n_local_maxima[0], 2);
  EXPECT_EQ(r.showers.n_crystals[0], 3);
  // Unequal maxima: the shares follow E_i exp(-2.5 d / R_M); energy is conserved.
  r = this->run(digit_map({{{a, 200 * MeV}, {m, 20 * MeV}, {b, 50 * MeV}}}));
  ASSERT_EQ(r.showers.size(), 2u);
  const double e0 = r.showers.energy[0], e1 = r.showers.energy[1];
  EXPECT_NEAR(e0 + e1, 0.270, 1e-6);
  EXPECT_EQ(r.showers.highest_cell[0], a);  // showers ordered by maximum energy
  EXPECT_EQ(r.showers.highest_cell[1], b);
  // The middle crystal is shared 4:1 at the start (equal distances); iterating moves each centroid
  // towards its own side, keeping the share of the larger shower between 4/5 and 1.
  EXPECT_GT(e0, 0.200 + 0.7 * 0.020);
  EXPECT_LT(e0, 0.200 + 0.020 + 0.001);
  EXPECT_GT(e1, 0.050 + 0.1 * 0.020);
}

// Regions across the barrel-endcap boundary (thetaId 12 <-> 13, 58 <-> 59) are one region.
TYPED_TEST_P(EclClusteringTest, AcrossBarrelEndcapBoundary) {
  const auto g = this->geo().view();
  for (const auto& [t_end, t_bar] : {std::pair{12, 13}, std::pair{59, 58}}) {
    const int a = this->cell(t_end, 40), b = this->cell(t_bar, 40);
    ASSERT_TRUE(g.are_n1_neighbours(a, b));
    const auto r = this->run(digit_map({{{a, 200 * MeV}, {b, 60 * MeV}}}));
    EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 1}));
    EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0}));
    ASSERT_EQ(r.showers.size(), 1u);
    EXPECT_NEAR(r.showers.energy[0], 0.260, 1e-6);
    EXPECT_EQ(r.showers.highest_cell[0], a);
    EXPECT_EQ(r.showers.detector_region[0], t_end == 12 ? 1 : 3);
    // Log-weighted theta lies between the two rings, nearer the higher crystal.
    const double ta = g.theta[a - 1], tb = g.theta[b - 1];
    EXPECT_GT(std::fabs(r.showers.theta[0] - tb), std::fabs(r.showers.theta[0] - ta));
    EXPECT_LT(std::fabs(r.showers.theta[0] - ta), std::fabs(tb - ta));
  }
}

// phiId 0 and N-1 are neighbours: one region, and phi averages across the wrap-around.
TYPED_TEST_P(EclClusteringTest, AcrossPhiWrapAround) {
  const int a = this->cell(40, 0), b = this->cell(40, 143);
  const auto g = this->geo().view();
  const auto r = this->run(digit_map({{{a, 100 * MeV}, {b, 100 * MeV}}}));
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 1}));
  ASSERT_EQ(r.showers.size(), 1u);
  EXPECT_EQ(r.showers.n_crystals[0], 2);
  EXPECT_EQ(r.showers.highest_cell[0], std::min(a, b));  // equal energies: lower cellId
  EXPECT_NEAR(r.showers.phi[0], 0.0, 1e-4);                // midway between +-half a crystal
  EXPECT_NEAR(r.showers.theta[0], g.theta[a - 1], 1e-4);
  EXPECT_NEAR(r.showers.e1_e9[0], 0.5, 1e-6);
}

// The answer does not depend on the order of the digits in an event, nor on the thread count.
TYPED_TEST_P(EclClusteringTest, IndependentOfDigitOrderAndThreads) {
  std::vector<std::vector<Deposit>> evs;
  for (int e = 0; e < 60; ++e) {
    Philox rng(77, e);
    std::vector<Deposit> ev;
    std::vector<int> used;
    for (int k = 0; k < 120; ++k) {
      int t = 13 + int(rng.uniform() * 8), p = int(rng.uniform() * 12);  // a dense patch
      const int c = this->cell(t, p);
      if (std::find(used.begin(), used.end(), c) != used.end()) continue;
      used.push_back(c);
      ev.push_back({c, rng.exponential(15 * MeV), rng.normal(0, 10)});
    }
    evs.push_back(ev);
  }
  const EclDigits d = digit_map(evs), ds = shuffled(d, 5);
  const auto ref = this->run(d);
  EXPECT_GT(ref.summary.n_showers, 60u);
  EXPECT_GT(ref.summary.n_local_maxima, ref.summary.n_regions);  // multi-maximum regions exercised
  // Map digit i of d to its position in ds (cells are unique per event).
  std::vector<std::uint64_t> perm(d.size());
  for (std::uint64_t e = 0; e < d.n_events(); ++e)
    for (std::uint64_t i = d.begin(e); i < d.end(e); ++i)
      for (std::uint64_t j = ds.begin(e); j < ds.end(e); ++j)
        if (ds.cell_id[j] == d.cell_id[i]) perm[i] = j;
  const auto rs = this->run(ds);
  expect_same_result(ref, rs, 1e-6, &perm);
  const int threads = cpu::thread_count();
  cpu::set_thread_count(1);
  const auto r1 = this->run(d);
  cpu::set_thread_count(threads);
  expect_same_result(ref, r1, 0.0);
}

// Same answers as the CPU backend on a busy batch: integers identical, floats within 1e-5.
TYPED_TEST_P(EclClusteringTest, AgreesWithCpuBackend) {
  std::vector<std::vector<Deposit>> evs;
  for (int e = 0; e < 400; ++e) {
    Philox rng(1234, e);
    std::vector<Deposit> ev;
    std::vector<int> used;
    const int t0 = int(rng.uniform() * 62), p0 = int(rng.uniform() * 48);
    for (int k = 0; k < 80; ++k) {
      const int c = this->cell(t0 + int(rng.uniform() * 7), p0 + int(rng.uniform() * 10));
      if (std::find(used.begin(), used.end(), c) != used.end()) continue;
      used.push_back(c);
      ev.push_back({c, rng.exponential(20 * MeV), rng.normal(0, 10)});
    }
    evs.push_back(ev);
  }
  const EclDigits d = digit_map(evs);
  const auto ref = cpu::cluster_ecl(this->geo(), d, {});
  const auto r = this->run(d);
  EXPECT_GT(ref.summary.n_showers, 400u);
  expect_same_result(r, ref, 1e-5);
}

// Options are validated with a message naming the field.
TYPED_TEST_P(EclClusteringTest, RefusesBadOptions) {
  ecl::ClusteringOptions o;
  EXPECT_EQ(o.validate(), "");
  o.max_local_maxima = 11;
  EXPECT_NE(o.validate().find("max_local_maxima"), std::string::npos);
  o = {};
  o.growth_energy = 0.1 * MeV;
  EXPECT_NE(o.validate().find("growth_energy"), std::string::npos);
  o = {};
  o.seed_energy = std::nan("");
  EXPECT_NE(o.validate().find("seed_energy"), std::string::npos);
  try {
    this->run(digit_map({{}}), o);
    FAIL() << "expected OptionsError";
  } catch (const OptionsError& e) {
    EXPECT_NE(std::string(e.what()).find("seed_energy"), std::string::npos);
  }
}

// More maxima than max_local_maxima: the highest are kept, the region is counted as capped.
// Two weak maxima (15, 16 MeV) beside ten strong ones (200..209 MeV) are the ones left out.
TYPED_TEST_P(EclClusteringTest, CapsLocalMaxima) {
  std::vector<Deposit> ev;
  for (int k = 0; k < 12; ++k) {
    ev.push_back({this->cell(30, 4 * k), k < 2 ? (15 + k) * MeV : (198 + k) * MeV});
    for (int j = 1; j < 4; ++j) ev.push_back({this->cell(30, 4 * k + j), 2 * MeV});
  }
  ecl::ClusteringOptions o;
  o.growth_energy = 1.5 * MeV;  // the 2 MeV valleys join the maxima into one region
  const auto r = this->run(digit_map({ev}), o);
  EXPECT_EQ(r.region_offsets, (std::vector<std::uint64_t>{0, 1}));
  ASSERT_EQ(r.showers.size(), 10u);
  EXPECT_EQ(r.showers.n_local_maxima[0], 12);
  EXPECT_EQ(r.summary.n_capped_regions, 1u);
  EXPECT_EQ(r.showers.highest_cell[0], this->cell(30, 44));  // the 209 MeV maximum first
  EXPECT_EQ(r.showers.highest_cell[9], this->cell(30, 8));   // the 200 MeV one last
  double sum = 0;
  for (float e : r.showers.energy) sum += e;
  EXPECT_GT(sum, 2.045 - 0.031 - 0.072);  // all but the two weak maxima and some 2 MeV edges
}

// A duplicated cellId is invalid input (io::validate refuses it) but must not corrupt the event or
// its neighbours: such an event leaves the O(1) cell map for the binary search, and the first listed
// digit of the crystal stands for it (the others join no region).
TYPED_TEST_P(EclClusteringTest, DuplicatedCellFallsBackToSearch) {
  const int a = this->cell(40, 10), b = this->cell(40, 11);
  const auto r = this->run(digit_map({{{a, 50 * MeV}, {b, 20 * MeV}}, {{a, 50 * MeV}, {b, 20 * MeV}, {a, 3 * MeV}},
                                      {{b, 20 * MeV}, {a, 50 * MeV}}}));
  EXPECT_EQ(r.digit_region, (std::vector<std::int32_t>{0, 0, 0, 0, -1, 0, 0}));
  EXPECT_EQ(r.showers.event_offsets, (std::vector<std::uint64_t>{0, 1, 2, 3}));
  for (int e = 0; e < 3; ++e) {
    EXPECT_FLOAT_EQ(r.showers.energy[e], float(70 * MeV)) << e;
    EXPECT_EQ(r.showers.n_crystals[e], 2) << e;
    EXPECT_EQ(r.showers.highest_cell[e], a) << e;
  }
}

REGISTER_TYPED_TEST_SUITE_P(EclClusteringTest, DuplicatedCellFallsBackToSearch, IsolatedDigit, EmptyAndSubThresholdEvents, DigitJustBelowEachThreshold,
                            GrowthThresholdOption, TwoTouchingRegions, TwoMaximaSplitEnergies,
                            AcrossBarrelEndcapBoundary, AcrossPhiWrapAround, IndependentOfDigitOrderAndThreads, AgreesWithCpuBackend,
                            RefusesBadOptions, CapsLocalMaxima);

}  // namespace umbra::test
