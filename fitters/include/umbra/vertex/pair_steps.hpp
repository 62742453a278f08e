#pragma once
// The per-item steps of the vertex finder, run by both backends (host/src/cpu/vertex_finder.cpp,
// cuda/src/vertex_finder.cu):
//   1. CountPairsStep   per event: number of (positive, negative) pairs of usable tracks
//   2. (prefix sum of the counts -> pair offsets; std:: on host, CUB on device)
//   3. FillPairsStep    per event: the pair list, positive track outer loop, in track order
//   4. FitPairStep      per pair:  starting points, vertex fit, derived quantities, selection
//   5. (prefix sum of the accepted flags -> output rows)
//   6. CompactStep      per pair:  copies accepted rows; VertexOffsetsStep per event: offsets
// Every item writes only its own outputs, so results do not depend on threads or launch shape.

#include <cstdint>

#include "umbra/vertex/options.hpp"
#include "umbra/vertex/pair_vertex.hpp"
#include "umbra/vertex/sincos.hpp"
#include "umbra/vertex/track_params.hpp"
#include "umbra/vertex/vertex_fit.hpp"
#include "umbra/vertex/vertices.hpp"

namespace umbra::vertex {

struct CountPairsStep {
  TrackParamsView tracks;
  Span<std::uint64_t> counts;  // per event

  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= tracks.events.n_events()) return;
    std::uint64_t np = 0, nn = 0;
    for (std::uint64_t i = tracks.events.begin(e); i < tracks.events.end(e); ++i) {
      if (!tracks.usable(i)) continue;
      (tracks.charge[i] > 0 ? np : nn) += 1;
    }
    counts[e] = np * nn;
  }
};

struct FillPairsStep {
  TrackParamsView tracks;
  Span<const std::uint64_t> pair_offsets;  // n_events + 1
  Span<std::uint32_t> first, second;       // global track indices (positive, negative)
  VerticesView rows;                       // per pair: track_pos / track_neg inside the event

  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= tracks.events.n_events()) return;
    const std::uint64_t b = tracks.events.begin(e), end = tracks.events.end(e);
    std::uint64_t k = pair_offsets[e];
    for (std::uint64_t i = b; i < end; ++i) {
      if (!tracks.usable(i) || tracks.charge[i] < 0) continue;
      for (std::uint64_t j = b; j < end; ++j) {
        if (!tracks.usable(j) || tracks.charge[j] > 0) continue;
        first[k] = std::uint32_t(i), second[k] = std::uint32_t(j);
        rows.track_pos[k] = std::int32_t(i - b), rows.track_neg[k] = std::int32_t(j - b);
        ++k;
      }
    }
  }
};

/// Invariant mass [GeV] of two momenta under masses m1, m2.
UMBRA_HD inline double pair_mass(const double a[3], const double b[3], double m1, double m2) {
  const double pa2 = a[0] * a[0] + a[1] * a[1] + a[2] * a[2], pb2 = b[0] * b[0] + b[1] * b[1] + b[2] * b[2];
  const double ea = sqrt(pa2 + m1 * m1), eb = sqrt(pb2 + m2 * m2);
  const double m2sum = m1 * m1 + m2 * m2 + 2.0 * (ea * eb - (a[0] * b[0] + a[1] * b[1] + a[2] * b[2]));
  return sqrt(fmax(m2sum, 0.0));
}

UMBRA_HD inline bool in_window(const MassWindow& w, double m) { return w.enabled && m >= w.lo && m <= w.hi; }

struct FitPairStep {
  TrackParamsView tracks;
  Options options;
  Span<const std::uint32_t> first, second;
  VerticesView rows;               // per pair
  Span<std::uint8_t> status;       // per pair: PairStatus

  UMBRA_HD void operator()(std::uint64_t k) const {
    if (k >= first.size) return;
    status[k] = std::uint8_t(fit(k));
  }

  /// Reads the pair's covariances from the track columns when the fit needs them.
  struct LoadCovariances {
    const TrackParamsView& tracks;
    std::uint64_t it[2];
    UMBRA_HD void operator()(Mat<5, 5> V[2]) const {
      for (int t = 0; t < 2; ++t) V[t] = tracks.covariance(it[t]);
    }
  };

  UMBRA_HD void load_params(std::uint64_t k, Vec<5> p[2]) const {
    p[0] = tracks.params(first[k]), p[1] = tracks.params(second[k]);
  }

  UMBRA_HD PairStatus fit(std::uint64_t k) const {
    const LoadCovariances cov{tracks, {first[k], second[k]}};
    Vec<5> p[2];
    load_params(k, p);
    VertexFitResult best;
    const PairStatus st = fit_pair_vertex_loading(p, cov, options, best);
    if (st != PairStatus::accepted) return st;
    return write(k, best);
  }

  /// fit() in two parts, for a backend that refines the candidates of many pairs together:
  /// the pair's starts (accepted: candidates to refine), then the fits from its candidates.
  UMBRA_HD PairStatus starts(std::uint64_t k, PairStarts& ps) const {
    Vec<5> p[2];
    load_params(k, p);
    return pair_starts(p, options, ps);
  }
  template <class Candidates>
  UMBRA_HD PairStatus fit_candidates(std::uint64_t k, const PairStarts& ps, const Candidates& candidate) const {
    const LoadCovariances cov{tracks, {first[k], second[k]}};
    Vec<5> p[2];
    load_params(k, p);
    VertexFitResult best;
    const PairStatus st = fit_pair_candidates(p, ps, candidate, cov, options, best);
    if (st != PairStatus::accepted) return st;
    return write(k, best);
  }

