#pragma once
// Inputs and outputs of the bulk track fit: options, the /tracks group (one row per fitted track),
// per-hit results, track candidates (hits grouped by MC track_id) and the run summary.

#include <cstdint>
#include <string>
#include <vector>

#include "umbra/core/event_data.hpp"
#include "umbra/core/units.hpp"

namespace umbra::track {

enum class Hypothesis : std::uint8_t { electron, muon, pion, kaon, proton };
UMBRA_HD inline double mass_of(Hypothesis h) {
  switch (h) {
    case Hypothesis::electron: return constants::m_electron;
    case Hypothesis::muon: return constants::m_muon;
    case Hypothesis::kaon: return constants::m_kaon;
    case Hypothesis::proton: return constants::m_proton;
    default: return constants::m_pion;
  }
}

/// Per-track outcome. Anything but `ok` leaves the parameters at 0 and the covariance at 0.
enum class FitStatus : std::uint8_t {
  ok = 0,
  too_few_hits = 1,   // fewer than Options::min_hits hits
  too_many_hits = 2,  // more than max_hits_per_track (see kalman_fit.hpp)
  bad_input = 3,      // a non-finite or out-of-range hit value
  seed_failed = 4,    // no circle through the hits
  diverged = 5,       // non-positive covariance or lost track during the filter
};
inline constexpr int n_fit_status = 6;
const char* to_string(FitStatus s);

struct FitOptions {
  Hypothesis hypothesis = Hypothesis::pion;  // mass for Highland and energy loss
  int min_hits = 5;                          // fewer: FitStatus::too_few_hits
  bool material = true;                      // multiple scattering + mean energy loss
  /// DAF temperatures, one forward/backward pass each (at most 8; 0: one pass, sides taken from the
  /// filter prediction, no outlier down-weighting). The first forward pass takes each drift side
  /// from the prediction; every backward pass reweights each hit from its smoothed residual at its
  /// temperature before adding it. Default: one pass at T = 0.1 (near-hard assignment with the
  /// p = 1e-3 outlier cut-off) - enough here because the hard start already picks > 99.5% of the
  /// sides right (benchmarks/results/tracking.md). Belle II's full schedule, {100, 10, 1, 0.1}
  /// (reference/belle2.md), costs four passes and is tested too.
  int n_temperatures = 1;
  double temperatures[8] = {0.1, 0, 0, 0, 0, 0, 0, 0};
  double chi2_cut_1d = 10.83;  // DAF cut-off (p = 1e-3) for a drift measurement
  double chi2_cut_2d = 13.82;  // ... for a silicon space point
  /// Empty when valid, else a message naming the bad field.
  std::string validate() const;
};

/// The /tracks group.
struct Tracks : ColumnGroup<Tracks> {
  std::vector<float> d0, phi0, omega, z0, tan_lambda;  // perigee [cm, rad, 1/cm, cm, -]
  std::vector<float> cov[15];                          // packed upper triangle, row-major
  std::vector<std::int32_t> charge;
  std::vector<float> pt, p;  // GeV
  std::vector<float> chi2, ndf;  // ndf = sum of DAF weights x dimension - 5
  std::vector<std::uint8_t> status;  // FitStatus
  std::vector<std::uint8_t> n_pxd, n_svd, n_cdc;  // hits used (weight > 0.5)
  std::vector<std::int32_t> track_id;              // MC truth link

  std::uint64_t size() const { return status.size(); }
  void resize(std::size_t n);

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    static const char* cov_names[15] = {"cov00", "cov01", "cov02", "cov03", "cov04", "cov11", "cov12", "cov13",
                                        "cov14", "cov22", "cov23", "cov24", "cov33", "cov34", "cov44"};
    f("d0", s.d0), f("phi0", s.phi0), f("omega", s.omega), f("z0", s.z0), f("tan_lambda", s.tan_lambda);
    for (int i = 0; i < 15; ++i) f(cov_names[i], s.cov[i]);
    f("charge", s.charge), f("pt", s.pt), f("p", s.p), f("chi2", s.chi2), f("ndf", s.ndf), f("status", s.status),
        f("n_pxd", s.n_pxd), f("n_svd", s.n_svd), f("n_cdc", s.n_cdc), f("track_id", s.track_id);
  }
};

/// Hits grouped into track candidates: track t owns hit_index[hit_offsets[t] .. hit_offsets[t+1]),
/// sorted from the beam line outward; tracks of event e are [event_offsets[e], event_offsets[e+1]).
struct TrackCandidates : Offsets {
  std::vector<std::uint64_t> hit_offsets{0};
  std::vector<std::uint32_t> hit_index;  // into the event batch's hit arrays
  std::vector<std::int32_t> track_id;
  std::uint64_t size() const { return track_id.size(); }
  void close_event() { event_offsets.push_back(size()); }
};
/// Groups the hits of every event by track_id (noise, track_id < 0, is ignored).
TrackCandidates group_hits(const TrackerHits& hits);

/// Everything a fit call returns: the /tracks group and per-input-hit results.
struct FitResult {
  Tracks tracks;
  std::vector<float> hit_weight;      // final DAF weight of each input hit (0: unused)
  std::vector<std::int8_t> hit_sign;  // CDC: chosen side (+1 / -1) in the fit's convention; 0 otherwise
};

struct FitSummary {
  std::uint64_t n_tracks = 0, n_hits = 0;
  std::uint64_t by_status[n_fit_status] = {};
  double seconds = 0;  // fit only (grouping excluded)
  std::string backend;
  std::uint64_t n_failed() const { return n_tracks - by_status[0]; }
  /// "cpu: 10000 tracks (612345 hits), 9998 ok, 2 failed (too_few_hits 2) in 1.23 s (8130 tracks/s)"
  std::string brief() const;
};
/// Counts statuses into a summary (host side, after a fit).
void summarize(const Tracks& t, std::uint64_t n_hits, FitSummary& s);

}  // namespace umbra::track
