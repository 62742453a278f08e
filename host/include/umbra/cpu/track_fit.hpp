#pragma once
// CPU backend of the bulk track fit: groups the hits by track_id, fits every candidate with
// track::FitTrackStep on all cores (umbra::cpu::for_each) and returns /tracks + per-hit results.
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/kalman_fit.hpp"

namespace umbra::cpu {

/// Fits all tracks of a batch. Throws umbra::Error when options.validate() fails.
track::FitResult fit_tracks(const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options = {}, track::FitSummary* summary = nullptr);

/// Which code runs the CPU fit; all give the same results bit for bit. `best` (fit_tracks' choice):
/// 4 tracks side by side in AVX2 code where the CPU has AVX2 (without FMA), else 2 in SSE2 code;
/// `lanes2`: 2 in SSE2 code; `scalar`: one track at a time (track::FitTrackStep per track).
enum class TrackFitCode { best, lanes2, scalar };
track::FitResult fit_tracks(const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options, TrackFitCode code, track::FitSummary* summary = nullptr);

/// Output arrays sized for `candidates` and `n_hits` input hits, and their view (shared with CUDA).
track::FitResult make_fit_result(const track::TrackCandidates& candidates, std::uint64_t n_hits);
track::TracksView view(track::FitResult& r);

}  // namespace umbra::cpu
