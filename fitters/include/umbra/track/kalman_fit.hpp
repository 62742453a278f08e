#pragma once
// The bulk Kalman track fit, one source for CPU and CUDA: `FitTrackStep` fits track candidate t
// (its hits sorted outward) and writes row t of the outputs. Per track:
//  1. seed: algebraic circle fit (silicon points + axial CDC wires) and a line fit in (s, z) from
//     silicon z (stereo wires when fewer than two silicon points);
//  2. deterministic annealing filter (DAF), one forward/backward pass per temperature
//     (FitOptions::temperatures; default one pass at T = 0.1, Belle II's 100 -> 0.1 schedule on
//     request, reference/belle2.md): a forward Kalman filter from the perigee outward stores its
//     predictions; the first one takes the side of each drift distance from its own prediction.
//     The backward filter inward combines its prediction at each hit with the stored forward one
//     (two-filter smoother: an unbiased residual, the hit itself excluded), recomputes from it the
//     weights of both left/right candidates of the drift distance (or of the silicon point) at the
//     pass's temperature with a p = 1e-3 cut-off that down-weights outliers, and adds the hit with
//     these weights at once. The weights need only the measurement-space projection of the
//     smoothed state, so the two predictions are combined there (drift_chi2, point_chi2); the CDC
//     update takes the drift distance as the weighted mean of its sides (kalman_update_weighted);
//  3. propagation between measurements = analytic change of the helix pivot with its Jacobian
//     written out (change_pivot_jacobian, checked against Dual<5> in test_helix); material as thin
//     scatterers at the crossings of beam pipe, PXD, SVD, CDC wall and lumped CDC gas per layer:
//     Highland noise on (phi0, tanLambda, omega) and mean energy loss for the mass hypothesis
//     (material.hpp, the simulation's own model). The surfaces (hit pivots on the wires, material
//     crossings) are found once, in the first pass, and reused by every later pass;
//  4. the backward filter's final state, carried through the inner material to the pivot (0,0,0),
//     is the result: perigee parameters, covariance, chi2 and ndf (sum of weights x dim - 5).

#include <cmath>
#include <cstdint>

#include "umbra/core/event_data.hpp"
#include "umbra/core/lanes_math.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/helix.hpp"
#include "umbra/track/material.hpp"
#include "umbra/track/matrix.hpp"
#include "umbra/track/measurement.hpp"
#include "umbra/track/seed.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::track {

inline constexpr int max_hits_per_track = 64;

struct CandidatesView {
  Span<const std::uint64_t> hit_offsets;
  Span<const std::uint32_t> hit_index;
  UMBRA_HD std::uint64_t size() const { return hit_offsets.size == 0 ? 0 : hit_offsets.size - 1; }
};
inline CandidatesView view(const TrackCandidates& c) { return {span_of(c.hit_offsets), span_of(c.hit_index)}; }

struct TracksView {
  Span<float> d0, phi0, omega, z0, tan_lambda;
  Span<float> cov[15];
  Span<std::int32_t> charge;
  Span<float> pt, p, chi2, ndf;
  Span<std::uint8_t> status, n_pxd, n_svd, n_cdc;
  Span<float> hit_weight;  // zeroed by the backend before the fit: only fitted tracks' hits are written
  Span<std::int8_t> hit_sign;
};

