#pragma once
// What a vertex-finder call did: counts per pair outcome and where the time went.

#include <cstdint>
#include <string>

#include "umbra/vertex/options.hpp"
#include "umbra/vertex/vertices.hpp"

namespace umbra::vertex {

struct Summary {
  std::uint64_t events = 0, tracks = 0, pairs = 0, vertices = 0;
  std::uint64_t by_status[int(PairStatus::count)] = {};
  double seconds = 0;  // wall time of the call (host clock)

  std::uint64_t count(PairStatus s) const { return by_status[int(s)]; }
  /// "vertex: 1000 events, 4000 tracks, 4000 pairs -> 812 vertices (fit failed 0, doca 12, ...) 3.1 ms"
  std::string brief() const;
};

struct Result {
  Vertices vertices;
  Summary summary;
};

}  // namespace umbra::vertex
