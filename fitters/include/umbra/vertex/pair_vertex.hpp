#pragma once
// One pair, start to finish: starting candidates (helix_poca.hpp), the fit from each, the choice.
// Circles cross twice, and both crossings can fit with a good chi2 -- the measured perigee
// parameters alone cannot tell them apart (the first hit radius could; the track input carries no
// hits): for S -> mu mu with similar dip angles the tracks meet again after curling, usually far
// out; for nearly parallel e+e- the second crossing lies a few cm before the vertex. Both crossings
// are fitted; plausible decays (chi2 cut, radius window, pair momentum pointing away from the beam
// spot) win, and among equals the vertex nearer the beam line (the first meeting of tracks that
// leave the beam-spot region). Measured in tests/vertexing: S -> mu mu pulls unit-Gaussian; for
// opening angles of 1-70 mrad about 9% of the vertices take the wrong crossing.
#include "umbra/vertex/helix_poca.hpp"
#include "umbra/vertex/options.hpp"
#include "umbra/vertex/sincos.hpp"
#include "umbra/vertex/start_chi2.hpp"
#include "umbra/vertex/vertex_fit.hpp"

namespace umbra::vertex {

/// Cosine between the pair momentum at a candidate and the beam-spot-to-candidate direction.
UMBRA_HD inline double start_pointing(const Vec<5> p[2], const PocaCandidate& c, const double bs[3]) {
  const double w0 = 1.0 / fabs(p[0].a[2][0]), w1 = 1.0 / fabs(p[1].a[2][0]);  // pt ~ 1/|omega|
  double s1, c1, s2, c2;
  sincos_fast(c.phi1, s1, c1);
  sincos_fast(c.phi2, s2, c2);
  const double P[3] = {w0 * c1 + w1 * c2, w0 * s1 + w1 * s2, w0 * p[0].a[4][0] + w1 * p[1].a[4][0]};
  const double d[3] = {c.x - bs[0], c.y - bs[1], c.z - bs[2]};
  const double n = sqrt((P[0] * P[0] + P[1] * P[1] + P[2] * P[2]) * (d[0] * d[0] + d[1] * d[1] + d[2] * d[2]));
  return n > 0 ? (P[0] * d[0] + P[1] * d[1] + P[2] * d[2]) / n : 1.0;
}

/// A fit result that could be the decay searched for: acceptable chi2, inside the radius window,
/// pair momentum pointing away from the beam spot.
UMBRA_HD inline bool plausible(const Vec<5> p[2], const VertexFitResult& f, const Options& o) {
  if (!(f.chi2 <= o.max_chi2)) return false;
  const double r = norm2d(f.v[0] - o.beam_spot[0], f.v[1] - o.beam_spot[1]);
  if (r < o.min_radius || r > o.max_radius) return false;
  const PocaCandidate c{f.v[0], f.v[1], f.v[2], 0.0, f.q[0].phi, f.q[1].phi, 0.0, 0.0, 0.0, 0.0, 0.0};
  Vec<5> pq[2] = {p[0], p[1]};
  for (int i = 0; i < 2; ++i) pq[i].a[2][0] = f.q[i].omega, pq[i].a[4][0] = f.q[i].tan_lambda;
  return start_pointing(pq, c, o.beam_spot) > 0;
}

/// Between two converged fits of equal plausibility: the one nearer the beam line.
UMBRA_HD inline bool better(const VertexFitResult& a, const VertexFitResult& b, const Options& o) {
  return norm2d(a.v[0] - o.beam_spot[0], a.v[1] - o.beam_spot[1]) < norm2d(b.v[0] - o.beam_spot[0], b.v[1] - o.beam_spot[1]);
}

/// Refits f with the tracks less the material inside the fitted vertex radius (inner_material.hpp), until the set of cylinders inside stops changing (at most 3 refits;
/// a failed refit keeps the previous result).
UMBRA_HD inline void refit_without_inner_material(const Vec<5> p[2], const Mat<5, 5> V[2], const Options& o,
                                                  VertexFitResult& f) {
  const TrackMaterial& m = o.track_material;
  // Smaller track covariances only raise the chi2 at every vertex (the curvature change is
  // negligible here), so a fit already over the chi2 cut stays rejected: not refitted.
  if (m.n == 0 || !(f.chi2 <= o.max_chi2)) return;
  int n_inside = 0;
  for (int k = 0; k < 3; ++k) {
    const int n = cylinders_inside(m, norm2d(f.v[0], f.v[1]));  // cylinders are centred on the z axis
    if (n == n_inside) return;
    n_inside = n;
    Vec<5> pc[2];
    Mat<5, 5> Vc[2];
    for (int i = 0; i < 2; ++i) remove_inner_material(p[i], V[i], m, n, o.b_field, pc[i], Vc[i]);
    const double phi[2] = {f.q[0].phi, f.q[1].phi};
    const VertexFitResult g = fit_vertex(pc, Vc, f.v, phi, o.fit);
    if (g.status != FitStatus::ok) return;
    f = g;
  }
}

/// The two covariances of a pair, given as they are (fit_pair_vertex with V).
struct GivenCovariances {
  const Mat<5, 5>* V;
  UMBRA_HD void operator()(Mat<5, 5> out[2]) const { out[0] = V[0], out[1] = V[1]; }
};

/// A pair before its closest-approach search: both helices, the transverse starting points and
/// the order in which their candidates are tried.
struct PairStarts {
  HelixEval h[2];
  CircleStarts st;
  int order[2];
};

/// The transverse stage of a pair: `accepted` when there are candidates to refine (ps filled),
/// otherwise the pair's outcome (no crossing, or circles farther apart than max_doca).
UMBRA_HD inline PairStatus pair_starts(const Vec<5> p[2], const Options& o, PairStarts& ps) {
  ps.h[0] = HelixEval(p[0]), ps.h[1] = HelixEval(p[1]);
  const CircleStarts& st = ps.st = circle_starts(ps.h[0], ps.h[1]);
  if (st.n == 0) return PairStatus::no_crossing;
  if (!(st.gap <= o.max_doca)) return PairStatus::failed_doca;  // the 3D doca is at least the gap
  // Nearer the beam line first: once that fit is plausible the other cannot win (see better()),
  // and the other crossing is never fitted.
  ps.order[0] = 0, ps.order[1] = 1;
  if (st.n == 2 && norm2d(st.x1[1] - o.beam_spot[0], st.y1[1] - o.beam_spot[1]) <
                       norm2d(st.x1[0] - o.beam_spot[0], st.y1[0] - o.beam_spot[1]))
    ps.order[0] = 1, ps.order[1] = 0;
  return PairStatus::accepted;
}

/// Candidate n of a pair, refined when asked for (the per-pair path: the second crossing only when
/// the first gives no plausible vertex).
struct RefineOnDemand {
  const PairStarts& ps;
  double give_up;
  UMBRA_HD PocaCandidate operator()(int n) const {
    return refine_start(ps.h[0], ps.h[1], ps.st, ps.order[n], give_up);
  }
};

/// Candidates refined beforehand (the CPU backend refines those of many pairs together; the same
/// values, refine_poca_t).
struct GivenCandidates {
  const PocaCandidate* c;
  UMBRA_HD const PocaCandidate& operator()(int n) const { return c[n]; }
};

/// Fits the vertex of tracks p from the candidates of their starts ps (`candidate(n)`: candidate
/// n in the order of ps, refined with give-up distance max_doca), with the covariances `load(V)`
/// writes; it is called only once a candidate passes the doca and radius pre-selection (most
/// pairs never need them). Returns accepted when `best` holds a converged fit (the post-fit
/// selection is the caller's), otherwise the reason there is none.
template <class Candidates, class LoadCovariances>
UMBRA_HD inline PairStatus fit_pair_candidates(const Vec<5> p[2], const PairStarts& ps, const Candidates& candidate,
                                               const LoadCovariances& load, const Options& o, VertexFitResult& best) {
  Mat<5, 5> V[2];
  bool loaded = false;
  bool have = false, near = false, inside = false, consistent = false, have_good = false;
  for (int n = 0; n < ps.st.n && !have_good; ++n) {
    const PocaCandidate s = candidate(n);
    if (!(s.doca <= o.max_doca)) continue;
    near = true;
    const double rs = norm2d(s.x - o.beam_spot[0], s.y - o.beam_spot[1]);
    if (rs < o.min_radius - o.start_radius_margin || rs > o.max_radius + o.start_radius_margin) continue;
    inside = true;
    if (!loaded) load(V), loaded = true;
    // Cheap pre-test: helices that miss by many sigma cannot make an acceptable vertex here.
    if (o.max_start_chi2 > 0 && start_chi2(ps.h, V, s) > o.max_start_chi2) continue;
    consistent = true;
    const double start[3] = {s.x, s.y, s.z}, phi[2] = {s.phi1, s.phi2};
    VertexFitResult f = fit_vertex(p, V, start, phi, o.fit);
    if (f.status == FitStatus::bad_covariance) return PairStatus::bad_covariance;
    if (f.status != FitStatus::ok) continue;
    refit_without_inner_material(p, V, o, f);
    const bool good = plausible(p, f, o);
    if (!have || (good && !have_good) || (good == have_good && better(f, best, o))) best = f, have_good = good;
    have = true;
  }
  if (!near) return PairStatus::failed_doca;
  if (!inside) return PairStatus::failed_start_radius;
  if (!consistent) return PairStatus::failed_start_chi2;
  return have ? PairStatus::accepted : PairStatus::fit_failed;
}

/// One pair, start to finish: its starts, the candidates refined on demand, the fits.
template <class LoadCovariances>
UMBRA_HD inline PairStatus fit_pair_vertex_loading(const Vec<5> p[2], const LoadCovariances& load, const Options& o,
                                                   VertexFitResult& best) {
  PairStarts ps;
  const PairStatus s = pair_starts(p, o, ps);
  if (s != PairStatus::accepted) return s;
  return fit_pair_candidates(p, ps, RefineOnDemand{ps, o.max_doca}, load, o, best);
}

/// The same with the covariances V at hand.
UMBRA_HD inline PairStatus fit_pair_vertex(const Vec<5> p[2], const Mat<5, 5> V[2], const Options& o,
                                           VertexFitResult& best) {
  return fit_pair_vertex_loading(p, GivenCovariances{V}, o, best);
}

}  // namespace umbra::vertex
