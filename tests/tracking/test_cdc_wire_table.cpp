// The CDC wire table (core: make_cdc_wire_table; CPU backend: the cached cpu::cdc_wire_table) holds
// exactly TrackerGeometry::wire's floats, the cache tells geometries apart by the parameters that
// place the wires, and the CPU fit with the table gives the on-the-fly fit's outputs bit for bit.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "tracking/track_samples.hpp"
#include "umbra/cpu/cdc_wire_table.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/geometry/cdc_wire_table.hpp"

namespace umbra::test {
namespace {

using tracker::CdcWire;

bool same_bits(const CdcWire& a, const CdcWire& b) { return std::memcmp(&a, &b, sizeof(CdcWire)) == 0; }

// Number of wires of g whose table entry differs from TrackerGeometry::wire in any bit.
int mismatches(const tracker::TrackerGeometry& g, const tracker::CdcWireTable& t) {
  const tracker::CdcWireTableView v = tracker::view(t);
  int bad = 0;
  for (int l = 0; l < tracker::n_cdc_layers; ++l)
    for (int w = 0; w < g.cdc[l].n_wires; ++w) {
      CdcWire ref;
      g.wire(l, w, ref.x, ref.y, ref.dx, ref.dy, ref.dz);
      bad += !same_bits(v.at(l, w), ref);
    }
  return bad;
}

TEST(CdcWireTable, EveryWireEqualsTrackerGeometryWireBitForBit) {
  const tracker::TrackerGeometry g = tracker::belle2_tracker();
  const tracker::CdcWireTable t = tracker::make_cdc_wire_table(g);
  ASSERT_EQ(t.rows.size(), std::size_t(tracker::n_cdc_wires));
  for (int l = 0; l < tracker::n_cdc_layers; ++l) EXPECT_EQ(t.layer_row[l], g.cdc[l].first_wire) << "layer " << l;
  EXPECT_EQ(mismatches(g, t), 0);
}

TEST(CdcWireTable, RowsFollowNWiresOfAnEditedGeometry) {
  tracker::TrackerGeometry g = tracker::belle2_tracker();
  g.cdc[3].n_wires = 170;  // first_wire of the later layers left stale on purpose
  g.cdc[40].radius += 0.5f;
  tracker::set_stereo(g.cdc[40], 0.1f);
  const tracker::CdcWireTable t = tracker::make_cdc_wire_table(g);
  EXPECT_EQ(t.rows.size(), std::size_t(tracker::n_cdc_wires + 10));
  EXPECT_EQ(t.layer_row[4], t.layer_row[3] + 170);
  EXPECT_EQ(mismatches(g, t), 0);
}

TEST(CdcWireTable, CacheKeysOnTheWireParametersExactly) {
  const tracker::TrackerGeometry g = tracker::belle2_tracker();
  const auto a = cpu::cdc_wire_table(g);
  EXPECT_EQ(cpu::cdc_wire_table(tracker::belle2_tracker()).get(), a.get());  // equal geometry: same table

  tracker::TrackerGeometry other = g;  // parameters that do not place wires: same table
  other.cdc[5].z_max -= 1, other.cdc_sigma *= 2, other.pxd[0].radius += 0.1f;
  EXPECT_EQ(cpu::cdc_wire_table(other).get(), a.get());

  tracker::TrackerGeometry moved = g;  // one wire parameter changed: a new table of the new wires
  moved.cdc[20].phi0 += 1e-3f;
  const auto b = cpu::cdc_wire_table(moved);
  EXPECT_NE(b.get(), a.get());
  EXPECT_EQ(mismatches(moved, *b), 0);
  CdcWire wa, wb;
  wa = tracker::view(*a).at(20, 7), wb = tracker::view(*b).at(20, 7);
  EXPECT_FALSE(same_bits(wa, wb));
  EXPECT_TRUE(same_bits(tracker::view(*a).at(19, 7), tracker::view(*b).at(19, 7)));

  tracker::TrackerGeometry signed_zero = g;  // -0 == +0, but the wires' bits differ: a new table
  ASSERT_EQ(g.cdc[0].phi0, 0.0f);
  signed_zero.cdc[0].phi0 = -0.0f;
  EXPECT_NE(cpu::cdc_wire_table(signed_zero).get(), cpu::cdc_wire_table(g).get());

  EXPECT_EQ(mismatches(g, *cpu::cdc_wire_table(g)), 0);  // back to the first geometry
  EXPECT_EQ(mismatches(g, *a), 0);                      // a held table outlives its cache entry
}

// All output columns of a fit, as bytes.
std::vector<std::string> bytes_of(const track::FitResult& r) {
  std::vector<std::string> out;
  auto add = [&out](const auto& v) {
    out.emplace_back(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(v[0]));
  };
  r.tracks.for_each_column([&add](const char*, const auto& v) { add(v); });
  add(r.hit_weight), add(r.hit_sign);
  return out;
}

TEST(CdcWireTable, CpuFitWithTheTableEqualsTheFitWithoutIt) {
  const tracker::TrackerGeometry geo = tracker::belle2_tracker();
  const TrackerHits h = simulate_hits(geo, muon_gun(300, 0.2, 5.0, 20.0, 150.0, 91), {}, 92);
  const track::FitOptions o;
  cpu::set_thread_count(1);
  const track::FitResult with_table = cpu::fit_tracks(geo, h, o, cpu::TrackFitCode::scalar);
  // the same step as the CPU backend's, with no table: every wire computed per hit (as on CUDA)
  const track::TrackCandidates cand = track::group_hits(h);
  track::FitResult computed = cpu::make_fit_result(cand, h.size());
  const track::FitTrackStep step{geo, o, umbra::view(h), track::view(cand), cpu::view(computed)};
  ASSERT_TRUE(step.wires.empty());
  cpu::for_each(cand.size(), step);
  cpu::set_thread_count(0);
  int ok = 0;
  for (std::uint8_t s : with_table.tracks.status) ok += s == std::uint8_t(track::FitStatus::ok);
  EXPECT_GT(ok, 280);
  EXPECT_EQ(bytes_of(with_table), bytes_of(computed));
}

}  // namespace
}  // namespace umbra::test
