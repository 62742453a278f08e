#pragma once
// The laned filter of the CPU track fit (track_fit_lanes.cpp, this header's only includer): the
// filter state of N tracks side by side (lanes, umbra/core/lanes.hpp) and FitTrackStep's passes
// over them, bit for bit:
//  - laned, per hit: the pivot change with its Jacobian and J C J^T, the material at the hit, the
//    stored predictions, the measurement model, projection, DAF weights and Kalman update; and the
//    material crossings between hits and inside the first hit (the step to each crossing and its
//    scatterer; searched on the first pass, stored and replayed on later ones), one step for all
//    the lanes that cross something there while the others keep their state - the same templates
//    (helix.hpp, measurement.hpp, matrix.hpp, material.hpp, kalman_fit.hpp's detail) with V a
//    vector of doubles; LaneFilter repeats the control flow of FitTrackStep::forward, backward,
//    measure, material_before, material_after and to_perigee over masks (a scalar early return
//    becomes a lane marked dead and fitted no further);
//  - per lane, scalar: the search for where a track reaches a material cylinder
//    (detail::cylinder_crossing: the lane's helix alone) and the full smoother where the DAF
//    weights are unclear - FitTrackStep's own functions, called for one lane at a time.
// ISA: fit_batch_avx2 is one function with target("avx2") and flatten, so that everything it runs
// is compiled into it (the material crossings in AVX2 functions of their own: out_of_line); the
// scalar per-lane helpers it calls are noinline and built for the generic ISA (no inline function
// of the track headers is emitted with AVX2 encoding for other code to share). Everything here has
// internal linkage (an unnamed namespace, as when it lived in the .cpp): GCC's inlining of the
// helpers with one caller depends on it.
#pragma GCC diagnostic ignored "-Wpsabi"  // 32-byte vectors in generic code: all inline, built alike

#include "umbra/core/lanes.hpp"
#include "umbra/track/kalman_fit.hpp"