namespace detail {

struct HitData {
  Point3 pos;      // silicon: the point; CDC: unused
  Wire wire;       // CDC only
  double radius;   // for ordering the material
  double drift, sigma_a, sigma_b;  // CDC: drift, sigma; silicon: sigma_rphi, sigma_z
  int detector;    // 1 PXD, 2 SVD, 3 CDC
  int layer;
};

struct MaterialNode {
  Point3 pivot;
  Scatterer scatterer;
  int before_hit;
};

struct Work {
  HitData hit[max_hits_per_track];
  double fm[max_hits_per_track][2];  // forward prediction in measurement space (CDC: [0])
  double fv[max_hits_per_track][3];  // its covariance H Cf H^T (CDC: [0]; silicon: 00, 01, 11)
  double fx[max_hits_per_track][5];  // the forward prediction itself (incl. the material at the hit)
  double fsc[max_hits_per_track][2];  // sin, cos of its phi0
  double fc[max_hits_per_track][15];
  Point3 pivot[max_hits_per_track];
  Scatterer own[max_hits_per_track];  // material lumped at the hit (silicon layer, CDC gas)
  double w[max_hits_per_track][2];    // DAF weights: CDC (+, -) sides; silicon [0]
  MaterialNode mat[n_material_cylinders];    // between hits, found by the first forward pass
  MaterialNode inner[n_material_cylinders];  // inside the first hit, found by the first backward pass
  int n_hits = 0, n_mat = 0, n_inner = 0;
  bool surfaces_known = false;  // mat, inner, pivot, own filled (later passes reuse them)
};

/// FitTrackStep::load's per-hit callback by default: nothing (the CPU lanes, track_fit_lanes.cpp,
/// lay each hit out over their lanes as it is loaded instead of copying it afterwards).
struct NoHitSink {
  UMBRA_HD void operator()(int, const HitData&) const {}
};

/// x, C at `from` -> at `to`; J.s = transverse arc length travelled.
/// sc: sin, cos of x[kPhi0], carried along (updated here).
/// Over a lane type V (umbra/core/lanes.hpp) with pivots of type P: the mask of the lanes whose
/// new state is finite (a scalar stops copying at the first non-finite parameter, as before).
template <class V, class P>
UMBRA_HD inline auto propagate(V x[5], V sc[2], Mat5T<V>& C, P& from, const P& to, PivotJacobianT<V>& J) {
  V out[5];
  change_pivot_jacobian(x, sc[0], sc[1], from, to, out, J);
  sc[0] = J.sin_phi, sc[1] = J.cos_phi;
  pivot_similarity(J, C);
  from = to;
  if constexpr (lanes::is_scalar<V>) {
    for (int i = 0; i < 5; ++i) {
      x[i] = out[i];
      if (!is_finite(x[i])) return false;
    }
    return true;
  } else {
    constexpr double big = 1.7976931348623157e308;  // is_finite's bound
    auto ok = lanes::fabs(out[0]) <= big;
    for (int i = 0; i < 5; ++i) x[i] = out[i], ok = ok && lanes::fabs(out[i]) <= big;
    return ok;
  }
}

/// The pivot on wire w for the step from `from`: the wire's point at the height where the track
/// passes it (measurement.hpp's cdc_pivot iterates change_pivot for it), estimated here without a
/// propagation: the transverse step to the wire along the track's direction times tanLambda.
/// The estimate is off by ~ omega s^2 tanLambda / 2 < 0.05 cm in z, i.e. < 4e-3 cm along the
/// stereo wire (tilt < 0.08); the measured distance between the track's tangent and the wire line
/// does not depend on where along the wire the pivot is, up to omega (4e-3 cm)^2 ~ 1e-7 cm.
/// The wire's points are x + dx (z / dz) as Wire::at, with 1 / dz taken first: the wire is known
/// before the step, so that division stays off the chain from one hit to the next.
template <class V, class P, class W>
UMBRA_HD inline P wire_pivot(const V x[5], const V sc[2], const P& from, const W& w) {
  const auto idz = 1.0 / w.dz;
  const V z1 = from.z + x[kZ0], t1 = z1 * idz;
  const V s_guess = (w.x + w.dx * t1 - from.x) * sc[1] + (w.y + w.dy * t1 - from.y) * sc[0];
  const V z2 = z1 + s_guess * x[kTanLambda], t2 = z2 * idz;
  return {w.x + w.dx * t2, w.y + w.dy * t2, z2};
}

/// Where the helix x at pivot P (sf, cf: sin, cos of its phi0) first reaches cylindrical radius r
/// going forward: helix.hpp's arc_to_radius + helix_position (the same circle intersection) with
/// one atan2 per candidate point, the turning angle between the radius vectors from the centre,
/// instead of their eight libm calls. False when the track never reaches r.
UMBRA_HD inline bool cylinder_crossing(const double x[5], double sf, double cf, const Point3& P, double r,
                                       Point3& at) {
  const double x0 = P.x + x[kD0] * sf, y0 = P.y - x[kD0] * cf;  // point of closest approach
  const double w = x[kOmega];
  double best = -1, bx = 0, by = 0;
  if (fabs(w) < 1e-9) {  // straight line: |x0 + s dir| = r
    const double b = x0 * cf + y0 * sf, c = x0 * x0 + y0 * y0 - r * r, disc = b * b - c;
    if (disc < 0) return false;
    const double sq = sqrt(disc), s1 = -b - sq, s2 = -b + sq;
    best = s1 > 1e-9 ? s1 : s2;
    if (!(best > 1e-9)) return false;
    bx = x0 + best * cf, by = y0 + best * sf;
  } else {
    const double rho = 1.0 / fabs(w), sg = w > 0 ? 1.0 : -1.0;
    const double cx = x0 + sf / w, cy = y0 - cf / w;  // circle centre
    const double D = sqrt(cx * cx + cy * cy);
    if (D < 1e-12 || D > r + rho || D < fabs(r - rho)) return false;
    const double a = (r * r - rho * rho + D * D) / (2 * D), h2 = r * r - a * a, h = h2 > 0 ? sqrt(h2) : 0.0;
    const double ux = cx / D, uy = cy / D, vx = x0 - cx, vy = y0 - cy;  // v: centre -> closest approach
    for (int k = 0; k < 2; ++k) {
      const double sgn = k == 0 ? 1.0 : -1.0;
      const double X = a * ux - sgn * h * uy, Y = a * uy + sgn * h * ux, ex = X - cx, ey = Y - cy;
      // the track turns clockwise for omega > 0: turning angle from v to e in [0, 2 pi)
      double turn = -sg * atan2(vx * ey - vy * ex, vx * ex + vy * ey);
      if (turn < 0) turn += constants::two_pi;
      const double s = turn * rho;
      if (s > 1e-9 && (best < 0 || s < best)) best = s, bx = X, by = Y;
    }
    if (best < 0) return false;
  }
  at = {bx, by, P.z + x[kZ0] + best * x[kTanLambda]};
  return true;
}

/// ln(v) from the logarithm of a nearby ref > 0: ln(ref) + 2 atanh(z), z = (v - ref) / (v + ref), by
/// its series, valid while v / ref lies in (1/2, 2) (|z| < 1/3: to z^23, truncation < 1e-13).
/// The CDC gas steps of consecutive layers are that close, which saves a log call per hit. The
/// series in y = z^2 is summed by Estrin's scheme (a tree of depth 4): the first forward pass's
/// chain from one hit to the next runs through it, where Horner's rule was 11 dependent steps.
template <class V>
UMBRA_HD inline V log_near_series(V v, V ref, V log_ref) {
  const V z = (v - ref) / (v + ref), y = z * z, y2 = y * y, y4 = y2 * y2;
  const V q0 = (1.0 + y * (1.0 / 3)) + y2 * (1.0 / 5 + y * (1.0 / 7));
  const V q1 = (1.0 / 9 + y * (1.0 / 11)) + y2 * (1.0 / 13 + y * (1.0 / 15));
  const V q2 = (1.0 / 17 + y * (1.0 / 19)) + y2 * (1.0 / 21 + y * (1.0 / 23));
  return log_ref + 2 * z * (q0 + y4 * (q1 + y4 * q2));
}
/// log_near_series where v / ref is in (1/2, 2), log() else.
UMBRA_HD inline double log_near(double v, double ref, double log_ref) {
  if (!(v > 0.5 * ref && v < 2 * ref)) return log(v);
  return log_near_series(v, ref, log_ref);
}

/// ln(beta^2) of the state x for the given mass: the one logarithm of add_material, evaluated once
/// per filter pass (energy loss changes beta by < 1e-3 relative along a track here, so Highland's
/// log term moves by < 1e-4; reference/belle2.md "Tracking detectors" for the material).
UMBRA_HD inline double log_beta2(const double x[5], double mass, double b) {
  const double pt = pt_of(x[kOmega], b), p2 = pt * pt * (1 + x[kTanLambda] * x[kTanLambda]);
  return log(p2 / (p2 + mass * mass));
}

/// Thin scatterer at the pivot: Highland noise on phi0, tanLambda and omega (omega = qcB/(p cos
/// lambda) moves with lambda), and the mean energy loss (forward) or gain (inward) on omega.
/// Same model as material.hpp's highland and mean_energy_loss, written without sqrt/log of its own.
/// Over a lane type V with a scatterer S of V (lanes without material, x/X0 <= 0, are left alone).
template <class V, class S>
UMBRA_HD inline void add_material(V x[5], Mat5T<V>& C, const S& sc, double mass, double b, V ln_beta2, bool outward) {
  using lanes::select;
  const auto on = !(sc.x_over_x0 <= 0);
  if (!lanes::any(on)) return;
  const V t = x[kTanLambda], w = x[kOmega];
  // p^2 = (c B)^2 (1 + tan^2) / omega^2 (pt_of) and its inverse side by side, so that 1 / beta^2 and
  // Highland's 1 / (beta p)^2 are products: two divisions in parallel instead of four in a chain
  const double cb = constants::c_curvature * b;
  const V a = 1 + t * t, w2 = w * w, ca = (cb * cb) * a;
  const V p2 = ca / w2, ip2 = w2 / ca, e2 = p2 + mass * mass, ib2 = e2 * ip2;  // ib2 = 1 / beta^2
  const V hl = sc.log_term - 0.038 * ln_beta2;
  const V th2 = (0.0136 * 0.0136) * sc.x_over_x0 * hl * hl * (ib2 * ip2);  // highland() squared
  C(kPhi0, kPhi0) = select(on, C(kPhi0, kPhi0) + th2 * a, C(kPhi0, kPhi0));
  C(kTanLambda, kTanLambda) = select(on, C(kTanLambda, kTanLambda) + th2 * a * a, C(kTanLambda, kTanLambda));
  C(kOmega, kOmega) = select(on, C(kOmega, kOmega) + th2 * w * w * t * t, C(kOmega, kOmega));
  C(kOmega, kTanLambda) = select(on, C(kOmega, kTanLambda) + th2 * w * t * a, C(kOmega, kTanLambda));
  const V de = sc.loss * select(ib2 < 20, ib2, lanes::splat<V>(20));  // mean_energy_loss(): beta^2 >= 0.05
  const V e = lanes::sqrt(e2), e1 = outward ? e - de : e + de;
  const auto go = on && !(e1 <= mass * 1.0001);  // would stop: leave omega (the filter reports the misfit)
  if (!lanes::any(go)) return;
  const V f = lanes::sqrt(p2 / (e1 * e1 - mass * mass));  // omega scales as 1/p
  // row and column omega times f: the diagonal entry twice
  if (lanes::all(go)) {  // the usual case: no blend per element
    x[kOmega] = x[kOmega] * f;
    for (int i = 0; i < 5; ++i) C(kOmega, i) = C(kOmega, i) * f;
    C(kOmega, kOmega) = C(kOmega, kOmega) * f;
    return;
  }
  x[kOmega] = select(go, x[kOmega] * f, x[kOmega]);
  for (int i = 0; i < 5; ++i) C(kOmega, i) = select(go, C(kOmega, i) * f, C(kOmega, i));
  C(kOmega, kOmega) = select(go, C(kOmega, kOmega) * f, C(kOmega, kOmega));
}

UMBRA_HD inline void initial_cov(const double x[5], Mat5& C) {
  for (int i = 0; i < 5; ++i)
    for (int j = i; j < 5; ++j) C(i, j) = 0;
  C(kD0, kD0) = 1.0;
  C(kPhi0, kPhi0) = 0.01;
  const double sw = 0.3 * fabs(x[kOmega]) + 1e-4;
  C(kOmega, kOmega) = sw * sw;
  C(kZ0, kZ0) = 25.0;
  C(kTanLambda, kTanLambda) = 0.09;
}

/// DAF weights of candidates with chi2 c[0..n) against one cut-off term, at temperature T, as
/// terms (term_out) and their sum with the cut-off's: weight i = term i / sum.
/// Terms are taken relative to the smallest chi2 (its term is 1, no exp); a term below e^-37 is 0:
/// e^-37 < 2^-53, half an ulp of that 1, so the sum is the same 1 and the weights differ from the
/// exact ones by < 1e-16. That skips the exp for the wrong side of most drift distances at low
/// temperature, and for the cut-off term unless the best chi2 is within 37 (2 T) of the cut-off
/// (at T = 0.1: best > cut - 7.4, ~6% of the drift distances, where e^-50 took 36%).
template <class V>
UMBRA_HD inline void daf_terms(const V* c, int n, double cut, double T, V* term_out, V& sum) {
  const double k = 0.5 / T;
  V m = lanes::splat<V>(cut);
  for (int i = 0; i < n; ++i) m = lanes::select(c[i] < m, c[i], m);
  auto term = [&](V ci) {
    const V a = (ci - m) * k;
    const V r = lanes::select(a <= 0, lanes::splat<V>(1.0), lanes::splat<V>(0.0));
    const auto need = !(a <= 0) && !(a > 37);
    if (!lanes::any(need)) return r;
    return lanes::select(need, lanes::exp(-lanes::select(need, a, lanes::splat<V>(0.0))), r);
  };
  sum = term(lanes::splat<V>(cut));
  for (int i = 0; i < n; ++i) sum += (term_out[i] = term(c[i]));
}
/// The weights themselves: the terms over their sum.
template <class V>
UMBRA_HD inline void daf_weights(const V* c, int n, double cut, double T, V* out) {
  V sum;
  daf_terms(c, n, cut, T, out, sum);
  const V inv = 1.0 / sum;
  for (int i = 0; i < n; ++i) out[i] *= inv;
}

/// The first forward pass takes a drift side from the prediction only when the two sides' chi2
/// differ by more than this (odds e^4 : 1). On CDC-only muons born at 30 cm (no material), a hard
/// start on every hit left 1.3% of the hits beyond 3 sigma of the wire on the wrong side, in 23% of
/// the tracks, and perigee pulls of 1.21-1.26; with the gap, < 0.01% and 1.00-1.04
/// (benchmarks/results/vertexing.md, "Pull widths").
inline constexpr double side_chi2_gap = 8.0;

/// chi2 of both sides of a drift distance from the smoothed prediction of the signed distance:
/// the forward (mf, vf) and backward (mb, vb) predictions at the hit - independent estimates, the
/// hit itself in neither - combined in measurement space (weighted mean, variance vf vb/(vf + vb)).
/// This is the projection of the two-filter smoother without its 5x5 algebra; it ignores what the
/// other parameters of one filter add to the other's projection, so it is less sharp: the fit
/// falls back to the full smoother (FitTrackStep::smoothed_chi2) unless the weights are clear.
template <class V>
UMBRA_HD inline void drift_chi2(V mf, V vf, V mb, V vb, V drift, V sigma2, V c[2]) {
  // with v = vf + vb: ms = n / v, R = sigma2 + vf vb / v; (drift -+ ms)^2 / R written over the common
  // denominator v (sigma2 v + vf vb), one division instead of two in a row
  const V v = vf + vb, n = mf * vb + mb * vf, iq = 1.0 / (v * (sigma2 * v + vf * vb));
  const V dv = drift * v;
  c[0] = (dv - n) * (dv - n) * iq, c[1] = (dv + n) * (dv + n) * iq;
}

/// The same for a silicon point (measured at (0, 0) in its plane): 2x2 covariances as (00, 01, 11).
template <class V>
UMBRA_HD inline V point_chi2(const V mf[2], const V vf[3], const V mb[2], const V vb[3], V s00, V s11) {
  // A = (Vf + Vb)^-1; ms = Vb A mf + Vf A mb; Vs = Vf A Vb
  const V a00 = vf[0] + vb[0], a01 = vf[1] + vb[1], a11 = vf[2] + vb[2];
  const V id = 1.0 / (a00 * a11 - a01 * a01);
  const V i00 = a11 * id, i01 = -a01 * id, i11 = a00 * id;
  const V pf[2] = {i00 * mf[0] + i01 * mf[1], i01 * mf[0] + i11 * mf[1]};  // A mf
  const V pb[2] = {i00 * mb[0] + i01 * mb[1], i01 * mb[0] + i11 * mb[1]};  // A mb
  const V m0 = vb[0] * pf[0] + vb[1] * pf[1] + vf[0] * pb[0] + vf[1] * pb[1];
  const V m1 = vb[1] * pf[0] + vb[2] * pf[1] + vf[1] * pb[0] + vf[2] * pb[1];
  const V b00 = i00 * vb[0] + i01 * vb[1], b01 = i00 * vb[1] + i01 * vb[2];  // A Vb
  const V b10 = i01 * vb[0] + i11 * vb[1], b11 = i01 * vb[1] + i11 * vb[2];
  const V r00 = s00 + vf[0] * b00 + vf[1] * b10, r01 = vf[0] * b01 + vf[1] * b11;
  const V r11 = s11 + vf[1] * b01 + vf[2] * b11;
  return (m0 * m0 * r11 - 2 * m0 * m1 * r01 + m1 * m1 * r00) / (r00 * r11 - r01 * r01);
}

/// True when the DAF weights from the chi2 c[0..n) at temperature T are settled beyond what the
/// sharper full smoother could change: the best candidate well inside the cut-off and, for a
/// drift distance, the other side far behind: a chi2 gap of max(40 T, 10), so the weights are 1
/// and < e^-20 (e^-50 at the default T = 0.1), as from the full one. On the benchmark's muons the
/// measurement-space chi2 of the better side is within 3.8 of the full smoother's for 99.9% of the
/// CDC hits; a gap of 10 instead of 40 at T = 0.1 sends 5.5% of them to the full smoother instead of
/// 8.9%; the "clear" hits whose weights differ from the full smoother's by > 1e-6 go from 40 to 41
/// of 106,853, all of them from the first clause (benchmarks/results/tracking.md).
/// Over a lane type V: the mask of the lanes whose weights are clear.
template <class V>
UMBRA_HD inline auto weights_clear(const V* c, int n, double cut, double T) {
  const V best = n == 1 ? c[0] : lanes::select(c[0] < c[1], c[0], c[1]);
  const auto inside = best < 0.5 * cut && best < cut - 40 * T;
  if (n == 1) return inside;
  return inside && lanes::fabs(c[0] - c[1]) > (40 * T > 10 ? 40 * T : 10.0);
}

}  // namespace detail

