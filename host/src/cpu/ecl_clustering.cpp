// CPU backend of the ECL clustering chain: the per-item steps of clustering/ run by
// cpu::for_each; the global steps (per-event sort by cellId, prefix sums) use the standard library.
#include "umbra/cpu/ecl_clustering.hpp"

#include <algorithm>
#include <chrono>
#include <numeric>
#include <string>
#include <utility>

#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/ecl/connected_regions.hpp"
#include "umbra/ecl/local_maxima.hpp"
#include "umbra/ecl/shower_builder.hpp"
#include "umbra/ecl/splitter.hpp"

namespace umbra::cpu {
namespace {

/// offsets[0] = 0, offsets[k+1] = sum of counts[0..k].
std::vector<std::uint64_t> offsets_of(const std::vector<std::uint64_t>& counts) {
  std::vector<std::uint64_t> o(counts.size() + 1, 0);
  std::inclusive_scan(counts.begin(), counts.end(), o.begin() + 1);
  return o;
}

template <class T>
Span<T> sp(std::vector<T>& v) {
  return span_of(v);
}

}  // namespace

ecl::ClusteringResult cluster_ecl(const ecl::EclGeometry& geometry, const EclDigits& digits,
                                  const ecl::ClusteringOptions& options) {
  if (const std::string msg = options.validate(); !msg.empty()) throw OptionsError("ecl::ClusteringOptions: " + msg);
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t n = digits.size(), ne = digits.n_events();

  // Global step: each event's digits sorted by cellId. A counting sort through a bitmap of the
  // event's crystals (the cell map's idea, cell_map.hpp): position = digits with a lower cellId.
  // Events with a duplicated cellId (invalid input, io::validate refuses them) fall back to a sort
  // of the unique keys cellId << 32 | index, i.e. duplicates in input order.
  std::vector<std::uint32_t> origin(n);
  for_each(ne, [&](std::uint64_t e) {
    const std::uint64_t b = digits.begin(e), end = digits.end(e);
    std::uint64_t bits[ecl::cell_map_words] = {};
    bool duplicates = false;
    for (std::uint64_t i = b; i < end; ++i) {
      const int c = digits.cell_id[i] - 1;
      const std::uint64_t bit = std::uint64_t(1) << (c & 63);
      duplicates |= (bits[c >> 6] & bit) != 0;
      bits[c >> 6] |= bit;
    }
    if (!duplicates) {
      std::uint32_t below[ecl::cell_map_words];
      std::uint32_t sum = 0;
      for (int k = 0; k < ecl::cell_map_words; ++k) below[k] = sum, sum += std::uint32_t(ecl::popcount64(bits[k]));
      for (std::uint64_t i = b; i < end; ++i) {
        const int c = digits.cell_id[i] - 1;
        const std::uint64_t lower = bits[c >> 6] & ((std::uint64_t(1) << (c & 63)) - 1);
        origin[b + below[c >> 6] + std::uint32_t(ecl::popcount64(lower))] = std::uint32_t(i);
      }
      return;
    }
    thread_local std::vector<std::uint64_t> keys;
    keys.clear();
    for (std::uint64_t i = b; i < end; ++i) keys.push_back(std::uint64_t(digits.cell_id[i]) << 32 | i);
    std::sort(keys.begin(), keys.end());
    for (std::size_t k = 0; k < keys.size(); ++k) origin[b + k] = std::uint32_t(keys[k]);
  });
  std::vector<std::uint16_t> cell(n);
  std::vector<float> energy(n), time(n);
  for_each(n, [&](std::uint64_t i) {
    cell[i] = digits.cell_id[origin[i]], energy[i] = digits.energy[origin[i]], time[i] = digits.time[origin[i]];
  });

  ecl::ClusteringWorkspace w{};
  w.opt = options;
  w.geo = geometry.view();
  w.events = digits.ranges();
  w.cell = span_of(std::as_const(cell)), w.energy = span_of(std::as_const(energy));
  w.time = span_of(std::as_const(time)), w.origin = span_of(std::as_const(origin));
  std::vector<std::int32_t> parent(n), label(n);
  std::vector<std::uint8_t> is_maximum(n);
  std::vector<std::uint64_t> n_regions(ne), n_showers(ne);
  std::vector<std::uint64_t> map_bits(ne * ecl::cell_map_words);
  std::vector<std::uint16_t> map_rank(ne * ecl::cell_map_words);
  std::vector<std::uint8_t> map_dense(ne);
  std::vector<std::int32_t> region_digits(n);
  w.map = {sp(map_bits), sp(map_rank), sp(map_dense)};
  w.region_digits = sp(region_digits);
  w.parent = sp(parent), w.label = sp(label), w.is_maximum = sp(is_maximum);
  w.n_regions = sp(n_regions), w.n_showers = sp(n_showers);

  // Regions and local maxima.
  for_each(ne, ecl::ConnectedRegionStep{w});
  ecl::ClusteringResult res;
  res.region_offsets = offsets_of(n_regions);
  const std::uint64_t nr = res.region_offsets.back();
  std::vector<std::uint32_t> region_event(nr), region_size(nr);
  std::vector<std::uint64_t> region_first(nr);
  std::vector<std::uint16_t> region_n_maxima(nr);
  std::vector<std::uint64_t> region_n_candidates(nr);
  std::vector<std::uint8_t> region_status(nr);
  w.region_offsets = span_of(std::as_const(res.region_offsets));
  w.region_event = sp(region_event), w.region_n_maxima = sp(region_n_maxima);
  w.region_first = sp(region_first), w.region_size = sp(region_size);
  w.region_n_candidates = sp(region_n_candidates), w.region_status = sp(region_status);
  for_each(ne, ecl::RegionDigitsStep{w});
  for_each(nr, ecl::LocalMaximumStep{w, nr});

  // Splitter and candidate showers.
  const std::vector<std::uint64_t> candidate_offsets = offsets_of(region_n_candidates);
  const std::uint64_t nc = candidate_offsets.back();
  std::vector<std::uint32_t> cand_region(nc);
  std::vector<std::int32_t> cand_maximum(nc), cand_rank(nc);
  std::vector<double> cand_maximum_energy(nc), cand_x(nc), cand_y(nc), cand_z(nc), cand_energy(nc);
  std::vector<std::uint8_t> cand_status(nc);
  w.candidate_offsets = span_of(candidate_offsets);
  w.cand_region = sp(cand_region), w.cand_maximum = sp(cand_maximum), w.cand_rank = sp(cand_rank);
  w.cand_maximum_energy = sp(cand_maximum_energy), w.cand_x = sp(cand_x), w.cand_y = sp(cand_y);
  w.cand_z = sp(cand_z), w.cand_energy = sp(cand_energy), w.cand_status = sp(cand_status);
  for_each(nr, ecl::SplitterStep{w, nr});
  ecl::EclShowers candidates;  // one row per candidate
  candidates.resize(nc);
  for_each(nc, ecl::ShowerStep{w, ecl::view(candidates), nc});
  for_each(ne, ecl::ShowerRankStep{w});

  // Kept showers: the candidate rows, compacted in place from the first dropped one (a global step,
  // like the sort; the CUDA backend runs ecl::CompactShowersStep instead). Drops are rare.
  std::vector<std::uint64_t> shower_offsets = offsets_of(n_showers);
  w.shower_offsets = span_of(std::as_const(shower_offsets));
  const std::uint64_t first_drop = std::uint64_t(std::find(cand_rank.begin(), cand_rank.end(), -1) - cand_rank.begin());
  candidates.for_each_column([&](const char*, auto& col) {
    std::uint64_t to = first_drop;
    for (std::uint64_t c = first_drop; c < nc; ++c)
      if (cand_rank[c] >= 0) col[to++] = col[c];
    col.resize(to);
  });
  res.showers = std::move(candidates);
  res.showers.event_offsets = std::move(shower_offsets);
  res.digit_region.resize(n), res.digit_is_maximum.resize(n);
  for_each(n, ecl::DigitResultStep{w, sp(res.digit_region), sp(res.digit_is_maximum)});

  // Summary.
  ecl::ClusteringSummary& s = res.summary;
  s.n_events = ne, s.n_digits = n, s.n_regions = nr, s.n_showers = res.showers.size();
  s.n_dropped_showers = nc - s.n_showers;
  for (std::uint64_t r = 0; r < nr; ++r) {
    s.n_local_maxima += region_n_maxima[r];
    s.n_capped_regions += (region_status[r] & ecl::status_capped_maxima) != 0;
    s.n_unconverged += (cand_status[candidate_offsets[r]] & ecl::status_unconverged) != 0;
  }
  for (std::uint64_t c = 0; c < nc; ++c) s.n_window_overflows += (cand_status[c] & ecl::status_window_overflow) != 0;
  s.backend = "cpu (" + std::to_string(thread_count()) + " threads)";
  s.total_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
  return res;
}

}  // namespace umbra::cpu
