#pragma once
// The bulk Kalman track fit, one source for CPU and CUDA: `FitTrackStep` fits track candidate t
// (its hits sorted outward) and writes row t of the outputs. Per track:
//  1. seed: algebraic circle fit (silicon points + axial CDC wires) and a line fit in (s, z) from
//     silicon z (stereo wires when fewer than two silicon points);
//  2. deterministic annealing filter (DAF): a forward Kalman filter from the perigee outward, then
//     a backward filter inward whose predictions, combined with the stored forward ones (two-filter
//     smoother), give unbiased residuals at every hit; from these the weights of both left/right
//     candidates of each drift distance and of every silicon point are recomputed at the next
//     temperature (100 -> 0.1, reference/belle2.md) with a p = 1e-3 cut-off that down-weights
//     outliers. The first pass takes the side of each drift distance from the filter's prediction.
//     The smoother needs only the measurement-space projection of the combined state, so it solves
//     with a Cholesky factor of (Cf + Cb) instead of inverting it;
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
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/helix.hpp"
#include "umbra/track/material.hpp"
#include "umbra/track/matrix.hpp"
#include "umbra/track/measurement.hpp"
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
  Span<float> hit_weight;
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
  double x_over_x0;
  Material material;
  int before_hit;
};

struct Work {
  HitData hit[max_hits_per_track];
  double fx[max_hits_per_track][5];   // forward predictions (incl. the material at the hit)
  double fsc[max_hits_per_track][2];  // sin, cos of their phi0
  double fc[max_hits_per_track][15];
  Point3 pivot[max_hits_per_track];
  double own_x0[max_hits_per_track];  // material lumped at the hit (silicon layer, CDC gas)
  double w[max_hits_per_track][2];    // DAF weights: CDC (+, -) sides; silicon [0]
  double w_next[max_hits_per_track][2];
  MaterialNode mat[n_material_cylinders];    // between hits, found by the first forward pass
  MaterialNode inner[n_material_cylinders];  // inside the first hit, found by the first backward pass
  int n_hits = 0, n_mat = 0, n_inner = 0;
  bool surfaces_known = false;  // mat, inner, pivot, own_x0 filled (later passes reuse them)
};

UMBRA_HD inline double wrap_angle(double a) {
  const double pi = constants::pi;
  while (a > pi) a -= 2 * pi;
  while (a <= -pi) a += 2 * pi;
  return a;
}

/// x, C at `from` -> at `to`; J.s = transverse arc length travelled.
/// sc: sin, cos of x[kPhi0], carried along (updated here).
UMBRA_HD inline bool propagate(double x[5], double sc[2], Mat5& C, Point3& from, const Point3& to, PivotJacobian& J) {
  double out[5];
  change_pivot_jacobian(x, sc[0], sc[1], from, to, out, J);
  sc[0] = J.sin_phi, sc[1] = J.cos_phi;
  pivot_similarity(J, C.a);
  from = to;
  for (int i = 0; i < 5; ++i) {
    x[i] = out[i];
    if (!is_finite(x[i])) return false;
  }
  return true;
}

/// The wire's point at the track's height (two fixed-point steps; the stereo tilt moves the wire
/// by tan(stereo) dz, so the second step leaves < 1e-3 cm), as in measurement.hpp's cdc_pivot.
UMBRA_HD inline Point3 wire_pivot(const double x[5], const double sc[2], const Point3& from, const Wire& w) {
  Point3 piv = w.at(from.z + x[kZ0]);
  double q[5];
  PivotJacobian J;
  for (int it = 0; it < 2; ++it) {
    change_pivot_jacobian(x, sc[0], sc[1], from, piv, q, J);
    piv = w.at(piv.z + q[kZ0]);
  }
  return piv;
}