/// Which filter pass a measurement update belongs to (kalman_fit's FitTrackStep::update).
enum class FilterPass : std::uint8_t {
  first_forward,  // take each drift side from the prediction; store the prediction
  forward,        // store the prediction
  backward,       // reweight from the stored and the own prediction (DAF, T > 0) before the update
};

struct FitTrackStep {
  tracker::TrackerGeometry geo;
  FitOptions opt;
  TrackerHitsView hits;
  CandidatesView cand;
  TracksView out;
  tracker::CdcWireTableView wires{};  // CDC wires precomputed (CPU backend); empty: computed per hit

  UMBRA_HD void fail(std::uint64_t t, FitStatus s) const {
    out.status[t] = std::uint8_t(s);
    out.d0[t] = out.phi0[t] = out.omega[t] = out.z0[t] = out.tan_lambda[t] = 0;
    for (int i = 0; i < 15; ++i) out.cov[i][t] = 0;
    out.charge[t] = 0, out.pt[t] = out.p[t] = out.chi2[t] = out.ndf[t] = 0;
    out.n_pxd[t] = out.n_svd[t] = out.n_cdc[t] = 0;
  }

  UMBRA_HD void operator()(std::uint64_t t) const {
    if (t >= cand.size()) return;
    detail::Work wk;
    double x[5];
    if (!start(t, wk, x)) return;
    double sc[2] = {sin(x[kPhi0]), cos(x[kPhi0])};
    const double mass = mass_of(opt.hypothesis);
    Mat5 C;
    double chi2 = 0;
    // one forward/backward pass per temperature (one pass without DAF when there is none); the
    // backward filter of the last pass is the result
    const int n_iter = opt.n_temperatures > 0 ? opt.n_temperatures : 1;
    for (int it = 0; it < n_iter; ++it) {
      detail::initial_cov(x, C);
      if (!forward(wk, x, sc, C, it == 0, mass)) return fail(t, FitStatus::diverged);
      if (!backward(wk, x, sc, C, temperature(it), mass, chi2)) return fail(t, FitStatus::diverged);
    }
    finish(t, wk, x, C, chi2);
  }

