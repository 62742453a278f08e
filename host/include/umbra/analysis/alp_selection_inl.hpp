#pragma once
#include <cmath>

namespace umbra::analysis {

UMBRA_HD inline void AlpSelectStep::operator()(std::uint64_t e) const {
  if (e >= showers.events.n_events()) return;
  for (int k = 0; k < 3; ++k) m2_gg[3 * e + k] = m2_recoil[3 * e + k] = 0;
  std::uint64_t chosen[3];
  double energy[3];
  int n_photons = 0, n_energetic = 0;
  for (std::uint64_t i = showers.events.begin(e); i < showers.events.end(e); ++i) {
    const double E = correction.corrected(showers.energy[i], showers.region[i]);
    if (E < opt.veto_photon_energy) continue;
    ++n_energetic;
    const bool good = E >= opt.min_photon_energy && showers.theta[i] >= opt.theta_min &&
                      showers.theta[i] <= opt.theta_max && fabs(showers.time[i]) <= opt.max_abs_time &&
                      showers.e9_e21[i] >= opt.min_e9_e21;
    if (good) {
      if (n_photons < 3) chosen[n_photons] = i, energy[n_photons] = E;
      ++n_photons;
    }
  }
  if (n_photons != 3 || n_energetic != 3) {
    cut[e] = std::uint8_t(AlpCut::photon_count);
    return;
  }
  // Highest energy first, so candidate 0 has the most energetic photon as the recoil photon.
  for (int a = 0; a < 2; ++a)
    for (int b = a + 1; b < 3; ++b)
      if (energy[b] > energy[a]) {
        const std::uint64_t t = chosen[a];
        const double te = energy[a];
        chosen[a] = chosen[b], chosen[b] = t;
        energy[a] = energy[b], energy[b] = te;
      }
  // Massless photons from the interaction point, to the CM frame.
  FourVector lab[3], cm[3], sum_cm;
  for (int k = 0; k < 3; ++k) {
    const std::uint64_t i = chosen[k];
    const double E = energy[k], th = showers.theta[i], ph = showers.phi[i];
    lab[k] = {E * sin(th) * cos(ph), E * sin(th) * sin(ph), E * cos(th), E};
    cm[k] = beams.to_cm(lab[k]);
    sum_cm = sum_cm + cm[k];
  }
  if (sum_cm.e < opt.min_energy_sum_fraction * beams.sqrt_s || sum_cm.e > opt.max_energy_sum_fraction * beams.sqrt_s) {
    cut[e] = std::uint8_t(AlpCut::energy_sum);
    return;
  }
  if (sum_cm.p() > opt.max_cm_momentum) {
    cut[e] = std::uint8_t(AlpCut::momentum_balance);
    return;
  }
  if (good_tracks.size > 0 && good_tracks[e] > 0) {
    cut[e] = std::uint8_t(AlpCut::track_veto);
    return;
  }
  for (int r = 0; r < 3; ++r) {  // photon r recoils against the pair of the other two
    const FourVector pair = lab[(r + 1) % 3] + lab[(r + 2) % 3];
    m2_gg[3 * e + r] = pair.m2();
    m2_recoil[3 * e + r] = beams.s - 2.0 * beams.sqrt_s * cm[r].e;
    recoil_shower[3 * e + r] = chosen[r];
  }
  cut[e] = std::uint8_t(AlpCut::passed);
}

}  // namespace umbra::analysis
