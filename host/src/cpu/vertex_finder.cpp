#include "umbra/cpu/vertex_finder.hpp"

#include <algorithm>
#include <chrono>
#include <memory>
#include <numeric>
#include <utility>

#include "umbra/core/error.hpp"
#include "umbra/core/uninitialized_vector.hpp"
#include "umbra/vertex/pair_steps.hpp"
#include "vertex_candidates.hpp"

namespace umbra::cpu {

namespace {
/// The cheap per-event and per-row steps (a few ns per item) run on the calling thread: an OpenMP
/// region each would cost more than the work, and on a loaded machine every region's barrier can
/// wait for a descheduled thread. Only the pair fit is spread over the cores.
template <class Step>
void serial(std::uint64_t n, const Step& step) {
  for (std::uint64_t i = 0; i < n; ++i) step(i);
}

/// Pairs per unit of work of the pair fit. Each chunk fits its pairs into a scratch of this many
/// rows (per thread, reused: ~200 kB, cache-resident) and keeps only its accepted rows, so no row
/// storage for all pairs is allocated, zeroed and page-faulted per call (~12 MB for 120k pairs).
/// Fixed, so the chunks and the row order do not depend on the thread count.
constexpr std::uint64_t pairs_per_chunk = 2048;

template <class T>
Span<T> sub(Span<T> s, std::uint64_t b, std::uint64_t n) {
  return {s.data + b, n};
}

// The per-pair arrays are written in full by the steps: not zeroed first (3 MB per call for the
// 120k-pair benchmark batch, a serial memset and fresh pages every call).
template <class T>
using scratch_vector = uninitialized_vector<T>;
using umbra::span_of;
template <class T>
Span<T> span_of(scratch_vector<T>& v) {
  return {v.data(), v.size()};
}
template <class T>
Span<const T> span_of(const scratch_vector<T>& v) {
  return {v.data(), v.size()};
}
}  // namespace

vertex::Result find_vertices(const vertex::TrackParamsView& tracks, const vertex::Options& options) {
  using namespace vertex;
  if (const std::string e = options.validate(); !e.empty()) throw OptionsError("vertex options: " + e);
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t ne = tracks.events.n_events();

  scratch_vector<std::uint64_t> counts(ne);
  std::vector<std::uint64_t> pair_offsets(ne + 1, 0);
  serial(ne, CountPairsStep{tracks, span_of(counts)});
  std::inclusive_scan(counts.begin(), counts.end(), pair_offsets.begin() + 1);
  const std::uint64_t np = pair_offsets[ne];

  // The pair list: global track indices and, for the output rows, the indices inside the event.
  scratch_vector<std::uint32_t> first(np), second(np);
  scratch_vector<std::int32_t> track_pos(np), track_neg(np);
  VerticesView pair_tracks{};
  pair_tracks.track_pos = span_of(track_pos), pair_tracks.track_neg = span_of(track_neg);
  serial(ne, FillPairsStep{tracks, span_of(std::as_const(pair_offsets)), span_of(first), span_of(second), pair_tracks});

  // The pair fit, chunk by chunk; parts[c] receives the accepted rows of chunk c in pair order.
  scratch_vector<std::uint8_t> status(np);
  const std::uint64_t n_chunks = (np + pairs_per_chunk - 1) / pairs_per_chunk;
  std::vector<Vertices> parts(n_chunks);
#pragma omp parallel
  {
    Vertices scratch;
    scratch.resize(std::min(np, pairs_per_chunk));
    const VerticesView sv = view(scratch);
    std::unique_ptr<vertex_lanes::BlockScratch> block(new vertex_lanes::BlockScratch);  // not zeroed
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t c = 0; c < static_cast<std::int64_t>(n_chunks); ++c) {
      const std::uint64_t b = std::uint64_t(c) * pairs_per_chunk, n = std::min(pairs_per_chunk, np - b);
      // The step sees the chunk's pairs as items 0..n-1 and writes scratch rows 0..n-1.
      const FitPairStep step{tracks, options, sub(span_of(std::as_const(first)), b, n),
                             sub(span_of(std::as_const(second)), b, n), sv, sub(span_of(status), b, n)};
      // Block by block: a block's closest-approach searches run together in SIMD lanes.
      for (std::uint64_t k = 0; k < n; k += vertex_lanes::pairs_per_block)
        vertex_lanes::fit_block(step, k, int(std::min<std::uint64_t>(vertex_lanes::pairs_per_block, n - k)), *block);
      std::uint64_t kept = 0;
      for (std::uint64_t k = 0; k < n; ++k) kept += status[b + k] == std::uint8_t(PairStatus::accepted);
      parts[c].resize(kept);
      const VerticesView pv = view(parts[c]);
      for (std::uint64_t k = 0, j = 0; k < n; ++k) {
        if (status[b + k] != std::uint8_t(PairStatus::accepted)) continue;
        sv.track_pos[k] = track_pos[b + k], sv.track_neg[k] = track_neg[b + k];
        pv.copy_row(sv, k, j++);
      }
    }
  }

  // Output rows: row[k] = accepted pairs before pair k (for the event offsets), parts in order.
  scratch_vector<std::uint64_t> row(np + 1);
  row[0] = 0;
  for (std::uint64_t k = 0; k < np; ++k) row[k + 1] = row[k] + (status[k] == std::uint8_t(PairStatus::accepted));
  Result r;
  r.vertices.resize(row[np]);
  r.vertices.event_offsets.assign(ne + 1, 0);
  const VerticesView out = view(r.vertices);
  std::uint64_t at = 0;
  for (Vertices& part : parts) {
    const VerticesView pv = view(part);
    for (std::uint64_t k = 0; k < part.size(); ++k) out.copy_row(pv, k, at + k);
    at += part.size();
  }
  serial(ne + 1, VertexOffsetsStep{span_of(std::as_const(pair_offsets)), span_of(std::as_const(row)),
                                     span_of(r.vertices.event_offsets)});

  Summary& s = r.summary;
  s.events = ne, s.tracks = tracks.size(), s.pairs = np, s.vertices = row[np];
  for (std::uint8_t st : status) ++s.by_status[st];
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace umbra::cpu
