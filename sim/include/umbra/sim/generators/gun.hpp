#pragma once
// Particle gun: `multiplicity` particles of one PDG code from the origin with fixed energy, polar
// angle with cos(theta) uniform in [cos theta_max, cos theta_min] (isotropic inside the range) and
// phi uniform in [phi_min, phi_max]. pi0 and eta are decayed to gamma gamma at once (a 3 GeV pi0
// gives the merged-photon showers the clustering tests need).

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

struct GunGenerator {
  int pdg_code = pdg::photon;
  double energy = 1.0;  // GeV (total energy)
  double theta_min = 0.5, theta_max = 2.2, phi_min = 0.0, phi_max = constants::two_pi;  // rad
  int multiplicity = 1;

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const double m = pdg::mass(pdg_code), p = sqrt(fmax(0.0, energy * energy - m * m));
    for (int i = 0; i < multiplicity; ++i) {
      const double c = rng.uniform(cos(theta_max), cos(theta_min));
      const int k = ev.add_primary(pdg_code, polar(p, m, c, rng.uniform(phi_min, phi_max)));
      if (pdg_code == pdg::pi0 || pdg_code == pdg::eta) decay_two_body(rng, ev, k, pdg::photon, 0, pdg::photon, 0, 0);
    }
  }
};

}  // namespace umbra::sim