#if UMBRA_HAVE_LANES
namespace umbra::cpu::detail {
namespace {  // NOLINT(cert-dcl59-cpp, google-build-namespaces): one includer, see above


using track::FitTrackStep;
using track::Mat5;
using track::Mat5T;
using track::Point3;
using namespace track;  // helix indices

template <int N>
struct Lanes {
  using V = lanes::Vec<N>;
  using M = lanes::Mask<N>;
  struct PointV {
    V x, y, z;
  };
  struct WireV {  // measurement.hpp's Wire over lanes
    V x, y, dx, dy, dz;
  };
  struct ScatV {  // material.hpp's Scatterer over lanes
    V x_over_x0, log_term, loss;
  };
  struct HitV {
    PointV pos;
    WireV wire;
    V radius, drift, sigma_a, sigma_b;
  };
  /// The filter state of N tracks.
  struct State {
    V x[5], sc[2];
    Mat5T<V> C;
    PointV P;
    V chi2;
  };
  /// One batch: the tracks' scalar work areas (hits as loaded, material crossings, weights for the
  /// outputs) and, per hit index, the laned hit data and stored forward predictions.
  struct Batch {
    track::detail::Work wk[N];
    std::uint64_t track[N];
    bool real[N];  // false: a copy of another lane (padding of a short batch or a failed start)
    int n[N];      // hits per lane
    int n_max, n_si;
    HitV hit[track::max_hits_per_track];
    V fm[track::max_hits_per_track][2], fv[track::max_hits_per_track][3], fx[track::max_hits_per_track][5];
    V fsc[track::max_hits_per_track][2], fc[track::max_hits_per_track][15];
    PointV pivot[track::max_hits_per_track];
    ScatV own[track::max_hits_per_track];
    V w[track::max_hits_per_track][2];
    M active[track::max_hits_per_track];  // k < n
    bool all_active[track::max_hits_per_track];
    bool alive[N];
  };
};

// --- per-lane scalar paths (generic ISA, never inlined into the AVX2 kernel) ---------------------

template <int N>
void get_state(const typename Lanes<N>::State& s, int l, double x[5], double sc[2], Mat5& C, Point3& P) {
  for (int i = 0; i < 5; ++i) x[i] = s.x[i][l];
  sc[0] = s.sc[0][l], sc[1] = s.sc[1][l];
  for (int i = 0; i < 15; ++i) C.p[i] = s.C.p[i][l];
  P = {s.P.x[l], s.P.y[l], s.P.z[l]};
}
template <int N>
void put_state(typename Lanes<N>::State& s, int l, const double x[5], const double sc[2], const Mat5& C,
               const Point3& P) {
  for (int i = 0; i < 5; ++i) s.x[i][l] = x[i];
  s.sc[0][l] = sc[0], s.sc[1][l] = sc[1];
  for (int i = 0; i < 15; ++i) s.C.p[i][l] = C.p[i];
  s.P.x[l] = P.x, s.P.y[l] = P.y, s.P.z[l] = P.z;
}
/// Lane `to` becomes a copy of lane `from` (a lane whose track failed keeps computing on valid
/// numbers, so that it sends no other lane into a rare path).
template <int N>
void copy_lane(typename Lanes<N>::State& s, int from, int to) {
  double x[5], sc[2];
  Mat5 C;
  Point3 P;
  get_state<N>(s, from, x, sc, C, P);
  put_state<N>(s, to, x, sc, C, P);
  s.chi2[to] = s.chi2[from];
}

/// Where the lanes `cand` of helix x (sf, cf: sin, cos of its phi0) at pivot P first reach the
/// material cylinder of radius r going forward: detail::cylinder_crossing, as FitTrackStep's
/// searches call it. Per lane scalar: its atan2 is a scalar function, and it needs no covariance.
/// Returns the lanes that reach r in `found`, their crossing points in `at` (others untouched).
/// Vectors by reference: this generic-ISA function is called from AVX2 code, whose ABI for 32-byte
/// vector arguments and results differs.
template <int N>
[[gnu::noinline]] void lane_crossings(const typename Lanes<N>::V x[5], const typename Lanes<N>::V& sf,
                                      const typename Lanes<N>::V& cf, const typename Lanes<N>::PointV& P,
                                      const typename Lanes<N>::M& cand, double r, typename Lanes<N>::PointV& at,
                                      typename Lanes<N>::M& found) {
  found = typename Lanes<N>::M{};
  for (int l = 0; l < N; ++l) {
    if (!cand[l]) continue;
    const double xl[5] = {x[0][l], x[1][l], x[2][l], x[3][l], x[4][l]};
    Point3 p;
    if (!track::detail::cylinder_crossing(xl, sf[l], cf[l], Point3{P.x[l], P.y[l], P.z[l]}, r, p)) continue;
    found[l] = -1;
    at.x[l] = p.x, at.y[l] = p.y, at.z[l] = p.z;
  }
}

template <int N>
[[gnu::noinline]] void lane_smoothed_chi2(const FitTrackStep& st, const typename Lanes<N>::Batch& b,
                                          const typename Lanes<N>::State& s, int l, int k, double c[2]) {
  double x[5], sc[2], fx[5], fc[15], fsc[2];
  Mat5 C;
  Point3 P;
  get_state<N>(s, l, x, sc, C, P);
  for (int i = 0; i < 5; ++i) fx[i] = b.fx[k][i][l];
  for (int i = 0; i < 15; ++i) fc[i] = b.fc[k][i][l];
  fsc[0] = b.fsc[k][0][l], fsc[1] = b.fsc[k][1][l];
  st.smoothed_chi2(fx, fc, fsc, b.wk[l].hit[k], x, C, c);
}

template <int N>
[[gnu::noinline]] void lane_log_beta2(const typename Lanes<N>::State& s, double mass, double bf,
                                      typename Lanes<N>::V& out) {
  for (int l = 0; l < N; ++l) {
    double x[5];
    for (int i = 0; i < 5; ++i) x[i] = s.x[i][l];
    out[l] = track::detail::log_beta2(x, mass, bf);
  }
}

/// f() out of line, built for the ISA of the N-lane kernel (AVX2 for 4 lanes, as fit_batch_avx2;
/// vectors only by reference across the call). For the material crossings: inlined into the
/// per-hit loops, they made GCC's code for those loops longer (callgrind: 0.8M more instructions
/// per 2000 tracks).
template <class F>
__attribute__((target("avx2"), flatten, noinline)) void out_of_line_avx2(const F& f) {
  f();
}
template <class F>
__attribute__((flatten, noinline)) void out_of_line_generic(const F& f) {
  f();
}
template <int N, class F>
void out_of_line(const F& f) {
  if constexpr (N == 4)
    out_of_line_avx2(f);
  else
    out_of_line_generic(f);
}

// --- the laned filter ---------------------------------------------------------------------------

template <int N>
struct LaneFilter {
  using L = Lanes<N>;
  using V = typename L::V;
  using M = typename L::M;
  const FitTrackStep& st;
  typename L::Batch& b;
  typename L::State s;
  double mass;
  V x_old[5];  // update(): the state before it, kept only when some lane skips its update
  Mat5T<V> C_old;

