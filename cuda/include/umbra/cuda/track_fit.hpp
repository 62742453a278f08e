#pragma once
// CUDA backend of the bulk track fit: the same track::FitTrackStep as the CPU backend, one thread
// per track. Grouping hits into candidates stays on the host (a sort per event); the device gets
// the hits, the candidates and the geometry (by value) in one upload per call.
#include "umbra/cuda/context.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::cuda {

/// Fits all tracks of a batch on the context's device. Throws umbra::OptionsError on bad options.
track::FitResult fit_tracks(Context& ctx, const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options = {}, track::FitSummary* summary = nullptr,
                            Timings* timings = nullptr);

}  // namespace umbra::cuda