  /// Derived quantities of a fitted vertex, the row, and the post-fit selection.
  UMBRA_HD PairStatus write(std::uint64_t k, const VertexFitResult& f) const {
    const Options& o = options;
    double mom[2][3];
    for (int t = 0; t < 2; ++t) {
      const double pt = pt_of_omega(f.q[t].omega, o.b_field);
      double sp, cp;
      sincos_fast(f.q[t].phi, sp, cp);
      mom[t][0] = pt * cp, mom[t][1] = pt * sp, mom[t][2] = pt * f.q[t].tan_lambda;
    }
    double m[n_hypotheses];
    m[ee] = pair_mass(mom[0], mom[1], constants::m_electron, constants::m_electron);
    m[mumu] = pair_mass(mom[0], mom[1], constants::m_muon, constants::m_muon);
    m[pipi] = pair_mass(mom[0], mom[1], constants::m_pion, constants::m_pion);
    const double p0 = mom[0][0] * mom[0][0] + mom[0][1] * mom[0][1] + mom[0][2] * mom[0][2];
    const double p1 = mom[1][0] * mom[1][0] + mom[1][1] * mom[1][1] + mom[1][2] * mom[1][2];
    m[ppi] = p0 >= p1 ? pair_mass(mom[0], mom[1], constants::m_proton, constants::m_pion)
                      : pair_mass(mom[0], mom[1], constants::m_pion, constants::m_proton);

    const double dx = f.v[0] - o.beam_spot[0], dy = f.v[1] - o.beam_spot[1], dz = f.v[2] - o.beam_spot[2];
    const double L = norm2d(dx, dy);
    const Mat<3, 3>& C = f.cov;
    const double varL = L > 0 ? (dx * dx * C(0, 0) + 2 * dx * dy * C(0, 1) + dy * dy * C(1, 1)) / (L * L) : C(0, 0);
    const double sig = varL > 0 ? L / sqrt(varL) : 0.0;
    const double P[3] = {mom[0][0] + mom[1][0], mom[0][1] + mom[1][1], mom[0][2] + mom[1][2]};
    const double nP = sqrt(P[0] * P[0] + P[1] * P[1] + P[2] * P[2]), nd = sqrt(dx * dx + dy * dy + dz * dz);
    const double cosp = nP > 0 && nd > 0 ? (P[0] * dx + P[1] * dy + P[2] * dz) / (nP * nd) : 1.0;

    const VerticesView& r = rows;
    r.x[k] = float(f.v[0]), r.y[k] = float(f.v[1]), r.z[k] = float(f.v[2]);
    r.cov_xx[k] = float(C(0, 0)), r.cov_xy[k] = float(C(0, 1)), r.cov_xz[k] = float(C(0, 2));
    r.cov_yy[k] = float(C(1, 1)), r.cov_yz[k] = float(C(1, 2)), r.cov_zz[k] = float(C(2, 2));
    r.chi2[k] = float(f.chi2);
    r.mass_ee[k] = float(m[ee]), r.mass_mumu[k] = float(m[mumu]), r.mass_pipi[k] = float(m[pipi]);
    r.mass_ppi[k] = float(m[ppi]);
    r.radius[k] = float(L), r.significance[k] = float(sig), r.cos_pointing[k] = float(cosp);
    r.pos_px[k] = float(mom[0][0]), r.pos_py[k] = float(mom[0][1]), r.pos_pz[k] = float(mom[0][2]);
    r.neg_px[k] = float(mom[1][0]), r.neg_py[k] = float(mom[1][1]), r.neg_pz[k] = float(mom[1][2]);

    if (!(f.chi2 <= o.max_chi2)) return PairStatus::failed_chi2;
    if (L < o.min_radius || L > o.max_radius) return PairStatus::failed_radius;
    if (cosp < o.min_cos_pointing) return PairStatus::failed_pointing;
    if (sig < o.min_significance) return PairStatus::failed_significance;
    const bool windows = o.ks.enabled || o.lambda.enabled || o.gamma.enabled;
    if (windows && !in_window(o.ks, m[pipi]) && !in_window(o.lambda, m[ppi]) && !in_window(o.gamma, m[ee]))
      return PairStatus::failed_mass;
    return PairStatus::accepted;
  }
};

/// Copies the accepted rows: `row` is the exclusive prefix sum of the accepted flags (n_pairs + 1).
struct CompactStep {
  VerticesView pairs;
  Span<const std::uint8_t> status;
  Span<const std::uint64_t> row;
  VerticesView out;

  UMBRA_HD void operator()(std::uint64_t k) const {
    if (k >= status.size || status[k] != std::uint8_t(PairStatus::accepted)) return;
    out.copy_row(pairs, k, row[k]);
  }
};

/// Per event boundary e in [0, n_events]: first output row of the event.
struct VertexOffsetsStep {
  Span<const std::uint64_t> pair_offsets;
  Span<const std::uint64_t> row;
  Span<std::uint64_t> offsets;

  UMBRA_HD void operator()(std::uint64_t e) const {
    if (e >= offsets.size) return;
    offsets[e] = row[pair_offsets[e]];
  }
};

}  // namespace umbra::vertex
