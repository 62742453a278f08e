#pragma once
// A group (digits, hits, showers, tracks, ...) restricted to some of its events, in the given order:
// the batch that a later, costlier step needs only for the events an earlier one kept.

#include <cstdint>
#include <string_view>
#include <type_traits>
#include <vector>

namespace umbra {

template <class Group>
Group gather_events(const Group& in, const std::vector<std::uint64_t>& events) {
  Group out;
  out.event_offsets.assign(1, 0);
  out.event_offsets.reserve(events.size() + 1);
  for (std::uint64_t e : events) out.event_offsets.push_back(out.event_offsets.back() + in.count(e));
  // Columns are matched by name (every group visits its columns in one fixed order).
  out.for_each_column([&](const char* name, auto& dst) {
    in.for_each_column([&](const char* src_name, const auto& src) {
      if constexpr (std::is_same_v<std::decay_t<decltype(dst)>, std::decay_t<decltype(src)>>) {
        if (std::string_view(name) != src_name) return;
        dst.reserve(out.event_offsets.back());
        for (std::uint64_t e : events) dst.insert(dst.end(), src.begin() + in.begin(e), src.begin() + in.end(e));
      }
    });
  });
  return out;
}

}  // namespace umbra
