// Tracker geometry against reference/belle2.md.
#include <gtest/gtest.h>

#include <cmath>

#include "umbra/geometry/tracker_geometry.hpp"

using namespace umbra::tracker;

TEST(TrackerGeometry, CdcHas14336WiresIn56Layers) {
  const TrackerGeometry g = belle2_tracker();
  int wires = 0;
  for (int l = 0; l < n_cdc_layers; ++l) {
    EXPECT_EQ(g.cdc[l].first_wire, wires);
    wires += g.cdc[l].n_wires;
  }
  EXPECT_EQ(wires, n_cdc_wires);
  EXPECT_NEAR(g.cdc[0].radius, 16.80, 1e-4);
  EXPECT_NEAR(g.cdc[55].radius, 111.14, 1e-3);
  for (int l = 1; l < n_cdc_layers; ++l) EXPECT_GT(g.cdc[l].radius, g.cdc[l - 1].radius);
}

TEST(TrackerGeometry, SuperlayersAreAUAVAUAVA) {
  const TrackerGeometry g = belle2_tracker();
  const int sign[9] = {0, 1, 0, -1, 0, 1, 0, -1, 0};
  for (int l = 0; l < n_cdc_layers; ++l) {
    const int sl = g.cdc[l].superlayer;
    const float st = g.cdc[l].stereo;
    if (sign[sl] == 0) EXPECT_EQ(st, 0.0f);
    else EXPECT_GT(sign[sl] * st, 0.058f) << "layer " << l;
  }
  EXPECT_EQ(g.cdc[7].superlayer, 0);
  EXPECT_EQ(g.cdc[8].superlayer, 1);
  EXPECT_EQ(g.cdc[55].superlayer, 8);
}

TEST(TrackerGeometry, WireDirectionIsUnitAndTiltedByStereo) {
  const TrackerGeometry g = belle2_tracker();
  float x, y, dx, dy, dz;
  g.wire(10, 17, x, y, dx, dy, dz);  // superlayer 1: stereo U
  EXPECT_NEAR(std::hypot(x, y), g.cdc[10].radius, 1e-4);
  EXPECT_NEAR(dx * dx + dy * dy + dz * dz, 1.0f, 1e-6);
  EXPECT_NEAR(std::atan2(std::hypot(dx, dy), dz), std::fabs(g.cdc[10].stereo), 1e-5);
  EXPECT_NEAR(x * dx + y * dy, 0.0f, 1e-4);  // tilt is tangential
}

TEST(TrackerGeometry, SiliconLayers) {
  const TrackerGeometry g = belle2_tracker();
  EXPECT_NEAR(g.pxd[0].radius, 1.421, 1e-4);
  EXPECT_NEAR(g.svd[3].radius, 13.515, 1e-4);
  EXPECT_FLOAT_EQ(g.b_field, 1.5f);
  EXPECT_NEAR(g.beam_pipe.x_over_x0, 0.0079, 1e-6);
}
