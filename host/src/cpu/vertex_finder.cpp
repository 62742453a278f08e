#include "umbra/cpu/vertex_finder.hpp"

#include <chrono>
#include <numeric>
#include <utility>

#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/vertex/pair_steps.hpp"

namespace umbra::cpu {

namespace {
/// The cheap per-event and per-row steps (a few ns per item) run on the calling thread: an OpenMP
/// region each would cost more than the work, and on a loaded machine every region's barrier can
/// wait for a descheduled thread. Only the pair fit is spread over the cores.
template <class Step>
void serial(std::uint64_t n, const Step& step) {
  for (std::uint64_t i = 0; i < n; ++i) step(i);
}
}  // namespace

vertex::Result find_vertices(const vertex::TrackParamsView& tracks, const vertex::Options& options) {
  using namespace vertex;
  if (const std::string e = options.validate(); !e.empty()) throw OptionsError("vertex options: " + e);
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t ne = tracks.events.n_events();

  std::vector<std::uint64_t> counts(ne), pair_offsets(ne + 1, 0);
  serial(ne, CountPairsStep{tracks, span_of(counts)});
  std::inclusive_scan(counts.begin(), counts.end(), pair_offsets.begin() + 1);
  const std::uint64_t np = pair_offsets[ne];

  std::vector<std::uint32_t> first(np), second(np);
  Vertices pairs;
  pairs.resize(np);
  const VerticesView pv = view(pairs);
  serial(ne, FillPairsStep{tracks, span_of(std::as_const(pair_offsets)), span_of(first), span_of(second), pv});
  std::vector<std::uint8_t> status(np);
  for_each(np, FitPairStep{tracks, options, span_of(std::as_const(first)), span_of(std::as_const(second)), pv,
                           span_of(status)});

  std::vector<std::uint64_t> row(np + 1, 0);
  for (std::uint64_t k = 0; k < np; ++k) row[k + 1] = row[k] + (status[k] == std::uint8_t(PairStatus::accepted));
  Result r;
  r.vertices.resize(row[np]);
  r.vertices.event_offsets.assign(ne + 1, 0);
  serial(np, CompactStep{pv, span_of(std::as_const(status)), span_of(std::as_const(row)), view(r.vertices)});
  serial(ne + 1, VertexOffsetsStep{span_of(std::as_const(pair_offsets)), span_of(std::as_const(row)),
                                     span_of(r.vertices.event_offsets)});

  Summary& s = r.summary;
  s.events = ne, s.tracks = tracks.size(), s.pairs = np, s.vertices = row[np];
  for (std::uint8_t st : status) ++s.by_status[st];
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return r;
}

}  // namespace umbra::cpu
