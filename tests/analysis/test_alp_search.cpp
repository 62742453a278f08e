// The search chain recovers injected signals: simulate ggg background + ALP signal at three masses,
// cluster, select and scan at those masses; the yield must match efficiency x sigma x L within
// 2 sigma(N) and be significant in the nominal fit. (The e+e- and gamma gamma backgrounds select ~no events here and
// are left out to keep the test fast; the demo job runs them.)
#include <gtest/gtest.h>

#include <cmath>

#include "umbra/analysis/alp_calibration.hpp"
#include "umbra/analysis/alp_search.hpp"
#include "umbra/sim/simulate.hpp"

using namespace umbra;

TEST(AlpSearch, InjectedSignalsAreRecoveredWithTheRightYield) {
  analysis::AlpSearchOptions opt;
  opt.lumi = 100;
  opt.backgrounds = {"ggg"};
  opt.signals = {{0.5, 3e-3}, {2.0, 3e-3}, {4.5, 3e-3}};
  opt.scan.masses = {0.5, 2.0, 4.5};
  opt.seed = 3;
  const scan::SignalTable table = analysis::default_alp_signal_table();
  const auto r = analysis::run_alp_search(opt, table);
  ASSERT_EQ(r.scan.mass.size(), 3u);
  for (std::size_t k = 0; k < 3; ++k) {
    const double m = opt.signals[k].mass;
    const double expected = table.at(m).efficiency * double(r.processes[1 + k].generated);
    const double n = r.scan.n_sig[k], err = r.scan.n_sig_err[k];
    EXPECT_GT(err, 0) << "m = " << m;
    EXPECT_LT(std::fabs(n - expected), 2 * err) << "m = " << m << ": N " << n << " +- " << err << ", expected "
                                                 << expected;
    // The nominal variant sees it clearly (the reported significance is the smallest over the
    // systematic variants, where a widened polynomial can absorb part of a peak in sparse data).
    const auto& nominal = r.scan.jobs[k * r.scan.variants.size()];
    // At 4.5 GeV the injected yield (eff x generated ~ 41 correctly paired candidates) sits on ~240
    // background candidates per GeV^2 with sigma(M^2) ~ 0.56 GeV^2: sigma(N) ~ 22 from the background
    // alone, ~26 with the order-4 polynomial profiled, so the expected Z is ~1.6 and only the yield
    // is asserted there.
    if (m < 4) {
      EXPECT_GT(nominal.significance, 3.0) << "m = " << m;
    }
  }
}

// Bhabha events that pass every photon cut (an electron pair showering like photons, plus a
// radiated photon) carry two good tracks: the Kalman-fit veto must remove them all.
TEST(AlpSearch, TrackFitVetoRemovesBhabhaEventsPassingThePhotonCuts) {
  analysis::AlpSearchOptions opt;
  opt.lumi = 0.3;
  opt.backgrounds = {"ee"};
  opt.run_scan = false;
  opt.seed = 4;
  const auto r = analysis::run_alp_search(opt, analysis::default_alp_signal_table());
  const auto& ee = r.processes[0];
  EXPECT_GT(ee.fitted_events, 20u) << r.brief();  // what would pass without the veto
  EXPECT_GE(double(ee.vetoed_events), 0.99 * double(ee.fitted_events)) << r.brief();
  EXPECT_EQ(ee.selected_events, ee.fitted_events - ee.vetoed_events) << r.brief();
}
