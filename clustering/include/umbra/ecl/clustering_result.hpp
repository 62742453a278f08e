#pragma once
// What a clustering call returns, on every backend.

#include <cstdint>
#include <vector>

#include "umbra/ecl/showers.hpp"

namespace umbra::ecl {

struct ClusteringResult {
  EclShowers showers;                          ///< the /ecl/showers group
  std::vector<std::int32_t> digit_region;      ///< per input digit: event-local region, -1 if none
  std::vector<std::uint8_t> digit_is_maximum;  ///< per input digit: 1 for a local maximum
  std::vector<std::uint64_t> region_offsets;   ///< regions per event (n_events + 1)
  ClusteringSummary summary;
};

}  // namespace umbra::ecl
