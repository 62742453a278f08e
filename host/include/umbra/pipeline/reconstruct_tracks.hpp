#pragma once
// The track-reconstruction pipeline behind `umbra reconstruct --tracks`: read an umbra-events file
// in batches, fit every track (hits grouped by track_id) with the given backend, and write the
// input groups plus /tracks to a new file. The backend is a callable so that this host-side code
// does not depend on the CUDA library (the CLI passes cpu::fit_tracks or cuda::fit_tracks).
#include <cstdint>
#include <functional>
#include <string>

#include "umbra/core/event_data.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::pipeline {

inline constexpr const char* tracks_group = "/tracks";

using TrackFitter = std::function<track::FitResult(const TrackerHits&, const track::FitOptions&, track::FitSummary*)>;

struct ReconstructTracksOptions {
  std::uint64_t batch = 100000;  // events per batch
  track::FitOptions fit;
  bool quiet = false;  // no per-batch summary on stderr
};

struct ReconstructTracksSummary {
  std::uint64_t n_events = 0, n_tracks = 0, n_ok = 0;
  double seconds = 0;
};

/// "pi", "e", "mu", "K", "p" (also "pion", "electron", "muon", "kaon", "proton"); throws OptionsError otherwise.
track::Hypothesis parse_hypothesis(const std::string& name);

/// Reads `input`, fits, writes `output` (atomically). Throws umbra::Error subclasses on bad input.
ReconstructTracksSummary reconstruct_tracks(const std::string& input, const std::string& output,
                                            const ReconstructTracksOptions& options, const TrackFitter& fit);

}  // namespace umbra::pipeline
