#pragma once
// Hand-made ECL digit maps with their documented answers at the issue-5 default options (seed
// 10 MeV, growth 10 MeV, digit 0.5 MeV; reference/belle2.md "ECL reconstruction chain"). Shared by
// the HDF5 round-trip test (ecl_hdf5_tests.hpp) and the `umbra reconstruct --ecl` CLI test
// (tests/clustering/ecl_cli_files.cpp), so the file path and the CLI are held to the same answers.
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "common/ecl_digit_maps.hpp"
#include "umbra/ecl/showers.hpp"

namespace umbra::test {

struct ExpectedShower {
  double energy;  // GeV, to 1e-6
  int n_crystals;
  int highest_cell;
  int connected_region;
  int n_local_maxima;
};

struct HandMadeEvent {
  std::string name;
  std::vector<Deposit> digits;
  std::vector<std::int32_t> digit_region;  // per digit, in the order given
  std::vector<ExpectedShower> showers;     // in the output order
};

/// The events, in this order (the bad-input test relies on digit 5 being the first of event 2).
inline std::vector<HandMadeEvent> hand_made_events(const ecl::EclGeometryView& g) {
  auto c = [&](int t, int p) { return g.cell_id(t, p); };
  const int a = c(40, 10), b = c(40, 11), d = c(40, 12);
  const int s1 = c(25, 30), e1 = c(25, 31), e2 = c(25, 32), s2 = c(25, 33);
  return {
      {"isolated digit", {{c(30, 70), 50 * MeV, 3}}, {0}, {{0.050, 1, c(30, 70), 0, 1}}},
      {"two touching regions (1 MeV edges)",
       {{s1, 80 * MeV}, {e1, 1 * MeV}, {e2, 1 * MeV}, {s2, 60 * MeV}},
       {0, 0, 1, 1},
       {{0.081, 2, s1, 0, 1}, {0.061, 2, s2, 1, 1}}},
      // Symmetric: each shower takes half of the middle crystal.
      {"two maxima",
       {{c(35, 50), 100 * MeV}, {c(35, 51), 20 * MeV}, {c(35, 52), 100 * MeV}},
       {0, 0, 0},
       {{0.110, 3, c(35, 50), 0, 2}, {0.110, 3, c(35, 52), 0, 2}}},
      {"barrel-endcap boundary", {{c(12, 40), 200 * MeV}, {c(13, 40), 60 * MeV}}, {0, 0}, {{0.260, 2, c(12, 40), 0, 1}}},
      {"phi wrap-around", {{c(40, 143), 100 * MeV}, {c(40, 0), 100 * MeV}}, {0, 0}, {{0.200, 2, c(40, 0), 0, 1}}},
      {"empty", {}, {}, {}},
      {"seed just below", {{a, 9.99 * MeV}}, {-1}, {}},
      {"seed at threshold", {{a, 10 * MeV}}, {0}, {{0.010, 1, a, 0, 1}}},
      {"growth just below", {{a, 50 * MeV}, {b, 9.99 * MeV}, {d, 1 * MeV}}, {0, 0, -1}, {{0.05999, 2, a, 0, 1}}},
      {"growth at threshold", {{a, 50 * MeV}, {b, 10 * MeV}, {d, 1 * MeV}}, {0, 0, 0}, {{0.061, 3, a, 0, 1}}},
      {"digit just below", {{a, 50 * MeV}, {b, 0.49 * MeV}}, {0, -1}, {{0.050, 1, a, 0, 1}}},
      {"digit at threshold", {{a, 50 * MeV}, {b, 0.5 * MeV}}, {0, 0}, {{0.0505, 2, a, 0, 1}}},
      {"two touching regions (edges just below growth)",
       {{s1, 80 * MeV}, {e1, 9.99 * MeV}, {e2, 9.99 * MeV}, {s2, 60 * MeV}},
       {0, 0, 1, 1},
       {{0.08999, 2, s1, 0, 1}, {0.06999, 2, s2, 1, 1}}},
  };
}

inline EclDigits hand_made_digits(const std::vector<HandMadeEvent>& evs) {
  std::vector<std::vector<Deposit>> d;
  for (const auto& e : evs) d.push_back(e.digits);
  return digit_map(d);
}

/// Compares showers with the documented answers; returns an empty string or the first mismatch.
inline std::string check_hand_made_showers(const std::vector<HandMadeEvent>& evs, const ecl::EclShowers& s) {
  if (s.n_events() != evs.size()) return "expected " + std::to_string(evs.size()) + " events";
  char buf[256];
  for (std::size_t e = 0; e < evs.size(); ++e) {
    const auto& x = evs[e].showers;
    if (s.count(e) != x.size()) {
      std::snprintf(buf, sizeof buf, "%s: %llu showers, expected %zu", evs[e].name.c_str(),
                    (unsigned long long)s.count(e), x.size());
      return buf;
    }
    for (std::size_t k = 0; k < x.size(); ++k) {
      const std::uint64_t i = s.begin(e) + k;
      if (std::fabs(s.energy[i] - x[k].energy) > 1e-6 || s.n_crystals[i] != x[k].n_crystals ||
          s.highest_cell[i] != x[k].highest_cell || s.connected_region[i] != x[k].connected_region ||
          s.n_local_maxima[i] != x[k].n_local_maxima) {
        std::snprintf(buf, sizeof buf,
                      "%s, shower %zu: E %.6f GeV, %d crystals, highest %d, region %d, %d maxima; expected "
                      "%.6f, %d, %d, %d, %d",
                      evs[e].name.c_str(), k, s.energy[i], int(s.n_crystals[i]), int(s.highest_cell[i]),
                      int(s.connected_region[i]), int(s.n_local_maxima[i]), x[k].energy, x[k].n_crystals,
                      x[k].highest_cell, x[k].connected_region, x[k].n_local_maxima);
        return buf;
      }
    }
  }
  return {};
}

}  // namespace umbra::test
