// Host-only parts of the track fit: option checks, grouping hits into candidates, summaries.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "umbra/track/kalman_fit.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::track {

const char* to_string(FitStatus s) {
  switch (s) {
    case FitStatus::ok: return "ok";
    case FitStatus::too_few_hits: return "too_few_hits";
    case FitStatus::too_many_hits: return "too_many_hits";
    case FitStatus::bad_input: return "bad_input";
    case FitStatus::seed_failed: return "seed_failed";
    case FitStatus::diverged: return "diverged";
  }
  return "unknown";
}

std::string FitOptions::validate() const {
  if (int(hypothesis) > int(Hypothesis::proton)) return "hypothesis must be electron, muon, pion, kaon or proton";
  if (min_hits < 3) return "min_hits must be >= 3 (a helix has 5 parameters)";
  if (n_temperatures < 0 || n_temperatures > 8) return "n_temperatures must be in [0, 8]";
  for (int i = 0; i < n_temperatures; ++i)
    if (!(temperatures[i] > 0) || !std::isfinite(temperatures[i]))
      return "temperatures[" + std::to_string(i) + "] must be finite and > 0";
  if (!(chi2_cut_1d > 0) || !(chi2_cut_2d > 0)) return "chi2_cut_1d and chi2_cut_2d must be > 0";
  return {};
}

void Tracks::resize(std::size_t n) {
  for (auto* v : {&d0, &phi0, &omega, &z0, &tan_lambda, &pt, &p, &chi2, &ndf}) v->assign(n, 0.f);
  for (auto& c : cov) c.assign(n, 0.f);
  charge.assign(n, 0), track_id.assign(n, -1);
  status.assign(n, 0), n_pxd.assign(n, 0), n_svd.assign(n, 0), n_cdc.assign(n, 0);
}

TrackCandidates group_hits(const TrackerHits& hits) {
  TrackCandidates c;
  c.hit_index.resize(hits.size());  // at most every hit; trimmed to the hits used at the end
  std::uint32_t* out = c.hit_index.data();
  std::uint64_t n_out = 0;
  const std::int32_t* track = hits.track_id.data();
  const std::uint8_t *detector = hits.detector.data(), *layer = hits.layer.data();
  std::vector<std::uint32_t> order;
  // by track, then outward: detector (PXD, SVD, CDC) and layer are in radial order, then by index;
  // the first three packed in one key (track_id >= 0 here)
  // (the column pointers captured by value: by reference, GCC reloaded them for every hit)
  const auto key = [track, detector, layer](std::uint64_t i) {
    return std::uint64_t(std::uint32_t(track[i])) << 16 | std::uint64_t(detector[i]) << 8 | std::uint64_t(layer[i]);
  };
  for (std::uint64_t e = 0; e < hits.n_events(); ++e) {
    const std::uint64_t event_start = n_out, tracks_before = c.track_id.size();
    std::int32_t current = -1;  // track of the event's last hit so far (-1: none yet)
    const auto emit = [&](std::uint32_t i, std::int32_t t) {  // the next hit in order (t: its track):
      if (t != current) {                                         // a new track where the id changes
        if (current >= 0) c.hit_offsets.push_back(n_out);
        c.track_id.push_back(t), current = t;
      }
      out[n_out++] = i;
    };
    // Hits the simulation already wrote in this order are taken as they come, in one pass; at the
    // first one out of order the event's output so far is dropped and its hits are sorted.
    bool in_order = true;
    std::uint64_t prev = 0;
    for (std::uint64_t i = hits.begin(e); i < hits.end(e); ++i) {
      const std::int32_t t = track[i];
      if (t < 0) continue;
      const std::uint64_t k = key(i);
      if (k < prev) {
        in_order = false;
        break;
      }
      prev = k;
      emit(std::uint32_t(i), t);
    }
    if (!in_order) {
      n_out = event_start, current = -1;
      c.track_id.resize(tracks_before), c.hit_offsets.resize(tracks_before + 1);
      order.clear();
      for (std::uint64_t i = hits.begin(e); i < hits.end(e); ++i)
        if (track[i] >= 0) order.push_back(std::uint32_t(i));
      std::sort(order.begin(), order.end(), [&](std::uint32_t a, std::uint32_t b) {
        const std::uint64_t ka = key(a), kb = key(b);
        return ka != kb ? ka < kb : a < b;
      });
      for (const std::uint32_t i : order) emit(i, track[i]);
    }
    if (current >= 0) c.hit_offsets.push_back(n_out);
    c.close_event();
  }
  c.hit_index.resize(n_out);
  return c;
}

void summarize(const Tracks& t, std::uint64_t n_hits, FitSummary& s) {
  s.n_tracks = t.size(), s.n_hits = n_hits;
  for (auto& b : s.by_status) b = 0;
  for (auto st : t.status) ++s.by_status[st < n_fit_status ? st : n_fit_status - 1];
}

std::string FitSummary::brief() const {
  char buf[256];
  std::snprintf(buf, sizeof buf, "%s: %llu tracks (%llu hits), %llu ok, %llu failed", backend.c_str(),
                (unsigned long long)n_tracks, (unsigned long long)n_hits, (unsigned long long)by_status[0],
                (unsigned long long)n_failed());
  std::string r = buf;
  if (n_failed() > 0) {
    r += " (";
    bool first = true;
    for (int i = 1; i < n_fit_status; ++i)
      if (by_status[i]) {
        r += (first ? "" : ", ") + std::string(to_string(FitStatus(i))) + " " + std::to_string(by_status[i]);
        first = false;
      }
    r += ")";
  }
  std::snprintf(buf, sizeof buf, " in %.3f s (%.0f tracks/s)", seconds, seconds > 0 ? n_tracks / seconds : 0.0);
  return r + buf;
}

}  // namespace umbra::track