  static V splat(double x) { return lanes::splat<V>(x); }
  static M lane_mask(const bool* on) {
    M m{};
    for (int l = 0; l < N; ++l) m[l] = on[l] ? -1 : 0;
    return m;
  }

  /// Lanes whose step failed (ok false) are dead from now on; they take a live lane's state.
  void kill(M ok) {
    if (lanes::all(ok)) return;
    for (int l = 0; l < N; ++l)
      if (!ok[l]) b.alive[l] = false;
    revive_dead();
  }
  void revive_dead() {
    int src = -1;
    for (int l = 0; l < N && src < 0; ++l)
      if (b.alive[l]) src = l;
    if (src < 0) return;
    for (int l = 0; l < N; ++l)
      if (!b.alive[l]) copy_lane<N>(s, src, l);
  }

  /// FitTrackStep::measure + update's rotation for hit k over the lanes.
  M update(int k, track::FilterPass pass, double T) {
    using lanes::select;
    const typename L::HitV& h = b.hit[k];
    const bool store = pass != track::FilterPass::backward, reweight = !store && T > 0;
    const V phi = s.x[kPhi0];
    V chi2_add;
    M ok;
    M skip;
    // the full 5-D smoother's chi2 for the live lanes whose DAF weights are not clear-cut
    auto smoothed_where_unclear = [&](V c[2], const M& clear) {
      for (int l = 0; l < N; ++l)
        if (!clear[l] && b.alive[l] && k < b.n[l]) {
          double cl[2] = {c[0][l], c[1][l]};
          lane_smoothed_chi2<N>(st, b, s, l, k, cl);
          c[0][l] = cl[0], c[1][l] = cl[1];
        }
    };
    auto keep_old = [&] {  // where the update will be skipped
      if (!lanes::any(skip)) return;
      for (int i = 0; i < 5; ++i) x_old[i] = s.x[i];
      C_old = s.C;
    };
    if (k >= b.n_si) {  // CDC
      V H[1][5], CHt[1][5], P[1][1];
      const V m = cdc_prediction_jacobian(s.x, s.sc[0], s.sc[1], h.wire, H[0]);
      project<1, cdc_jacobian_nonzero>(s.C, H, CHt, P);
      if (store) b.fm[k][0] = m, b.fv[k][0] = P[0][0];
      const V s2 = h.sigma_a * h.sigma_a;
      M unclear{};  // first pass: hit entered as the wire with the drift distance as its error
      if (pass == track::FilterPass::first_forward) {
        if (st.opt.n_temperatures > 0)
          unclear = 4 * lanes::fabs(m) * h.drift < track::detail::side_chi2_gap * (P[0][0] + s2);
        const M pos = m >= 0;
        b.w[k][0] = select(unclear, splat(0.5), select(pos, splat(1), splat(0)));
        b.w[k][1] = select(unclear, splat(0.5), select(pos, splat(0), splat(1)));
      }
      V t[2] = {b.w[k][0], b.w[k][1]}, sum = splat(1);  // FitTrackStep::measure's terms and sum
      if (reweight) {
        V c[2];
        track::detail::drift_chi2(b.fm[k][0], b.fv[k][0], m, P[0][0], h.drift, s2, c);
        const M clear = track::detail::weights_clear(c, 2, st.opt.chi2_cut_1d, T);
        smoothed_where_unclear(c, clear);
        track::detail::daf_terms(c, 2, st.opt.chi2_cut_1d, T, t, sum);
        const V inv = 1.0 / sum;
        b.w[k][0] = t[0] * inv, b.w[k][1] = t[1] * inv;
      }
      const V ws = b.w[k][0] + b.w[k][1];
      skip = ws < 1e-9 && !unclear;
      const V num = select(unclear, splat(0), (t[0] - t[1]) * h.drift), wt = select(unclear, splat(1), t[0] + t[1]);
      const V var = select(unclear, s2 + h.drift * h.drift, s2 * sum);
      keep_old();
      chi2_add = track::kalman_update_weighted(s.x, s.C, m, num, wt, var, CHt, P);
    } else {  // silicon
      V m[2], H[2][5], CHt[2][5], P[2][2];
      silicon_prediction_jacobian(s.x, s.sc[0], s.sc[1], h.pos, m, H);
      project<2, silicon_jacobian_nonzero[0], silicon_jacobian_nonzero[1]>(s.C, H, CHt, P);
      const V s00 = h.sigma_a * h.sigma_a, s11 = h.sigma_b * h.sigma_b;
      if (store) {
        b.fm[k][0] = m[0], b.fm[k][1] = m[1];
        b.fv[k][0] = P[0][0], b.fv[k][1] = P[0][1], b.fv[k][2] = P[1][1];
      }
      if (reweight) {
        const V vb[3] = {P[0][0], P[0][1], P[1][1]};
        V c[2] = {track::detail::point_chi2(b.fm[k], b.fv[k], m, vb, s00, s11), splat(0)};
        const M clear = track::detail::weights_clear(c, 1, st.opt.chi2_cut_2d, T);
        smoothed_where_unclear(c, clear);
        track::detail::daf_weights(c, 1, st.opt.chi2_cut_2d, T, b.w[k]);
        b.w[k][1] = splat(0);
      }
      const V ws = b.w[k][0];
      skip = ws < 1e-9;
      const V r[2] = {-m[0], -m[1]};
      const V Vm[2][2] = {{s00 / ws, splat(0)}, {splat(0), s11 / ws}};
      keep_old();
      chi2_add = kalman_update<2>(s.x, s.C, r, CHt, P, Vm);
    }
    ok = skip || !(chi2_add < 0);
    if (lanes::any(skip)) {  // no update where the weights vanish
      for (int i = 0; i < 5; ++i) s.x[i] = select(skip, x_old[i], s.x[i]);
      for (int i = 0; i < 15; ++i) s.C.p[i] = select(skip, C_old.p[i], s.C.p[i]);
    }
    if (pass == track::FilterPass::backward) s.chi2 = select(skip, s.chi2, s.chi2 + chi2_add);
    rotate_angle(s.sc[0], s.sc[1], s.x[kPhi0], s.x[kPhi0] - phi);
    return ok;
  }

