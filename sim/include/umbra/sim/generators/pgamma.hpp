#pragma once
// e+e- -> P gamma, P = pi0 / eta / eta' -> gamma gamma: the peaking background of the ALP search.
// sigma = (2 pi^2 alpha^3 / 3) |F(s)|^2 (1 - m^2/s)^3 with the timelike transition form factor
// F(s) = K/s; K = s|F| = 0.229 GeV (eta), 0.251 GeV (eta') from BaBar's e+e- -> eta(') gamma at
// 10.58 GeV (PRD 74 (2006) 012002: 4.5 and 5.4 fb), and 0.185 GeV = sqrt(2) f_pi for the pi0
// (the Brodsky-Lepage limit; approx.). Only the gamma gamma decay is generated, so the quoted
// cross-section includes BR(P -> gamma gamma) = 0.988 / 0.394 / 0.0222 (PDG).

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

struct PseudoscalarInfo {
  int pdg;
  double mass, s_form_factor, br_gamma_gamma;
};
UMBRA_HD inline PseudoscalarInfo pseudoscalar_info(int code) {
  switch (code) {
    case pdg::eta: return {pdg::eta, constants::m_eta, 0.229, 0.3936};
    case pdg::etaprime: return {pdg::etaprime, constants::m_etaprime, 0.251, 0.0222};
    default: return {pdg::pi0, constants::m_pi0, 0.185, 0.98823};
  }
}

inline double pgamma_cross_section_pb(int meson_pdg) {
  const PseudoscalarInfo p = pseudoscalar_info(meson_pdg);
  const double s = superkekb().s, x = 1.0 - p.mass * p.mass / s, f = p.s_form_factor / s;
  const double a = constants::alpha_qed;
  return 2.0 * constants::pi * constants::pi * a * a * a / 3.0 * f * f * x * x * x * p.br_gamma_gamma *
         constants::gev2_to_pb;
}

struct PseudoscalarGammaGenerator {
  int meson_pdg = pdg::pi0;

  /// Same structure as the ALP (a pseudoscalar coupled to two photons): 1 + cos^2 theta* in the CM.
  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const PseudoscalarInfo info = pseudoscalar_info(meson_pdg);
    const Beams b = superkekb();
    const double e_gamma = (b.s - info.mass * info.mass) / (2.0 * b.sqrt_s);
    const FourVector g = polar(e_gamma, 0.0, sample_one_plus_cos2(rng), rng.uniform(0, constants::two_pi));
    const FourVector m{-g.px, -g.py, -g.pz, b.sqrt_s - e_gamma};
    ev.add_primary(pdg::photon, b.to_lab(g));
    const int ip = ev.add_primary(info.pdg, b.to_lab(m));
    decay_two_body(rng, ev, ip, pdg::photon, 0.0, pdg::photon, 0.0, 0.0);
  }
};

}  // namespace umbra::sim
