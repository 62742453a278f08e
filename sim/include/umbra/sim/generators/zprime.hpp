#pragma once
// e+e- -> mu+ mu- Z' (Z' -> invisible) and the lepton-flavour-violating e+- mu-+ + invisible.
// Kinematics: flat three-body phase space in the CM (the Z'-strahlung matrix element is not
// modelled; the recoil mass against the lepton pair, the observable of the search, is exactly M).
// Cross-section (approx., order of magnitude): the double-logarithmic probability to radiate the
// Z' off the final-state leptons, sigma = sigma_LO(mu mu) (alpha'/pi) (1/2) ln^2(s/M_eff^2)
// (1 - M^2/s)^2, alpha' = g'^2/(4 pi), M_eff = max(M, m_mu), sigma_LO = 4 pi alpha^2/(3 s).

#include <cmath>

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

inline double zprime_cross_section_pb(double mass, double coupling) {
  const Beams b = superkekb();
  const double a = constants::alpha_qed, lo = 4 * constants::pi * a * a / (3 * b.s);
  const double m_eff = std::fmax(mass, constants::m_muon), l = std::log(b.s / (m_eff * m_eff));
  const double x = 1 - mass * mass / b.s;
  const double alpha_prime = coupling * coupling / (4 * constants::pi);
  return lo * alpha_prime / constants::pi * 0.5 * l * l * x * x * constants::gev2_to_pb;
}

struct ZprimeGenerator {
  double mass = 1.0;        // Z' mass [GeV]
  bool lepton_flavour_violating = false;  // e+- mu-+ instead of mu+ mu-

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    // A CM "system" at rest decayed by phase space, then the system itself removed: its products
    // become primaries (mother -1).
    GenEvent tmp;
    const int sys = tmp.add_primary(0, FourVector{0, 0, 0, b.sqrt_s});
    int l1 = pdg::muon, l2 = -pdg::muon;
    if (lepton_flavour_violating) {
      const bool e_minus = rng.uniform() < 0.5;
      l1 = e_minus ? pdg::electron : pdg::muon;
      l2 = e_minus ? -pdg::muon : -pdg::electron;
    }
    decay_three_body(rng, tmp, sys, l1, pdg::mass(l1), l2, pdg::mass(l2), pdg::zprime, mass, 0.0);
    if (tmp.status != GenStatus::Ok) ev.status = tmp.status;
    for (int i = 1; i < tmp.n; ++i) ev.add_primary(tmp.part[i].pdg, b.to_lab(tmp.part[i].p));
  }
};

}  // namespace umbra::sim