  void save(typename L::State& to) const { to = s; }
  void restore_inactive(const typename L::State& from, M active) {
    using lanes::select;
    for (int i = 0; i < 5; ++i) s.x[i] = select(active, s.x[i], from.x[i]);
    for (int i = 0; i < 2; ++i) s.sc[i] = select(active, s.sc[i], from.sc[i]);
    for (int i = 0; i < 15; ++i) s.C.p[i] = select(active, s.C.p[i], from.C.p[i]);
    s.P.x = select(active, s.P.x, from.P.x), s.P.y = select(active, s.P.y, from.P.y);
    s.P.z = select(active, s.P.z, from.P.z);
    s.chi2 = select(active, s.chi2, from.chi2);
  }

  // --- material crossings between hits and inside the first hit, over the lanes: each lane meets
  // its own cylinders, so a step moves the lanes that cross one there and keeps the others ---

  /// Lanes `on` move to pivot `to`; the others keep their state bit for bit (a zero-length step is
  /// not the identity: save and select back, as restore_inactive does for idle lanes). Lanes whose
  /// step fails die (FitTrackStep's `return false`). Returns the lanes that moved and live.
  M move_lanes(M on, const typename L::PointV& to) {
    using lanes::select;
    const bool all = lanes::all(on);
    typename L::State keep;
    if (!all) save(keep);
    const typename L::PointV target = {select(on, to.x, s.P.x), select(on, to.y, s.P.y), select(on, to.z, s.P.z)};
    PivotJacobianT<V> J;
    const M ok = track::detail::propagate(s.x, s.sc, s.C, s.P, target, J);
    if (!all) restore_inactive(keep, on);
    kill(ok || !on);
    return on && lane_mask(b.alive);
  }

