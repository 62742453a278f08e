// track::group_hits: the hits of each event grouped by track_id (noise, -1, left out), each track's
// hits outward (PXD, SVD, CDC, then layer, then input index), whether the input is already in that
// order (taken as it is) or not (sorted); both paths give the same candidates.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "umbra/track/tracks.hpp"

namespace {
using namespace umbra;

struct Hit {
  int detector, layer, track;
};

TrackerHits make_hits(const std::vector<std::vector<Hit>>& events) {
  TrackerHits h;
  for (const auto& ev : events) {
    for (const Hit& x : ev) {
      h.detector.push_back(std::uint8_t(x.detector)), h.layer.push_back(std::uint8_t(x.layer));
      h.x.push_back(0), h.y.push_back(0), h.z.push_back(0), h.wire.push_back(-1), h.drift_length.push_back(0);
      h.sigma_rphi.push_back(0), h.sigma_z.push_back(0), h.track_id.push_back(x.track);
    }
    h.close_event();
  }
  return h;
}

TEST(GroupHits, OrderedAndShuffledEventsGiveTrackThenOutwardOrder) {
  const TrackerHits h = make_hits({
      // event 0: already in order, noise in between
      {{1, 0, 0}, {2, 1, 0}, {3, 5, -1}, {3, 7, 0}, {1, 1, 4}, {3, 0, 4}, {3, 0, 4}},
      // event 1: empty
      {},
      // event 2: tracks interleaved, CDC before silicon, a repeated layer
      {{3, 9, 2}, {1, 0, 5}, {3, 2, 2}, {2, 3, 2}, {3, 1, -1}, {3, 4, 5}, {1, 1, 2}, {3, 2, 2}},
      // event 3: only noise
      {{3, 1, -1}},
  });
  const track::TrackCandidates c = track::group_hits(h);
  EXPECT_EQ(c.event_offsets, (std::vector<std::uint64_t>{0, 2, 2, 4, 4}));
  EXPECT_EQ(c.track_id, (std::vector<std::int32_t>{0, 4, 2, 5}));
  EXPECT_EQ(c.hit_offsets, (std::vector<std::uint64_t>{0, 3, 6, 11, 13}));
  // event 0 at 0..6, event 2 at 7..14: track 2 = PXD (13), SVD (10), CDC 2 (9, 14), CDC 9 (7)
  EXPECT_EQ(c.hit_index, (std::vector<std::uint32_t>{0, 1, 3, 4, 5, 6, 13, 10, 9, 14, 7, 8, 12}));
}

}  // namespace