  UMBRA_HD double temperature(int it) const { return opt.n_temperatures > 0 ? opt.temperatures[it] : 0; }

  /// Track t up to its seed: loads its hits into wk and seeds x. False (with the failure written)
  /// when the track cannot be fitted. Its hits' outputs stay as the backend zeroed them.
  /// on_hit(k, hit): see load. The same as hit_count, load_hit for each hit and seed_track.
  template <class OnHit = detail::NoHitSink>
  UMBRA_HD bool start(std::uint64_t t, detail::Work& wk, double x[5], const OnHit& on_hit = OnHit{}) const {
    const int n = hit_count(t);
    if (n < 0) return false;
    if (!load(cand.hit_offsets[t], n, wk, on_hit)) return fail(t, FitStatus::bad_input), false;
    return seed_track(t, wk, x);
  }
  /// start's steps, for a caller that loads several tracks' hits side by side (the CPU lanes):
  /// track t's hit count, or -1 (the failure written) when it cannot be fitted;
  UMBRA_HD int hit_count(std::uint64_t t) const {
    const std::uint64_t nh = cand.hit_offsets[t + 1] - cand.hit_offsets[t];
    if (nh < std::uint64_t(opt.min_hits)) return fail(t, FitStatus::too_few_hits), -1;
    if (nh > std::uint64_t(max_hits_per_track)) return fail(t, FitStatus::too_many_hits), -1;
    return int(nh);
  }
  /// after its n hits are loaded (wk.n_hits = n, load_hit for k = 0 .. n - 1; at a false one the
  /// caller writes FitStatus::bad_input and stops), the seed in x; false with the failure written.
  UMBRA_HD bool seed_track(std::uint64_t t, const detail::Work& wk, double x[5]) const {
    if (!detail::seed(wk, geo, x)) return fail(t, FitStatus::seed_failed), false;
    return true;
  }

