#pragma once
// Track-fit pieces of the reconstruction pipeline (umbra/pipeline/reconstruct.hpp): the /tracks
// group name, the backend callable (so that host-side code does not depend on the CUDA library:
// the CLI passes cpu::fit_tracks or cuda::fit_tracks) and the mass-hypothesis names of the CLI.
#include <functional>
#include <string>

#include "umbra/core/event_data.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::pipeline {

inline constexpr const char* tracks_group = "/tracks";

using TrackFitter = std::function<track::FitResult(const TrackerHits&, const track::FitOptions&, track::FitSummary*)>;

/// "pi", "e", "mu", "K", "p" (also "pion", "electron", "muon", "kaon", "proton"); throws OptionsError otherwise.
track::Hypothesis parse_hypothesis(const std::string& name);

}  // namespace umbra::pipeline