  /// make_scatterer(m, x/X0) over the lanes; x/X0 = 0 where it is not > 0 (add_material skips them).
  static typename L::ScatV scatterer(Material m, V xx0) {
    using lanes::select;
    const M valid = xx0 > 0;
    const V ln = lanes::log(select(valid, xx0, splat(1)));  // lanes::log = portable::log, bit for bit
    return {select(valid, xx0, splat(0)), select(valid, 1.0 + 0.038 * ln, splat(0)),
            select(valid, loss_per_x0(m) * xx0, splat(0))};
  }

  /// Lane l's crossing at its current pivot, with scatterer sv, as FitTrackStep records it.
  track::detail::MaterialNode node(int l, const typename L::ScatV& sv, int before_hit) const {
    return {{s.P.x[l], s.P.y[l], s.P.z[l]}, {sv.x_over_x0[l], sv.log_term[l], sv.loss[l]}, before_hit};
  }

  /// The first pass's step through cylinder mc for the lanes `cand` that may cross it here
  /// (FitTrackStep::material_before's and to_perigee's search loops): the lanes whose track reaches
  /// it move to the crossing and take its scatterer (outward: forward filter; from_perigee: the
  /// search starts at the perigee, as to_perigee's). Returns the lanes that crossed (and live),
  /// with their scatterer in sv.
  M cross_cylinder(const MaterialCylinderInfo& mc, M cand, bool from_perigee, bool outward, V lb2,
                   typename L::ScatV& sv) {
    using lanes::select;
    typename L::PointV at = s.P;
    M on;
    if (from_perigee) {  // the tracks moved to pivot 0, to search forward from their perigee
      const typename L::PointV origin = {splat(0), splat(0), splat(0)};
      V q[5];
      PivotJacobianT<V> Jq;
      change_pivot_jacobian(s.x, s.sc[0], s.sc[1], s.P, origin, q, Jq);
      lane_crossings<N>(q, Jq.sin_phi, Jq.cos_phi, origin, cand, mc.radius, at, on);
    } else {
      lane_crossings<N>(s.x, s.sc[0], s.sc[1], s.P, cand, mc.radius, at, on);
    }
    if (!lanes::any(on)) {
      sv = {splat(0), splat(0), splat(0)};
      return on;
    }
    on = move_lanes(on, at);
    // the crossing lanes' pivot is now their crossing point
    const V xx0 = mc.x_over_x0 * path_factor_sc(s.sc[0], s.sc[1], s.x[kTanLambda], s.P.x, s.P.y);
    sv = scatterer(mc.material, select(on, xx0, splat(0)));
    track::detail::add_material(s.x, s.C, sv, mass, st.geo.b_field, lb2, outward);
    return on;
  }

  /// The stored crossings over the lanes (later passes' material_before, material_after, the inner
  /// material of to_perigee): next(l) gives live lane l's next node to cross at hit k (and steps
  /// past it), or null; the lanes that have one move to its pivot and take its scatterer, until
  /// none has.
  template <class Next>
  void replay(int k, bool outward, V lb2, Next next) {
    using lanes::select;
    for (;;) {
      M on{};
      typename L::PointV to = s.P;
      typename L::ScatV sv = {splat(0), splat(0), splat(0)};
      for (int l = 0; l < N; ++l) {
        const track::detail::MaterialNode* m = b.alive[l] && k < b.n[l] ? next(l) : nullptr;
        if (!m) continue;
        on[l] = -1;
        to.x[l] = m->pivot.x, to.y[l] = m->pivot.y, to.z[l] = m->pivot.z;
        sv.x_over_x0[l] = m->scatterer.x_over_x0, sv.log_term[l] = m->scatterer.log_term;
        sv.loss[l] = m->scatterer.loss;
      }
      if (!lanes::any(on)) return;
      sv.x_over_x0 = select(move_lanes(on, to), sv.x_over_x0, splat(0));
      track::detail::add_material(s.x, s.C, sv, mass, st.geo.b_field, lb2, outward);
    }
  }

