#pragma once
// Step 2, per digit: local maxima (reference/belle2.md "ECL reconstruction chain" 2). A digit of a
// region is a local maximum when E >= local_maximum_energy and no N1 neighbour of the same region
// outranks it (higher energy; equal energies go to the lower cellId, so exactly one of two equal
// neighbours is a maximum and the answer is deterministic).

#include "umbra/ecl/clustering_workspace.hpp"

namespace umbra::ecl {

struct LocalMaximumStep {
  ClusteringWorkspace w;
  std::uint64_t n_digits;

  UMBRA_HD void operator()(std::uint64_t i) const {
    if (i >= n_digits) return;
    w.is_maximum[i] = 0;
    if (w.label[i] < 0 || w.energy[i] < float(w.opt.local_maximum_energy)) return;
    // The event of digit i: binary search of the offsets.
    std::uint64_t lo = 0, hi = w.events.n_events();
    while (hi - lo > 1) {
      const std::uint64_t mid = (lo + hi) / 2;
      if (w.events.begin(mid) <= i) lo = mid;
      else hi = mid;
    }
    for (const auto c : w.geo.n1(w.cell[i])) {
      const std::int32_t j = w.find(lo, c);
      if (j < 0 || std::uint64_t(j) == i || w.label[j] != w.label[i]) continue;
      if (w.outranks(j, static_cast<std::int64_t>(i))) return;
    }
    w.is_maximum[i] = 1;
  }
};

}  // namespace umbra::ecl