  /// Writes row t from the final (perigee) state of the last backward pass and wk's weights.
  UMBRA_HD void finish(std::uint64_t t, const detail::Work& wk, double x[5], const Mat5& C, double chi2) const {
    finish(t, wk, &wk.w[0][0], 1, x, C, chi2);
  }
  /// The same with hit k's weights read at w[2 k step] and w[(2 k + 1) step] instead of wk.w (the CPU
  /// lanes: one lane of their laned weights, step = the number of lanes).
  UMBRA_HD void finish(std::uint64_t t, const detail::Work& wk, const double* w, int step, double x[5], const Mat5& C,
                       double chi2) const {
    const std::uint64_t h0 = cand.hit_offsets[t];
    double ndf = -5;
    int n_used[4] = {0, 0, 0, 0};
    // pointers and count read once: a store through the int8 signs may alias anything, so the
    // compiler would reload them from the views after each hit
    const int n = wk.n_hits;
    const std::uint32_t* index = cand.hit_index.data + h0;
    float* weight = out.hit_weight.data;
    std::int8_t* sign = out.hit_sign.data;
    for (int k = 0; k < n; ++k) {
      const std::uint32_t i = index[k];
      const int det = wk.hit[k].detector;
      const double w0 = w[2 * k * step], w1 = w[(2 * k + 1) * step];
      const double wsum = det == 3 ? w0 + w1 : w0;
      ndf += (det == 3 ? 1 : 2) * wsum;
      weight[i] = float(wsum);
      sign[i] = det == 3 ? (w0 >= w1 ? 1 : -1) : 0;
      if (wsum > 0.5) ++n_used[det];
    }
    for (int i = 0; i < 5; ++i)
      if (!(C(i, i) > 0) || !is_finite(x[i])) return fail(t, FitStatus::diverged);
    x[kPhi0] = detail::wrap_angle(x[kPhi0]);
    out.d0[t] = float(x[kD0]), out.phi0[t] = float(x[kPhi0]), out.omega[t] = float(x[kOmega]);
    out.z0[t] = float(x[kZ0]), out.tan_lambda[t] = float(x[kTanLambda]);
    for (int i = 0; i < 15; ++i) out.cov[i][t] = float(C.p[i]);  // Mat5's storage is the cov column order
    const double pt = pt_of(x[kOmega], geo.b_field);
    out.charge[t] = x[kOmega] > 0 ? 1 : -1;
    out.pt[t] = float(pt), out.p[t] = float(pt * sqrt(1 + x[kTanLambda] * x[kTanLambda]));
    out.chi2[t] = float(chi2), out.ndf[t] = float(ndf);
    out.status[t] = std::uint8_t(FitStatus::ok);
    out.n_pxd[t] = std::uint8_t(n_used[1]), out.n_svd[t] = std::uint8_t(n_used[2]);
    out.n_cdc[t] = std::uint8_t(n_used[3]);
  }