  /// FitTrackStep::material_before's search (first pass) over the lanes at hit k: the cylinders
  /// between each live lane's previous hit radius and hit k's, in radial order.
  /// in_cdc: set for the lanes that cross the CDC wall.
  void search_before(int k, const V& r_prev, M& in_cdc, const V& lb2) {
    const M live = lane_mask(b.alive) && b.active[k];
    for (int c = 0; c < n_material_cylinders; ++c) {
      const MaterialCylinderInfo mc = material_cylinder(st.geo, c);
      const M cand = live && r_prev + 1e-3 < mc.radius && b.hit[k].radius - 1e-3 > mc.radius;
      if (!lanes::any(cand)) continue;
      typename L::ScatV sv;
      const M crossed = cross_cylinder(mc, cand, false, true, lb2, sv);
      for (int l = 0; l < N; ++l)
        if (crossed[l]) b.wk[l].mat[b.wk[l].n_mat++] = node(l, sv, k);
      if (mc.material == Material::carbon) in_cdc = in_cdc || crossed;
    }
  }

  /// FitTrackStep::to_perigee over the live lanes: the inner material, outermost first (first
  /// pass: searched from each track's perigee inside hit 0's radius; later: replayed), then pivot 0.
  void to_perigee(bool find, V lb2) {
    if (st.opt.material && find) {
      for (int l = 0; l < N; ++l) b.wk[l].n_inner = 0;
      for (int c = n_material_cylinders - 1; c >= 0; --c) {
        const MaterialCylinderInfo mc = material_cylinder(st.geo, c);
        const M cand = lane_mask(b.alive) && b.hit[0].radius - 1e-3 > mc.radius;
        if (!lanes::any(cand)) continue;
        typename L::ScatV sv;
        const M crossed = cross_cylinder(mc, cand, true, false, lb2, sv);
        for (int l = 0; l < N; ++l)
          if (crossed[l]) b.wk[l].inner[b.wk[l].n_inner++] = node(l, sv, 0);
      }
    } else if (st.opt.material) {
      int i[N] = {};
      replay(0, false, lb2, [&](int l) { return i[l] < b.wk[l].n_inner ? &b.wk[l].inner[i[l]++] : nullptr; });
    }
    for (int l = 0; l < N; ++l)
      if (b.alive[l]) b.wk[l].surfaces_known = true;
    const typename L::PointV origin = {splat(0), splat(0), splat(0)};
    PivotJacobianT<V> J;
    kill(track::detail::propagate(s.x, s.sc, s.C, s.P, origin, J));
  }

