#pragma once
// Inelastic dark matter: e+e- -> gamma A', A' -> chi1 chi2, chi2 -> chi1 e+ e- (displaced).
// Parameters: m_chi1 = mass, m_chi2 = (1 + splitting) m_chi1, m_A' = dark_photon_ratio x m_chi1
// (the common benchmark ratio 3), kinetic mixing epsilon = coupling, c*tau(chi2) = lifetime [cm].
// sigma(e+e- -> gamma A', photon in |cos*| < C) from d sigma/d cos = (2 pi alpha^2 eps^2/s)(1 - r)
// [(1 + c^2)/(1 - c^2) + 4 r/((1 - r)^2 (1 - c^2))], r = m_A'^2/s (Essig et al., JHEP 11 (2013)
// 167), times BR(A' -> chi1 chi2) = 1 (alpha_D >> eps^2 alpha). chi2 -> chi1 e+e- by phase space.

#include <cmath>

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

inline double idm_cross_section_pb(double m_dark_photon, double epsilon, double c_max) {
  const Beams b = superkekb();
  const double a = constants::alpha_qed, r = m_dark_photon * m_dark_photon / b.s;
  const double l = std::log((1 + c_max) / (1 - c_max));
  const double integral = 2 * l - 2 * c_max + 4 * r * l / ((1 - r) * (1 - r));
  return constants::two_pi * a * a * epsilon * epsilon / b.s * (1 - r) * integral * constants::gev2_to_pb;
}

struct InelasticDarkMatterGenerator {
  double m_chi1 = 0.5, splitting = 0.1, dark_photon_ratio = 3.0;
  double ctau_chi2 = 10.0;  // cm
  double c_max = 0.94;      // the photon's CM |cos theta*|

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    const double m_ap = dark_photon_ratio * m_chi1, m_chi2 = (1 + splitting) * m_chi1;
    const double r = m_ap * m_ap / b.s, k = 4 * r / ((1 - r) * (1 - r));
    const double c = sample_over_sin2(
        rng, c_max, 1.0, [k](double x) { return (1 + x * x + k) / (2 + k); }, ev.status);
    const double e_gamma = (b.s - m_ap * m_ap) / (2 * b.sqrt_s);
    const FourVector g = polar(e_gamma, 0.0, c, rng.uniform(0, constants::two_pi));
    const FourVector ap{-g.px, -g.py, -g.pz, b.sqrt_s - e_gamma};
    ev.add_primary(pdg::photon, b.to_lab(g));
    const int ia = ev.add_primary(pdg::dark_photon, b.to_lab(ap));
    decay_two_body(rng, ev, ia, pdg::chi1, m_chi1, pdg::chi2, m_chi2, 0.0);
    const int i2 = ev.n - 1;
    if (ev.part[i2].pdg == pdg::chi2)
      decay_three_body(rng, ev, i2, pdg::chi1, m_chi1, pdg::electron, constants::m_electron, -pdg::electron,
                       constants::m_electron, ctau_chi2);
  }
};

}  // namespace umbra::sim
