#pragma once
// The intermediate arrays of the clustering chain, as one trivially copyable view that every
// per-item step takes. The backend (host/src/cpu/ecl_clustering.cpp, cuda/src/ecl_clustering.cu)
// owns the storage and fills the view stage by stage: per-digit and per-event arrays first, then
// per-region arrays once the region counts are scanned, then per-candidate-shower arrays.
//
// Digits are seen sorted by cellId inside each event, so every tie-break by index is a tie-break by
// cellId: results do not depend on the order of the digits in the input. Neighbour look-ups go
// through the per-event cell map (cell_map.hpp); each region owns a list of its digits
// (region_digits) so per-region steps never scan the whole event.

#include <cstdint>

#include "umbra/core/span.hpp"
#include "umbra/ecl/cell_map.hpp"
#include "umbra/ecl/clustering_options.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::ecl {

/// Status bits of a region / candidate shower (ORed into `status`).
enum ClusteringStatus : std::uint8_t {
  status_ok = 0,
  status_capped_maxima = 1,    ///< region had more local maxima than max_local_maxima
  status_unconverged = 2,      ///< centroid iteration hit max_iterations
  status_window_overflow = 4,  ///< shower window larger than max_shower_digits (extra digits ignored)
};

struct ClusteringWorkspace {
  ClusteringOptions opt;
  EclGeometryView geo;

  // Per digit, sorted by (event, cellId); `origin` is the index in the input arrays.
  EventRanges events;
  Span<const std::uint16_t> cell;
  Span<const float> energy, time;
  Span<const std::uint32_t> origin;
  Span<std::int32_t> parent;    ///< union-find scratch
  Span<std::int32_t> label;     ///< event-local connected region, -1 when in none
  Span<std::uint8_t> is_maximum;
  CellMap map;                  ///< per event: cellId -> digit

  // The digits of every region, region by region in cellId order: region r owns
  // region_digits[region_first[r] .. region_first[r] + region_size[r]) (sorted digit indices; the
  // lists of event e lie inside [events.begin(e), events.end(e)), so the array has n_digits entries).
  Span<std::int32_t> region_digits;

  // Per event.
  Span<std::uint64_t> n_regions;       ///< regions found (scanned into region_offsets)
  Span<std::uint64_t> n_showers;       ///< showers kept (scanned into shower_offsets)

  // Per region (global index = region_offsets[event] + event-local index).
  Span<const std::uint64_t> region_offsets;  ///< n_events + 1
  Span<std::uint32_t> region_event;
  Span<std::uint64_t> region_first;
  Span<std::uint32_t> region_size;
  Span<std::uint16_t> region_n_maxima;       ///< local maxima found
  Span<std::uint64_t> region_n_candidates;   ///< showers the splitter makes (scanned into candidate_offsets)
  Span<std::uint8_t> region_status;

  // Per candidate shower (before the 7.5 MeV drop).
  Span<const std::uint64_t> candidate_offsets;  ///< per region, n_regions + 1
  Span<std::uint32_t> cand_region;
  Span<std::int32_t> cand_maximum;   ///< sorted digit index of its local maximum
  Span<double> cand_maximum_energy;  ///< E_i of the splitter weights
  Span<double> cand_x, cand_y, cand_z;  ///< converged centroid
  Span<double> cand_energy;
  Span<std::int32_t> cand_rank;      ///< index among the kept showers of its event, -1 if dropped
  Span<std::uint8_t> cand_status;

  Span<const std::uint64_t> shower_offsets;  ///< n_events + 1

  /// Sorted index of the digit with `cell_id` in event e, or -1 (the first of duplicates).
  UMBRA_HD std::int32_t find(std::uint64_t e, int cell_id) const {
    if (map.dense[e]) {
      const std::int32_t k = map.offset(e, cell_id);
      return k < 0 ? -1 : static_cast<std::int32_t>(events.begin(e)) + k;
    }
    std::uint64_t lo = events.begin(e), hi = events.end(e);
    while (lo < hi) {
      const std::uint64_t mid = (lo + hi) / 2;
      if (cell[mid] < cell_id) lo = mid + 1;
      else hi = mid;
    }
    return (lo < events.end(e) && cell[lo] == cell_id) ? static_cast<std::int32_t>(lo) : -1;
  }
  /// Does digit a outrank digit b (higher energy, ties to the lower cellId)?
  UMBRA_HD bool outranks(std::int64_t a, std::int64_t b) const {
    return energy[a] > energy[b] || (energy[a] == energy[b] && cell[a] < cell[b]);
  }
};

}  // namespace umbra::ecl
