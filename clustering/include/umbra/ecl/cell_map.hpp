#pragma once
// Per-event cellId -> digit look-up in O(1): a bitmap of the event's crystals (137 words of 64
// bits) and, per word, the number of the event's digits below it. The digit of cell c is then
//   begin(e) + rank[word] + popcount(bits[word] below c's bit).
// 1.4 kB per event (a dense 8736-entry index array would be 17 kB, too much for batches of 1e5
// events); most neighbour look-ups of sparse background digits are misses answered by one bit.
// Events with a duplicated cellId (refused by the file reader, possible through the API) keep the
// binary search over the sorted digits: `dense[e]` is 0 for them.

#include <cstdint>

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/span.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::ecl {

inline constexpr int cell_map_words = (n_crystals + 63) / 64;

/// Bits set in x (portable: no intrinsic, so host and device share it and no -mpopcnt is needed).
UMBRA_HD inline int popcount64(std::uint64_t x) {
  x = x - ((x >> 1) & 0x5555555555555555ull);
  x = (x & 0x3333333333333333ull) + ((x >> 2) & 0x3333333333333333ull);
  x = (x + (x >> 4)) & 0x0f0f0f0f0f0f0f0full;
  return static_cast<int>((x * 0x0101010101010101ull) >> 56);
}

struct CellMap {
  Span<std::uint64_t> bits;   ///< n_events * cell_map_words
  Span<std::uint16_t> rank;   ///< n_events * cell_map_words: digits of the event below the word
                              ///< (set for words holding digits only)
  Span<std::uint8_t> dense;   ///< per event: 1 when the map is valid (no duplicate cellId)

  /// Per event (digits sorted by cellId in [b, end)): fills the event's words.
  UMBRA_HD void build(std::uint64_t e, const std::uint16_t* cell, std::uint64_t b, std::uint64_t end) const {
    std::uint64_t* w = bits.data + e * cell_map_words;
    std::uint16_t* r = rank.data + e * cell_map_words;
    for (int k = 0; k < cell_map_words; ++k) w[k] = 0;
    bool ok = true;
    int last_word = -1;
    for (std::uint64_t i = b; i < end; ++i) {
      const int c = cell[i] - 1;
      if (i > b && cell[i] == cell[i - 1]) ok = false;
      w[c >> 6] |= std::uint64_t(1) << (c & 63);
      // The first digit of a word: its offset is the digits below the word. Words without digits
      // keep stale ranks, never read (offset() answers -1 from the bit first).
      if ((c >> 6) != last_word) last_word = c >> 6, r[last_word] = static_cast<std::uint16_t>(i - b);
    }
    dense[e] = ok ? 1 : 0;
  }

  /// Offset of cell_id's digit from the event's first digit, or -1 when absent. Only for events
  /// with dense[e] == 1.
  UMBRA_HD std::int32_t offset(std::uint64_t e, int cell_id) const {
    const int c = cell_id - 1;
    const std::uint64_t word = bits[e * cell_map_words + (c >> 6)];
    const std::uint64_t below = word & ((std::uint64_t(1) << (c & 63)) - 1);
    if (((word >> (c & 63)) & 1) == 0) return -1;
    return static_cast<std::int32_t>(rank[e * cell_map_words + (c >> 6)]) + popcount64(below);
  }
};

}  // namespace umbra::ecl