  /// Hits h0 .. h0 + n of the candidates into wk; false at the first invalid one. on_hit(k, hit) is
  /// called for each valid hit as soon as it is loaded.
  template <class OnHit = detail::NoHitSink>
  UMBRA_HD bool load(std::uint64_t h0, int n, detail::Work& wk, const OnHit& on_hit = OnHit{}) const {
    wk.n_hits = n;
    for (int k = 0; k < n; ++k)
      if (!load_hit(h0, k, wk, on_hit)) return false;
    return true;
  }
  /// Hit k of the track whose hits start at h0 (candidates' order) into wk.hit[k]; false when invalid.
  template <class OnHit = detail::NoHitSink>
  UMBRA_HD bool load_hit(std::uint64_t h0, int k, detail::Work& wk, const OnHit& on_hit = OnHit{}) const {
    // the value checks as ordered comparisons (NaN fails each): is_finite(v) && v >= 0 is
    // v >= 0 && v <= big, without the fabs
    constexpr double big = 1.7976931348623157e308;  // is_finite's bound
    const std::uint32_t i = cand.hit_index[h0 + k];
    detail::HitData h{};  // built in registers, stored once valid (on_hit reads it from there too)
    h.detector = hits.detector[i], h.layer = hits.layer[i];
    const double x = hits.x[i], y = hits.y[i], z = hits.z[i];
    if (!is_finite(x) || !is_finite(y) || !is_finite(z)) return false;
    h.pos = {x, y, z};
    wk.w[k][0] = 1, wk.w[k][1] = 0;
    if (h.detector == 3) {
      if (h.layer >= tracker::n_cdc_layers) return false;
      const int wire = hits.wire[i];
      if (std::uint32_t(wire) >= std::uint32_t(geo.cdc[h.layer].n_wires)) return false;  // < 0 wraps
      h.wire = cdc_wire(geo, wires, h.layer, wire);
      h.radius = geo.cdc[h.layer].radius;
      h.drift = hits.drift_length[i], h.sigma_a = hits.sigma_rphi[i], h.sigma_b = 0;
      if (!(h.drift >= 0 && h.drift <= big && h.sigma_a > 0 && h.sigma_a <= big)) return false;
    } else if (h.detector == 1 || h.detector == 2) {
      if (h.layer >= (h.detector == 1 ? tracker::n_pxd_layers : tracker::n_svd_layers)) return false;
      h.radius = sqrt(x * x + y * y);
      h.sigma_a = hits.sigma_rphi[i], h.sigma_b = hits.sigma_z[i];
      if (!(h.sigma_a > 0 && h.sigma_a <= big && h.sigma_b > 0 && h.sigma_b <= big && h.radius > 0)) return false;
    } else {
      return false;
    }
    wk.hit[k] = h;
    on_hit(k, h);
    return true;
  }

  /// Measurement update of hit k at the current pivot with its weights (both sides for CDC);
  /// sc = sin, cos of x[kPhi0] (kept up to date). See FilterPass; T: the backward pass's temperature.
  UMBRA_HD bool update(detail::Work& wk, int k, double x[5], double sc[2], Mat5& C, FilterPass pass, double T,
                       double& chi2) const {
    const double phi = x[kPhi0];
    if (!measure(wk, k, x, sc[0], sc[1], C, pass, T, chi2)) return false;
    rotate_angle(sc[0], sc[1], x[kPhi0], x[kPhi0] - phi);
    return true;
  }
  UMBRA_HD bool measure(detail::Work& wk, int k, double x[5], double sf, double cf, Mat5& C, FilterPass pass,
                        double T, double& chi2) const {
    const detail::HitData& h = wk.hit[k];
    const bool store = pass != FilterPass::backward, reweight = !store && T > 0;
    if (h.detector == 3) {
      double H[1][5], CHt[1][5], P[1][1];
      const double m = cdc_prediction_jacobian(x, sf, cf, h.wire, H[0]);
      project<1, cdc_jacobian_nonzero>(C, H, CHt, P);
      if (store) wk.fm[k][0] = m, wk.fv[k][0] = P[0][0];
      const double s2 = h.sigma_a * h.sigma_a;
      if (pass == FilterPass::first_forward) {
        // The hard start takes the side of the prediction only where that is clear: the chi2 of
        // the two sides differ by 4 |m| drift / (P + s2). Elsewhere (first hits of a CDC-only
        // track, whose seed is cm-wide; hits near the wire) a guessed side is wrong half the
        // time, and a few wrong sides at 130 um pull the whole track; such a hit enters as the
        // wire with the drift distance as its error (unbiased) and the DAF pass picks its side.
        if (opt.n_temperatures > 0 && 4 * fabs(m) * h.drift < detail::side_chi2_gap * (P[0][0] + s2)) {
          wk.w[k][0] = wk.w[k][1] = 0.5;
          const double c = kalman_update_weighted(x, C, m, 0.0, 1.0, s2 + h.drift * h.drift, CHt, P);
          if (c < 0) return false;
          chi2 += c;
          return true;
        }
        wk.w[k][0] = m >= 0 ? 1 : 0, wk.w[k][1] = m >= 0 ? 0 : 1;
      }
      // the update takes the weights as terms t over their sum (the stored weights: sum 1), so
      // that the division by the sum stays off its chain
      double t[2] = {wk.w[k][0], wk.w[k][1]}, sum = 1;
      if (reweight) {
        double c[2];
        detail::drift_chi2(wk.fm[k][0], wk.fv[k][0], m, P[0][0], h.drift, s2, c);
        if (!detail::weights_clear(c, 2, opt.chi2_cut_1d, T)) smoothed_chi2(wk, k, x, C, c);
        detail::daf_terms(c, 2, opt.chi2_cut_1d, T, t, sum);
        const double inv = 1.0 / sum;
        wk.w[k][0] = t[0] * inv, wk.w[k][1] = t[1] * inv;
      }
      const double ws = wk.w[k][0] + wk.w[k][1];
      if (ws < 1e-9) return true;
      // the drift distance as the weighted mean of its two sides, variance s2 / ws
      const double c = kalman_update_weighted(x, C, m, (t[0] - t[1]) * h.drift, t[0] + t[1], s2 * sum, CHt, P);
      if (c < 0) return false;
      chi2 += c;
      return true;
    }
    double m[2], H[2][5], CHt[2][5], P[2][2];
    silicon_prediction_jacobian(x, sf, cf, h.pos, m, H);
    project<2, silicon_jacobian_nonzero[0], silicon_jacobian_nonzero[1]>(C, H, CHt, P);
    const double s00 = h.sigma_a * h.sigma_a, s11 = h.sigma_b * h.sigma_b;
    if (store) {
      wk.fm[k][0] = m[0], wk.fm[k][1] = m[1];
      wk.fv[k][0] = P[0][0], wk.fv[k][1] = P[0][1], wk.fv[k][2] = P[1][1];
    }
    if (reweight) {
      const double vb[3] = {P[0][0], P[0][1], P[1][1]};
      double c[2] = {detail::point_chi2(wk.fm[k], wk.fv[k], m, vb, s00, s11), 0};
      if (!detail::weights_clear(c, 1, opt.chi2_cut_2d, T)) smoothed_chi2(wk, k, x, C, c);
      detail::daf_weights(c, 1, opt.chi2_cut_2d, T, wk.w[k]);
      wk.w[k][1] = 0;
    }
    const double ws = wk.w[k][0];
    if (ws < 1e-9) return true;
    const double r[2] = {-m[0], -m[1]};
    const double V[2][2] = {{s00 / ws, 0}, {0, s11 / ws}};
    const double c = kalman_update<2>(x, C, r, CHt, P, V);
    if (c < 0) return false;
    chi2 += c;
    return true;
  }

