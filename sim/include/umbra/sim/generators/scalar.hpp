#pragma once
// A long-lived scalar S (dark Higgs-like) from B+- -> K+- S at the Upsilon(4S): e+e- -> B+ B-
// at rest in the CM, one B decays to K S (charge chosen at random), S -> mu+mu- / e+e- / pi+pi-
// isotropically after a flight of beta*gamma*c*tau (c*tau = lifetime option), i.e. displaced
// vertices up to tens of cm. The other B is kept undecayed (its decay products are not simulated;
// approx.). sigma = 2 x sigma(e+e- -> B+B-) x BR(B -> K S) with sigma(B+B-) = 1.1 nb x 0.514
// (Upsilon(4S) cross-section and its B+B- fraction, PDG; approx.).

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

inline constexpr double sigma_b_plus_b_minus_pb = 1.1e3 * 0.514;

inline double scalar_cross_section_pb(double branching) { return 2 * sigma_b_plus_b_minus_pb * branching; }

struct ScalarGenerator {
  double mass = 1.0;         // GeV, < m_B - m_K
  double ctau = 10.0;        // cm
  int daughter = pdg::muon;  // 13, 11 or 211: S -> d+ d-

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    const double mb = pdg::m_b_plus, q = two_body_momentum(b.sqrt_s, mb, mb);
    const FourVector bp = polar(q, mb, rng.uniform(-1, 1), rng.uniform(0, constants::two_pi));
    const int sign = rng.uniform() < 0.5 ? 1 : -1;
    const int i_sig = ev.add_primary(sign * pdg::b_plus, b.to_lab(bp));
    ev.add_primary(-sign * pdg::b_plus, b.to_lab(-bp));
    decay_two_body(rng, ev, i_sig, sign * pdg::kaon, constants::m_kaon, pdg::scalar, mass, 0.0);
    const int is = ev.n - 1;
    const double md = pdg::mass(daughter);
    if (ev.part[is].pdg == pdg::scalar) decay_two_body(rng, ev, is, daughter, md, -daughter, md, ctau);
  }
};

}  // namespace umbra::sim
