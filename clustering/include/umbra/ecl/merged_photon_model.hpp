#pragma once
// Merged-photon discriminant: logistic regression on the shower shapes,
//   P(merged) = 1 / (1 + exp(-(b0 + sum_k b_k x_k)))
// with x = (e1_e9, e9_e21, second_moment [cm^2], lat, |Z_11| ... |Z_55|, [region has > 1 local
// maximum]); the last term lets pairs resolved into two maxima count as pairs too. The coefficients below
// are written by scripts/fit_merged_discriminant.py (fit on single photons vs merged a->gg
// pairs; see that script for the samples, the fit and the ROC AUC it measured).

#include <math.h>

#include "umbra/core/qualifiers.hpp"
#include "umbra/ecl/merged_photon_coefficients.hpp"
#include "umbra/ecl/shower_shapes.hpp"

namespace umbra::ecl {

inline constexpr int n_merged_features = 5 + n_zernike;

UMBRA_HD inline void merged_features(const ShowerFeatures& f, double* x) {
  x[0] = f.e1_e9, x[1] = f.e9_e21, x[2] = f.second_moment, x[3] = f.lat;
  for (int q = 0; q < n_zernike; ++q) x[4 + q] = f.zernike[q];
  x[4 + n_zernike] = f.n_local_maxima > 1 ? 1.0 : 0.0;  // region split: resolved pairs
}

UMBRA_HD inline double merged_probability(const ShowerFeatures& f) {
  double x[n_merged_features];
  merged_features(f, x);
  const MergedModel m = merged_model();
  double s = m.intercept;
  for (int k = 0; k < n_merged_features; ++k) s += m.coefficient[k] * x[k];
  return 1.0 / (1.0 + exp(-s));
}

}  // namespace umbra::ecl
