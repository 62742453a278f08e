// The orchestrator: refusals with clear messages, thread-count independence, windows and grid,
// and the output files.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

#include "scan/toy_spectrum.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/scan/scan_io.hpp"

using namespace umbra::scan;

namespace {

Spectrum toy_spectrum(std::uint64_t seed) {
  Spectrum s;
  s.m2_gg = test::standard_toy_values(seed, 150);
  return s;
}

ScanOptions small_grid() {
  ScanOptions o;
  o.masses = {0.9, 0.95, 1.0, 1.05, 1.1};
  return o;
}

template <class E>
std::string message_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  return "<no exception>";
}

}  // namespace

TEST(ScanOrchestrator, WindowsFollowThePublishedProcedure) {
  const SignalTable t = SignalTable::default_table();
  ScanOptions o;
  const Window w = make_window(1.0, {}, t, o);
  const double s = t.at(1.0).sigma;
  EXPECT_EQ(w.observable, Observable::m2_gg);
  EXPECT_NEAR(w.lo, 1.0 - 20 * s, 1e-12);
  EXPECT_NEAR(w.hi, 1.0 + 30 * s, 1e-12);
  EXPECT_EQ(w.order, 4);
  EXPECT_EQ(make_window(0.3, {}, t, o).order, 2);
  EXPECT_EQ(make_window(0.3, {0, 1}, t, o).order, 3);
  EXPECT_DOUBLE_EQ(make_window(0.2, {}, t, o).lo, 0.0);  // clipped at M^2_gg = 0
  const Window r = make_window(9.7, {5, 0}, t, o);
  EXPECT_EQ(r.observable, Observable::m2_recoil);
  EXPECT_EQ(r.order, 5);
  EXPECT_DOUBLE_EQ(r.hi, 100.5);  // clipped at M^2_recoil = 100.5 GeV^2
  EXPECT_NEAR(r.lo, 9.7 * 9.7 - 30 * t.at(9.7).sigma, 1e-9);
  EXPECT_EQ(default_variants().size(), 9u);
  // Grid step is half the mass resolution.
  const std::vector<double> g = mass_grid(t, o);
  EXPECT_NEAR(g[1] - g[0], 0.5 * t.at(0.2).sigma / (2 * 0.2), 1e-12);
  EXPECT_LE(g.back(), 9.7);
  EXPECT_GT(g.size(), 1000u);
}

TEST(ScanOrchestrator, BadInputIsRefusedWithClearMessages) {
  const SignalTable t = SignalTable::default_table();
  ScanOptions o = small_grid();
  // lumi <= 0
  o.lumi = 0;
  EXPECT_NE(message_of<umbra::OptionsError>([&] { run_scan(toy_spectrum(1), t, o); }).find("lumi must be > 0"),
            std::string::npos);
  o.lumi = 445;
  // NaN values
  Spectrum nan = toy_spectrum(1);
  nan.m2_gg[17] = std::nan("");
  const std::string nan_msg = message_of<umbra::InputError>([&] { run_scan(nan, t, o); });
  EXPECT_NE(nan_msg.find("non-finite m2_gg value"), std::string::npos) << nan_msg;
  // empty window: no values near 3 GeV
  ScanOptions far = o;
  far.masses = {3.0};
  const std::string empty_msg = message_of<umbra::InputError>([&] { run_scan(toy_spectrum(1), t, far); });
  EXPECT_NE(empty_msg.find("empty fit window for m = 3 GeV"), std::string::npos) << empty_msg;
  // mass table not covering the grid
  const SignalTable narrow({{0.5, 0.3, 0.02, 1, 3}, {1.02, 0.3, 0.04, 1, 3}}, "narrow.csv");
  const std::string cover_msg = message_of<umbra::InputError>([&] { run_scan(toy_spectrum(1), narrow, o); });
  EXPECT_NE(cover_msg.find("signal table does not cover mass 1.05"), std::string::npos) << cover_msg;
  // an unusable table row
  EXPECT_NE(message_of<umbra::InputError>([] { SignalTable({{0.5, 0.3, 0.02, 1, 0.9}, {1, 0.3, 0.04, 1, 3}}); })
                .find("n must be > 1"),
            std::string::npos);
}