  /// Whether the forward filter meets material before hit k (first pass: a search for crossings
  /// beyond the last hit's radius r_prev; later passes: the crossings found then).
  UMBRA_HD bool has_material_before(const detail::Work& wk, int k, double r_prev, int im) const {
    const double r_last_cylinder = material_cylinder(geo, n_material_cylinders - 1).radius;  // radial order
    if (!wk.surfaces_known) return k > 0 && opt.material && r_prev + 1e-3 < r_last_cylinder;  // CDC hits skip it
    return im < wk.n_mat && wk.mat[im].before_hit == k;
  }
  /// The forward filter's material before hit k (has_material_before): x, sc, C at pivot P move to
  /// each crossing and take its scatterer. in_cdc: set when the CDC wall is crossed.
  UMBRA_HD bool material_before(detail::Work& wk, int k, double x[5], double sc[2], Mat5& C, Point3& P, int& im,
                                double r_prev, bool& in_cdc, double mass, double lb2) const {
    PivotJacobian J;
    if (!wk.surfaces_known) {
      for (int c = 0; c < n_material_cylinders; ++c) {
        const MaterialCylinderInfo mc = material_cylinder(geo, c);
        if (!(mc.radius > r_prev + 1e-3 && mc.radius < wk.hit[k].radius - 1e-3)) continue;
        Point3 at;
        if (!detail::cylinder_crossing(x, sc[0], sc[1], P, mc.radius, at)) continue;
        if (!detail::propagate(x, sc, C, P, at, J)) return false;
        const double xx0 = mc.x_over_x0 * path_factor_sc(sc[0], sc[1], x[kTanLambda], at.x, at.y);
        const Scatterer s0 = make_scatterer(mc.material, xx0);
        detail::add_material(x, C, s0, mass, geo.b_field, lb2, true);
        wk.mat[wk.n_mat++] = {P, s0, k};
        if (mc.material == Material::carbon) in_cdc = true;
      }
      return true;
    }
    for (; im < wk.n_mat && wk.mat[im].before_hit == k; ++im) {
      if (!detail::propagate(x, sc, C, P, wk.mat[im].pivot, J)) return false;
      detail::add_material(x, C, wk.mat[im].scatterer, mass, geo.b_field, lb2, true);
    }
    return true;
  }
  /// The backward filter's material after hit k (the crossings found before it), inward.
  UMBRA_HD bool material_after(const detail::Work& wk, int k, double x[5], double sc[2], Mat5& C, Point3& P, int& im,
                               double mass, double lb2) const {
    PivotJacobian J;
    for (; im >= 0 && wk.mat[im].before_hit == k; --im) {
      if (!detail::propagate(x, sc, C, P, wk.mat[im].pivot, J)) return false;
      detail::add_material(x, C, wk.mat[im].scatterer, mass, geo.b_field, lb2, false);
    }
    return true;
  }

  /// Forward filter from the perigee (pivot 0) outward; stores predictions at every hit. The
  /// first call also finds the surfaces (material crossings, wire pivots) that later passes reuse.
  UMBRA_HD bool forward(detail::Work& wk, double x[5], double sc[2], Mat5& C, bool first, double mass) const {
    Point3 P{};
    double r_prev = -1, dummy = 0;
    double gas_prev = 0, gas_log_prev = 0;  // the last CDC gas step's x/X0 and its log (log_near)
    bool in_cdc = false;
    const bool find = !wk.surfaces_known;
    if (find) wk.n_mat = 0;
    int im = 0;
    PivotJacobian J;
    const double lb2 = detail::log_beta2(x, mass, geo.b_field);
    for (int k = 0; k < wk.n_hits; ++k) {
      const detail::HitData& h = wk.hit[k];
      if (has_material_before(wk, k, r_prev, im) && !material_before(wk, k, x, sc, C, P, im, r_prev, in_cdc, mass, lb2))
        return false;
      Point3 target = find ? (h.detector == 3 ? detail::wire_pivot(x, sc, P, h.wire) : h.pos) : wk.pivot[k];
      if (!detail::propagate(x, sc, C, P, target, J)) return false;
      if (opt.material) {
        if (find) {
          double own = 0;
          if (h.detector != 3) {
            const double x0 = h.detector == 1 ? geo.pxd[h.layer].x_over_x0 : geo.svd[h.layer].x_over_x0;
            own = x0 * path_factor_sc(sc[0], sc[1], x[kTanLambda], P.x, P.y);
            wk.own[k] = make_scatterer(Material::silicon, own);
          } else if (in_cdc) {
            own = fabs(J.s) * sqrt(1 + x[kTanLambda] * x[kTanLambda]) / geo.cdc_x0;
            const double ln_own = own > 0 ? detail::log_near(own, gas_prev, gas_log_prev) : 0.0;
            wk.own[k] = make_scatterer(Material::cdc_gas, own, ln_own);
            if (own > 0) gas_prev = own, gas_log_prev = ln_own;
          } else {
            wk.own[k] = Scatterer{};
          }
        }
        detail::add_material(x, C, wk.own[k], mass, geo.b_field, lb2, true);
      } else if (find) {
        wk.own[k] = Scatterer{};
      }
      if (find) wk.pivot[k] = P;
      for (int i = 0; i < 5; ++i) wk.fx[k][i] = x[i];
      wk.fsc[k][0] = sc[0], wk.fsc[k][1] = sc[1];
      pack(C, wk.fc[k]);
      if (!update(wk, k, x, sc, C, first ? FilterPass::first_forward : FilterPass::forward, 0, dummy)) return false;
      r_prev = h.radius;
      in_cdc = in_cdc || h.detector == 3;
    }
    return true;
  }

