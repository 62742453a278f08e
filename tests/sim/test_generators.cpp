// Generator kinematics: conservation, masses, CM energies, angular distributions, cross-sections.
#include <gtest/gtest.h>

#include <cmath>

#include "process.hpp"
#include "sim_test_util.hpp"
#include "umbra/sim/process.hpp"

using namespace umbra;
using namespace umbra::sim;
using umbra::sim::test::final_state_sum;
using umbra::sim::test::Moments;
using umbra::sim::test::truth_only;

namespace {

std::vector<GenEvent> generate(const SimulationOptions& o, int n, std::uint64_t first = 0) {
  const ProcessGenerator gen = detail::make_generator(o);
  std::vector<GenEvent> out(n);
  for (int i = 0; i < n; ++i) {
    Philox rng(o.seed, first + i, 0);
    gen(rng, out[i]);
  }
  return out;
}

SimulationOptions options_for(const std::string& process) {
  SimulationOptions o = truth_only(process);
  if (process == "zprime" || process == "emu") o.mass = 2.0;
  if (process == "idm") o.mass = 0.4;
  if (process == "scalar") o.mass = 1.5;
  return o;
}

}  // namespace

// Every process conserves four-momentum event by event (relative 1e-4 of sqrt(s)), in double
// precision and after the float conversion of /mc/particles.
TEST(Generators, FourMomentumConservedForEveryProcess) {
  const Beams b = superkekb();
  for (const std::string& p : process_names()) {
    if (p == "gun") continue;
    SCOPED_TRACE(p);
    const SimulationOptions o = options_for(p);
    for (const GenEvent& ev : generate(o, 500)) {
      ASSERT_EQ(ev.status, GenStatus::Ok);
      const FourVector s = final_state_sum(ev);
      const double tol = 1e-4 * b.sqrt_s;
      EXPECT_NEAR(s.px, b.total.px, tol);
      EXPECT_NEAR(s.py, b.total.py, tol);
      EXPECT_NEAR(s.pz, b.total.pz, tol);
      EXPECT_NEAR(s.e, b.total.e, tol);
    }
    const EventBatch batch = simulate(o, 0, 200);
    const McParticles& mc = batch.mc;
    std::vector<int> daughters(mc.size(), 0);
    for (std::uint64_t e = 0; e < mc.n_events(); ++e)
      for (std::uint64_t i = mc.begin(e); i < mc.end(e); ++i)
        if (mc.mother[i] >= 0) ++daughters[mc.begin(e) + mc.mother[i]];
    for (std::uint64_t e = 0; e < mc.n_events(); ++e) {
      double sum[4] = {0, 0, 0, 0};
      for (std::uint64_t i = mc.begin(e); i < mc.end(e); ++i)
        if (daughters[i] == 0) sum[0] += mc.px[i], sum[1] += mc.py[i], sum[2] += mc.pz[i], sum[3] += mc.e[i];
      EXPECT_NEAR(sum[2], b.total.pz, 1e-4 * b.sqrt_s);
      EXPECT_NEAR(sum[3], b.total.e, 1e-4 * b.sqrt_s);
    }
  }
}

TEST(Generators, BeamsGiveReferenceBoostAndEnergy) {
  const Beams b = superkekb();
  EXPECT_NEAR(b.sqrt_s, 10.58, 0.005);  // reference/belle2.md "Machine and units"
  const double bg = b.beta_z / std::sqrt(1 - b.beta_z * b.beta_z);
  EXPECT_NEAR(bg, 0.284, 0.001);
}

// ALP: daughters reproduce the mass, the recoil photon has E* = (s - m^2)/(2 sqrt s), the polar
// angle follows 1 + cos^2 (<cos^2> = 0.4), and the flight length averages beta*gamma*c*tau.
TEST(Generators, AlpKinematics) {
  const Beams b = superkekb();
  for (double m : {0.05, 0.5, 4.0, 9.5}) {
    SimulationOptions o = truth_only("alp");
    o.mass = m;
    o.coupling = 1e-4;
    Moments c2, flight_ratio;
    for (const GenEvent& ev : generate(o, 20000)) {
      ASSERT_EQ(ev.n, 4);
      const GenParticle &g = ev.part[0], &a = ev.part[1], &d1 = ev.part[2], &d2 = ev.part[3];
      ASSERT_EQ(a.pdg, pdg::alp);
      ASSERT_EQ(d1.mother, 1);
      EXPECT_NEAR((d1.p + d2.p).m(), m, 1e-4 * m);
      const FourVector g_cm = b.to_cm(g.p);
      EXPECT_NEAR(g_cm.e, (b.s - m * m) / (2 * b.sqrt_s), 1e-6 * b.sqrt_s);
      c2.add(g_cm.pz * g_cm.pz / g_cm.p2());
      const double l = std::sqrt(d1.vx * d1.vx + d1.vy * d1.vy + d1.vz * d1.vz);
      flight_ratio.add(l / (a.p.p() / m * alp_ctau(m, o.coupling)));
    }
    EXPECT_NEAR(c2.mean(), 0.4, 0.01) << "m = " << m;           // 4 sigma at n = 20000
    EXPECT_NEAR(flight_ratio.mean(), 1.0, 0.03) << "m = " << m;  // exponential: 4 sigma = 0.028
  }
}

