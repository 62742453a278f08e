#pragma once
// Step 1, per event: connected regions (basf2 ECLCRFinder; reference/belle2.md "ECL
// reconstruction chain" 1). Digits >= digit_energy are linked to their N1 neighbours when at
// least one of the pair can grow the region (E >= growth_energy, or a seed). A linked component
// is a region when it holds a seed (E >= seed_energy, |t| <= seed_max_abs_time). Components are
// found by union-find over the event's digits; roots are always the lowest sorted index, so the
// result is independent of visiting order. Low-energy digits touching two regions join them into
// one, as basf2 merges regions that share a digit. Regions are numbered by their lowest cellId.
// Thresholds are compared in float, the digits' precision, so a digit stored as exactly 10 MeV
// passes a 10 MeV cut. The step first builds the event's cell map (cell_map.hpp), which every
// later neighbour look-up uses.

#include "umbra/ecl/clustering_workspace.hpp"

namespace umbra::ecl {

struct ConnectedRegionStep {
  ClusteringWorkspace w;

  UMBRA_HD std::int32_t root(std::int32_t i) const {
    while (w.parent[i] != i) {
      w.parent[i] = w.parent[w.parent[i]];  // path halving
      i = w.parent[i];
    }
    return i;
  }
  UMBRA_HD bool is_seed(std::uint64_t i) const {
    const double t = w.time[i];
    return w.energy[i] >= float(w.opt.seed_energy) && (t <= w.opt.seed_max_abs_time && -t <= w.opt.seed_max_abs_time);
  }
  UMBRA_HD bool grows(std::uint64_t i) const { return w.energy[i] >= float(w.opt.growth_energy) || is_seed(i); }
  UMBRA_HD bool counts(std::uint64_t i) const { return w.energy[i] >= float(w.opt.digit_energy); }

  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= w.events.n_events()) return;
    const std::uint64_t b = w.events.begin(e), end = w.events.end(e);
    w.map.build(e, w.cell.data, b, end);
    for (std::uint64_t i = b; i < end; ++i) w.parent[i] = static_cast<std::int32_t>(i);
    for (std::uint64_t i = b; i < end; ++i) {
      if (!counts(i) || !grows(i)) continue;
      for (const auto c : w.geo.n1(w.cell[i])) {
        const std::int32_t j = w.find(e, c);
        if (j < 0 || std::uint64_t(j) == i || !counts(j)) continue;
        std::int32_t a = root(static_cast<std::int32_t>(i)), r = root(j);
        if (a == r) continue;
        if (a < r) w.parent[r] = a;  // the lower index stays root
        else w.parent[a] = r;
      }
    }
    // Mark seeded components on their root (label used as a flag first), then number them.
    for (std::uint64_t i = b; i < end; ++i) w.label[i] = -1;
    for (std::uint64_t i = b; i < end; ++i)
      if (counts(i) && is_seed(i)) w.label[root(static_cast<std::int32_t>(i))] = -2;
    std::int32_t next = 0;
    for (std::uint64_t i = b; i < end; ++i) {
      if (!counts(i)) continue;
      const std::int32_t r = root(static_cast<std::int32_t>(i));
      if (std::uint64_t(r) == i) {
        if (w.label[i] == -2) w.label[i] = next++;
      } else {
        w.label[i] = w.label[r];  // r < i: already numbered (or -1)
      }
    }
    w.n_regions[e] = static_cast<std::uint64_t>(next);
  }
};

/// Per event, after the region counts are scanned: the event of every region and its digit list
/// (a counting sort of the event's digits by region, cellId order kept inside a region). Clears the
/// local-maximum flags, which the per-region step then sets for region digits.
struct RegionDigitsStep {
  ClusteringWorkspace w;
  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= w.events.n_events()) return;
    const std::uint64_t r0 = w.region_offsets[e], r1 = w.region_offsets[e + 1];
    const std::uint64_t b = w.events.begin(e), end = w.events.end(e);
    for (std::uint64_t r = r0; r < r1; ++r) w.region_event[r] = static_cast<std::uint32_t>(e), w.region_size[r] = 0;
    for (std::uint64_t i = b; i < end; ++i) {
      w.is_maximum[i] = 0;
      if (w.label[i] >= 0) ++w.region_size[r0 + static_cast<std::uint64_t>(w.label[i])];
    }
    std::uint64_t next = b;
    for (std::uint64_t r = r0; r < r1; ++r) w.region_first[r] = next, next += w.region_size[r], w.region_size[r] = 0;
    for (std::uint64_t i = b; i < end; ++i) {
      if (w.label[i] < 0) continue;
      const std::uint64_t r = r0 + static_cast<std::uint64_t>(w.label[i]);
      w.region_digits[w.region_first[r] + w.region_size[r]++] = static_cast<std::int32_t>(i);
    }
  }
};

}  // namespace umbra::ecl
