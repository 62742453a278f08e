#pragma once
// Helpers shared by the simulation tests: generated events of a process, final-state sums.

#include <cmath>
#include <cstdint>
#include <vector>

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::sim::test {

/// Sum of the final-state (no daughters) four-momenta of one event.
inline FourVector final_state_sum(const GenEvent& ev) {
  FourVector s;
  for (int i = 0; i < ev.n; ++i)
    if (ev.part[i].n_daughters == 0) s = s + ev.part[i].p;
  return s;
}

struct Moments {
  double n = 0, sum = 0, sum2 = 0;
  void add(double x) { n += 1, sum += x, sum2 += x * x; }
  double mean() const { return sum / n; }
  double rms() const { return std::sqrt(std::fmax(0.0, sum2 / n - mean() * mean())); }
};

/// Generator-only options with no detector response.
inline SimulationOptions truth_only(const std::string& process) {
  SimulationOptions o;
  o.process = process;
  o.ecl = false;
  o.tracker = false;
  o.beam_background = 0;
  return o;
}

}  // namespace umbra::sim::test
