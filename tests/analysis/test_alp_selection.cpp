// ALP selection on simulated events: known-answer kinematics on hand-made showers, and on the
// full simulation -> clustering chain the efficiency and the peak of the true pairing.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "umbra/analysis/alp_selection.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/sim/simulate.hpp"

using namespace umbra;
using analysis::AlpCut;

namespace {

// Three photons of an exact e+e- -> gamma a, a -> gamma gamma event, as showers.
ecl::EclShowers showers_of(const std::vector<FourVector>& photons) {
  ecl::EclShowers s;
  s.resize(photons.size());
  for (std::size_t k = 0; k < photons.size(); ++k) {
    s.energy[k] = float(photons[k].e);
    s.theta[k] = float(std::acos(photons[k].pz / photons[k].p()));
    s.phi[k] = float(std::atan2(photons[k].py, photons[k].px));
    s.e9_e21[k] = 0.95f;
  }
  s.event_offsets.push_back(s.size());
  return s;
}

}  // namespace

TEST(AlpSelection, KnownKinematicsGiveTheAlpMassInBothObservables) {
  const Beams b = superkekb();
  const double m = 2.0;
  // CM: recoil photon along +x (theta* = 90 deg), ALP along -x decaying transversely.
  const double e_rec = (b.s - m * m) / (2 * b.sqrt_s);
  const FourVector recoil{e_rec, 0, 0, e_rec};
  const double ea = b.sqrt_s - e_rec, pa = e_rec;
  const double g = ea / m, bg = -pa / m;  // ALP boost along -x
  const double k = m / 2;                 // daughter momentum in the ALP frame, along +-y and z
  auto daughter = [&](double sy, double sz) {  // (0, sy k/sqrt2, sz k/sqrt2, k) boosted along x
    return FourVector{bg * k, sy * k / std::sqrt(2.0), sz * k / std::sqrt(2.0), g * k};
  };
  const FourVector d1 = daughter(1, 1), d2 = daughter(-1, -1);
  std::vector<FourVector> lab = {b.to_lab(recoil), b.to_lab(d1), b.to_lab(d2)};
  const auto c = analysis::select_alp(showers_of(lab), nullptr, {});
  ASSERT_EQ(c.size(), 3u);
  // Candidate 0 has the most energetic photon (the recoil one here) as recoil.
  EXPECT_NEAR(c.m2_gg[0], m * m, 1e-3);
  EXPECT_NEAR(c.m2_recoil[0], m * m, 2e-3);
}

TEST(AlpSelection, RejectsFourPhotonsAndUnbalancedEvents) {
  const Beams b = superkekb();
  const double e = b.sqrt_s / 3;
  std::vector<FourVector> cm3 = {{e, 0, 0, e},
                                 {-e / 2, e * std::sqrt(3.0) / 2, 0, e},
                                 {-e / 2, -e * std::sqrt(3.0) / 2, 0, e}};
  std::vector<FourVector> lab;
  for (auto& p : cm3) lab.push_back(b.to_lab(p));
  analysis::AlpSelectionSummary s;
  EXPECT_EQ(analysis::select_alp(showers_of(lab), nullptr, {}, &s).size(), 3u);
  lab.push_back(b.to_lab(FourVector{0, 0.7, 0.7 * 0.3, 0.7 * std::sqrt(1.09)}));
  EXPECT_EQ(analysis::select_alp(showers_of(lab), nullptr, {}, &s).size(), 0u);
  EXPECT_EQ(s.failed[int(AlpCut::photon_count)], 1u);
  lab.pop_back();
  lab[0].px *= 0.6, lab[0].py *= 0.6, lab[0].pz *= 0.6, lab[0].e *= 0.6;  // 40% of one photon lost
  EXPECT_EQ(analysis::select_alp(showers_of(lab), nullptr, {}, &s).size(), 0u);
  EXPECT_EQ(s.failed[int(AlpCut::energy_sum)], 1u);
}

TEST(AlpSelection, TrackVetoRemovesEventsWithAGoodTrack) {
  const Beams b = superkekb();
  const double e = b.sqrt_s / 3;
  std::vector<FourVector> lab;
  for (double a : {0.0, 2.0944, 4.18879}) lab.push_back(b.to_lab(FourVector{e * std::cos(a), e * std::sin(a), 0, e}));
  track::Tracks t;
  t.resize(1);
  t.status[0] = 0, t.pt[0] = 1.0f, t.d0[0] = 0.01f, t.z0[0] = 0.2f;
  t.event_offsets.push_back(1);
  analysis::AlpSelectionSummary s;
  EXPECT_EQ(analysis::select_alp(showers_of(lab), &t, {}, &s).size(), 0u);
  EXPECT_EQ(s.failed[int(AlpCut::track_veto)], 1u);
  t.d0[0] = 5.0f;  // displaced: not a good track
  EXPECT_EQ(analysis::select_alp(showers_of(lab), &t, {}, &s).size(), 3u);
}

// Full chain on simulated signal: efficiency in the tens of percent (Belle II quotes ~20-35% in
// the mid-mass range) and the true pairing peaking at m_a^2 with a few-percent resolution.
TEST(AlpSelection, SimulatedSignalAt1GeV) {
  sim::SimulationOptions so;
  so.process = "alp";
  so.mass = 1.0;
  so.coupling = 1.0;  // prompt decays
  so.tracker = false;
  so.seed = 17;
  const std::uint64_t n = 3000;
  const EventBatch batch = sim::simulate(so, 0, n);
  const ecl::EclGeometry geo;
  const auto r = cpu::cluster_ecl(geo, batch.digits);
  analysis::AlpSelectionSummary s;
  const Candidates c = analysis::select_alp(r.showers, nullptr, {}, &s);
  const double eff = double(s.failed[int(AlpCut::passed)]) / n;
  EXPECT_GT(eff, 0.15) << s.brief();
  EXPECT_LT(eff, 0.70) << s.brief();
  // Peak: the fraction of events with a candidate within +-10% of m^2 in M^2_gg.
  std::uint64_t near = 0, selected = 0;
  for (std::uint64_t e = 0; e < c.n_events(); ++e) {
    if (c.count(e) == 0) continue;
    ++selected;
    bool found = false;
    for (auto i = c.begin(e); i < c.end(e); ++i) found |= std::fabs(c.m2_gg[i] - 1.0) < 0.1;
    near += found;
  }
  EXPECT_GT(double(near) / selected, 0.9) << near << " of " << selected;
}
