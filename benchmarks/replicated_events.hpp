#pragma once
// A GPU needs ~1e5 tracks or pairs in one launch to fill: the benchmarks reach that size by
// repeating a simulated sample's events instead of simulating (CPU-bound) many more.

#include <numeric>
#include <vector>

#include "umbra/core/gather_events.hpp"

namespace umbra::bench {

template <class Group>
Group replicated_events(const Group& g, int copies) {
  std::vector<std::uint64_t> events(g.n_events());
  std::iota(events.begin(), events.end(), std::uint64_t(0));
  std::vector<std::uint64_t> all;
  all.reserve(events.size() * std::size_t(copies));
  for (int c = 0; c < copies; ++c) all.insert(all.end(), events.begin(), events.end());
  return gather_events(g, all);
}

}  // namespace umbra::bench