/// Thin scatterer at the pivot: Highland noise on phi0, tanLambda and omega (omega = qcB/(p cos
/// lambda) moves with lambda), and the mean energy loss (forward) or gain (inward) on omega.
UMBRA_HD inline void add_material(double x[5], Mat5& C, Material m, double x_over_x0, double mass, double b,
                                  bool outward) {
  if (x_over_x0 <= 0) return;
  const double t = x[kTanLambda], w = x[kOmega];
  const double pt = pt_of(w, b), p = pt * sqrt(1 + t * t);
  const double e = sqrt(p * p + mass * mass), beta = p / e;
  const double th = highland(x_over_x0, p, beta), th2 = th * th;
  const double a = 1 + t * t;
  C.a[kPhi0][kPhi0] += th2 * a;
  C.a[kTanLambda][kTanLambda] += th2 * a * a;
  C.a[kOmega][kOmega] += th2 * w * w * t * t;
  C.a[kOmega][kTanLambda] += th2 * w * t * a;
  C.a[kTanLambda][kOmega] = C.a[kOmega][kTanLambda];
  const double de = mean_energy_loss(m, x_over_x0, beta);
  const double e1 = outward ? e - de : e + de;
  if (e1 <= mass * 1.0001) return;  // would stop: leave omega (the filter reports the misfit)
  const double f = p / sqrt(e1 * e1 - mass * mass);  // omega scales as 1/p
  x[kOmega] *= f;
  for (int i = 0; i < 5; ++i) C.a[kOmega][i] *= f, C.a[i][kOmega] *= f;
}

/// Algebraic circle fit (Kasa) in xy + line fit in (s, z). False when degenerate.
UMBRA_HD inline bool seed(const Work& wk, const tracker::TrackerGeometry& g, double x[5]) {
  double S[3][3] = {}, rhs[3] = {};
  int n = 0, first = -1, last = -1;
  for (int k = 0; k < wk.n_hits; ++k) {
    const HitData& h = wk.hit[k];
    double hx, hy, wt;
    if (h.detector == 3) {
      if (g.cdc[h.layer].stereo != 0) continue;
      hx = h.wire.x, hy = h.wire.y, wt = 1;
    } else {
      hx = h.pos.x, hy = h.pos.y, wt = 100;
    }
    const double v[3] = {hx, hy, 1}, r2 = hx * hx + hy * hy;
    for (int i = 0; i < 3; ++i) {
      for (int j = 0; j < 3; ++j) S[i][j] += wt * v[i] * v[j];
      rhs[i] -= wt * v[i] * r2;
    }
    ++n;
    if (first < 0) first = k;
    last = k;
  }
  if (n < 3) return false;
  // solve S (D, E, F) = rhs by Cramer's rule
  auto det3 = [](double m[3][3]) {
    return m[0][0] * (m[1][1] * m[2][2] - m[1][2] * m[2][1]) - m[0][1] * (m[1][0] * m[2][2] - m[1][2] * m[2][0]) +
           m[0][2] * (m[1][0] * m[2][1] - m[1][1] * m[2][0]);
  };
  const double d = det3(S);
  if (!(fabs(d) > 0)) return false;
  double sol[3];
  for (int c = 0; c < 3; ++c) {
    double m[3][3];
    for (int i = 0; i < 3; ++i)
      for (int j = 0; j < 3; ++j) m[i][j] = j == c ? rhs[i] : S[i][j];
    sol[c] = det3(m) / d;
  }
  const double cx = -sol[0] / 2, cy = -sol[1] / 2, R2 = cx * cx + cy * cy - sol[2];
  if (!(R2 > 0)) return false;
  const double R = sqrt(R2);
  // sense of rotation from the first to a later hit: clockwise (cross < 0) is omega > 0
  auto xy = [&](int k, double& hx, double& hy) {
    const HitData& h = wk.hit[k];
    hx = h.detector == 3 ? h.wire.x : h.pos.x, hy = h.detector == 3 ? h.wire.y : h.pos.y;
  };
  double x1, y1, x2, y2;
  xy(first, x1, y1);
  int mid = first + (last - first) / 2;
  if (mid == first) mid = last;
  xy(mid, x2, y2);
  const double cross = (x1 - cx) * (y2 - cy) - (y1 - cy) * (x2 - cx);
  const double sg = cross < 0 ? 1.0 : -1.0;
  const double Cn = sqrt(cx * cx + cy * cy);
  if (!(Cn > 0)) return false;
  x[kOmega] = sg / R;
  x[kPhi0] = atan2(sg * cx / Cn, -sg * cy / Cn);
  x[kD0] = sg * (Cn - R);
  // line in (s, z): silicon z, or z of stereo-wire crossings when silicon is short
  double sw = 0, ss = 0, sz = 0, sss = 0, ssz = 0;
  int n_si = 0;
  for (int k = 0; k < wk.n_hits; ++k) n_si += wk.hit[k].detector != 3;
  for (int k = 0; k < wk.n_hits; ++k) {
    const HitData& h = wk.hit[k];
    double s, zz, wt;
    if (h.detector != 3) {
      double q[5];
      x[kZ0] = 0, x[kTanLambda] = 0;
      change_pivot(x, Point3{}, Point3{h.pos.x, h.pos.y, 0.0}, q, s);
      zz = h.pos.z, wt = 1.0 / (h.sigma_b * h.sigma_b);
    } else {
      const double st = g.cdc[h.layer].stereo;
      if (n_si >= 2 || st == 0) continue;
      x[kZ0] = 0, x[kTanLambda] = 0;
      if (!arc_to_radius(x, Point3{}, h.radius, s)) continue;
      double px, py, pz;
      helix_position(x, Point3{}, s, px, py, pz);
      const double dphi = wrap_angle(atan2(py, px) - atan2(h.wire.y, h.wire.x));
      zz = h.radius * tan(dphi) / tan(st), wt = 1.0 / 100.0;
    }
    sw += wt, ss += wt * s, sz += wt * zz, sss += wt * s * s, ssz += wt * s * zz;
  }
  const double det = sw * sss - ss * ss;
  if (sw > 0 && fabs(det) > 1e-12 * sw * sss) {
    x[kTanLambda] = (sw * ssz - ss * sz) / det;
    x[kZ0] = (sz - x[kTanLambda] * ss) / sw;
  } else {
    x[kTanLambda] = 0, x[kZ0] = sw > 0 ? sz / sw : 0;
  }
  return is_finite(x[kOmega]) && is_finite(x[kPhi0]) && is_finite(x[kD0]) && is_finite(x[kZ0]) &&
         is_finite(x[kTanLambda]);
}

