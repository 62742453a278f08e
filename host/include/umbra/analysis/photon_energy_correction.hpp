#pragma once
// Photon energy correction: the reconstructed shower energy (sum of weighted NC2 digits) misses
// the longitudinal and lateral leakage, a few percent growing with energy (reference/belle2.md
// "ECL reconstruction chain" step 6: leakage corrections are calibration). The correction is the
// median ratio E_reco / E_true of simulated single photons, tabulated per ECL region against
// log(E_reco) and interpolated; analyses divide by it. `calibrate_photon_energy` measures it with
// the simulation + clustering; data/calibration/photon_energy_correction.csv is the committed table.

#include <cmath>
#include <cstdint>
#include <iosfwd>
#include <string>

#include "umbra/core/qualifiers.hpp"

namespace umbra::analysis {

/// Trivially copyable, usable in device code: up to max_points energies per region (1..3).
struct PhotonEnergyCorrection {
  static constexpr int max_points = 24;
  int n_points = 0;
  float log_e[max_points] = {};        // log(E_reco / GeV), ascending, shared by the regions
  float ratio[3][max_points] = {};     // median E_reco / E_true per region (fwd, barrel, bwd)

  /// Identity: no correction.
  static PhotonEnergyCorrection none() { return {}; }
  static PhotonEnergyCorrection read_csv(const std::string& path);
  static PhotonEnergyCorrection parse_csv(std::istream& in, const std::string& source);
  void write_csv(const std::string& path) const;

  /// True energy estimate for a shower of `e_reco` GeV in ECL region 1..3 (clamped at the table ends).
  UMBRA_HD double corrected(double e_reco, int region) const {
    if (n_points == 0 || e_reco <= 0 || region < 1 || region > 3) return e_reco;
    const float* r = ratio[region - 1];
    const double x = log(e_reco);
    if (x <= log_e[0]) return e_reco / r[0];
    if (x >= log_e[n_points - 1]) return e_reco / r[n_points - 1];
    int k = 0;
    while (x > log_e[k + 1]) ++k;
    const double f = (x - log_e[k]) / (log_e[k + 1] - log_e[k]);
    return e_reco / (r[k] + f * (r[k + 1] - r[k]));
  }
};

struct PhotonCalibrationOptions {
  int photons_per_point = 600;
  double e_min = 0.1, e_max = 8.0;  // GeV, log-spaced grid
  int n_points = 12;
  std::uint64_t seed = 2024;
  std::string validate() const;
};

/// Simulates single photons per region and energy (no beam background), clusters them on the CPU
/// and tabulates the median E_reco / E_true of the leading shower against its median E_reco.
PhotonEnergyCorrection calibrate_photon_energy(const PhotonCalibrationOptions& opt = {});

/// The committed default table data/calibration/photon_energy_correction.csv, embedded in the
/// library at build time.
PhotonEnergyCorrection default_photon_energy_correction();

}  // namespace umbra::analysis
