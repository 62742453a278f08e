#pragma once
// Random but valid events for I/O tests (no physics): distinct cells per event, all groups filled.
#include <algorithm>
#include <numeric>

#include "umbra/core/event_data.hpp"
#include "umbra/core/random.hpp"
#include "umbra/geometry/tracker_geometry.hpp"

namespace umbra::test {

inline EventBatch random_events(std::uint64_t n_events, std::uint64_t seed) {
  EventBatch b;
  const auto geo = tracker::belle2_tracker();
  for (std::uint64_t e = 0; e < n_events; ++e) {
    Philox rng(seed, e);
    const int nd = int(rng.uniform() * 40);  // sometimes 0: empty events must survive too
    std::vector<int> cells;
    while (int(cells.size()) < nd) {
      const int c = 1 + int(rng.uniform() * 8736);
      if (std::find(cells.begin(), cells.end(), c) == cells.end()) cells.push_back(c);
    }
    for (int c : cells) b.digits.push_back(std::uint16_t(c), float(rng.exponential(0.05)), float(rng.normal(0, 20)));
    b.digits.close_event();
    const int nh = int(rng.uniform() * 30);
    for (int i = 0; i < nh; ++i) {
      const int det = 1 + int(rng.uniform() * 3);
      const int layer = det == 1 ? int(rng.uniform() * 2) : det == 2 ? int(rng.uniform() * 4) : int(rng.uniform() * 56);
      b.hits.detector.push_back(std::uint8_t(det));
      b.hits.layer.push_back(std::uint8_t(layer));
      b.hits.x.push_back(float(rng.normal(0, 50)));
      b.hits.y.push_back(float(rng.normal(0, 50)));
      b.hits.z.push_back(float(rng.normal(0, 50)));
      b.hits.wire.push_back(det == 3 ? int(rng.uniform() * geo.cdc[layer].n_wires) : -1);
      b.hits.drift_length.push_back(det == 3 ? float(rng.uniform(0, 1)) : 0.0f);
      b.hits.sigma_rphi.push_back(float(rng.uniform(1e-3, 2e-2)));
      b.hits.sigma_z.push_back(float(rng.uniform(1e-3, 2e-2)));
      b.hits.track_id.push_back(int(rng.uniform() * 4) - 1);
    }
    b.hits.close_event();
    const int np = 1 + int(rng.uniform() * 5);
    for (int i = 0; i < np; ++i) {
      b.mc.pdg.push_back(i % 2 ? 22 : 13);
      b.mc.px.push_back(float(rng.normal())), b.mc.py.push_back(float(rng.normal())), b.mc.pz.push_back(float(rng.normal()));
      b.mc.e.push_back(float(rng.uniform(1, 5)));
      b.mc.vx.push_back(float(rng.normal())), b.mc.vy.push_back(float(rng.normal())), b.mc.vz.push_back(float(rng.normal()));
      b.mc.mother.push_back(i == 0 ? -1 : int(rng.uniform() * i));
    }
    b.mc.close_event();
  }
  return b;
}

}  // namespace umbra::test