  /// FitTrackStep::forward over the lanes; find: the first pass (surfaces searched and stored; no
  /// lane's are known then, and on later passes every live lane's are: to_perigee marks them).
  void forward(bool first, bool find) {
    using lanes::select;
    s.P = {splat(0), splat(0), splat(0)};
    V r_prev = splat(-1);  // radius of each lane's previous hit
    M in_cdc{};  // the lanes inside the CDC (wall crossed or a CDC hit taken): its gas counts
    int im[N];
    V gas_prev = splat(0), gas_log_prev = splat(0);
    for (int l = 0; l < N; ++l) {
      im[l] = 0;
      if (find) b.wk[l].n_mat = 0;
    }
    const double r_last = material_cylinder(st.geo, n_material_cylinders - 1).radius;
    // later passes: the next hit index (from `from` on) before which some lane has a stored
    // crossing; a lane that skipped its crossings there (dead) never meets them again, as per lane
    auto next_stored = [&](int from) {
      int k_next = b.n_max;
      for (int l = 0; l < N; ++l) {
        const int kl = im[l] < b.wk[l].n_mat ? b.wk[l].mat[im[l]].before_hit : b.n_max;
        if (kl >= from && kl < k_next) k_next = kl;
      }
      return k_next;
    };
    int k_mat = find ? b.n_max : next_stored(0);
    V lb2;
    lane_log_beta2<N>(s, mass, st.geo.b_field, lb2);
    PivotJacobianT<V> J;
    typename L::State before{};
    for (int k = 0; k < b.n_max; ++k) {
      const bool partial = !b.all_active[k];
      if (partial) save(before);
      // FitTrackStep::material_before. First pass: the search from the previous hit out (none at
      // k = 0, and none behind a CDC hit: no cylinder lies beyond the last one); later passes: the
      // crossings stored then.
      if (find && k > 0 && st.opt.material && lanes::any(r_prev + 1e-3 < r_last)) {
        out_of_line<N>([&] { search_before(k, r_prev, in_cdc, lb2); });
      } else if (!find && k == k_mat) {
        out_of_line<N>([&] {
          replay(k, true, lb2, [&](int l) {
            const track::detail::Work& wk = b.wk[l];
            return im[l] < wk.n_mat && wk.mat[im[l]].before_hit == k ? &wk.mat[im[l]++] : nullptr;
          });
        });
        k_mat = next_stored(k + 1);
      }
      const bool cdc = k >= b.n_si;
      const typename L::HitV& h = b.hit[k];
      const typename L::PointV target = find ? (cdc ? track::detail::wire_pivot(s.x, s.sc, s.P, h.wire) : h.pos)
                                             : b.pivot[k];
      kill(track::detail::propagate(s.x, s.sc, s.C, s.P, target, J) || !b.active[k]);
      if (st.opt.material) {
        if (find) {
          if (!cdc) {
            silicon_scatterer(k);
          } else {
            const V own = lanes::fabs(J.s) * lanes::sqrt(1 + s.x[kTanLambda] * s.x[kTanLambda]) / st.geo.cdc_x0;
            const M valid = in_cdc && own > 0;
            const V ln_own = log_near(own, gas_prev, gas_log_prev, valid);
            b.own[k].x_over_x0 = select(valid, own, splat(0));
            b.own[k].log_term = select(valid, 1.0 + 0.038 * ln_own, splat(0));
            b.own[k].loss = select(valid, loss_per_x0(Material::cdc_gas) * own, splat(0));
            gas_prev = select(valid, own, gas_prev), gas_log_prev = select(valid, ln_own, gas_log_prev);
          }
        }
        track::detail::add_material(s.x, s.C, b.own[k], mass, st.geo.b_field, lb2, true);
      } else if (find) {
        b.own[k] = {splat(0), splat(0), splat(0)};
      }
      if (find) b.pivot[k] = s.P;
      for (int i = 0; i < 5; ++i) b.fx[k][i] = s.x[i];
      b.fsc[k][0] = s.sc[0], b.fsc[k][1] = s.sc[1];
      for (int p = 0; p < 15; ++p) b.fc[k][p] = s.C.p[p];
      kill(update(k, first ? track::FilterPass::first_forward : track::FilterPass::forward, 0) || !b.active[k]);
      r_prev = b.hit[k].radius;
      if (cdc) in_cdc = ~M{};
      if (partial) restore_inactive(before, b.active[k]);
    }
  }

  /// Silicon hit k's own material (x/X0 along the path, its log) over the lanes, as
  /// FitTrackStep::forward's make_scatterer(silicon, x0 path_factor_sc(...)).
  void silicon_scatterer(int k) {
    using lanes::select;
    V x0;
    for (int l = 0; l < N; ++l) {
      const track::detail::HitData& h = b.wk[l].hit[k < b.n[l] ? k : b.n[l] - 1];
      x0[l] = h.detector == 1 ? st.geo.pxd[h.layer].x_over_x0 : st.geo.svd[h.layer].x_over_x0;
    }
    b.own[k] = scatterer(Material::silicon, x0 * path_factor_sc(s.sc[0], s.sc[1], s.x[kTanLambda], s.P.x, s.P.y));
  }

  /// detail::log_near over the lanes; the log itself only where `need` (and outside the series).
  static V log_near(V v, V ref, V log_ref, M need) {
    const M near = v > 0.5 * ref && v < 2 * ref;
    V out = splat(0);
    if (lanes::any(near)) out = track::detail::log_near_series(v, ref, log_ref);
    for (int l = 0; l < N; ++l)
      if (!near[l] && need[l]) out[l] = log(v[l]);
    return out;
  }

