#pragma once
// Small fixed-size matrix helpers for the Kalman fit (device-safe: no allocation, no host-only
// calls). Covariances are symmetric 5x5 stored once: the 15 upper-triangle entries, row-major
// (00 01 02 03 04 11 12 ... 44), the order of the /tracks cov columns.

#include <cmath>

#include "umbra/core/lanes.hpp"
#include "umbra/core/qualifiers.hpp"

// Full unrolling of the triangular loops of the smoother's factorisation and solves on the host:
// GCC leaves such nests as loops, with the packed indices computed at run time (the same case as
// vertex/small_matrix.hpp's UMBRA_VERTEX_UNROLL). nvcc unrolls them itself.
#if defined(__CUDACC__) || !defined(__GNUC__) || defined(__clang__)
#define UMBRA_TRACK_UNROLL
#else
#define UMBRA_TRACK_UNROLL _Pragma("GCC unroll 8")
#endif

namespace umbra::track {

UMBRA_HD constexpr int packed_index(int i, int j) {
  if (i > j) {
    const int t = i;
    i = j, j = t;
  }
  return i * 5 - i * (i - 1) / 2 + (j - i);
}

/// A symmetric 5x5 matrix (a covariance), each entry stored once: C(i, j) and C(j, i) are the same
/// element, so that no update writes, selects or copies a mirrored lower triangle (the full 5x5 cost
/// the CPU lanes' track fit a fifth of its vector stores). Indices known at compile time (unrolled
/// loops) fold to fixed offsets.
/// V: double, or a lane type (umbra/core/lanes.hpp) for several tracks side by side.
template <class V>
struct Mat5T {
  V p[15];
  UMBRA_HD V& operator()(int i, int j) { return p[packed_index(i, j)]; }
  UMBRA_HD const V& operator()(int i, int j) const { return p[packed_index(i, j)]; }
};
using Mat5 = Mat5T<double>;

UMBRA_HD inline void pack(const Mat5& m, double out[15]) {
  for (int i = 0; i < 15; ++i) out[i] = m.p[i];
}

/// Square-root-free Cholesky factorisation A + B = L D L^T of two symmetric 5x5 matrices, A packed
/// (pack()): L unit lower triangular (its strict lower part is written), inv_d = 1 / D.
/// False when a pivot is not positive (A + B not positive definite). No square roots and one
/// division per row: in this short dependent chain each would add its whole latency.
UMBRA_HD inline bool ldlt_sum(const double A[15], const Mat5& B, double L[5][5], double inv_d[5]) {
  double U[5][5];  // U[i][k] = L[i][k] D[k]
  UMBRA_TRACK_UNROLL
  for (int i = 0; i < 5; ++i) {
    UMBRA_TRACK_UNROLL
    for (int j = 0; j < i; ++j) {
      double s = A[packed_index(j, i)] + B(i, j);
      UMBRA_TRACK_UNROLL
      for (int k = 0; k < j; ++k) s -= U[i][k] * L[j][k];
      U[i][j] = s;
      L[i][j] = s * inv_d[j];
    }
    double d = A[packed_index(i, i)] + B(i, i);
    UMBRA_TRACK_UNROLL
    for (int k = 0; k < i; ++k) d -= U[i][k] * L[i][k];
    if (!(d > 0)) return false;
    inv_d[i] = 1.0 / d;
  }
  return true;
}
/// y <- L^-1 y for the unit lower triangular L of ldlt_sum (forward substitution, no divisions).
UMBRA_HD inline void unit_lower_solve(const double L[5][5], double y[5]) {
  UMBRA_TRACK_UNROLL
  for (int i = 1; i < 5; ++i) {
    double s = y[i];
    UMBRA_TRACK_UNROLL
    for (int k = 0; k < i; ++k) s -= L[i][k] * y[k];
    y[i] = s;
  }
}
/// y <- (L D L^T)^-1 y for ldlt_sum's factors.
UMBRA_HD inline void ldlt_solve(const double L[5][5], const double inv_d[5], double y[5]) {
  unit_lower_solve(L, y);
  for (int i = 0; i < 5; ++i) y[i] *= inv_d[i];
  UMBRA_TRACK_UNROLL
  for (int i = 3; i >= 0; --i) {
    double s = y[i];
    UMBRA_TRACK_UNROLL
    for (int k = i + 1; k < 5; ++k) s -= L[k][i] * y[k];
    y[i] = s;
  }
}
/// x <- x + A y, A symmetric 5x5 packed (pack()).
UMBRA_HD inline void add_packed_product(const double A[15], const double y[5], double x[5]) {
  UMBRA_TRACK_UNROLL
  for (int i = 0; i < 5; ++i)
    UMBRA_TRACK_UNROLL
    for (int j = 0; j < 5; ++j) x[i] += A[packed_index(i, j)] * y[j];
}

/// Sum of a[k] * b[k] over the k whose bit is set in Nz, in increasing k (the first term starts
/// the sum). The measurement Jacobians have zeros in known places; x * 0 cannot be folded away in
/// IEEE arithmetic, so the compiler keeps those products unless the mask drops them. Dropping them
/// leaves the other terms in the same order: the same sum for finite inputs.
template <unsigned Nz, class V>
UMBRA_HD inline V masked_dot5(const V* a, const V* b) {
  V s{};
  bool first = true;
  for (int k = 0; k < 5; ++k)
    if (Nz & (1u << k)) {
      s = first ? a[k] * b[k] : s + a[k] * b[k];
      first = false;
    }
  return s;
}

/// masked_dot5 with row i of a packed symmetric matrix A (pack()) as its first operand.
template <unsigned Nz, class V>
UMBRA_HD inline V packed_row_dot5(const V A[15], int i, const V* b) {
  V s{};
  bool first = true;
  UMBRA_TRACK_UNROLL
  for (int k = 0; k < 5; ++k)
    if (Nz & (1u << k)) {
      s = first ? A[packed_index(i, k)] * b[k] : s + A[packed_index(i, k)] * b[k];
      first = false;
    }
  return s;
}

/// The prediction in measurement space: CHt = (C H^T)^T and P = H C H^T (m = 1 or 2 rows of H).
/// Nz0, Nz1: bit k set where H[0][k], H[1][k] may be non-zero (masked_dot5).
template <int M, unsigned Nz0 = 31u, unsigned Nz1 = 31u, class V>
UMBRA_HD inline void project(const Mat5T<V>& C, const V H[M][5], V CHt[M][5], V P[M][M]) {
  for (int i = 0; i < 5; ++i) {
    CHt[0][i] = packed_row_dot5<Nz0>(C.p, i, H[0]);
    if constexpr (M == 2) CHt[1][i] = packed_row_dot5<Nz1>(C.p, i, H[1]);
  }
  P[0][0] = masked_dot5<Nz0>(H[0], CHt[0]);
  if constexpr (M == 2) {
    P[0][1] = masked_dot5<Nz0>(H[0], CHt[1]);
    P[1][0] = masked_dot5<Nz1>(H[1], CHt[0]);
    P[1][1] = masked_dot5<Nz1>(H[1], CHt[1]);
  }
}

/// P = H Cs H^T of the two-filter smoother's Cs = A - A (A + B)^-1 A (A packed; L, inv_d:
/// ldlt_sum of A + B; with ok false, Cs = A): with g = A H^T and w = L^-1 g, the subtracted term
/// is g^T (A + B)^-1 g = sum_i w_i w_i / D_i, a forward substitution per row of H and no back
/// substitution. Nz0, Nz1: H's non-zero columns (masked_dot5).
template <int M, unsigned Nz0 = 31u, unsigned Nz1 = 31u>
UMBRA_HD inline void project_smoothed(const double A[15], const double L[5][5], const double inv_d[5], bool ok,
                                      const double H[M][5], double P[M][M]) {
  double g[M][5], w[M][5];
  UMBRA_TRACK_UNROLL
  for (int i = 0; i < 5; ++i) {
    g[0][i] = w[0][i] = packed_row_dot5<Nz0>(A, i, H[0]);
    if constexpr (M == 2) g[1][i] = w[1][i] = packed_row_dot5<Nz1>(A, i, H[1]);
  }
  P[0][0] = masked_dot5<Nz0>(H[0], g[0]);
  if constexpr (M == 2) P[0][1] = masked_dot5<Nz0>(H[0], g[1]), P[1][1] = masked_dot5<Nz1>(H[1], g[1]);
  if (ok) {
    for (int a = 0; a < M; ++a) unit_lower_solve(L, w[a]);
    double q00 = 0, q01 = 0, q11 = 0;
    UMBRA_TRACK_UNROLL
    for (int i = 0; i < 5; ++i) {
      const double v0 = w[0][i] * inv_d[i];
      q00 += v0 * w[0][i];
      if constexpr (M == 2) q01 += v0 * w[1][i], q11 += w[1][i] * inv_d[i] * w[1][i];
    }
    P[0][0] -= q00;
    if constexpr (M == 2) P[0][1] -= q01, P[1][1] -= q11;
  }
  if constexpr (M == 2) P[1][0] = P[0][1];
}

/// C <- C - K^T CHt for the transposed gain K (M rows): the covariance after a Kalman update (its
/// upper triangle: C is symmetric).
template <int M, class V>
UMBRA_HD inline void subtract_gain(Mat5T<V>& C, const V K[M][5], const V CHt[M][5]) {
  for (int i = 0; i < 5; ++i)
    for (int j = i; j < 5; ++j) {
      V s = K[0][i] * CHt[0][j];
      for (int k = 1; k < M; ++k) s += K[k][i] * CHt[k][j];
      C(i, j) -= s;
    }
}

/// Kalman update with an m-dimensional measurement (m = 1 or 2) from project()'s CHt and P:
/// residual r = meas - h(x), V the measurement covariance. Returns the chi2 increment, -1 on
/// failure.
/// Over a lane type V: lanes whose S is not positive get -1 (their x and C are then garbage).
template <int M, class V>
UMBRA_HD inline V kalman_update(V x[5], Mat5T<V>& C, const V r[M], const V CHt[M][5], const V P[M][M],
                                const V V_[M][M]) {
  V S[M][M];
  for (int i = 0; i < M; ++i)
    for (int j = 0; j < M; ++j) S[i][j] = P[i][j] + V_[i][j];
  V Si[M][M];
  auto ok = S[0][0] > 0;
  if constexpr (M == 1) {
    if (!lanes::any(ok)) return lanes::splat<V>(-1);
    Si[0][0] = 1.0 / S[0][0];
  } else {
    const V det = S[0][0] * S[1][1] - S[0][1] * S[1][0];
    ok = det > 0;
    if (!lanes::any(ok)) return lanes::splat<V>(-1);
    const V id = 1.0 / det;
    Si[0][0] = S[1][1] * id, Si[1][1] = S[0][0] * id;
    Si[0][1] = -S[0][1] * id, Si[1][0] = -S[1][0] * id;
  }
  V K[M][5];  // gain, transposed
  // sums start from their first term (0 + a b is an extra addition the compiler must keep)
  for (int j = 0; j < M; ++j)
    for (int i = 0; i < 5; ++i) {
      V s = CHt[0][i] * Si[0][j];
      for (int k = 1; k < M; ++k) s += CHt[k][i] * Si[k][j];
      K[j][i] = s;
    }
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < M; ++j) x[i] += K[j][i] * r[j];
  subtract_gain<M>(C, K, CHt);
  V chi2 = r[0] * Si[0][0] * r[0];
  for (int i = 0; i < M; ++i)
    for (int j = i == 0 ? 1 : 0; j < M; ++j) chi2 += r[i] * Si[i][j] * r[j];
  return lanes::select(ok, chi2, lanes::splat<V>(-1));
}

