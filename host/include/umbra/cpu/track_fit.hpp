#pragma once
// CPU backend of the bulk track fit: groups the hits by track_id, fits every candidate with
// track::FitTrackStep on all cores (umbra::cpu::for_each) and returns /tracks + per-hit results.
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/kalman_fit.hpp"

namespace umbra::cpu {

/// Fits all tracks of a batch. Throws umbra::Error when options.validate() fails.
track::FitResult fit_tracks(const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options = {}, track::FitSummary* summary = nullptr);

/// Output arrays sized for `candidates` and `n_hits` input hits, and their view (shared with CUDA).
track::FitResult make_fit_result(const track::TrackCandidates& candidates, std::uint64_t n_hits);
track::TracksView view(track::FitResult& r);

}  // namespace umbra::cpu