UMBRA_HD inline void initial_cov(const double x[5], Mat5& C) {
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) C.a[i][j] = 0;
  C.a[kD0][kD0] = 1.0;
  C.a[kPhi0][kPhi0] = 0.01;
  const double sw = 0.3 * fabs(x[kOmega]) + 1e-4;
  C.a[kOmega][kOmega] = sw * sw;
  C.a[kZ0][kZ0] = 25.0;
  C.a[kTanLambda][kTanLambda] = 0.09;
}

/// DAF weight of candidates with chi2 c[0..n) against one cut-off term, at temperature T.
UMBRA_HD inline void daf_weights(const double* c, int n, double cut, double T, double* out) {
  double m = -cut / (2 * T);
  for (int i = 0; i < n; ++i) m = fmax(m, -c[i] / (2 * T));
  double sum = exp(-cut / (2 * T) - m);
  for (int i = 0; i < n; ++i) sum += (out[i] = exp(-c[i] / (2 * T) - m));
  for (int i = 0; i < n; ++i) out[i] /= sum;
}

}  // namespace detail

struct FitTrackStep {
  tracker::TrackerGeometry geo;
  FitOptions opt;
  TrackerHitsView hits;
  CandidatesView cand;
  TracksView out;

  UMBRA_HD void fail(std::uint64_t t, FitStatus s) const {
    out.status[t] = std::uint8_t(s);
    out.d0[t] = out.phi0[t] = out.omega[t] = out.z0[t] = out.tan_lambda[t] = 0;
    for (int i = 0; i < 15; ++i) out.cov[i][t] = 0;
    out.charge[t] = 0, out.pt[t] = out.p[t] = out.chi2[t] = out.ndf[t] = 0;
    out.n_pxd[t] = out.n_svd[t] = out.n_cdc[t] = 0;
  }

