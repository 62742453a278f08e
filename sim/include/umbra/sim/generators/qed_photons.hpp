#pragma once
// QED photon backgrounds: e+e- -> gamma gamma and e+e- -> gamma gamma gamma at leading order
// (massless electrons), photons restricted to |cos theta*| < c_max in the CM (the ECL acceptance,
// see cm_cos_cut) which removes the collinear (beam-direction) singularity; for gamma gamma gamma
// every photon also needs E* > e_min in the CM, the soft cut-off. Photons below the cut-off or
// along the beams are the part of the radiative tail that the two-photon sample represents, so the
// M^2_gamma_gamma of pairs stays smooth down to the cut.

#include "umbra/core/random.hpp"
#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

/// sigma(e+e- -> gamma gamma, |cos theta*| < C) = (2 pi alpha^2/s)[ln((1+C)/(1-C)) - C]
/// from d sigma/d Omega = (alpha^2/2s)(1 + c^2)/(1 - c^2) over the full sphere (identical photons).
inline double gg_cross_section_pb(double c_max) {
  const double s = superkekb().s, a = constants::alpha_qed;
  return constants::two_pi * a * a / s * (std::log((1 + c_max) / (1 - c_max)) - c_max) * constants::gev2_to_pb;
}

struct GammaGammaGenerator {
  double c_max = 0.94;  // CM |cos theta*| limit

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    const double c = sample_over_sin2(rng, c_max, 1.0, [](double x) { return 0.5 * (1 + x * x); }, ev.status);
    const FourVector g1 = polar(0.5 * b.sqrt_s, 0.0, c, rng.uniform(0, constants::two_pi));
    ev.add_primary(pdg::photon, b.to_lab(g1));
    ev.add_primary(pdg::photon, b.to_lab(-g1));
  }
};

/// Three massless momenta with total (0, 0, 0, sqrt_s), uniform in phase space (RAMBO, Kleiss,
/// Stirling, Ellis 1986); the phase-space volume is s / (256 pi^3).
UMBRA_HD inline void rambo3(Philox& rng, double sqrt_s, FourVector k[3]) {
  FourVector q[3], Q;
  for (int i = 0; i < 3; ++i) {
    const double c = rng.uniform(-1, 1), phi = rng.uniform(0, constants::two_pi);
    const double e = -log(rng.uniform() * rng.uniform());
    q[i] = polar(e, 0.0, c, phi);
    Q = Q + q[i];
  }
  const double M = Q.m(), bx = -Q.px / M, by = -Q.py / M, bz = -Q.pz / M;
  const double x = sqrt_s / M, g = Q.e / M, a = 1.0 / (1.0 + g);
  for (int i = 0; i < 3; ++i) {
    const double bq = bx * q[i].px + by * q[i].py + bz * q[i].pz;
    k[i] = {x * (q[i].px + bx * q[i].e + a * bq * bx), x * (q[i].py + by * q[i].e + a * bq * by),
            x * (q[i].pz + bz * q[i].e + a * bq * bz), x * (g * q[i].e + bq)};
  }
}

/// Spin-averaged |M|^2 of e+e- -> 3 gamma for massless electrons (Berends-Kleiss form):
/// e^6 s sum_i a_i b_i (a_i^2 + b_i^2) / prod_i a_i b_i, a_i = p+.k_i, b_i = p-.k_i. Its soft limit
/// is the eikonal factor e^2 s/(a_3 b_3) times the gamma gamma |M|^2 = 4 e^4 (1+c^2)/(1-c^2).
UMBRA_HD inline double ggg_matrix_element(const FourVector k[3], double sqrt_s) {
  const double h = 0.5 * sqrt_s, e2 = 4.0 * constants::pi * constants::alpha_qed;
  const FourVector pm{0, 0, h, h}, pp{0, 0, -h, h};
  double sum = 0, prod = 1;
  for (int i = 0; i < 3; ++i) {
    const double a = pp.dot(k[i]), b = pm.dot(k[i]);
    sum += a * b * (a * a + b * b);
    prod *= a * b;
  }
  return e2 * e2 * e2 * sqrt_s * sqrt_s * sum / prod;
}

UMBRA_HD inline bool ggg_accepted(const FourVector k[3], double c_max, double e_min) {
  for (int i = 0; i < 3; ++i)
    if (k[i].e < e_min || fabs(k[i].pz) > c_max * k[i].e) return false;
  return true;
}

struct GammaGammaGammaGenerator {
  double c_max = 0.94;  // CM |cos theta*| limit for every photon
  double e_min = 0.1;   // GeV, CM soft cut-off for every photon
  double w_max = 0;     // bound of |M|^2 inside the cuts (set by make_ggg_generator)

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    FourVector k[3];
    for (int trial = 0;; ++trial) {
      if (trial == 10000000) {
        ev.status = GenStatus::TooManyTrials;
        return;
      }
      rambo3(rng, b.sqrt_s, k);
      if (!ggg_accepted(k, c_max, e_min)) continue;
      if (rng.uniform() * w_max <= ggg_matrix_element(k, b.sqrt_s)) break;
    }
    for (int i = 0; i < 3; ++i) ev.add_primary(pdg::photon, b.to_lab(k[i]));
  }
};

/// sigma [pb] of e+e- -> 3 gamma inside the cuts by Monte Carlo over flat phase space
/// (sigma = Phi_3/(2s) * 1/3! * <|M|^2 within cuts>); sets w_max to 1.2 x the largest weight seen.
/// Deterministic (fixed stream), relative precision ~1% with the default number of points.
inline double ggg_integrate(GammaGammaGammaGenerator& gen, int n_points = 400000) {
  const Beams b = superkekb();
  Philox rng(0x5eed3ca1ull, 0, 0);
  double sum = 0, w_max = 0;
  FourVector k[3];
  for (int i = 0; i < n_points; ++i) {
    rambo3(rng, b.sqrt_s, k);
    if (!ggg_accepted(k, gen.c_max, gen.e_min)) continue;
    const double w = ggg_matrix_element(k, b.sqrt_s);
    sum += w;
    w_max = w > w_max ? w : w_max;
  }
  gen.w_max = 1.2 * w_max;
  const double phase_space = b.s / (256.0 * constants::pi * constants::pi * constants::pi);
  return phase_space / (2.0 * b.s) / 6.0 * (sum / n_points) * constants::gev2_to_pb;
}

}  // namespace umbra::sim
