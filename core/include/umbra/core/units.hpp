#pragma once
// Units: values are stored in cm, GeV, ns and tesla (as Belle II software does). Multiply by a
// unit to store, divide to print: `0.5 * units::MeV` is 5e-4 (GeV).

namespace umbra::units {
inline constexpr double cm = 1.0;
inline constexpr double mm = 0.1;
inline constexpr double um = 1e-4;
inline constexpr double m = 100.0;
inline constexpr double GeV = 1.0;
inline constexpr double MeV = 1e-3;
inline constexpr double keV = 1e-6;
inline constexpr double ns = 1.0;
inline constexpr double tesla = 1.0;
inline constexpr double rad = 1.0;
inline constexpr double mrad = 1e-3;
inline constexpr double deg = 3.14159265358979323846 / 180.0;
inline constexpr double pb = 1.0;     // cross-sections in pb
inline constexpr double inv_pb = 1.0; // integrated luminosity in pb^-1
}  // namespace umbra::units

namespace umbra::constants {
inline constexpr double pi = 3.14159265358979323846;
inline constexpr double two_pi = 2.0 * pi;
inline constexpr double c_light = 29.9792458;  // cm/ns
// pt[GeV] = 0.299792458 * B[T] * R[m] -> per cm: 0.299792458e-2 (reference/belle2.md "Machine and units")
inline constexpr double c_curvature = 0.299792458e-2;
inline constexpr double alpha_qed = 1.0 / 137.035999;
inline constexpr double gev2_to_pb = 3.893793e8;  // 1 GeV^-2 = 0.3894 mb
// SuperKEKB beams (reference/belle2.md).
inline constexpr double e_her = 7.0;   // e- energy [GeV]
inline constexpr double e_ler = 4.0;   // e+ energy [GeV]
inline constexpr double sqrt_s = 10.58;  // [GeV]
inline constexpr double b_field = 1.5;  // solenoid [T], along +z
// Particle masses [GeV] (PDG).
inline constexpr double m_electron = 0.51099895e-3;
inline constexpr double m_muon = 0.1056583755;
inline constexpr double m_pion = 0.13957039;
inline constexpr double m_pi0 = 0.1349768;
inline constexpr double m_kaon = 0.493677;
inline constexpr double m_proton = 0.93827208816;
inline constexpr double m_eta = 0.547862;
inline constexpr double m_etaprime = 0.95778;
}  // namespace umbra::constants
