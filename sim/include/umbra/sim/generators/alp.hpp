#pragma once
// e+e- -> gamma a, a -> gamma gamma (axion-like particle coupled to photons).
// reference/belle2.md "ALP -> gamma gamma analysis": sigma = g^2 alpha/24 (1 - m^2/s)^3,
// Gamma(a -> gamma gamma) = g^2 m^3 / (64 pi), decay length beta*gamma*c*tau.

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

/// Width [GeV] of a -> gamma gamma for mass m [GeV] and coupling g [GeV^-1].
UMBRA_HD inline double alp_width(double m, double g) { return g * g * m * m * m / (64.0 * constants::pi); }
/// c*tau [cm] of the ALP.
UMBRA_HD inline double alp_ctau(double m, double g) { return hbar_c / alp_width(m, g); }

/// Total cross-section [pb] (all angles).
inline double alp_cross_section_pb(double m, double g) {
  const double s = superkekb().s, x = 1.0 - m * m / s;
  return g * g * constants::alpha_qed / 24.0 * x * x * x * constants::gev2_to_pb;
}

struct AlpGenerator {
  double mass = 0.5;      // GeV
  double coupling = 1e-3; // g_a_gamma_gamma [GeV^-1]

  /// In the CM the recoil photon and the ALP are back to back with E_gamma = (s - m^2)/(2 sqrt s).
  /// Angular distribution: e+e- -> gamma* -> gamma a through the a F F~ coupling gives
  /// d sigma/d cos = (g^2 alpha/64)(1 - m^2/s)^3 (1 + cos^2 theta*) (transverse virtual photon,
  /// helicity-conserving annihilation; integrates to the reference's g^2 alpha/24 (1-m^2/s)^3).
  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    const double e_gamma = (b.s - mass * mass) / (2.0 * b.sqrt_s);
    const FourVector g = polar(e_gamma, 0.0, sample_one_plus_cos2(rng), rng.uniform(0, constants::two_pi));
    const FourVector a{-g.px, -g.py, -g.pz, b.sqrt_s - e_gamma};
    ev.add_primary(pdg::photon, b.to_lab(g));
    const int ia = ev.add_primary(pdg::alp, b.to_lab(a));
    decay_two_body(rng, ev, ia, pdg::photon, 0.0, pdg::photon, 0.0, alp_ctau(mass, coupling));
  }
};

}  // namespace umbra::sim