// sigma = g^2 alpha/24 (1 - m^2/s)^3 in pb, computed here independently (1 GeV^-2 = 0.3894 mb).
TEST(Generators, AlpCrossSectionMatchesFormula) {
  const double s = 10.58304 * 10.58304;  // (2 sqrt(7 x 4))^2 up to the electron mass
  for (double m : {0.5, 8.0}) {
    SimulationOptions o = truth_only("alp");
    o.mass = m;
    o.coupling = 1e-3;
    const double expected = 1e-6 / 137.036 / 24 * std::pow(1 - m * m / s, 3) * 0.3894e9;
    EXPECT_NEAR(cross_section_pb(o), expected, 0.01 * expected) << "m = " << m;
  }
  SimulationOptions o = truth_only("alp");
  o.mass = 0.5;
  EXPECT_NEAR(cross_section_pb(o), 0.1176, 0.0005);  // pb at g = 1e-3 GeV^-1
}

TEST(Generators, AlpWidthAndLifetime) {
  // Gamma = g^2 m^3/(64 pi): m = 1 GeV, g = 1e-3 -> 4.97e-9 GeV, c tau = 3.97e-6 cm.
  EXPECT_NEAR(alp_width(1.0, 1e-3), 4.974e-9, 0.005e-9);
  EXPECT_NEAR(alp_ctau(1.0, 1e-3), 3.967e-6, 0.005e-6);
}

// e+e- -> gamma gamma: the cut is the ECL acceptance; the cross-section has the closed form.
TEST(Generators, GammaGammaAngularDistributionAndCrossSection) {
  SimulationOptions o = truth_only("gg");
  const Beams b = superkekb();
  const double c_max = cm_cos_cut(o.theta_min, o.theta_max, b.beta_z);
  EXPECT_NEAR(c_max, 0.9458, 0.001);
  // <cos^2> of (1+c^2)/(1-c^2) on [-C, C]: numeric reference.
  double num = 0, den = 0;
  for (int i = 0; i < 200000; ++i) {
    const double c = -c_max + 2 * c_max * (i + 0.5) / 200000;
    const double f = (1 + c * c) / (1 - c * c);
    num += c * c * f, den += f;
  }
  Moments c2;
  for (const GenEvent& ev : generate(o, 20000)) {
    const FourVector g = b.to_cm(ev.part[0].p);
    EXPECT_NEAR(g.e, 0.5 * b.sqrt_s, 1e-6);
    c2.add(g.pz * g.pz / g.p2());
    EXPECT_LE(std::fabs(g.pz / g.p()), c_max + 1e-9);
  }
  EXPECT_NEAR(c2.mean(), num / den, 0.01);
  const double a = 1 / 137.036, l = std::log((1 + c_max) / (1 - c_max));
  const double expected = 2 * M_PI * a * a / b.s * (l - c_max) * 0.3894e9;
  EXPECT_NEAR(cross_section_pb(o), expected, 1e-3 * expected);
  EXPECT_GT(expected, 3000.0);  // a few nb, the size of Belle II's digamma luminosity process
  EXPECT_LT(expected, 5000.0);
}

// ggg: the matrix element factorises in the soft limit into the eikonal factor times gamma gamma.
TEST(Generators, ThreePhotonMatrixElementSoftLimit) {
  const double rs = 10.583, h = rs / 2, c = 0.3, sn = std::sqrt(1 - c * c), e2 = 4 * M_PI / 137.035999;
  const double eps = 1e-4;  // soft photon energy [GeV] along x
  FourVector k[3] = {{h * sn, 0, h * c, h}, {-h * sn, 0, -h * c, h}, {0, eps, 0, eps}};
  // Hard photons slightly rescaled so momentum balance is irrelevant to the limit.
  const FourVector pm{0, 0, h, h}, pp{0, 0, -h, h};
  const double eikonal = e2 * rs * rs / (pp.dot(k[2]) * pm.dot(k[2]));
  const double gg = 4 * e2 * e2 * (1 + c * c) / (1 - c * c);
  EXPECT_NEAR(ggg_matrix_element(k, rs) / (eikonal * gg), 1.0, 1e-3);
}

TEST(Generators, ThreePhotonCutsAndCrossSection) {
  SimulationOptions o = truth_only("ggg");
  const Beams b = superkekb();
  const double c_max = cm_cos_cut(o.theta_min, o.theta_max, b.beta_z);
  for (const GenEvent& ev : generate(o, 300)) {
    ASSERT_EQ(ev.n, 3);
    for (int i = 0; i < 3; ++i) {
      const FourVector k = b.to_cm(ev.part[i].p);
      EXPECT_GE(k.e, o.ggg_min_energy - 1e-9);
      EXPECT_LE(std::fabs(k.pz) / k.e, c_max + 1e-9);
    }
  }
  // O(alpha) relative to gamma gamma with large soft and collinear logarithms: between 5% and 50%.
  const double r = cross_section_pb(o) / cross_section_pb(truth_only("gg"));
  EXPECT_GT(r, 0.05);
  EXPECT_LT(r, 0.5);
}

