// CPU instantiation of the vertex-finder tests (body in tests/common), plus option validation.
#include <cstring>

#include "common/vertex_finder_tests.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/vertex_finder.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/vertex/pair_steps.hpp"

namespace umbra::test {
struct CpuVertexFinder {
  static vertex::Result run(const track::Tracks& t, const vertex::Options& o) {
    return cpu::find_vertices(vertex::view_tracks(t), o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, VertexFinderTest, ::testing::Types<CpuVertexFinder>);

TEST(VertexOptions, DefaultsAreValidAndBadFieldsAreNamed) {
  EXPECT_EQ(vertex::Options{}.validate(), "");
  EXPECT_EQ(vertex::Options::displaced().validate(), "");
  vertex::Options o;
  o.max_radius = 0.5;
  EXPECT_NE(o.validate().find("max_radius"), std::string::npos);
  o = {};
  o.ks.lo = 0.6;
  EXPECT_NE(o.validate().find("ks"), std::string::npos);
  o = {};
  o.max_chi2 = -1;
  const track::Tracks none;
  try {
    cpu::find_vertices(vertex::view_tracks(none), o);
    FAIL() << "expected OptionsError";
  } catch (const OptionsError& e) {
    EXPECT_NE(std::string(e.what()).find("max_chi2"), std::string::npos);
  }
}

TEST(VertexFinder, EmptyBatchAndUnusableTracks) {
  track::Tracks t;
  t.close_event();  // empty event
  const Vec<5> p = perigee_of({{10, 0, 0}, {1, 0.2, 0}, 1});
  append_track(t, p, track_covariance(p), 1);
  append_track(t, perigee_of({{10, 0, 0}, {1, -0.2, 0}, -1}), track_covariance(p), -1, /*status*/ 3);
  t.close_event();
  const auto r = cpu::find_vertices(vertex::view_tracks(t), vertex::Options::displaced());
  EXPECT_EQ(r.summary.pairs, 0u);
  EXPECT_EQ(r.vertices.event_offsets, (std::vector<std::uint64_t>{0, 0, 0}));
}

// The CPU backend refines the candidates of many pairs together in SIMD lanes (host/src/cpu/
// vertex_candidates.hpp); the per-pair path (FitPairStep::fit, the CUDA kernel's) refines them one
// by one. Every pair's outcome and every column of every vertex must be the same bit for bit.
TEST(VertexFinder, CpuBackendEqualsPerPairPath) {
  const auto tracks = scalar_batch(2000, 0.5, 41, nullptr);
  const auto v = vertex::view_tracks(tracks);
  for (const bool material : {false, true}) {
    SCOPED_TRACE(material ? "with track material" : "without track material");
    auto o = vertex::Options::displaced();
    if (material) o.track_material = vertex::track_material(tracker::belle2_tracker(), track::Hypothesis::muon);
    const auto r = cpu::find_vertices(v, o);

    // The pairs in the backend's order (positive outer, negative inner, per event), each fitted alone.
    std::vector<std::uint32_t> first, second;
    std::vector<std::uint64_t> event_of;
    for (std::uint64_t e = 0; e < v.events.n_events(); ++e)
      for (std::uint64_t i = v.events.begin(e); i < v.events.end(e); ++i)
        for (std::uint64_t j = v.events.begin(e); j < v.events.end(e); ++j)
          if (v.usable(i) && v.usable(j) && v.charge[i] > 0 && v.charge[j] < 0)
            first.push_back(std::uint32_t(i)), second.push_back(std::uint32_t(j)), event_of.push_back(e);
    const std::uint64_t np = first.size();
    ASSERT_EQ(r.summary.pairs, np);
    vertex::Vertices rows;
    rows.resize(np);
    std::vector<std::uint8_t> status(np);
    const vertex::FitPairStep step{v, o, span_of(std::as_const(first)), span_of(std::as_const(second)),
                                   vertex::view(rows), span_of(status)};
    std::uint64_t by_status[int(vertex::PairStatus::count)] = {};
    std::uint64_t kept = 0;
    for (std::uint64_t k = 0; k < np; ++k) {
      step(k);
      ++by_status[status[k]];
      if (status[k] != std::uint8_t(vertex::PairStatus::accepted)) continue;
      ASSERT_LT(kept, r.vertices.size());
      EXPECT_EQ(r.vertices.track_pos[kept], std::int32_t(first[k] - v.events.begin(event_of[k])));
      EXPECT_EQ(r.vertices.track_neg[kept], std::int32_t(second[k] - v.events.begin(event_of[k])));
      int col = 0;
      r.vertices.for_each_column([&](const char* name, const auto& a) {
        int c = 0;
        rows.for_each_column([&](const char*, const auto& b) {
          if (c++ != col || col < 2) return;  // track indices checked above
          EXPECT_EQ(std::memcmp(&a[kept], &b[k], sizeof(a[kept])), 0) << name << " pair " << k;
        });
        ++col;
      });
      ++kept;
    }
    EXPECT_EQ(kept, r.vertices.size());
    for (int s = 0; s < int(vertex::PairStatus::count); ++s) EXPECT_EQ(r.summary.by_status[s], by_status[s]) << s;
  }
}
}  // namespace umbra::test