/// kalman_update<1> for a measurement given as a weighted mean: value num / ws with variance
/// s2 / ws (the DAF's drift distance: num = (w+ - w-) drift, ws = w+ + w-; the weights may carry any
/// common positive scale, which s2 must then carry too). Over the common denominator
/// q = P ws + s2 (S = q / ws): x += CHt (num - m ws) / q, C -= CHt CHt^T ws / q, chi2 increment
/// (num - m ws)^2 / (q ws) - one division between the weights and the new state, where forming
/// num / ws and s2 / ws first and then 1 / S took two in a row. m: the predicted value.
/// Returns -1 where q is not positive (those lanes' x and C are then garbage).
template <class V>
UMBRA_HD inline V kalman_update_weighted(V x[5], Mat5T<V>& C, V m, V num, V ws, V s2, const V CHt[1][5],
                                         const V P[1][1]) {
  const V q = P[0][0] * ws + s2;
  const auto ok = q > 0;
  if (!lanes::any(ok)) return lanes::splat<V>(-1);
  const V g = 1.0 / q, rn = num - m * ws, e = rn * g, kg = ws * g;
  for (int i = 0; i < 5; ++i) x[i] += CHt[0][i] * e;
  V K[1][5];  // gain CHt / S, transposed
  for (int i = 0; i < 5; ++i) K[0][i] = CHt[0][i] * kg;
  subtract_gain<1>(C, K, CHt);
  return lanes::select(ok, rn * e / ws, lanes::splat<V>(-1));
}

}  // namespace umbra::track
