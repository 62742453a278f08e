// CPU instantiation of the vertex-finder tests (body in tests/common), plus option validation.
#include "common/vertex_finder_tests.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/vertex_finder.hpp"

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
}  // namespace umbra::test