// mu pairs over the full angle reproduce 4 pi alpha^2/(3s) * v(3 - v^2)/2 (ISR does not change it).
TEST(Generators, MuonPairCrossSection) {
  const Beams b = superkekb();
  const double m = constants::m_muon, v = std::sqrt(1 - 4 * m * m / b.s), a = constants::alpha_qed;
  const double expected = 4 * M_PI * a * a / (3 * b.s) * v * (3 - v * v) / 2 * constants::gev2_to_pb;
  EXPECT_NEAR(lepton_pair_cross_section_pb(pdg::muon, 1.0), expected, 1e-4 * expected);
  EXPECT_NEAR(expected, 775.0, 5.0);  // pb
}

// Displaced decays: scalar daughters share the S vertex, which is beta*gamma*c*tau away on average.
TEST(Generators, ScalarDecayLength) {
  SimulationOptions o = options_for("scalar");
  o.lifetime = 20.0;
  Moments ratio;
  for (const GenEvent& ev : generate(o, 20000)) {
    int is = -1;
    for (int i = 0; i < ev.n; ++i)
      if (ev.part[i].pdg == pdg::scalar) is = i;
    ASSERT_GE(is, 0);
    const GenParticle& s = ev.part[is];
    const GenParticle& d = ev.part[ev.n - 1];
    ASSERT_EQ(d.mother, is);
    ASSERT_EQ(std::abs(d.pdg), pdg::muon);
    const double l = std::sqrt(d.vx * d.vx + d.vy * d.vy + d.vz * d.vz);
    ratio.add(l / (s.p.p() / s.p.m() * o.lifetime));
  }
  EXPECT_NEAR(ratio.mean(), 1.0, 0.03);
}

TEST(Generators, InelasticDarkMatterChain) {
  SimulationOptions o = options_for("idm");
  for (const GenEvent& ev : generate(o, 2000)) {
    ASSERT_EQ(ev.n, 7);  // gamma A' chi1 chi2 chi1 e- e+
    EXPECT_EQ(ev.part[1].pdg, pdg::dark_photon);
    EXPECT_NEAR(ev.part[1].p.m(), 3 * o.mass, 1e-6);
    EXPECT_NEAR((ev.part[4].p + ev.part[5].p + ev.part[6].p).m(), 1.1 * o.mass, 1e-6);
    const double mee = (ev.part[5].p + ev.part[6].p).m();
    EXPECT_LE(mee, 0.1 * o.mass + 1e-9);  // bounded by the splitting
  }
}

TEST(Generators, ZprimeRecoilMass) {
  const Beams b = superkekb();
  for (const std::string p : {"zprime", "emu"}) {
    SimulationOptions o = options_for(p);
    for (const GenEvent& ev : generate(o, 2000)) {
      ASSERT_EQ(ev.n, 3);
      const FourVector recoil = b.total - ev.part[0].p - ev.part[1].p;
      EXPECT_NEAR(std::sqrt(std::fabs(recoil.m2())), o.mass, 1e-3);
      EXPECT_EQ(ev.part[2].pdg, pdg::zprime);
      if (p == "emu") {
        EXPECT_NE(std::abs(ev.part[0].pdg), std::abs(ev.part[1].pdg));
      }
    }
  }
}

TEST(Generators, PseudoscalarGammaPeaks) {
  for (const char* meson : {"pi0", "eta", "etaprime"}) {
    SimulationOptions o = truth_only("pgamma");
    o.meson = meson;
    for (const GenEvent& ev : generate(o, 500)) {
      ASSERT_EQ(ev.n, 4);
      EXPECT_NEAR((ev.part[2].p + ev.part[3].p).m(), pdg::mass(ev.part[1].pdg), 1e-5);
    }
    EXPECT_GT(cross_section_pb(o), 1e-5);  // fb-level, e.g. eta gamma ~ 4.5 fb x BR
    EXPECT_LT(cross_section_pb(o), 1e-2);
  }
}

TEST(Generators, GunRespectsRanges) {
  SimulationOptions o = truth_only("gun");
  o.gun_pdg = 111;
  o.gun_energy = 3.0;
  o.gun_theta_min = 1.0, o.gun_theta_max = 1.2, o.gun_phi_min = 0.5, o.gun_phi_max = 0.7;
  for (const GenEvent& ev : generate(o, 500)) {
    ASSERT_EQ(ev.n, 3);
    const FourVector& p = ev.part[0].p;
    EXPECT_NEAR(p.e, 3.0, 1e-9);
    const double th = std::atan2(p.pt(), p.pz), ph = std::atan2(p.py, p.px);
    EXPECT_GE(th, 1.0 - 1e-9);
    EXPECT_LE(th, 1.2 + 1e-9);
    EXPECT_GE(ph, 0.5 - 1e-9);
    EXPECT_LE(ph, 0.7 + 1e-9);
    EXPECT_NEAR((ev.part[1].p + ev.part[2].p).m(), constants::m_pi0, 1e-6);
  }
}