  UMBRA_HD void operator()(std::uint64_t t) const {
    if (t >= cand.size()) return;
    const std::uint64_t h0 = cand.hit_offsets[t], nh = cand.hit_offsets[t + 1] - h0;
    for (std::uint64_t k = 0; k < nh; ++k) {
      const std::uint32_t i = cand.hit_index[h0 + k];
      out.hit_weight[i] = 0, out.hit_sign[i] = 0;
    }
    if (nh < std::uint64_t(opt.min_hits)) return fail(t, FitStatus::too_few_hits);
    if (nh > std::uint64_t(max_hits_per_track)) return fail(t, FitStatus::too_many_hits);
    detail::Work wk;
    if (!load(h0, int(nh), wk)) return fail(t, FitStatus::bad_input);
    double x[5];
    if (!detail::seed(wk, geo, x)) return fail(t, FitStatus::seed_failed);
    double sc[2] = {sin(x[kPhi0]), cos(x[kPhi0])};
    const double mass = mass_of(opt.hypothesis);
    Mat5 C;
    double chi2 = 0;
    const int n_iter = 1 + opt.n_temperatures;
    for (int it = 0; it < n_iter; ++it) {
      detail::initial_cov(x, C);
      if (!forward(wk, x, sc, C, it == 0, mass)) return fail(t, FitStatus::diverged);
      const double T = it + 1 < n_iter ? opt.temperatures[it] : 0;
      if (!backward(wk, x, sc, C, T, mass, chi2)) return fail(t, FitStatus::diverged);
      if (T > 0)
        for (int k = 0; k < wk.n_hits; ++k) wk.w[k][0] = wk.w_next[k][0], wk.w[k][1] = wk.w_next[k][1];
    }
    // outputs
    double ndf = -5;
    int n_used[4] = {0, 0, 0, 0};
    for (int k = 0; k < wk.n_hits; ++k) {
      const std::uint32_t i = cand.hit_index[h0 + k];
      const detail::HitData& h = wk.hit[k];
      const double wsum = h.detector == 3 ? wk.w[k][0] + wk.w[k][1] : wk.w[k][0];
      ndf += (h.detector == 3 ? 1 : 2) * wsum;
      out.hit_weight[i] = float(wsum);
      out.hit_sign[i] = h.detector == 3 ? (wk.w[k][0] >= wk.w[k][1] ? 1 : -1) : 0;
      if (wsum > 0.5) ++n_used[h.detector];
    }
    for (int i = 0; i < 5; ++i)
      if (!(C.a[i][i] > 0) || !is_finite(x[i])) return fail(t, FitStatus::diverged);
    x[kPhi0] = detail::wrap_angle(x[kPhi0]);
    out.d0[t] = float(x[kD0]), out.phi0[t] = float(x[kPhi0]), out.omega[t] = float(x[kOmega]);
    out.z0[t] = float(x[kZ0]), out.tan_lambda[t] = float(x[kTanLambda]);
    double packed[15];
    pack(C, packed);
    for (int i = 0; i < 15; ++i) out.cov[i][t] = float(packed[i]);
    const double pt = pt_of(x[kOmega], geo.b_field);
    out.charge[t] = x[kOmega] > 0 ? 1 : -1;
    out.pt[t] = float(pt), out.p[t] = float(pt * sqrt(1 + x[kTanLambda] * x[kTanLambda]));
    out.chi2[t] = float(chi2), out.ndf[t] = float(ndf);
    out.status[t] = std::uint8_t(FitStatus::ok);
    out.n_pxd[t] = std::uint8_t(n_used[1]), out.n_svd[t] = std::uint8_t(n_used[2]);
    out.n_cdc[t] = std::uint8_t(n_used[3]);
  }

  UMBRA_HD bool load(std::uint64_t h0, int n, detail::Work& wk) const {
    wk.n_hits = n;
    for (int k = 0; k < n; ++k) {
      const std::uint32_t i = cand.hit_index[h0 + k];
      detail::HitData& h = wk.hit[k];
      h.detector = hits.detector[i], h.layer = hits.layer[i];
      const double x = hits.x[i], y = hits.y[i], z = hits.z[i];
      if (!is_finite(x) || !is_finite(y) || !is_finite(z)) return false;
      h.pos = {x, y, z};
      wk.w[k][0] = 1, wk.w[k][1] = 0;
      if (h.detector == 3) {
        if (h.layer >= tracker::n_cdc_layers) return false;
        const int wire = hits.wire[i];
        if (wire < 0 || wire >= geo.cdc[h.layer].n_wires) return false;
        h.wire = cdc_wire(geo, h.layer, wire);
        h.radius = geo.cdc[h.layer].radius;
        h.drift = hits.drift_length[i], h.sigma_a = hits.sigma_rphi[i], h.sigma_b = 0;
        if (!is_finite(h.drift) || h.drift < 0 || !(h.sigma_a > 0) || !is_finite(h.sigma_a)) return false;
      } else if (h.detector == 1 || h.detector == 2) {
        if (h.layer >= (h.detector == 1 ? tracker::n_pxd_layers : tracker::n_svd_layers)) return false;
        h.radius = sqrt(x * x + y * y);
        h.sigma_a = hits.sigma_rphi[i], h.sigma_b = hits.sigma_z[i];
        if (!(h.sigma_a > 0) || !(h.sigma_b > 0) || !is_finite(h.sigma_a) || !is_finite(h.sigma_b) || !(h.radius > 0))
          return false;
      } else {
        return false;
      }
    }
    return true;
  }

