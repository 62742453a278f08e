#pragma once
// Fixed-size dense matrices for the vertex fit (at most 5x5), usable in host and device code.
// Eigen's general inverse is host-only, so symmetric positive-definite systems are inverted here
// with an explicit Cholesky factorisation that reports failure instead of throwing.

#include <cmath>

#include "umbra/core/qualifiers.hpp"

namespace umbra::vertex {

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

/// Inverse of a symmetric positive-definite matrix by Cholesky (A = L L^T). Returns false (and
/// leaves `inv` unspecified) when a pivot is not positive, i.e. A is not positive definite.
template <int N>
UMBRA_HD inline bool invert_spd(const Mat<N, N>& A, Mat<N, N>& inv) {
  double L[N][N], id[N];
  if (!cholesky_lower(A, L, id)) return false;
  // Inverse of L (lower triangular), then inv = L^-T L^-1.
  double Li[N][N];
  for (int i = 0; i < N; ++i) {
    for (int j = 0; j < N; ++j) Li[i][j] = 0.0;
    Li[i][i] = id[i];
    for (int j = 0; j < i; ++j) {
      double s = 0.0;
      for (int k = j; k < i; ++k) s -= L[i][k] * Li[k][j];
      Li[i][j] = s * id[i];
    }
  }
  for (int i = 0; i < N; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = 0.0;
      for (int k = i; k < N; ++k) s += Li[k][i] * Li[k][j];
      inv.a[i][j] = s;
      inv.a[j][i] = s;
    }
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
