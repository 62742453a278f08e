// validate() of the simulation options: every refusal names the field and the allowed range.
#include <cmath>
#include <sstream>

#include "process.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::sim {
namespace {

template <class T>
std::string range_msg(const char* field, T value, const char* rule) {
  std::ostringstream s;
  s << field << " = " << value << " " << rule;
  return s.str();
}
bool finite(double x) { return std::isfinite(x); }

}  // namespace

std::string EclResponseOptions::validate() const {
  if (!finite(noise) || noise < 0) return range_msg("ecl.noise", noise, "must be >= 0 GeV");
  if (!finite(threshold) || threshold < 0) return range_msg("ecl.threshold", threshold, "must be >= 0 GeV");
  if (!finite(beam_background) || beam_background < 0)
    return range_msg("beam_background", beam_background, "must be >= 0 (0 = none, 1 = nominal)");
  if (!finite(background_digits) || background_digits < 0)
    return range_msg("ecl.background_digits", background_digits, "must be >= 0");
  if (!(background_time_min >= 0 && background_time_max > background_time_min))
    return range_msg("ecl.background_time_max", background_time_max, "must exceed background_time_min >= 0");
  if (!(core_fraction >= 0 && core_fraction <= 1)) return range_msg("ecl.core_fraction", core_fraction, "must be in [0, 1]");
  if (!(core_scale > 0 && tail_scale > 0)) return "ecl.core_scale and ecl.tail_scale must be > 0";
  if (!(profile_b > 0 && critical_energy > 0)) return "ecl.profile_b and ecl.critical_energy must be > 0";
  if (!(mip_most_probable >= 0 && mip_width >= 0)) return "ecl.mip_most_probable and ecl.mip_width must be >= 0";
  return "";
}

std::string SimulationOptions::validate() const {
  const int p = detail::process_index(process);
  if (p < 0) {
    std::string all;
    for (const auto& n : process_names()) all += (all.empty() ? "" : " ") + n;
    return "process = '" + process + "' is unknown (one of: " + all + ")";
  }
  const Process proc = Process(p);
  const double sqrt_s = superkekb().sqrt_s;
  if (!(theta_min >= 0 && theta_max > theta_min && theta_max <= constants::pi))
    return "theta_min/theta_max must satisfy 0 <= theta_min < theta_max <= pi";
  if (cm_cos_cut(theta_min, theta_max, superkekb().beta_z) <= 0)
    return "theta_min/theta_max leave no CM acceptance for both hemispheres";
  const bool has_mass = proc == Process::Alp || proc == Process::Zprime || proc == Process::EMu ||
                        proc == Process::InelasticDM || proc == Process::Scalar;
  if (has_mass) {
    if (!finite(mass) || mass <= 0) return range_msg("mass", mass, "GeV must be > 0");
    if (mass >= sqrt_s) return range_msg("mass", mass, "GeV must be below sqrt(s) = 10.583 GeV");
  }
  if (proc == Process::Alp) {
    if (mass < 0.01 || mass > 10.0) return range_msg("mass", mass, "GeV must be in [0.01, 10] for the ALP");
    if (!finite(coupling) || coupling <= 0) return range_msg("coupling", coupling, "GeV^-1 must be > 0");
  }
  if (proc == Process::Zprime || proc == Process::EMu) {
    const double leptons = 2 * constants::m_muon;
    if (mass >= sqrt_s - leptons) return range_msg("mass", mass, "GeV leaves no phase space for the lepton pair");
    if (!finite(coupling) || coupling <= 0) return range_msg("coupling", coupling, "must be > 0");
  }
  if (proc == Process::InelasticDM) {
    if (!finite(splitting) || splitting <= 0 || splitting > 1) return range_msg("splitting", splitting, "must be in (0, 1]");
    if (!(dark_photon_ratio > 2 + splitting))
      return range_msg("dark_photon_ratio", dark_photon_ratio, "must exceed 2 + splitting (A' -> chi1 chi2)");
    if (dark_photon_ratio * mass >= sqrt_s) return "mass * dark_photon_ratio (the A' mass) must be below sqrt(s)";
    if (splitting * mass <= 2 * constants::m_electron) return "splitting * mass must exceed 2 m_e (chi2 -> chi1 e+e-)";
    if (!finite(coupling) || coupling <= 0) return range_msg("coupling", coupling, "(epsilon) must be > 0");
    if (!finite(lifetime) || lifetime < 0) return range_msg("lifetime", lifetime, "cm must be >= 0");
  }
  if (proc == Process::Scalar) {
    if (decay_mode != "mumu" && decay_mode != "ee" && decay_mode != "pipi")
      return "decay_mode = '" + decay_mode + "' is unknown (mumu, ee, pipi)";
    const double md = decay_mode == "mumu" ? constants::m_muon : decay_mode == "ee" ? constants::m_electron : constants::m_pion;
    if (mass <= 2 * md || mass >= pdg::m_b_plus - constants::m_kaon)
      return range_msg("mass", mass, "GeV must be in (2 m_daughter, m_B - m_K = 4.786 GeV) for B -> K S");
    if (!finite(lifetime) || lifetime < 0) return range_msg("lifetime", lifetime, "cm must be >= 0");
    if (!(branching > 0 && branching <= 1)) return range_msg("branching", branching, "must be in (0, 1]");
  }
  if (proc == Process::PseudoscalarGamma && meson != "pi0" && meson != "eta" && meson != "etaprime")
    return "meson = '" + meson + "' is unknown (pi0, eta, etaprime)";
  if (proc == Process::GammaGammaGamma && !(ggg_min_energy > 0 && ggg_min_energy < sqrt_s / 3))
    return range_msg("ggg_min_energy", ggg_min_energy, "GeV must be in (0, sqrt(s)/3)");
  if (proc == Process::Gun) {
    const double m = pdg::mass(gun_pdg);
    if (m < 0) return "gun_pdg = " + std::to_string(gun_pdg) + " is not a particle the simulation knows";
    if (!finite(gun_energy) || gun_energy <= m) return range_msg("gun_energy", gun_energy, "GeV must exceed the mass");
    if (!(gun_theta_min >= 0 && gun_theta_max >= gun_theta_min && gun_theta_max <= constants::pi))
      return "gun_theta_min/gun_theta_max must satisfy 0 <= min <= max <= pi";
    if (!(gun_phi_max >= gun_phi_min)) return "gun_phi_max must be >= gun_phi_min";
    if (gun_multiplicity < 1 || gun_multiplicity > 8) return range_msg("gun_multiplicity", gun_multiplicity, "must be in [1, 8]");
  }
  if (!finite(beam_background) || beam_background < 0)
    return range_msg("beam_background", beam_background, "must be >= 0 (0 = none, 1 = nominal)");
  if (ecl) {
    if (std::string m = ecl_response.validate(); !m.empty()) return m;
  }
  if (tracker) {
    if (std::string m = tracker_response.validate(); !m.empty()) return "tracker: " + m;
  }
  return "";
}

}  // namespace umbra::sim
