// The CPU track fit with several tracks side by side (lanes, umbra/core/lanes.hpp): issue 6's
// 1e5 tracks/s per core needs the per-hit arithmetic of N tracks in one vector instruction, since
// one track's chain of divisions and square roots is latency-bound (benchmarks/results/tracking.md,
// "Why the scalar fit cannot reach 1e5"). Same fit as track::FitTrackStep, bit for bit. This file
// makes the batches and runs them: per track, scalar, the start (FitTrackStep's hit_count,
// load_hit - hit-major over the lanes - and seed_track) and the outputs (FitTrackStep::finish);
// per batch, the laned filter (lane_filter.hpp).
// Tracks are sorted stably by (silicon hits, hits) so that the silicon and CDC hits of a batch sit
// at the same indices; a shorter track's lane idles (state kept) through the extra steps. Tracks
// that do not fill a batch of their silicon-hit count, and unusual ones (silicon after CDC), take
// the scalar FitTrackStep: the results do not depend on which path a track takes, nor on threads.
// ISA: 4 lanes in AVX2 code (no FMA, which would change the last bits) where the CPU has AVX2,
// else 2 lanes in SSE2 code, chosen at run time.
#pragma GCC diagnostic ignored "-Wpsabi"  // 32-byte vectors in generic code: all inline, built alike

#include "track_fit_lanes.hpp"

#include <algorithm>
#include <memory>
#include <vector>

#include "lane_filter.hpp"

