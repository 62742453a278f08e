#pragma once
#include "umbra/vertex/summary.hpp"
#include "umbra/vertex/track_params.hpp"

namespace umbra::cpu {
/// Displaced vertices of every opposite-charge pair of usable tracks in a batch, on all cores
/// (steps in umbra/vertex/pair_steps.hpp). Throws umbra::OptionsError when options are invalid.
vertex::Result find_vertices(const vertex::TrackParamsView& tracks, const vertex::Options& options = {});
/// The same on the track fit's /tracks group.
inline vertex::Result find_vertices(const track::Tracks& tracks, const vertex::Options& options = {}) {
  return find_vertices(vertex::view_tracks(tracks), options);
}
}  // namespace umbra::cpu