  /// Backward filter inward with the two-filter smoother: at temperature T > 0 the DAF weights of
  /// each hit are recomputed from its smoothed residual just before the hit is added (the smoothed
  /// state excludes the hit itself, so the new weights can be used at once). Ends with the perigee
  /// state in x, C.
  UMBRA_HD bool backward(detail::Work& wk, double x[5], double sc[2], Mat5& C, double T, double mass,
                         double& chi2) const {
    for (int i = 0; i < 5; ++i)
      for (int j = i; j < 5; ++j) C(i, j) = i == j ? C(i, i) * 1e4 : 0.0;
    Point3 P = wk.pivot[wk.n_hits - 1];
    PivotJacobian J;
    int im = wk.n_mat - 1;
    chi2 = 0;
    const double lb2 = detail::log_beta2(x, mass, geo.b_field);
    for (int k = wk.n_hits - 1; k >= 0; --k) {
      if (!detail::propagate(x, sc, C, P, wk.pivot[k], J)) return false;
      if (!update(wk, k, x, sc, C, FilterPass::backward, T, chi2)) return false;
      if (opt.material) detail::add_material(x, C, wk.own[k], mass, geo.b_field, lb2, false);
      if (!material_after(wk, k, x, sc, C, P, im, mass, lb2)) return false;
    }
    return to_perigee(wk, x, sc, C, P, mass, lb2);
  }

  /// The end of the backward filter: the material inside the first hit (found on the first pass),
  /// outermost first, then the perigee (pivot 0).
  UMBRA_HD bool to_perigee(detail::Work& wk, double x[5], double sc[2], Mat5& C, Point3& P, double mass,
                           double lb2) const {
    PivotJacobian J;
    if (opt.material) {
      if (!wk.surfaces_known) {
        wk.n_inner = 0;
        const double r0 = wk.hit[0].radius;
        for (int c = n_material_cylinders - 1; c >= 0; --c) {
          const MaterialCylinderInfo mc = material_cylinder(geo, c);
          if (!(mc.radius < r0 - 1e-3)) continue;
          double q[5];  // the track at pivot 0, to search forward from its perigee
          PivotJacobian Jq;
          change_pivot_jacobian(x, sc[0], sc[1], P, Point3{}, q, Jq);
          Point3 at;
          if (!detail::cylinder_crossing(q, Jq.sin_phi, Jq.cos_phi, Point3{}, mc.radius, at)) continue;
          if (!detail::propagate(x, sc, C, P, at, J)) return false;
          const double xx0 = mc.x_over_x0 * path_factor_sc(sc[0], sc[1], x[kTanLambda], at.x, at.y);
          const Scatterer s0 = make_scatterer(mc.material, xx0);
          detail::add_material(x, C, s0, mass, geo.b_field, lb2, false);
          wk.inner[wk.n_inner++] = {P, s0, 0};
        }
      } else {
        for (int i = 0; i < wk.n_inner; ++i) {
          if (!detail::propagate(x, sc, C, P, wk.inner[i].pivot, J)) return false;
          detail::add_material(x, C, wk.inner[i].scatterer, mass, geo.b_field, lb2, false);
        }
      }
    }
    wk.surfaces_known = true;
    return detail::propagate(x, sc, C, P, Point3{}, J);
  }

  /// chi2 of hit k's candidates (CDC: both sides; silicon: c[0]) from the full two-filter smoother:
  /// the unbiased smoothed state (backward prediction xb, Cb combined with the stored forward
  /// prediction xf, Cf), used where the measurement-space combination leaves the weights unclear
  /// (detail::weights_clear). Only H xs and H Cs H^T are needed: with S = Cf + Cb = L D L^T,
  /// xs = xf + Cf S^-1 (xb - xf) and H Cs H^T = H Cf H^T - g^T S^-1 g, g = Cf H^T (matrix.hpp's
  /// ldlt_sum, ldlt_solve, project_smoothed: no inverse, no square root; Cf read packed).
  UMBRA_HD void smoothed_chi2(const detail::Work& wk, int k, const double xb[5], const Mat5& Cb, double c[2]) const {
    smoothed_chi2(wk.fx[k], wk.fc[k], wk.fsc[k], wk.hit[k], xb, Cb, c);
  }
  /// The same from the stored forward prediction fx, fc (packed), fsc (sin, cos of its phi0) at hit h.
  UMBRA_HD void smoothed_chi2(const double fx[5], const double fc[15], const double fsc[2], const detail::HitData& h,
                              const double xb[5], const Mat5& Cb, double c[2]) const {
    double L[5][5], inv_d[5];
    const bool ok = ldlt_sum(fc, Cb, L, inv_d);
    double xs[5];
    for (int i = 0; i < 5; ++i) xs[i] = fx[i];
    if (ok) {
      double y[5];
      for (int i = 0; i < 5; ++i) y[i] = xb[i] - fx[i];
      y[kPhi0] = detail::wrap_angle(y[kPhi0]);
      ldlt_solve(L, inv_d, y);
      add_packed_product(fc, y, xs);
    }
    double sf = fsc[0], cf = fsc[1];
    rotate_angle(sf, cf, xs[kPhi0], xs[kPhi0] - fx[kPhi0]);
    if (h.detector == 3) {
      double H[1][5], P[1][1];
      const double m = cdc_prediction_jacobian(xs, sf, cf, h.wire, H[0]);
      project_smoothed<1, cdc_jacobian_nonzero>(fc, L, inv_d, ok, H, P);
      const double iR = 1.0 / (h.sigma_a * h.sigma_a + P[0][0]);  // R = V + H Cs H^T
      c[0] = (h.drift - m) * (h.drift - m) * iR;
      c[1] = (h.drift + m) * (h.drift + m) * iR;
      return;
    }
    double m[2], H[2][5], P[2][2];
    silicon_prediction_jacobian(xs, sf, cf, h.pos, m, H);
    project_smoothed<2, silicon_jacobian_nonzero[0], silicon_jacobian_nonzero[1]>(fc, L, inv_d, ok, H, P);
    const double r00 = h.sigma_a * h.sigma_a + P[0][0], r01 = P[0][1], r11 = h.sigma_b * h.sigma_b + P[1][1];
    c[0] = (m[0] * m[0] * r11 - 2 * m[0] * m[1] * r01 + m[1] * m[1] * r00) / (r00 * r11 - r01 * r01);
  }
};

}  // namespace umbra::track
