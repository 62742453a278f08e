#pragma once
// Signal modelling of the ALP search (issue 10, step 3): at each mass of a grid, simulate
// e+e- -> gamma a, a -> gamma gamma, reconstruct (ECL clustering) and select (alp_selection.hpp),
// keep the truth-matched candidate (its recoil shower within 50 mrad of the generated recoil
// photon), and fit a Crystal Ball to its observable: M^2_gg below switch_mass (low-side tail from
// leakage), M^2_recoil from there up (double-sided: a low recoil-photon energy gives a HIGH M^2_recoil
// tail). The efficiency is matched selected events / generated events. The result is the scan's
// signal table (scan/signal_table.hpp; data/calibration/alp_signal_table.csv is the committed one).

#include <cstdint>
#include <string>
#include <vector>

#include "umbra/analysis/alp_selection.hpp"
#include "umbra/ecl/clustering_options.hpp"
#include "umbra/scan/signal_table.hpp"

namespace umbra::analysis {

struct AlpCalibrationOptions {
  std::vector<double> masses;          // GeV; empty: default_alp_mass_grid()
  std::uint64_t events_per_mass = 4000;
  double coupling = 1e-3;              // GeV^-1 (sets the decay length; limits sit near here)
  double switch_mass = 6.85;           // GeV, observable switch (reference/belle2.md)
  double beam_background = 1.0;        // nominal
  std::uint64_t seed = 7;
  AlpSelectionOptions selection;
  ecl::ClusteringOptions clustering;
  std::string validate() const;
};

/// 24 masses from 0.2 to 9.7 GeV, denser at low mass.
std::vector<double> default_alp_mass_grid();

struct AlpCalibrationPoint {
  double mass = 0;
  std::uint64_t generated = 0, selected = 0, matched = 0;
  double fitted_mean = 0;  // GeV^2, CB peak (the scan assumes m^2: a closure check)
  bool fit_ok = false;
};

struct AlpCalibrationSummary {
  std::vector<AlpCalibrationPoint> points;
  double seconds = 0;
  std::string brief() const;
};

/// Runs the calibration (CPU backend, all threads). Throws OptionsError on bad options and Error
/// when a mass yields too few matched candidates to fit.
std::vector<scan::SignalPoint> calibrate_alp(const AlpCalibrationOptions& opt, AlpCalibrationSummary* summary = nullptr);

/// Fits a Crystal Ball (double-sided when `double_sided`) to unbinned values by a binned Poisson
/// likelihood around their median; returns mean, sigma and tails (efficiency left 0).
struct CbFit {
  scan::SignalPoint shape;
  double mean = 0;
  bool ok = false;
};
CbFit fit_crystal_ball(std::vector<double> values, bool double_sided);

void write_signal_table(const std::vector<scan::SignalPoint>& table, const std::string& path);
/// The committed default table, embedded in the library (scan::SignalTable::default_table() is
/// the smooth placeholder the scan falls back on when this is empty).
scan::SignalTable default_alp_signal_table();

}  // namespace umbra::analysis
