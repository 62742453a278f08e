// ECL geometry against reference/belle2.md: ring sizes, region boundaries, neighbour tables, ring theta.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <numeric>

#include "umbra/core/units.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

using namespace umbra;
using namespace umbra::ecl;

namespace {
const EclGeometry& geometry() {
  static const EclGeometry g;
  return g;
}
bool contains(Span<const std::uint16_t> s, int id) { return std::find(s.begin(), s.end(), id) != s.end(); }
}  // namespace

TEST(EclGeometry, RingSizesSumTo8736) {
  EXPECT_EQ(std::accumulate(crystals_per_ring.begin(), crystals_per_ring.end(), 0), 8736);
  EXPECT_EQ(geometry().view().theta_id.size, 8736u);
}

TEST(EclGeometry, RegionBoundariesByCellId) {
  const auto v = geometry().view();
  auto region = [&](int cell) { return Region(v.region[cell - 1]); };
  EXPECT_EQ(region(1), Region::Forward);
  EXPECT_EQ(region(1152), Region::Forward);
  EXPECT_EQ(region(1153), Region::Barrel);
  EXPECT_EQ(region(7776), Region::Barrel);
  EXPECT_EQ(region(7777), Region::Backward);
  EXPECT_EQ(region(8736), Region::Backward);
  EXPECT_EQ(v.theta_id[1152 - 1], 12);
  EXPECT_EQ(v.theta_id[1153 - 1], 13);
  EXPECT_EQ(v.theta_id[7777 - 1], 59);
  EXPECT_EQ(v.theta_id[8736 - 1], 68);
}

TEST(EclGeometry, CellIdRoundTrip) {
  const auto v = geometry().view();
  for (int cell = 1; cell <= n_crystals; ++cell)
    ASSERT_EQ(v.cell_id(v.theta_id[cell - 1], v.phi_id[cell - 1]), cell);
  EXPECT_EQ(v.cell_id(13, 144), v.cell_id(13, 0));  // phi wraps
  EXPECT_EQ(v.cell_id(13, -1), v.cell_id(13, 143));
}

TEST(EclGeometry, RingThetaMatchesReference) {
  const auto v = geometry().view();
  const std::pair<int, double> ref[] = {{13, 32.94}, {41, 88.87}, {58, 127.55}};
  for (auto [tid, deg] : ref) EXPECT_NEAR(v.ring_theta[tid] / units::deg, deg, 0.3) << "thetaId " << tid;
  for (int t = 1; t < n_theta_rings; ++t) EXPECT_GT(v.ring_theta[t], v.ring_theta[t - 1]);
}

TEST(EclGeometry, BarrelNeighbourCounts) {
  const auto v = geometry().view();
  for (int cell = 1153; cell <= 7776; ++cell) {
    const int tid = v.theta_id[cell - 1];
    if (tid < 15 || tid > 56) continue;  // windows reaching into the endcaps have other sizes
    ASSERT_EQ(v.n1(cell).size, 9u) << "cell " << cell;
    ASSERT_EQ(v.nc2(cell).size, 21u) << "cell " << cell;
  }
  // Rings adjacent to the endcaps still have 9 crystals in N1 (rings 12/59 have 144 too).
  EXPECT_EQ(v.n1(v.cell_id(13, 10)).size, 9u);
  EXPECT_EQ(v.n1(v.cell_id(58, 10)).size, 9u);
}

TEST(EclGeometry, EveryNeighbourListContainsItsCentre) {
  const auto v = geometry().view();
  for (int cell = 1; cell <= n_crystals; ++cell) {
    ASSERT_TRUE(contains(v.n1(cell), cell)) << "N1 of " << cell;
    ASSERT_TRUE(contains(v.nc2(cell), cell)) << "NC2 of " << cell;
    for (auto c : v.n1(cell)) ASSERT_TRUE(contains(v.nc2(cell), c)) << "N1 within NC2 for " << cell;
  }
}

TEST(EclGeometry, BarrelN1IsSymmetric) {
  const auto v = geometry().view();
  for (int cell = 1153; cell <= 7776; ++cell)
    for (auto n : v.n1(cell))
      if (n >= 1153 && n <= 7776) {
        ASSERT_TRUE(contains(v.n1(n), cell)) << cell << " <-> " << n;
      }
}

TEST(EclGeometry, PhiWrapAroundNeighbours) {
  const auto v = geometry().view();
  const int first = v.cell_id(30, 0), last = v.cell_id(30, 143);
  EXPECT_TRUE(v.are_n1_neighbours(first, last));
  EXPECT_TRUE(v.are_n1_neighbours(last, first));
}

TEST(EclGeometry, BarrelEndcapBoundaryRingsAreAdjacent) {
  const auto v = geometry().view();
  EXPECT_TRUE(v.are_n1_neighbours(v.cell_id(12, 5), v.cell_id(13, 5)));
  EXPECT_TRUE(v.are_n1_neighbours(v.cell_id(58, 5), v.cell_id(59, 5)));
}

TEST(EclGeometry, PositionsOnTheFrontFaces) {
  const auto v = geometry().view();
  for (int cell = 1; cell <= n_crystals; ++cell) {
    const int k = cell - 1;
    const double r = std::hypot(v.front_x[k], v.front_y[k]);
    switch (Region(v.region[k])) {
      case Region::Barrel: {
        ASSERT_NEAR(r, 125.16, 1e-3);
        break;
      }
      case Region::Forward: {
        ASSERT_NEAR(v.front_z[k], 196.0, 1e-3);
        break;
      }
      case Region::Backward: {
        ASSERT_NEAR(v.front_z[k], -102.0, 1e-3);
        break;
      }
    }
    const double n = std::sqrt(v.axis_x[k] * v.axis_x[k] + v.axis_y[k] * v.axis_y[k] + v.axis_z[k] * v.axis_z[k]);
    ASSERT_NEAR(n, 1.0, 1e-6);
    ASSERT_NEAR(std::acos(v.axis_z[k]), v.theta[k], 1e-5);
  }
}

TEST(EclGeometry, CellAtFindsTheCrystalOnItsAxis) {
  const auto& g = geometry();
  const auto v = g.view();
  for (int cell = 1; cell <= n_crystals; cell += 7) ASSERT_EQ(g.cell_at(v.theta[cell - 1], v.phi[cell - 1]), cell);
  EXPECT_EQ(g.cell_at(31.8 * units::deg, 0.1), 0);  // gap between forward endcap and barrel
  EXPECT_EQ(g.cell_at(5 * units::deg, 0.1), 0);     // beam-pipe hole
}
