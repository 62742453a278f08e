#pragma once
// Step 3, per region: the multi-maximum splitter (basf2 ECLSplitterN1; reference/belle2.md "ECL
// reconstruction chain" 3). A region with one local maximum (or none: its highest digit stands
// in) makes one shower with weights 1. With several, the highest max_local_maxima maxima each
// start a shower at their crystal; crystal k belongs to shower i with
//   w_ik = E_i exp(-a d_ik / R_M) / sum_j E_j exp(-a d_jk / R_M)      (a = 2.5)
// E_i the local-maximum energies and d_ik the distance from centroid i to crystal k's centre.
// Centroids are re-computed with log weights over the region's weighted digits (w E >= 25 keV)
// until their mean shift is below 1 mm or after 100 iterations.

#include <math.h>

#include "umbra/ecl/clustering_workspace.hpp"

namespace umbra::ecl {

/// Splitter weights of crystal `cell` for the n showers of a region (candidates [first, first+n)).
/// Writes w[0..n); with one shower the weight is 1.
UMBRA_HD inline void splitter_weights(const ClusteringWorkspace& w, std::uint64_t first, int n, int cell,
                                      double* out) {
  if (n == 1) {
    out[0] = 1.0;
    return;
  }
  const double px = w.geo.centre_x[cell - 1], py = w.geo.centre_y[cell - 1], pz = w.geo.centre_z[cell - 1];
  const double k = w.opt.weight_exponent / w.opt.moliere_radius;
  double sum = 0;
  for (int i = 0; i < n; ++i) {
    const double dx = px - w.cand_x[first + i], dy = py - w.cand_y[first + i], dz = pz - w.cand_z[first + i];
    out[i] = w.cand_maximum_energy[first + i] * exp(-k * sqrt(dx * dx + dy * dy + dz * dz));
    sum += out[i];
  }
  for (int i = 0; i < n; ++i) out[i] = sum > 0 ? out[i] / sum : 0.0;
}

struct SplitterStep {
  ClusteringWorkspace w;
  std::uint64_t n_regions;

  UMBRA_HD void operator()(std::uint64_t r) const {
    if (r >= n_regions) return;
    const std::uint64_t first = w.candidate_offsets[r];
    const int n = static_cast<int>(w.candidate_offsets[r + 1] - first);
    const std::int32_t* digits = w.region_digits.data + w.region_first[r];
    const std::uint32_t nd = w.region_size[r];

    // The n highest local maxima, best first (or the highest digit when there is none).
    std::int32_t top[max_splits_capacity];
    int found = 0;
    const bool any_maximum = w.region_n_maxima[r] > 0;
    for (std::uint32_t k = 0; k < nd; ++k) {
      const std::int32_t i = digits[k];
      if (any_maximum && !w.is_maximum[i]) continue;
      int pos = found < n ? found : n;  // insertion into a sorted top-n list
      while (pos > 0 && w.outranks(i, top[pos - 1])) --pos;
      if (pos >= n) continue;
      for (int q = (found < n ? found : n - 1); q > pos; --q) top[q] = top[q - 1];
      top[pos] = i;
      if (found < n) ++found;
    }
    for (int s = 0; s < n; ++s) {
      const int c = w.cell[top[s]] - 1;
      w.cand_region[first + s] = static_cast<std::uint32_t>(r);
      w.cand_maximum[first + s] = top[s];
      w.cand_maximum_energy[first + s] = w.energy[top[s]];
      w.cand_x[first + s] = w.geo.centre_x[c];
      w.cand_y[first + s] = w.geo.centre_y[c];
      w.cand_z[first + s] = w.geo.centre_z[c];
      w.cand_status[first + s] = w.region_status[r];
    }
    if (n == 1) return;

    // Centroid iteration with log weights (w0) over the weighted digits of the region.
    double wt[max_splits_capacity], esh[max_splits_capacity];
    double sx[max_splits_capacity], sy[max_splits_capacity], sz[max_splits_capacity], sw[max_splits_capacity];
    int it = 0;
    for (; it < w.opt.max_iterations; ++it) {
      for (int s = 0; s < n; ++s) esh[s] = 0;
      for (std::uint32_t k = 0; k < nd; ++k) {
        const std::int32_t i = digits[k];
        splitter_weights(w, first, n, w.cell[i], wt);
        for (int s = 0; s < n; ++s) {
          const double we = wt[s] * w.energy[i];
          if (we >= w.opt.min_weighted_digit_energy) esh[s] += we;
        }
      }
      for (int s = 0; s < n; ++s) sx[s] = sy[s] = sz[s] = sw[s] = 0;
      for (std::uint32_t k = 0; k < nd; ++k) {
        const std::int32_t i = digits[k];
        const int c = w.cell[i] - 1;
        splitter_weights(w, first, n, c + 1, wt);
        for (int s = 0; s < n; ++s) {
          const double we = wt[s] * w.energy[i];
          if (we < w.opt.min_weighted_digit_energy || esh[s] <= 0) continue;
          const double lw = w.opt.log_weight_w0 + log(we / esh[s]);
          if (lw <= 0) continue;
          sx[s] += lw * w.geo.centre_x[c], sy[s] += lw * w.geo.centre_y[c], sz[s] += lw * w.geo.centre_z[c];
          sw[s] += lw;
        }
      }
      double shift = 0;
      for (int s = 0; s < n; ++s) {
        if (sw[s] <= 0) continue;
        const double nx = sx[s] / sw[s], ny = sy[s] / sw[s], nz = sz[s] / sw[s];
        const double dx = nx - w.cand_x[first + s], dy = ny - w.cand_y[first + s], dz = nz - w.cand_z[first + s];
        shift += sqrt(dx * dx + dy * dy + dz * dz);
        w.cand_x[first + s] = nx, w.cand_y[first + s] = ny, w.cand_z[first + s] = nz;
      }
      if (shift / n < w.opt.centroid_tolerance) break;
    }
    if (it == w.opt.max_iterations)
      for (int s = 0; s < n; ++s) w.cand_status[first + s] |= status_unconverged;
  }
};

}  // namespace umbra::ecl
