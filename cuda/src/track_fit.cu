// Upload, launch track::FitTrackStep (one thread per track), download. Nothing else lives here.
#include <chrono>

#include "context_impl.cuh"
#include "launch.cuh"
#include "umbra/core/error.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/cuda/track_fit.hpp"
#include "umbra/track/kalman_fit.hpp"

namespace umbra::cuda {

track::FitResult fit_tracks(Context& ctx, const tracker::TrackerGeometry& geometry, const TrackerHits& hits,
                            const track::FitOptions& options, track::FitSummary* summary, Timings* timings) {
  if (const std::string msg = options.validate(); !msg.empty()) throw OptionsError("track fit options: " + msg);
  const cudaStream_t s = stream_of(ctx);
  const track::TrackCandidates cand = track::group_hits(hits);
  track::FitResult r = cpu::make_fit_result(cand, hits.size());
  const std::uint64_t nt = cand.size();
  Timings t;
  const auto t0 = std::chrono::steady_clock::now();

  DeviceBuffer<std::uint64_t> hit_offsets, cand_offsets;
  DeviceBuffer<std::uint8_t> det, layer;
  DeviceBuffer<float> x, y, z, drift, srphi, sz;
  DeviceBuffer<std::int32_t> wire, tid;
  DeviceBuffer<std::uint32_t> index;
  {
    PhaseTimer p(s, timings ? &t.upload_ms : nullptr);
    hit_offsets.upload(hits.event_offsets, s);
    det.upload(hits.detector, s), layer.upload(hits.layer, s);
    x.upload(hits.x, s), y.upload(hits.y, s), z.upload(hits.z, s);
    wire.upload(hits.wire, s), drift.upload(hits.drift_length, s);
    srphi.upload(hits.sigma_rphi, s), sz.upload(hits.sigma_z, s), tid.upload(hits.track_id, s);
    cand_offsets.upload(cand.hit_offsets, s), index.upload(cand.hit_index, s);
  }
  const TrackerHitsView hv{{hit_offsets.cspan()}, det.cspan(),   layer.cspan(), x.cspan(), y.cspan(), z.cspan(),
                           wire.cspan(),          drift.cspan(), srphi.cspan(), sz.cspan(), tid.cspan()};
  const track::CandidatesView cv{cand_offsets.cspan(), index.cspan()};

  // outputs: one device buffer per column, mirrored by the host result's view
  DeviceBuffer<float> f[5 + 15 + 4];  // d0 phi0 omega z0 tanl, 15 cov, pt p chi2 ndf
  DeviceBuffer<std::int32_t> charge(nt);
  DeviceBuffer<std::uint8_t> u8[4];   // status n_pxd n_svd n_cdc
  DeviceBuffer<float> hit_weight(hits.size());
  DeviceBuffer<std::int8_t> hit_sign(hits.size());
  for (auto& b : f) b.resize(nt);
  for (auto& b : u8) b.resize(nt);
  track::TracksView v{f[0].span(), f[1].span(), f[2].span(), f[3].span(), f[4].span()};
  for (int i = 0; i < 15; ++i) v.cov[i] = f[5 + i].span();
  v.charge = charge.span();
  v.pt = f[20].span(), v.p = f[21].span(), v.chi2 = f[22].span(), v.ndf = f[23].span();
  v.status = u8[0].span(), v.n_pxd = u8[1].span(), v.n_svd = u8[2].span(), v.n_cdc = u8[3].span();
  v.hit_weight = hit_weight.span(), v.hit_sign = hit_sign.span();
  hit_weight.zero(s), hit_sign.zero(s);
  {
    PhaseTimer p(s, timings ? &t.kernel_ms : nullptr);
    for_each(nt, track::FitTrackStep{geometry, options, hv, cv, v}, s, 64);
  }
  {
    PhaseTimer p(s, timings ? &t.download_ms : nullptr);
    track::Tracks& o = r.tracks;
    std::vector<float>* fo[24] = {&o.d0, &o.phi0, &o.omega, &o.z0, &o.tan_lambda};
    for (int i = 0; i < 15; ++i) fo[5 + i] = &o.cov[i];
    fo[20] = &o.pt, fo[21] = &o.p, fo[22] = &o.chi2, fo[23] = &o.ndf;
    for (int i = 0; i < 24; ++i) f[i].download(*fo[i], s);
    charge.download(o.charge, s);
    u8[0].download(o.status, s), u8[1].download(o.n_pxd, s), u8[2].download(o.n_svd, s), u8[3].download(o.n_cdc, s);
    hit_weight.download(r.hit_weight, s), hit_sign.download(r.hit_sign, s);
  }
  ctx.synchronize();
  if (summary) {
    summary->seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    summary->backend = "cuda";
    track::summarize(r.tracks, hits.size(), *summary);
  }
  if (timings) *timings = t;
  return r;
}

}  // namespace umbra::cuda
