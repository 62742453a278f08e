#pragma once
// Step 2, per region: local maxima (reference/belle2.md "ECL reconstruction chain" 2). A digit of a
// region is a local maximum when E >= local_maximum_energy and no N1 neighbour of the same region
// outranks it (higher energy; equal energies go to the lower cellId, so exactly one of two equal
// neighbours is a maximum and the answer is deterministic). The step also counts them and sets
// the number of showers the splitter makes of the region (at least 1, at most max_local_maxima).

#include "umbra/ecl/clustering_workspace.hpp"

namespace umbra::ecl {

struct LocalMaximumStep {
  ClusteringWorkspace w;
  std::uint64_t n_regions;

  UMBRA_HD void operator()(std::uint64_t r) const {
    if (r >= n_regions) return;
    const std::uint64_t e = w.region_event[r];
    int n_max = 0;
    for (std::uint64_t k = w.region_first[r], end = k + w.region_size[r]; k < end; ++k) {
      const std::int32_t i = w.region_digits[k];
      if (w.energy[i] < float(w.opt.local_maximum_energy)) continue;
      bool top = true;
      // A region of one digit has no neighbour in it: skip the look-ups (most background regions).
      if (w.region_size[r] > 1)
        for (const auto c : w.geo.n1(w.cell[i])) {
          const std::int32_t j = w.find(e, c);
          if (j < 0 || j == i || w.label[j] != w.label[i]) continue;
          if (w.outranks(j, i)) {
            top = false;
            break;
          }
        }
      w.is_maximum[i] = top ? 1 : 0;
      n_max += top;
    }
    w.region_n_maxima[r] = static_cast<std::uint16_t>(n_max > 65535 ? 65535 : n_max);
    const int kept = n_max < 1 ? 1 : (n_max > w.opt.max_local_maxima ? w.opt.max_local_maxima : n_max);
    w.region_n_candidates[r] = static_cast<std::uint64_t>(kept);
    w.region_status[r] = n_max > w.opt.max_local_maxima ? status_capped_maxima : status_ok;
  }
};

}  // namespace umbra::ecl
