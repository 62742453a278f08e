#pragma once
// Fixed-size dense matrices for the vertex fit (at most 5x5), usable in host and device code.
// Eigen's general inverse is host-only, so symmetric positive-definite systems are inverted here
// with an explicit Cholesky factorisation that reports failure instead of throwing.

#include <cmath>

#include "umbra/core/qualifiers.hpp"

namespace umbra::vertex {

// Full unrolling of the fixed-size loops over matrix indices on the host: GCC leaves the
// triangular nests of the 5x5 factorisation as loops (counters, compares and index arithmetic
// around a few multiply-adds). nvcc unrolls such loops itself.
#if defined(__CUDACC__) || !defined(__GNUC__) || defined(__clang__)
#define UMBRA_VERTEX_UNROLL
#else
#define UMBRA_VERTEX_UNROLL _Pragma("GCC unroll 8")
#endif

template <int R, int C>
struct Mat {
  double a[R][C];

  UMBRA_HD double& operator()(int i, int j) { return a[i][j]; }
  UMBRA_HD double operator()(int i, int j) const { return a[i][j]; }
  UMBRA_HD static Mat zero() {
    Mat m;
    for (int i = 0; i < R; ++i)
      for (int j = 0; j < C; ++j) m.a[i][j] = 0.0;
    return m;
  }
};

template <int N>
using Vec = Mat<N, 1>;

template <int R, int K, int C>
UMBRA_HD inline Mat<R, C> operator*(const Mat<R, K>& x, const Mat<K, C>& y) {
  Mat<R, C> m;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      double s = 0.0;
      for (int k = 0; k < K; ++k) s += x.a[i][k] * y.a[k][j];
      m.a[i][j] = s;
    }
  return m;
}

/// x^T y without forming the transpose.
template <int K, int R, int C>
UMBRA_HD inline Mat<R, C> tmul(const Mat<K, R>& x, const Mat<K, C>& y) {
  Mat<R, C> m;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) {
      double s = 0.0;
      for (int k = 0; k < K; ++k) s += x.a[k][i] * y.a[k][j];
      m.a[i][j] = s;
    }
  return m;
}

template <int R, int C>
UMBRA_HD inline Mat<R, C> operator+(const Mat<R, C>& x, const Mat<R, C>& y) {
  Mat<R, C> m;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) m.a[i][j] = x.a[i][j] + y.a[i][j];
  return m;
}

template <int R, int C>
UMBRA_HD inline Mat<R, C> operator-(const Mat<R, C>& x, const Mat<R, C>& y) {
  Mat<R, C> m;
  for (int i = 0; i < R; ++i)
    for (int j = 0; j < C; ++j) m.a[i][j] = x.a[i][j] - y.a[i][j];
  return m;
}

/// Cholesky factor of a symmetric matrix (A = L L^T, lower triangle of L written). Returns false
/// when a pivot is not positive, i.e. A is not positive definite.
/// `inv_diag` receives 1 / L[i][i] (one division per row; the rest are products).
template <int N>
UMBRA_HD inline bool cholesky_lower(const Mat<N, N>& A, double L[N][N], double inv_diag[N]) {
  for (int i = 0; i < N; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = A.a[i][j];
      for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k];
      if (i == j) {
        if (!(s > 0.0)) return false;  // also rejects NaN
        L[i][i] = sqrt(s);
        inv_diag[i] = 1.0 / L[i][i];
      } else {
        L[i][j] = s * inv_diag[j];
      }
    }
  return true;
}

/// True when the symmetric matrix A is positive definite (the factorisation only, no inverse).
template <int N>
UMBRA_HD inline bool positive_definite(const Mat<N, N>& A) {
  double L[N][N], id[N];
  return cholesky_lower(A, L, id);
}

/// Inverse of a symmetric positive-definite matrix by the square-root-free Cholesky form
/// A = L D L^T (L unit lower triangular; the lower triangle of A is read). Returns false (and
/// leaves `inv` unspecified) when a pivot D_i is not positive, i.e. A is not positive definite.
/// Same pivots' signs as the L L^T factorisation, without its N square roots (each a long
/// dependent latency in these short chains); one division per row.
template <int N>
UMBRA_HD inline bool invert_spd(const Mat<N, N>& A, Mat<N, N>& inv) {
  double L[N][N], D[N], iD[N];
  UMBRA_VERTEX_UNROLL
  for (int i = 0; i < N; ++i) {
    UMBRA_VERTEX_UNROLL
    for (int j = 0; j < i; ++j) {
      double s = A.a[i][j];
      UMBRA_VERTEX_UNROLL
      for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k] * D[k];
      L[i][j] = s * iD[j];
    }
    double d = A.a[i][i];
    UMBRA_VERTEX_UNROLL
    for (int k = 0; k < i; ++k) d -= L[i][k] * L[i][k] * D[k];
    if (!(d > 0.0)) return false;  // also rejects NaN
    D[i] = d, iD[i] = 1.0 / d;
  }
  // M = L^-1 (unit lower triangular), then inv = M^T D^-1 M.
  double M[N][N];
  UMBRA_VERTEX_UNROLL
  for (int i = 0; i < N; ++i) {
    M[i][i] = 1.0;
    UMBRA_VERTEX_UNROLL
    for (int j = 0; j < i; ++j) {
      double s = -L[i][j];
      UMBRA_VERTEX_UNROLL
      for (int k = j + 1; k < i; ++k) s -= L[i][k] * M[k][j];
      M[i][j] = s;
    }
  }
  UMBRA_VERTEX_UNROLL
  for (int i = 0; i < N; ++i)
    UMBRA_VERTEX_UNROLL
    for (int j = 0; j <= i; ++j) {
      double s = 0.0;
      UMBRA_VERTEX_UNROLL
      for (int k = i; k < N; ++k) s += M[k][i] * iD[k] * M[k][j];
      inv.a[i][j] = s;
      inv.a[j][i] = s;
    }
  return true;
}

/// 3x3 case by cofactors: one division, no square root. Positive definite by Sylvester's
/// criterion (leading minors a, a d - b^2 and the determinant positive: the same conditions as
/// positive Cholesky pivots). Reads the lower triangle.
UMBRA_HD inline bool invert_spd(const Mat<3, 3>& A, Mat<3, 3>& inv) {
  const double a = A.a[0][0], b = A.a[1][0], c = A.a[2][0], d = A.a[1][1], e = A.a[2][1], f = A.a[2][2];
  const double c00 = d * f - e * e, c01 = c * e - b * f, c02 = b * e - c * d;
  const double c11 = a * f - c * c, c12 = b * c - a * e, c22 = a * d - b * b;
  const double det = a * c00 + b * c01 + c * c02;
  if (!(a > 0.0) || !(c22 > 0.0) || !(det > 0.0)) return false;  // also rejects NaN
  const double id = 1.0 / det;
  inv.a[0][0] = c00 * id, inv.a[1][1] = c11 * id, inv.a[2][2] = c22 * id;
  inv.a[0][1] = inv.a[1][0] = c01 * id;
  inv.a[0][2] = inv.a[2][0] = c02 * id;
  inv.a[1][2] = inv.a[2][1] = c12 * id;
  return true;
}

/// Quadratic form r^T M r.
template <int N>
UMBRA_HD inline double quadratic(const Mat<N, N>& M, const Vec<N>& r) {
  double s = 0.0;
  for (int i = 0; i < N; ++i)
    for (int j = 0; j < N; ++j) s += r.a[i][0] * M.a[i][j] * r.a[j][0];
  return s;
}

}  // namespace umbra::vertex
