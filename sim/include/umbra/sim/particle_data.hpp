#pragma once
// PDG codes, masses and charges used by the fast simulation. New-physics states use umbra's own
// codes in the PDG's 9000000 range for non-standard particles.

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/units.hpp"

namespace umbra::sim::pdg {
inline constexpr int electron = 11, muon = 13, photon = 22, pi0 = 111, pion = 211, eta = 221, etaprime = 331,
                     kaon = 321, b_plus = 521, proton = 2212;
inline constexpr int zprime = 9000003;      // invisible Z' (L_mu - L_tau style)
inline constexpr int dark_photon = 9000004; // A' of inelastic dark matter
inline constexpr int alp = 9000005;         // axion-like particle a -> gamma gamma
inline constexpr int scalar = 9000006;      // long-lived scalar S
inline constexpr int chi1 = 9000007, chi2 = 9000008;  // iDM states (chi1 invisible)
inline constexpr double m_b_plus = 5.27934;  // GeV (PDG)

/// Rest mass [GeV] of the standard particles above (new-physics masses are options); -1 unknown.
UMBRA_HD inline double mass(int code) {
  switch (code < 0 ? -code : code) {
    case photon: return 0.0;
    case electron: return constants::m_electron;
    case muon: return constants::m_muon;
    case pion: return constants::m_pion;
    case pi0: return constants::m_pi0;
    case eta: return constants::m_eta;
    case etaprime: return constants::m_etaprime;
    case kaon: return constants::m_kaon;
    case proton: return constants::m_proton;
    case b_plus: return m_b_plus;
    default: return -1.0;
  }
}

/// Electric charge in units of e (lepton codes are negative-charge particles).
UMBRA_HD inline int charge(int code) {
  const int a = code < 0 ? -code : code, s = code < 0 ? -1 : 1;
  switch (a) {
    case electron: case muon: return -s;
    case pion: case kaon: case proton: case b_plus: return s;
    default: return 0;
  }
}

/// Particles that leave long showers-free tracks and a MIP-like ECL deposit.
UMBRA_HD inline bool is_mip_like(int code) {
  const int a = code < 0 ? -code : code;
  return a == muon || a == pion || a == kaon || a == proton;
}
/// Particles that shower electromagnetically in the ECL.
UMBRA_HD inline bool is_em(int code) { return code == photon || code == electron || code == -electron; }

}  // namespace umbra::sim::pdg
