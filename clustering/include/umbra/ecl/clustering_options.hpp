#pragma once
// Options of the ECL clustering chain (Ceres style: documented defaults + validate()).
// Numbers from ../shared/reference/belle2.md, "ECL reconstruction chain" and "Shower shapes".

#include <limits>
#include <string>

#include "umbra/core/units.hpp"

namespace umbra::ecl {

/// Compile-time cap on local maxima split per connected region: the splitter keeps its
/// per-region state in fixed arrays of this size (basf2 default maxSplits = 10).
inline constexpr int max_splits_capacity = 10;
/// Capacity of a shower's digit list: the NC2 window (21 crystals in the barrel, a few more
/// where rings of different sizes meet). Windows larger than this are counted as a failure.
inline constexpr int max_shower_digits = 32;

struct ClusteringOptions {
  // Connected-region finder (basf2 ECLCRFinder).
  double seed_energy = 10.0 * units::MeV;    ///< a region needs a digit at least this energetic
  /// Digits at least this energetic pass the region on to their N1 neighbours. 10 MeV as issue 5
  /// specifies (the older basf2 value); current basf2 uses 1.5 MeV (reference/belle2.md, "ECL
  /// reconstruction chain" 1): set it for that.
  double growth_energy = 10.0 * units::MeV;
  double digit_energy = 0.5 * units::MeV;    ///< digits below are ignored entirely
  /// Seeds need |time| <= this [ns]; infinite by default (no timing cut). Setting ~110 ns rejects
  /// out-of-time beam-background seeds (reference/belle2.md "Beam background").
  double seed_max_abs_time = std::numeric_limits<double>::infinity();

  // Local maxima and splitter (basf2 ECLSplitterN1).
  double local_maximum_energy = 10.0 * units::MeV;  ///< a local maximum needs at least this
  int max_local_maxima = 10;                 ///< highest-energy maxima kept per region (1..10)
  double moliere_radius = 3.581 * units::cm; ///< R_M of CsI(Tl)
  double weight_exponent = 2.5;              ///< w ~ E_i exp(-weight_exponent d / R_M)
  double centroid_tolerance = 1.0 * units::mm;  ///< stop when the mean centroid shift is below
  int max_iterations = 100;                  ///< ... or after this many iterations
  double min_weighted_digit_energy = 25.0 * units::keV;  ///< w*E below: digit left out of the shower
  double min_shower_energy = 7.5 * units::MeV;           ///< showers below are dropped

  // Position and shapes.
  double log_weight_w0 = 4.0;                ///< lilo position: max(0, w0 + ln(E_k/E))
  double zernike_rho0 = 10.0 * units::cm;    ///< Zernike radius
  double lat_r0 = 5.0 * units::cm;           ///< LAT reference distance

  /// Empty when valid, otherwise a message naming the first bad field.
  std::string validate() const;
};

}  // namespace umbra::ecl
