#include "umbra/cpu/track_fit.hpp"

#include <chrono>

#include "umbra/core/error.hpp"
#include "umbra/cpu/cdc_wire_table.hpp"
#include "umbra/cpu/for_each.hpp"
#include "track_fit_lanes.hpp"

namespace umbra::cpu {

track::FitResult make_fit_result(const track::TrackCandidates& candidates, std::uint64_t n_hits) {
  track::FitResult r;
  r.tracks.resize(candidates.size());
  r.tracks.event_offsets = candidates.event_offsets;
  r.tracks.track_id = candidates.track_id;
  r.hit_weight.assign(n_hits, 0.f);
  r.hit_sign.assign(n_hits, 0);
  return r;
}

track::TracksView view(track::FitResult& r) {
  track::Tracks& t = r.tracks;
  track::TracksView v{span_of(t.d0), span_of(t.phi0), span_of(t.omega), span_of(t.z0), span_of(t.tan_lambda)};
  for (int i = 0; i < 15; ++i) v.cov[i] = span_of(t.cov[i]);
  v.charge = span_of(t.charge);
  v.pt = span_of(t.pt), v.p = span_of(t.p), v.chi2 = span_of(t.chi2), v.ndf = span_of(t.ndf);
  v.status = span_of(t.status), v.n_pxd = span_of(t.n_pxd), v.n_svd = span_of(t.n_svd), v.n_cdc = span_of(t.n_cdc);
  v.hit_weight = span_of(r.hit_weight), v.hit_sign = span_of(r.hit_sign);
  return v;
}

track::FitResult fit_tracks(const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options, track::FitSummary* summary) {
  return fit_tracks(geometry, hits, options, TrackFitCode::best, summary);
}

track::FitResult fit_tracks(const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options, TrackFitCode code, track::FitSummary* summary) {
  if (const std::string msg = options.validate(); !msg.empty()) throw OptionsError("track fit options: " + msg);
  const track::TrackCandidates cand = track::group_hits(hits);
  track::FitResult r = make_fit_result(cand, hits.size());
  const auto t0 = std::chrono::steady_clock::now();
  // the CDC wires read from the geometry's cached table, not computed per hit (same floats)
  const std::shared_ptr<const tracker::CdcWireTable> wires = cdc_wire_table(geometry);
  const track::FitTrackStep step{geometry, options, umbra::view(hits), track::view(cand), view(r),
                                 tracker::view(*wires)};
  const int width = detail::lane_width(code);
  if (width > 1)
    detail::fit_tracks_laned(step, width);
  else
    for_each(cand.size(), step);
  if (summary) {
    summary->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    summary->backend = "cpu";
    track::summarize(r.tracks, hits.size(), *summary);
  }
  return r;
}

}  // namespace umbra::cpu
