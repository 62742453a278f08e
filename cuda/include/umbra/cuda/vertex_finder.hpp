#pragma once
// CUDA backend of the vertex finder: the same per-item steps as the CPU backend
// (umbra/vertex/pair_steps.hpp), every pair of the batch in one launch; CUB prefix sums build the
// pair list and compact the accepted rows on the device.
#include "umbra/cuda/context.hpp"
#include "umbra/vertex/summary.hpp"
#include "umbra/vertex/track_params.hpp"

namespace umbra::cuda {

/// Vertices of every opposite-charge pair of usable tracks; `tracks` holds host pointers.
/// Throws umbra::OptionsError on bad options.
vertex::Result find_vertices(Context& ctx, const vertex::TrackParamsView& tracks, const vertex::Options& options = {},
                             Timings* timings = nullptr);
inline vertex::Result find_vertices(Context& ctx, const track::Tracks& tracks, const vertex::Options& options = {},
                                    Timings* timings = nullptr) {
  return find_vertices(ctx, vertex::view_tracks(tracks), options, timings);
}

}  // namespace umbra::cuda
