#pragma once
// Global significance from background-only toys (issue 8; the alternative to Gross-Vitells,
// reference/belle2.md "Statistics"): a smooth background model of the observed spectrum, toy
// spectra drawn from it, a scan of each toy, and the fraction of toys whose largest local
// significance reaches the observed one. Implemented in host/src/scan/toys.cpp.

#include <cstdint>
#include <functional>
#include <vector>

#include "umbra/scan/scan.hpp"
#include "umbra/scan/statistics.hpp"  // gross_vitells_p, to compare toys with

namespace umbra::scan {

/// The observed spectrum smoothed over many signal widths (a smoothed bootstrap): a toy event is a
/// randomly chosen observed value moved by a Gaussian of width `smoothing_sigma` times the local
/// signal sigma (from the table at m = sqrt(M^2)), redrawn when it leaves the observed range. A peak
/// of one sigma is spread over ~smoothing_sigma sigma while the background shape is kept, and the
/// density stays smooth (a histogram's steps or kinks would look like structure to the peak fits).
/// Toys are Poisson in the total.
struct BackgroundModel {
  std::vector<double> values[2], widths[2];  // index: int(Observable); sorted values, kernel widths
  static BackgroundModel from_spectrum(const Spectrum& prepared, const SignalTable& table,
                                       double smoothing_sigma = 10);
  /// Toy `toy` of the stream `seed` (Philox, reproducible per toy); both observables.
  Spectrum draw(std::uint64_t seed, std::uint64_t toy) const;
};

/// A scan engine (run_scan or run_scan_batched with default summary/progress).
using ScanFn = std::function<ScanResult(const Spectrum&, const SignalTable&, const ScanOptions&)>;

/// As global_significance_toys() with a chosen engine; also reports the mean number of
/// upcrossings of gv_reference_q0 over the toys (Gross-Vitells' <N(c0)> estimated without signal).
ToyGlobal global_significance_toys(double observed_max_z, int n_toys, const std::function<Spectrum(int)>& make_toy,
                                   const SignalTable& table, const ScanOptions& opt, const ScanFn& scan);


}  // namespace umbra::scan