namespace umbra::cpu::detail {
#if UMBRA_HAVE_LANES
namespace {  // the same unnamed namespace as lane_filter.hpp's (its using-declarations too)

/// Lane lt of hit row `to` becomes lane lf of row `from` (every field).
template <int N>
void copy_hit_lane(typename Lanes<N>::HitV& to, int lt, const typename Lanes<N>::HitV& from, int lf) {
  to.pos.x[lt] = from.pos.x[lf], to.pos.y[lt] = from.pos.y[lf], to.pos.z[lt] = from.pos.z[lf];
  to.wire.x[lt] = from.wire.x[lf], to.wire.y[lt] = from.wire.y[lf], to.wire.dx[lt] = from.wire.dx[lf];
  to.wire.dy[lt] = from.wire.dy[lf], to.wire.dz[lt] = from.wire.dz[lf];
  to.radius[lt] = from.radius[lf], to.drift[lt] = from.drift[lf];
  to.sigma_a[lt] = from.sigma_a[lf], to.sigma_b[lt] = from.sigma_b[lf];
}

/// Starts the tracks of a batch (scalar), lays their hits out over the lanes, runs the laned fit
/// and writes the outputs (scalar).
template <int N>
void run_batch(const FitTrackStep& st, const std::uint64_t* tracks, typename Lanes<N>::Batch& b, int n_si) {
  using L = Lanes<N>;
  typename L::State s{};
  int src = -1;
  // Each hit goes into its lane as load_hit() reads it, no second pass over wk.hit: only the fields
  // the laned filter reads for the kind of hit at k (the batch's tracks have their n_si silicon
  // hits first). The others keep what they held: only an idle lane (restored after the step) can
  // read them, as it read the unused fields of a repeated hit before.
  struct LayOut {
    typename L::Batch& b;
    int l, n_si;
    void operator()(int k, const track::detail::HitData& h) const {
      typename L::HitV& v = b.hit[k];
      const double radius = h.radius, sigma_a = h.sigma_a;
      if (k < n_si) {
        const double px = h.pos.x, py = h.pos.y, pz = h.pos.z, sigma_b = h.sigma_b;
        v.pos.x[l] = px, v.pos.y[l] = py, v.pos.z[l] = pz, v.sigma_b[l] = sigma_b;
      } else {
        const double wx = h.wire.x, wy = h.wire.y, wdx = h.wire.dx, wdy = h.wire.dy, wdz = h.wire.dz, d = h.drift;
        v.wire.x[l] = wx, v.wire.y[l] = wy, v.wire.dx[l] = wdx, v.wire.dy[l] = wdy, v.wire.dz[l] = wdz;
        v.drift[l] = d;
      }
      v.radius[l] = radius, v.sigma_a[l] = sigma_a;
    }
  };
  // FitTrackStep::start over the lanes, the hits loaded hit-major (hit k of every lane, then k + 1):
  // four tracks' reads of the input columns and the wire table side by side, not one track's after
  // another (paired timing: the fit 0.99x the time)
  int n[N], n_load = 0;
  std::uint64_t h0[N];
  for (int l = 0; l < N; ++l) {
    b.track[l] = tracks[l];
    track::detail::Work& wk = b.wk[l];  // reused: what a fresh Work starts with
    wk.n_mat = wk.n_inner = 0, wk.surfaces_known = false;
    n[l] = st.hit_count(tracks[l]);
    wk.n_hits = n[l] > 0 ? n[l] : 0;
    h0[l] = st.cand.hit_offsets[tracks[l]];
    n_load = std::max(n_load, n[l]);
  }
  for (int k = 0; k < n_load; ++k)
    for (int l = 0; l < N; ++l)
      if (k < n[l] && !st.load_hit(h0[l], k, b.wk[l], LayOut{b, l, n_si})) {
        st.fail(tracks[l], track::FitStatus::bad_input);
        n[l] = -1;  // no further hits
      }
  for (int l = 0; l < N; ++l) {
    double x[5];
    b.real[l] = n[l] >= 0 && st.seed_track(tracks[l], b.wk[l], x);
    if (!b.real[l]) continue;
    if (src < 0) src = l;
    for (int i = 0; i < 5; ++i) s.x[i][l] = x[i];
    s.sc[0][l] = sin(x[kPhi0]), s.sc[1][l] = cos(x[kPhi0]);
  }
  if (src < 0) return;
  for (int l = 0; l < N; ++l)
    if (!b.real[l]) {  // a copy of a started lane, its results dropped
      b.wk[l] = b.wk[src];
      for (int k = 0; k < b.wk[src].n_hits; ++k) copy_hit_lane<N>(b.hit[k], l, b.hit[k], src);
      for (int i = 0; i < 5; ++i) s.x[i][l] = s.x[i][src];
      s.sc[0][l] = s.sc[0][src], s.sc[1][l] = s.sc[1][src];
    }
  b.n_si = n_si, b.n_max = 0;
  int n_min = track::max_hits_per_track;
  for (int l = 0; l < N; ++l) {
    b.n[l] = b.wk[l].n_hits;
    b.n_max = std::max(b.n_max, b.n[l]), n_min = std::min(n_min, b.n[l]);
  }
  for (int k = 0; k < b.n_max; ++k) {
    // FitTrackStep::load's starting weights (1, 0) of every hit (test_track_fit_lanes checks)
    b.w[k][0] = lanes::splat<typename L::V>(1), b.w[k][1] = lanes::splat<typename L::V>(0);
    b.active[k] = ~typename L::M{};
    b.all_active[k] = k < n_min;
  }
  for (int k = n_min; k < b.n_max; ++k)  // idle steps of the shorter tracks: their last hit again
    for (int l = 0; l < N; ++l)
      if (k >= b.n[l]) b.active[k][l] = 0, copy_hit_lane<N>(b.hit[k], l, b.hit[b.n[l] - 1], l);
  if constexpr (N == 4)
    fit_batch_avx2(st, b, s);
  else
    fit_batch_sse2(st, b, s);
  for (int l = 0; l < N; ++l) {
    if (!b.real[l]) continue;
    if (!b.alive[l]) {
      st.fail(b.track[l], track::FitStatus::diverged);
      continue;
    }
    double x[5], sc[2];
    Mat5 C;
    Point3 P;
    get_state<N>(s, l, x, sc, C, P);
    // the weights straight from lane l of b.w (b.w[k][j][l] at ((2 k + j) N + l): GCC vectors of
    // doubles are arrays of doubles to the aliasing rules), not copied back into wk.w first
    st.finish(b.track[l], b.wk[l], reinterpret_cast<const double*>(&b.w[0][0]) + l, N, x, C, s.chi2[l]);
  }
}

bool cpu_has_avx2() {
  static const bool v = [] {
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return v;
}

/// The scalar tracks, then the batches, in one parallel region. The scalar ones go first and one
/// at a time: each costs ~2.5 laned tracks, so a thread that ends the region with one (as it did
/// after the batches, 16 to a chunk) kept the other thread waiting (libgomp's spin was 7% of the
/// two-thread profile). Batches go two to a chunk for the same reason.
template <int N>
void fit_laned(const FitTrackStep& st, const std::vector<std::uint64_t>& order, const std::vector<int>& batch_n_si,
               const std::vector<std::uint64_t>& scalar) {
  const std::int64_t n_batches = std::int64_t(batch_n_si.size()), ns = std::int64_t(scalar.size());
#pragma omp parallel
  {
#pragma omp for schedule(dynamic, 1) nowait
    for (std::int64_t i = 0; i < ns; ++i) st(scalar[i]);
    if (n_batches > 0) {  // nothing fills a batch (e.g. one track per call): no per-thread batch
      auto b = std::make_unique<typename Lanes<N>::Batch>();
#pragma omp for schedule(dynamic, 2)
      for (std::int64_t i = 0; i < n_batches; ++i) run_batch<N>(st, order.data() + i * N, *b, batch_n_si[i]);
    }
  }
}

}  // namespace

int lane_width(TrackFitCode code) {
  if (code == TrackFitCode::scalar) return 1;
  if (code == TrackFitCode::lanes2) return 2;
  return cpu_has_avx2() ? 4 : 2;
}

void fit_tracks_laned(const FitTrackStep& st, int width) {
  const std::uint64_t nt = st.cand.size();
  // Tracks that can share lanes: a fittable hit count, silicon hits first. Key (silicon hits, hits).
  std::vector<std::uint64_t> laned, scalar;
  std::vector<std::uint32_t> key(nt, 0);
  for (std::uint64_t t = 0; t < nt; ++t) {
    const std::uint64_t h0 = st.cand.hit_offsets[t], nh = st.cand.hit_offsets[t + 1] - h0;
    bool ok = nh >= std::uint64_t(st.opt.min_hits) && nh <= std::uint64_t(track::max_hits_per_track);
    int n_si = 0;
    for (std::uint64_t k = 0; ok && k < nh; ++k) {
      const bool si = st.hits.detector[st.cand.hit_index[h0 + k]] != 3;
      if (si && std::uint64_t(n_si) != k) ok = false;  // silicon after a CDC hit
      n_si += si;
    }
    if (!ok) {
      scalar.push_back(t);
      continue;
    }
    key[t] = std::uint32_t(n_si) << 8 | std::uint32_t(nh);
    laned.push_back(t);
  }
  std::stable_sort(laned.begin(), laned.end(), [&](std::uint64_t a, std::uint64_t b) { return key[a] < key[b]; });
  // batches of `width` tracks with equal silicon-hit counts; the rest of each count goes scalar
  std::vector<std::uint64_t> order;
  std::vector<int> batch_n_si;
  for (std::size_t i = 0; i < laned.size();) {
    const std::uint32_t n_si = key[laned[i]] >> 8;
    std::size_t j = i;
    while (j < laned.size() && key[laned[j]] >> 8 == n_si) ++j;
    std::size_t full = i + (j - i) / width * width;
    for (std::size_t q = i; q < full; q += width) {
      for (int l = 0; l < width; ++l) order.push_back(laned[q + l]);
      batch_n_si.push_back(int(n_si));
    }
    for (std::size_t q = full; q < j; ++q) scalar.push_back(laned[q]);
    i = j;
  }
  if (width == 4)
    fit_laned<4>(st, order, batch_n_si, scalar);
  else
    fit_laned<2>(st, order, batch_n_si, scalar);
}

#else  // no vector lanes on this platform: the scalar step for every track

int lane_width(TrackFitCode) { return 1; }
void fit_tracks_laned(const track::FitTrackStep& st, int) {
  const std::int64_t nt = std::int64_t(st.cand.size());
#pragma omp parallel for schedule(dynamic, 256)
  for (std::int64_t t = 0; t < nt; ++t) st(std::uint64_t(t));
}
#endif

}  // namespace umbra::cpu::detail
