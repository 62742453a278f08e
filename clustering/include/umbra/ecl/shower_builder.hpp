#pragma once
// Step 4, per candidate shower: its digits, energy and features. A shower takes the digits of its
// region inside the NC2 window (5x5 minus corners) of its local maximum, weighted by the splitter
// (weight 1 for a single maximum) and kept when w*E >= min_weighted_digit_energy; showers below
// min_shower_energy are dropped (reference/belle2.md "ECL reconstruction chain" 3-6).
// The digits are collected once: energy and features of every candidate are written to a
// candidate-indexed table, then the kept rows are compacted into the output (a plain move when
// nothing was dropped, the usual case).

#include "umbra/ecl/clustering_workspace.hpp"
#include "umbra/ecl/merged_photon_model.hpp"
#include "umbra/ecl/shower_shapes.hpp"
#include "umbra/ecl/showers.hpp"
#include "umbra/ecl/splitter.hpp"

namespace umbra::ecl {

/// Collects candidate c's weighted digits; returns false when the window overflowed (the extra
/// digits are left out and the candidate is flagged).
UMBRA_HD inline bool collect_shower_digits(const ClusteringWorkspace& w, std::uint64_t c, ShowerDigits& d) {
  const std::uint64_t r = w.cand_region[c];
  const std::uint64_t e = w.region_event[r];
  const std::int32_t local = static_cast<std::int32_t>(r - w.region_offsets[e]);
  const std::uint64_t first = w.candidate_offsets[r];
  const int n = static_cast<int>(w.candidate_offsets[r + 1] - first);
  const int s = static_cast<int>(c - first);
  double wt[max_splits_capacity];
  d.n = 0;
  if (w.region_size[r] == 1) {  // a lone digit (most background showers): no window to scan
    const std::int32_t j = w.region_digits[w.region_first[r]];
    if (w.energy[j] >= w.opt.min_weighted_digit_energy)
      d.cell[0] = w.cell[j], d.energy[0] = w.energy[j], d.time[0] = w.time[j], d.n = 1;
    return true;
  }
  bool ok = true;
  for (const auto cell : w.geo.nc2(w.cell[w.cand_maximum[c]])) {
    const std::int32_t j = w.find(e, cell);
    if (j < 0 || w.label[j] != local) continue;
    splitter_weights(w, first, n, cell, wt);
    const double we = wt[s] * w.energy[j];
    if (we < w.opt.min_weighted_digit_energy) continue;
    if (d.n == max_shower_digits) {
      ok = false;
      continue;
    }
    d.cell[d.n] = cell, d.energy[d.n] = we, d.time[d.n] = w.time[j];
    ++d.n;
  }
  return ok;
}

/// Per candidate: energy (cand_energy), status, and all output columns in row c of `out`.
struct ShowerStep {
  ClusteringWorkspace w;
  EclShowersView out;  ///< one row per candidate
  std::uint64_t n_candidates;

  UMBRA_HD void operator()(std::uint64_t c) const {
    if (c >= n_candidates) return;
    ShowerDigits d;
    if (!collect_shower_digits(w, c, d)) w.cand_status[c] |= status_window_overflow;
    double energy = 0;
    for (int k = 0; k < d.n; ++k) energy += d.energy[k];
    w.cand_energy[c] = energy;
    if (d.n == 0) return;  // energy 0: dropped by the rank step
    const std::uint64_t r = w.cand_region[c];
    const std::uint64_t e = w.region_event[r];
    ShowerFeatures f;
    compute_shower_features(d, w.geo, w.opt, f);
    f.n_local_maxima = w.region_n_maxima[r];
    out.energy[c] = float(f.energy), out.theta[c] = float(f.theta), out.phi[c] = float(f.phi);
    out.x[c] = float(f.x), out.y[c] = float(f.y), out.z[c] = float(f.z), out.time[c] = float(f.time);
    out.n_crystals[c] = static_cast<std::uint16_t>(d.n);
    const int hc = d.cell[f.highest];
    out.highest_cell[c] = static_cast<std::uint16_t>(hc);
    out.detector_region[c] = w.geo.region[hc - 1];
    out.connected_region[c] = static_cast<std::int32_t>(r - w.region_offsets[e]);
    out.n_local_maxima[c] = w.region_n_maxima[r];
    out.e1_e9[c] = float(f.e1_e9), out.e9_e21[c] = float(f.e9_e21);
    out.second_moment[c] = float(f.second_moment), out.lat[c] = float(f.lat);
    for (int q = 0; q < n_zernike; ++q) out.zernike[q][c] = float(f.zernike[q]);
    out.merged_probability[c] = float(merged_probability(f));
  }
};

/// Per event: rank of each kept candidate among the event's showers, and the count.
struct ShowerRankStep {
  ClusteringWorkspace w;

  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= w.events.n_events()) return;
    std::int32_t next = 0;
    const std::uint64_t cb = w.candidate_offsets[w.region_offsets[e]];
    const std::uint64_t ce = w.candidate_offsets[w.region_offsets[e + 1]];
    for (std::uint64_t c = cb; c < ce; ++c)
      w.cand_rank[c] = (float(w.cand_energy[c]) >= float(w.opt.min_shower_energy) && w.cand_energy[c] > 0) ? next++ : -1;
    w.n_showers[e] = static_cast<std::uint64_t>(next);
  }
};

/// Per candidate, when some were dropped: a kept candidate's row moves to its place among the
/// event's showers.
struct CompactShowersStep {
  ClusteringWorkspace w;
  EclShowersView from;  ///< one row per candidate
  EclShowersView to;    ///< one row per kept shower
  std::uint64_t n_candidates;

  UMBRA_HD void operator()(std::uint64_t c) const {
    if (c >= n_candidates || w.cand_rank[c] < 0) return;
    const std::uint64_t e = w.region_event[w.cand_region[c]];
    copy_row(from, c, to, w.shower_offsets[e] + static_cast<std::uint64_t>(w.cand_rank[c]));
  }
};

/// Per digit: region label and local-maximum flag back in the input order.
struct DigitResultStep {
  ClusteringWorkspace w;
  Span<std::int32_t> digit_region;
  Span<std::uint8_t> digit_is_maximum;

  UMBRA_HD void operator()(std::uint64_t i) const {
    if (i >= digit_region.size) return;
    digit_region[w.origin[i]] = w.label[i];
    digit_is_maximum[w.origin[i]] = w.is_maximum[i];
  }
};

}  // namespace umbra::ecl