  /// FitTrackStep::backward over the lanes; ends with each live lane's perigee state. find: the
  /// first pass (to_perigee searches the inner material).
  void backward(double T, bool find) {
    using lanes::select;
    for (int i = 0; i < 5; ++i)
      for (int j = i; j < 5; ++j) s.C(i, j) = i == j ? s.C(i, i) * 1e4 : splat(0.0);
    for (int l = 0; l < N; ++l) {
      const int k = b.n[l] - 1;
      s.P.x[l] = b.pivot[k].x[l], s.P.y[l] = b.pivot[k].y[l], s.P.z[l] = b.pivot[k].z[l];
    }
    int im[N];
    for (int l = 0; l < N; ++l) im[l] = b.wk[l].n_mat - 1;
    // the next hit index (going inward, below `below`) before which some lane has a crossing; a lane
    // that skipped its crossings there (dead, or idle) never meets them again, as per lane
    auto next_crossing = [&](int below) {
      int k_next = -1;
      for (int l = 0; l < N; ++l) {
        const int kl = im[l] >= 0 ? b.wk[l].mat[im[l]].before_hit : -1;
        if (kl < below && kl > k_next) k_next = kl;
      }
      return k_next;
    };
    int k_mat = next_crossing(b.n_max);
    s.chi2 = splat(0);
    V lb2;
    lane_log_beta2<N>(s, mass, st.geo.b_field, lb2);
    PivotJacobianT<V> J;
    typename L::State before{};
    for (int k = b.n_max - 1; k >= 0; --k) {
      const bool partial = !b.all_active[k];
      if (partial) save(before);
      kill(track::detail::propagate(s.x, s.sc, s.C, s.P, b.pivot[k], J) || !b.active[k]);
      kill(update(k, track::FilterPass::backward, T) || !b.active[k]);
      if (st.opt.material) track::detail::add_material(s.x, s.C, b.own[k], mass, st.geo.b_field, lb2, false);
      if (partial) restore_inactive(before, b.active[k]);
      if (k != k_mat) continue;  // no lane has a crossing before hit k
      // FitTrackStep::material_after: the crossings stored before hit k, inward
      out_of_line<N>([&] {
        replay(k, false, lb2, [&](int l) {
          const track::detail::Work& wk = b.wk[l];
          return im[l] >= 0 && wk.mat[im[l]].before_hit == k ? &wk.mat[im[l]--] : nullptr;
        });
      });
      k_mat = next_crossing(k);
    }
    out_of_line<N>([&] { to_perigee(find, lb2); });
  }

  /// FitTrackStep::operator() after start() for the batch's lanes.
  void fit() {
    mass = mass_of(st.opt.hypothesis);
    for (int l = 0; l < N; ++l) b.alive[l] = true;
    const int n_iter = st.opt.n_temperatures > 0 ? st.opt.n_temperatures : 1;
    for (int it = 0; it < n_iter; ++it) {
      for (int l = 0; l < N; ++l) {  // initial_cov per lane
        double x[5];
        Mat5 C;
        for (int i = 0; i < 5; ++i) x[i] = s.x[i][l];
        track::detail::initial_cov(x, C);
        for (int i = 0; i < 15; ++i) s.C.p[i][l] = C.p[i];
      }
      forward(it == 0, it == 0);
      backward(st.temperature(it), it == 0);
    }
  }
};

/// The whole fit of one batch whose lanes were started (b.wk loaded, x seeded in x0/sc0).
template <int N>
inline void fit_batch(const FitTrackStep& st, typename Lanes<N>::Batch& b, typename Lanes<N>::State& s) {
  LaneFilter<N> f{st, b, s, 0, {}, {}};
  f.fit();
  s = f.s;
}

__attribute__((target("avx2"), flatten)) void fit_batch_avx2(const FitTrackStep& st, Lanes<4>::Batch& b,
                                                             Lanes<4>::State& s) {
  fit_batch<4>(st, b, s);
}
__attribute__((flatten)) void fit_batch_sse2(const FitTrackStep& st, Lanes<2>::Batch& b, Lanes<2>::State& s) {
  fit_batch<2>(st, b, s);
}

}  // namespace
}  // namespace umbra::cpu::detail
#endif