TEST(ScanOrchestrator, ResultsDoNotDependOnTheThreadCount) {
  const SignalTable t = SignalTable::default_table();
  const ScanOptions o = small_grid();
  umbra::cpu::set_thread_count(1);
  ScanSummary s1;
  const ScanResult a = run_scan(toy_spectrum(7), t, o, &s1);
  umbra::cpu::set_thread_count(2);
  const ScanResult b = run_scan(toy_spectrum(7), t, o);
  umbra::cpu::set_thread_count(0);
  ASSERT_EQ(a.jobs.size(), 45u);
  for (std::size_t j = 0; j < a.jobs.size(); ++j) {
    EXPECT_EQ(a.jobs[j].n_sig, b.jobs[j].n_sig);
    EXPECT_EQ(a.jobs[j].limit_obs, b.jobs[j].limit_obs);
    EXPECT_EQ(a.jobs[j].significance, b.jobs[j].significance);
  }
  EXPECT_EQ(s1.failed_fits, 0);
  std::printf("%s\n", s1.brief().c_str());
  // Reported per mass: smallest significance and least stringent limit over the variants.
  for (std::size_t m = 0; m < a.mass.size(); ++m) {
    for (std::size_t v = 0; v < 9; ++v) {
      EXPECT_LE(a.significance[m], a.jobs[m * 9 + v].significance);
      EXPECT_GE(a.limit_obs[m], a.jobs[m * 9 + v].limit_obs);
    }
  }
  // The injected 150 events at 1 GeV show up there.
  EXPECT_GT(a.jobs[2 * 9].significance, 2.0);
}

TEST(ScanOrchestrator, GrossVitellsFromUpcrossings) {
  ScanResult r;
  r.mass = {1, 2, 3, 4, 5, 6, 7};
  r.significance = {0.5, 1.5, 0.2, 2.0, 3.0, 0.1, 1.2};
  global_significance(r, 1.0);
  EXPECT_EQ(r.upcrossings, 3);
  EXPECT_DOUBLE_EQ(r.max_significance, 3.0);
  EXPECT_NEAR(r.p_global, 0.5 * std::erfc(3.0 / std::sqrt(2.0)) + 3 * std::exp(-(9.0 - 1.0) / 2), 1e-15);
}

TEST(ScanOrchestrator, WritesHdf5CsvAndJson) {
  const SignalTable t = SignalTable::default_table();
  const ScanOptions o = small_grid();
  const ScanResult r = run_scan(toy_spectrum(3), t, o);
  const auto dir = std::filesystem::temp_directory_path() / ("umbra_scan_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  write_hdf5((dir / "scan.h5").string(), r, o);
  write_csv((dir / "scan.csv").string(), r);
  write_hepdata_json((dir / "scan.json").string(), r, o);
  EXPECT_GT(std::filesystem::file_size(dir / "scan.h5"), 1000u);
  std::ifstream csv(dir / "scan.csv"), vcsv(dir / "scan_variants.csv");
  int lines = 0, vlines = 0;
  for (std::string l; std::getline(csv, l);) ++lines;
  for (std::string l; std::getline(vcsv, l);) ++vlines;
  EXPECT_EQ(lines, 6);
  EXPECT_EQ(vlines, 46);
  std::ifstream js(dir / "scan.json");
  const std::string text((std::istreambuf_iterator<char>(js)), {});
  EXPECT_NE(text.find("\"independent_variables\""), std::string::npos);
  EXPECT_NE(text.find("Expected upper limit on g_agg"), std::string::npos);
  for (const auto& e : std::filesystem::directory_iterator(dir))
    EXPECT_EQ(e.path().string().find(".tmp-"), std::string::npos) << "temporary file left: " << e.path();
  std::filesystem::remove_all(dir);
}
