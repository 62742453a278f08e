#pragma once
// Tracker response of the fast simulation: charged particles of one event follow a helix in the
// 1.5 T field through beam pipe, PXD, SVD and CDC, with multiple scattering (Highland) and mean
// energy loss; PXD/SVD hits smeared with their resolutions; CDC hits on the nearest wire of each
// layer crossed, with the smeared drift distance (left/right left to reconstruction); hit
// efficiency < 1 and a few noise hits. Tracks from displaced vertices only hit layers outside
// their production radius.

#include <cstdint>
#include <string>

#include "umbra/core/event_data.hpp"
#include "umbra/geometry/tracker_geometry.hpp"

namespace umbra::sim {

struct TrackerResponseOptions {
  double hit_efficiency = 0.98;       // per layer crossed
  double noise_hits_per_event = 5.0;  // mean number of CDC noise hits (track_id = -1)
  bool material = true;               // multiple scattering + energy loss
  double cdc_drift_sigma = 130e-4;    // cm (reference/belle2.md)
  /// Empty when valid, else a message naming the bad field.
  std::string validate() const;
};

/// Appends the tracker hits of event `event` of `mc` (its charged final-state particles, i.e.
/// rows [mc.begin(event), mc.end(event)) without daughters) to `hits`, without closing the event.
/// track_id is the particle's index inside the event. Randomness: Philox(seed, event_number, ...).
void simulate_tracker_event(const tracker::TrackerGeometry& geometry, const McParticles& mc, std::uint64_t event,
                            std::uint64_t seed, std::uint64_t event_number, const TrackerResponseOptions& options,
                            TrackerHits& hits);

}  // namespace umbra::sim