  /// Measurement update of hit k at the current pivot with weights w (both sides for CDC);
  /// sc = sin, cos of x[kPhi0] (kept up to date). hard: take the side of the drift distance from
  /// the prediction (first pass).
  UMBRA_HD bool update(detail::Work& wk, int k, double x[5], double sc[2], Mat5& C, bool hard, double& chi2) const {
    const double phi = x[kPhi0];
    if (!measure(wk, k, x, sc[0], sc[1], C, hard, chi2)) return false;
    rotate_angle(sc[0], sc[1], x[kPhi0], x[kPhi0] - phi);
    return true;
  }
  UMBRA_HD bool measure(detail::Work& wk, int k, double x[5], double sf, double cf, Mat5& C, bool hard,
                        double& chi2) const {
    const detail::HitData& h = wk.hit[k];
    if (h.detector == 3) {
      double H[1][5];
      const double m = cdc_prediction_jacobian(x, sf, cf, h.wire, H[0]);
      if (hard) wk.w[k][0] = m >= 0 ? 1 : 0, wk.w[k][1] = m >= 0 ? 0 : 1;
      const double ws = wk.w[k][0] + wk.w[k][1];
      if (ws < 1e-9) return true;
      const double meas = (wk.w[k][0] - wk.w[k][1]) * h.drift / ws;
      const double r[1] = {meas - m}, V[1][1] = {{h.sigma_a * h.sigma_a / ws}};
      const double c = kalman_update<1>(x, C, r, H, V);
      if (c < 0) return false;
      chi2 += c;
      return true;
    }
    const double ws = wk.w[k][0];
    if (ws < 1e-9) return true;
    double m[2], H[2][5];
    silicon_prediction_jacobian(x, sf, cf, h.pos, m, H);
    const double r[2] = {-m[0], -m[1]};
    const double V[2][2] = {{h.sigma_a * h.sigma_a / ws, 0}, {0, h.sigma_b * h.sigma_b / ws}};
    const double c = kalman_update<2>(x, C, r, H, V);
    if (c < 0) return false;
    chi2 += c;
    return true;
  }

