// The committed ALP signal table (data/calibration/alp_signal_table.csv, from `umbra calibrate
// alp`): the selection efficiency sits in the tens of percent and the M^2 resolution varies
// smoothly with mass, as a table interpolated by the scan must.
#include <gtest/gtest.h>

#include <cmath>

#include "umbra/analysis/alp_calibration.hpp"

using namespace umbra;

TEST(AlpSignalTable, EfficiencyInTheTensOfPercent) {
  const scan::SignalTable t = analysis::default_alp_signal_table();
  ASSERT_GE(t.rows().size(), 20u);
  EXPECT_GT(t.at(1.0).efficiency, 0.2);
  EXPECT_LT(t.at(1.0).efficiency, 0.8);
  for (const auto& r : t.rows()) {
    EXPECT_GT(r.efficiency, 0.1) << "m = " << r.mass;
    EXPECT_LT(r.efficiency, 0.9) << "m = " << r.mass;
  }
}

// The relative width sigma(M^2)/m^2 of the fitted peak: a few percent, and no jump between
// neighbouring masses beyond what the change of observable at 6.85 GeV (M^2_gg -> M^2_recoil) gives.
TEST(AlpSignalTable, MassResolutionIsSmoothInMass) {
  const scan::SignalTable table = analysis::default_alp_signal_table();
  const auto& rows = table.rows();
  for (std::size_t i = 0; i < rows.size(); ++i) {
    const double rel = rows[i].sigma / (rows[i].mass * rows[i].mass);
    EXPECT_GT(rel, 0.003) << "m = " << rows[i].mass;
    EXPECT_LT(rel, 0.10) << "m = " << rows[i].mass;
    if (i == 0 || rows[i].mass > 6.8) continue;  // M^2_recoil above the switch: its own smooth curve
    const double prev = rows[i - 1].sigma / (rows[i - 1].mass * rows[i - 1].mass);
    EXPECT_LT(std::fabs(std::log(rel / prev)), std::log(1.5)) << "m = " << rows[i - 1].mass << " -> " << rows[i].mass;
  }
  for (std::size_t i = 1; i < rows.size(); ++i)
    if (rows[i - 1].mass > 6.8) {  // sigma(M^2_recoil) shrinks as the recoil photon's energy falls
      EXPECT_LT(rows[i].sigma, rows[i - 1].sigma) << "m = " << rows[i].mass;
    }
}
