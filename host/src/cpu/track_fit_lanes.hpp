#pragma once
// The laned CPU track fit (track_fit_lanes.cpp), internal to the CPU backend.
#include "umbra/cpu/track_fit.hpp"

namespace umbra::cpu::detail {

/// Lanes (tracks side by side) that `code` runs with on this CPU: 1 (scalar), 2 (SSE2) or 4 (AVX2).
int lane_width(TrackFitCode code);

/// Fits every candidate of `step` (its outputs), `width` = 2 or 4 tracks side by side where a batch
/// of them shares a hit pattern, the rest with the scalar step. Same results as step(t) for each t.
void fit_tracks_laned(const track::FitTrackStep& step, int width);

}  // namespace umbra::cpu::detail