  /// Forward filter from the perigee (pivot 0) outward; stores predictions at every hit. The
  /// first call also finds the surfaces (material crossings, wire pivots) that later passes reuse.
  UMBRA_HD bool forward(detail::Work& wk, double x[5], double sc[2], Mat5& C, bool hard, double mass) const {
    Point3 P{};
    double r_prev = -1, s, dummy = 0;
    bool in_cdc = false;
    const bool find = !wk.surfaces_known;
    if (find) wk.n_mat = 0;
    int im = 0;
    PivotJacobian J;
    for (int k = 0; k < wk.n_hits; ++k) {
      const detail::HitData& h = wk.hit[k];
      if (find && k > 0 && opt.material) {
        for (int c = 0; c < n_material_cylinders; ++c) {
          const MaterialCylinderInfo mc = material_cylinder(geo, c);
          if (!(mc.radius > r_prev + 1e-3 && mc.radius < h.radius - 1e-3)) continue;
          if (!arc_to_radius(x, P, mc.radius, s)) continue;
          double px, py, pz;
          helix_position(x, P, s, px, py, pz);
          if (!detail::propagate(x, sc, C, P, Point3{px, py, pz}, J)) return false;
          const double x0 = mc.x_over_x0 * path_factor(x[kPhi0], x[kTanLambda], px, py);
          detail::add_material(x, C, mc.material, x0, mass, geo.b_field, true);
          wk.mat[wk.n_mat++] = {P, x0, mc.material, k};
          if (mc.material == Material::carbon) in_cdc = true;
        }
      }
      for (; !find && im < wk.n_mat && wk.mat[im].before_hit == k; ++im) {
        if (!detail::propagate(x, sc, C, P, wk.mat[im].pivot, J)) return false;
        detail::add_material(x, C, wk.mat[im].material, wk.mat[im].x_over_x0, mass, geo.b_field, true);
      }
      Point3 target = find ? (h.detector == 3 ? detail::wire_pivot(x, sc, P, h.wire) : h.pos) : wk.pivot[k];
      if (!detail::propagate(x, sc, C, P, target, J)) return false;
      if (opt.material) {
        if (find) {
          double own = 0;
          if (h.detector != 3) {
            const double x0 = h.detector == 1 ? geo.pxd[h.layer].x_over_x0 : geo.svd[h.layer].x_over_x0;
            own = x0 * path_factor(x[kPhi0], x[kTanLambda], P.x, P.y);
          } else if (in_cdc) {
            own = fabs(J.s) * sqrt(1 + x[kTanLambda] * x[kTanLambda]) / geo.cdc_x0;
          }
          wk.own_x0[k] = own;
        }
        detail::add_material(x, C, h.detector == 3 ? Material::cdc_gas : Material::silicon, wk.own_x0[k], mass,
                             geo.b_field, true);
      } else if (find) {
        wk.own_x0[k] = 0;
      }
      if (find) wk.pivot[k] = P;
      for (int i = 0; i < 5; ++i) wk.fx[k][i] = x[i];
      wk.fsc[k][0] = sc[0], wk.fsc[k][1] = sc[1];
      pack(C, wk.fc[k]);
      if (!update(wk, k, x, sc, C, hard, dummy)) return false;
      r_prev = h.radius;
      in_cdc = in_cdc || h.detector == 3;
    }
    return true;
  }

