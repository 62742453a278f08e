#pragma once
// CPU backend of the vertex finder: the closest-approach candidates of a block of pairs refined
// together, four searches side by side in AVX2 lanes (refine_poca_t over lanes::Vec<4>; each lane does
// the operations of the scalar search, so the candidates are the per-pair path's bit for bit).
// A scalar search is a serial chain (a division and two small-angle series per step, ~4 steps);
// in lanes the chains of different pairs share instructions. Every crossing of a pair is refined
// here, also a second one the per-pair path would skip once the first gives a plausible vertex
// (10% more searches on the benchmark batch), because the fits decide that only later.
#include <algorithm>
#include <cstdint>
#include <cstring>

#include "umbra/core/lanes.hpp"
#include "umbra/vertex/pair_steps.hpp"

namespace umbra::cpu::vertex_lanes {

/// Pairs per block: their starts, searches and candidates stay in the core's cache (~140 kB).
constexpr int pairs_per_block = 128;
constexpr int max_searches = 2 * pairs_per_block;
constexpr int max_width = 4;
constexpr int column = max_searches + max_width;  // room for the spare lanes of the last vector

/// The searches field by field: lane l of the vector loaded at search j0 is search j0 + l. (A
/// vector assembled lane by lane from fresh scalar stores would stall on every load.)
struct SearchColumns {
  double h1[9][column], h2[9][column];  // the helices: phi0, w, z0, tl, s0, c0, iw, xd, yd
  double a[6][column], b[6][column];    // the points: s, x, y, z, cphi, sphi
  double d[4][column];                  // dx, dy, dz, d2 (results)
};

/// One block's working storage (per thread, reused).
struct BlockScratch {
  vertex::PairStarts starts[pairs_per_block];
  vertex::PocaCandidate candidates[pairs_per_block][2];
  // The searches: pair (in the block) and candidate index of each.
  std::uint16_t pair[max_searches];
  std::uint8_t which[max_searches];
  SearchColumns col;
};

inline void put(double (*c)[column], int j, const vertex::HelixT<double>& h) {
  c[0][j] = h.phi0, c[1][j] = h.w, c[2][j] = h.z0, c[3][j] = h.tl, c[4][j] = h.s0, c[5][j] = h.c0;
  c[6][j] = h.iw, c[7][j] = h.xd, c[8][j] = h.yd;
}
inline void put(double (*c)[column], int j, const vertex::HelixPointT<double>& p) {
  c[0][j] = p.s, c[1][j] = p.x, c[2][j] = p.y, c[3][j] = p.z, c[4][j] = p.cphi, c[5][j] = p.sphi;
}
inline vertex::HelixPointT<double> get_point(const double (*c)[column], int j) {
  return {c[0][j], c[1][j], c[2][j], c[3][j], c[4][j], c[5][j]};
}
/// Copies search j to search k (all columns).
inline void copy_search(SearchColumns& c, int j, int k) {
  for (int f = 0; f < 9; ++f) c.h1[f][k] = c.h1[f][j], c.h2[f][k] = c.h2[f][j];
  for (int f = 0; f < 6; ++f) c.a[f][k] = c.a[f][j], c.b[f][k] = c.b[f][j];
}

#if UMBRA_HAVE_LANES
template <class V>
inline V load(const double* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}
template <class V>
inline void store(double* p, const V& v) {
  std::memcpy(p, &v, sizeof v);
}
template <class V>
inline vertex::HelixT<V> load_helix(const double (*c)[column], int j) {
  return {load<V>(&c[0][j]), load<V>(&c[1][j]), load<V>(&c[2][j]), load<V>(&c[3][j]), load<V>(&c[4][j]),
          load<V>(&c[5][j]), load<V>(&c[6][j]), load<V>(&c[7][j]), load<V>(&c[8][j])};
}
template <class V>
inline vertex::HelixPointT<V> load_point(const double (*c)[column], int j) {
  return {load<V>(&c[0][j]), load<V>(&c[1][j]), load<V>(&c[2][j]), load<V>(&c[3][j]), load<V>(&c[4][j]),
          load<V>(&c[5][j])};
}
template <class V>
inline void store_point(double (*c)[column], int j, const vertex::HelixPointT<V>& p) {
  store(&c[0][j], p.s), store(&c[1][j], p.x), store(&c[2][j], p.y), store(&c[3][j], p.z);
  store(&c[4][j], p.cphi), store(&c[5][j], p.sphi);
}

/// Refines the block's n searches (columns filled, spare lanes too), lanes::width<V> at a time;
/// the results replace the points and fill d.
template <class V>
inline void refine_searches(SearchColumns& c, int n, double max_doca) {
  using namespace vertex;
  constexpr int width = lanes::width<V>;
  const V give_up = lanes::splat<V>(max_doca);
  for (int j0 = 0; j0 < n; j0 += width) {
    const HelixT<V> h1 = load_helix<V>(c.h1, j0), h2 = load_helix<V>(c.h2, j0);
    PocaSearchT<V> q;
    q.a = load_point<V>(c.a, j0), q.b = load_point<V>(c.b, j0);
    refine_poca_t<V>(h1, h2, q, give_up);
    store_point(c.a, j0, q.a), store_point(c.b, j0, q.b);
    store(&c.d[0][j0], q.dx), store(&c.d[1][j0], q.dy), store(&c.d[2][j0], q.dz), store(&c.d[3][j0], q.d2);
  }
}

// Four lanes in AVX2 registers (no FMA: the same roundings as the scalar search); flatten compiles
// everything the search runs into this function. Without AVX2 (or without vector lanes on this
// platform, UMBRA_HAVE_LANES) the pairs take the per-pair path:
// two SSE2 lanes (with the extra second crossings) measured no faster than it, four lanes in the
// baseline build slower (GCC splits them through memory).
__attribute__((target("avx2"), flatten)) inline void refine_searches_avx2(SearchColumns& c, int n, double max_doca) {
  refine_searches<lanes::Vec<4>>(c, n, max_doca);
}
inline const bool has_avx2 = [] {
  __builtin_cpu_init();  // may run before libgcc's own initialiser
  return __builtin_cpu_supports("avx2") != 0;
}();

/// fit_block with the searches in AVX2 lanes.
inline void fit_block_laned(const vertex::FitPairStep& step, std::uint64_t b, int n, BlockScratch& s) {
  using namespace vertex;
  int n_search = 0;
  for (int i = 0; i < n; ++i) {
    PairStarts& ps = s.starts[i];
    const PairStatus st = step.starts(b + i, ps);
    step.status[b + i] = std::uint8_t(st);
    if (st != PairStatus::accepted) continue;
    for (int c = 0; c < ps.st.n; ++c, ++n_search) {
      s.pair[n_search] = std::uint16_t(i), s.which[n_search] = std::uint8_t(c);
      const PocaSearchT<double> q = start_search(ps.h[0], ps.h[1], ps.st, ps.order[c]);
      put(s.col.h1, n_search, ps.h[0]), put(s.col.h2, n_search, ps.h[1]);
      put(s.col.a, n_search, q.a), put(s.col.b, n_search, q.b);
    }
  }
  if (n_search > 0) {
    for (int k = n_search; k < n_search + max_width; ++k) copy_search(s.col, n_search - 1, k);  // spare lanes
    refine_searches_avx2(s.col, n_search, step.options.max_doca);
  }
  for (int j = 0; j < n_search; ++j) {
    const PairStarts& ps = s.starts[s.pair[j]];
    PocaSearchT<double> r;
    r.a = get_point(s.col.a, j), r.b = get_point(s.col.b, j);
    r.dx = s.col.d[0][j], r.dy = s.col.d[1][j], r.dz = s.col.d[2][j], r.d2 = s.col.d[3][j];
    s.candidates[s.pair[j]][s.which[j]] = detail::poca_candidate(ps.h[0], ps.h[1], r);
  }
  for (int i = 0; i < n; ++i) {
    if (step.status[b + i] != std::uint8_t(PairStatus::accepted)) continue;
    step.status[b + i] = std::uint8_t(step.fit_candidates(b + i, s.starts[i], GivenCandidates{s.candidates[i]}));
  }
}

#endif  // UMBRA_HAVE_LANES

/// Fits pairs [b, b + n) of `step` (n <= pairs_per_block) into its rows and statuses.
inline void fit_block(const vertex::FitPairStep& step, std::uint64_t b, int n, BlockScratch& s) {
#if UMBRA_HAVE_LANES
  if (has_avx2) {
    fit_block_laned(step, b, n, s);
    return;
  }
#endif
  (void)s;
  for (int i = 0; i < n; ++i) step(b + i);  // the per-pair path
}

}  // namespace umbra::cpu::vertex_lanes