  /// Backward filter inward with the two-filter smoother; computes the next DAF weights at
  /// temperature T (> 0) and ends with the perigee state in x, C.
  UMBRA_HD bool backward(detail::Work& wk, double x[5], double sc[2], Mat5& C, double T, double mass,
                         double& chi2) const {
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) C.a[i][j] = i == j ? C.a[i][i] * 1e4 : 0.0;
    Point3 P = wk.pivot[wk.n_hits - 1];
    PivotJacobian J;
    int im = wk.n_mat - 1;
    chi2 = 0;
    for (int k = wk.n_hits - 1; k >= 0; --k) {
      const detail::HitData& h = wk.hit[k];
      if (!detail::propagate(x, sc, C, P, wk.pivot[k], J)) return false;
      if (T > 0) daf(wk, k, x, C, T);
      if (!update(wk, k, x, sc, C, false, chi2)) return false;
      if (opt.material)
        detail::add_material(x, C, h.detector == 3 ? Material::cdc_gas : Material::silicon, wk.own_x0[k], mass,
                             geo.b_field, false);
      for (; im >= 0 && wk.mat[im].before_hit == k; --im) {
        if (!detail::propagate(x, sc, C, P, wk.mat[im].pivot, J)) return false;
        detail::add_material(x, C, wk.mat[im].material, wk.mat[im].x_over_x0, mass, geo.b_field, false);
      }
    }
    // material inside the first hit, outermost first, then the perigee
    if (opt.material) {
      if (!wk.surfaces_known) {
        wk.n_inner = 0;
        const double r0 = wk.hit[0].radius;
        for (int c = n_material_cylinders - 1; c >= 0; --c) {
          const MaterialCylinderInfo mc = material_cylinder(geo, c);
          if (!(mc.radius < r0 - 1e-3)) continue;
          double q[5], s;
          change_pivot(x, P, Point3{}, q, s);
          if (!arc_to_radius(q, Point3{}, mc.radius, s)) continue;
          double px, py, pz;
          helix_position(q, Point3{}, s, px, py, pz);
          if (!detail::propagate(x, sc, C, P, Point3{px, py, pz}, J)) return false;
          const double x0 = mc.x_over_x0 * path_factor(x[kPhi0], x[kTanLambda], px, py);
          detail::add_material(x, C, mc.material, x0, mass, geo.b_field, false);
          wk.inner[wk.n_inner++] = {P, x0, mc.material, 0};
        }
      } else {
        for (int i = 0; i < wk.n_inner; ++i) {
          if (!detail::propagate(x, sc, C, P, wk.inner[i].pivot, J)) return false;
          detail::add_material(x, C, wk.inner[i].material, wk.inner[i].x_over_x0, mass, geo.b_field, false);
        }
      }
    }
    wk.surfaces_known = true;
    return detail::propagate(x, sc, C, P, Point3{}, J);
  }

  /// Unbiased smoothed state at hit k (backward prediction xb, Cb combined with the stored forward
  /// prediction xf, Cf) -> DAF weights of the hit's candidates at temperature T. Only H xs and
  /// H Cs H^T are needed: with S = Cf + Cb = L L^T, xs = xf + Cf S^-1 (xb - xf) and
  /// H Cs H^T = H Cf H^T - g^T S^-1 g, g = Cf H^T (two triangular solves each, no inverse).
  UMBRA_HD void daf(detail::Work& wk, int k, const double xb[5], const Mat5& Cb, double T) const {
    Mat5 Cf;
    unpack(wk.fc[k], Cf);
    double L[5][5];
    const bool ok = cholesky(Cf, Cb, L);
    double xs[5];
    for (int i = 0; i < 5; ++i) xs[i] = wk.fx[k][i];
    if (ok) {
      double y[5];
      for (int i = 0; i < 5; ++i) y[i] = xb[i] - wk.fx[k][i];
      y[kPhi0] = detail::wrap_angle(y[kPhi0]);
      cholesky_solve(L, y);
      for (int i = 0; i < 5; ++i)
        for (int j = 0; j < 5; ++j) xs[i] += Cf.a[i][j] * y[j];
    }
    const detail::HitData& h = wk.hit[k];
    double sf = wk.fsc[k][0], cf = wk.fsc[k][1];
    rotate_angle(sf, cf, xs[kPhi0], xs[kPhi0] - wk.fx[k][kPhi0]);
    double m[2] = {0, 0}, H[2][5];
    int dim;
    if (h.detector == 3) {
      m[0] = cdc_prediction_jacobian(xs, sf, cf, h.wire, H[0]);
      dim = 1;
    } else {
      silicon_prediction_jacobian(xs, sf, cf, h.pos, m, H);
      dim = 2;
    }
    // R = V + H Cs H^T
    double g[2][5], z[2][5], R[2][2] = {{h.sigma_a * h.sigma_a, 0}, {0, h.sigma_b * h.sigma_b}};
    for (int a = 0; a < dim; ++a)
      for (int i = 0; i < 5; ++i) {
        double v = 0;
        for (int j = 0; j < 5; ++j) v += Cf.a[i][j] * H[a][j];
        g[a][i] = z[a][i] = v;
      }
    for (int a = 0; a < dim; ++a)
      if (ok) cholesky_solve(L, z[a]);
    for (int a = 0; a < dim; ++a)
      for (int b = 0; b < dim; ++b) {
        double v = 0;
        for (int i = 0; i < 5; ++i) v += H[a][i] * g[b][i] - (ok ? g[a][i] * z[b][i] : 0.0);
        R[a][b] += v;
      }
    if (dim == 1) {
      const double c[2] = {(h.drift - m[0]) * (h.drift - m[0]) / R[0][0],
                           (-h.drift - m[0]) * (-h.drift - m[0]) / R[0][0]};
      detail::daf_weights(c, 2, opt.chi2_cut_1d, T, wk.w_next[k]);
      return;
    }
    const double det = R[0][0] * R[1][1] - R[0][1] * R[1][0];
    const double c = (m[0] * m[0] * R[1][1] - 2 * m[0] * m[1] * R[0][1] + m[1] * m[1] * R[0][0]) / det;
    detail::daf_weights(&c, 1, opt.chi2_cut_2d, T, wk.w_next[k]);
    wk.w_next[k][1] = 0;
  }
};

}  // namespace umbra::track
