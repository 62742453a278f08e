#pragma once
// Two-track vertex fit with full covariances: Billoir-style least squares (equivalent to the
// Fruhwirth Kalman vertex filter without prior, NIM A 262 (1987) 444), iterated with
// re-linearisation. Measurements are the perigee parameters p_i with weight G_i = V_i^-1; the
// model is p_i = h(v, q_i) (perigee.hpp) with q_i = (phi, tanLambda, omega) at the vertex. Per
// iteration, with A_i = dh/dv, B_i = dh/dq and dp_i = p_i - h(v_lin, q_i,lin):
//   W_i = (B^T G B)^-1,  G^B_i = G - G B W B^T G,  C = (sum A^T G^B A)^-1,
//   dv = C sum A^T G^B dp_i,  dq_i = W B^T G (dp_i - A dv),  chi2 = sum r_i^T G r_i,
// with r_i = dp_i - A dv - B dq_i. Two tracks give ndf = 2*5 - 3 - 2*3 = 1. (Computed in 3x3
// pieces from the Jacobians' sparse rows, detail::track_terms: G^B itself is never formed.)
// The returned covariance C is that of the last linearisation (at the converged point up to a
// step below the tolerance).

#include "umbra/vertex/perigee.hpp"

namespace umbra::vertex {

enum class FitStatus : std::uint8_t { ok = 0, bad_covariance, singular, diverged };

struct FitSettings {
  int max_iterations = 20;
  // Stop when a step changes chi2 by less than this (or the full step is below sqrt(tolerance)
  // vertex sigma): 0.01 is negligible against the chi2 scale of ndf = 1 and saves an iteration in
  // most fits over 1e-3 (benchmarks/results/vertexing.md).
  double tolerance = 1e-2;
  // After max_iterations the last (lowest-chi2) state is returned as converged: every accepted
  // step lowers chi2, and only very flat (nearly parallel, conversion-like) pairs get there.
  double max_step = 20.0;      // cm: longer vertex steps are shortened to this
};

struct VertexFitResult {
  FitStatus status = FitStatus::singular;
  double v[3] = {0, 0, 0};
  Mat<3, 3> cov;               // vertex covariance [cm^2]
  double chi2 = 0;
  VertexMomentum q[2];         // track states at the vertex
  int iterations = 0;
};

namespace detail {

/// Rows 0, 1 and 3 of a Jacobian A or B (perigee_from_vertex's): its other rows are fixed zeros and
/// ones (the structure at TrackTerms below), so only these are kept.
struct JacobianRows {
  double a[3][3];  // a[0], a[1], a[2]: rows 0, 1, 3
};

UMBRA_HD inline JacobianRows free_rows(const Mat<5, 3>& J) {
  JacobianRows r;
  for (int c = 0; c < 3; ++c) r.a[0][c] = J.a[0][c], r.a[1][c] = J.a[1][c], r.a[2][c] = J.a[3][c];
  return r;
}

/// The linearisation of both tracks at (v, q): residuals dp, the Jacobians' free rows, G dp, and
/// chi2 = sum dp^T G dp. Kept small: the fit holds two of these (the current state and a trial
/// step), and on the GPU the full 5x3 Jacobians put both in local memory.
struct Linearised {
  Vec<5> dp[2], Gdp[2];
  JacobianRows A[2], B[2];
  double chi2;
};

/// `phi0` holds the measured perigee angles with their sin/cos: the model's phi0 stays near them.
UMBRA_HD inline Linearised linearise(const Vec<5> p[2], const Mat<5, 5> G[2], const double v[3],
                                     const VertexMomentum q[2], const AngleRef phi0[2]) {
  Linearised l;
  l.chi2 = 0;
  UMBRA_DEVICE_UNROLL
  for (int i = 0; i < 2; ++i) {
    Vec<5> h;
    Mat<5, 3> A, B;
    perigee_from_vertex(v, q[i], h, A, B, &phi0[i]);
    l.A[i] = free_rows(A), l.B[i] = free_rows(B);
    l.dp[i] = p[i] - h;
    l.dp[i].a[1][0] = wrap_angle(l.dp[i].a[1][0]);
    l.Gdp[i] = G[i] * l.dp[i];
    for (int k = 0; k < 5; ++k) l.chi2 += l.dp[i].a[k][0] * l.Gdp[i].a[k][0];
    // A state in which the fit flipped a charge is not a candidate for the same track.
    if (!(q[i].omega * p[i].a[2][0] > 0.0)) l.chi2 = 1e300;
  }
  return l;
}

/// One track's share of the normal equations with its momentum eliminated, from the Jacobians'
/// fixed zeros and ones (perigee_from_vertex; test VertexHelix.JacobianStructure): A has rows 2 and
/// 4 zero, A(0,2) = A(1,2) = 0 and A(3,2) = 1; B has rows 2 = (0,0,1) and 4 = (0,1,0) and
/// B(0,1) = B(1,1) = 0. With GA = G A and GB = G B (5x3 each, only the nonzero rows of A and B
/// used) the products are 3x3: E = B^T G A, W = (B^T G B)^-1, and the track adds
/// A^T G A - E^T W E to the inverse vertex covariance and A^T G dp - (W E)^T B^T G dp to the
/// right-hand side (the 5x5 G - G B W B^T G of the textbook form is never built).
struct TrackTerms {
  Mat<3, 3> E, W, WE;
  Vec<3> AtGdp, BtGdp;
};

/// A^T x for a 5-vector x (A with the structure above; its rows 0, 1, 3 given).
UMBRA_HD inline void at_times(const JacobianRows& A, const double x[5], double out[3]) {
  out[0] = A.a[0][0] * x[0] + A.a[1][0] * x[1] + A.a[2][0] * x[3];
  out[1] = A.a[0][1] * x[0] + A.a[1][1] * x[1] + A.a[2][1] * x[3];
  out[2] = x[3];
}

/// B^T x for a 5-vector x (B with the structure above; its rows 0, 1, 3 given).
UMBRA_HD inline void bt_times(const JacobianRows& B, const double x[5], double out[3]) {
  out[0] = B.a[0][0] * x[0] + B.a[1][0] * x[1] + B.a[2][0] * x[3];
  out[1] = B.a[2][1] * x[3] + x[4];
  out[2] = B.a[0][2] * x[0] + B.a[1][2] * x[1] + x[2] + B.a[2][2] * x[3];
}

/// Adds the track's terms to Cinv and rhs; false when B^T G B is singular.
UMBRA_HD inline bool track_terms(const Mat<5, 5>& G, const JacobianRows& A, const JacobianRows& B, const Vec<5>& Gdp,
                                 TrackTerms& t, Mat<3, 3>& Cinv, Vec<3>& rhs) {
  // Columns of G A and G B: G times the sparse columns of A and B (G symmetric: row r of G is
  // column r).
  double GA[3][5], GB[3][5];
  for (int r = 0; r < 5; ++r) {
    const double g0 = G.a[r][0], g1 = G.a[r][1], g2 = G.a[r][2], g3 = G.a[r][3], g4 = G.a[r][4];
    GA[0][r] = g0 * A.a[0][0] + g1 * A.a[1][0] + g3 * A.a[2][0];
    GA[1][r] = g0 * A.a[0][1] + g1 * A.a[1][1] + g3 * A.a[2][1];
    GA[2][r] = g3;
    GB[0][r] = g0 * B.a[0][0] + g1 * B.a[1][0] + g3 * B.a[2][0];
    GB[1][r] = g3 * B.a[2][1] + g4;
    GB[2][r] = g0 * B.a[0][2] + g1 * B.a[1][2] + g2 + g3 * B.a[2][2];
  }
  double AtGA[3][3], BtGB[3][3];
  for (int l = 0; l < 3; ++l) {
    double a[3], b[3];
    at_times(A, GA[l], a);
    bt_times(B, GA[l], b);
    for (int j = 0; j < 3; ++j) AtGA[j][l] = a[j], t.E.a[j][l] = b[j];
    bt_times(B, GB[l], b);
    for (int j = 0; j < 3; ++j) BtGB[j][l] = b[j];
  }
  Mat<3, 3> S;
  for (int j = 0; j < 3; ++j)
    for (int l = 0; l < 3; ++l) S.a[j][l] = j >= l ? BtGB[j][l] : BtGB[l][j];  // exactly symmetric
  if (!invert_spd(S, t.W)) return false;
  t.WE = t.W * t.E;
  const double gdp[5] = {Gdp.a[0][0], Gdp.a[1][0], Gdp.a[2][0], Gdp.a[3][0], Gdp.a[4][0]};
  double atg[3], btg[3];
  at_times(A, gdp, atg);
  bt_times(B, gdp, btg);
  for (int j = 0; j < 3; ++j) t.AtGdp.a[j][0] = atg[j], t.BtGdp.a[j][0] = btg[j];
  for (int j = 0; j < 3; ++j) {
    for (int l = 0; l <= j; ++l) {
      double s = AtGA[j >= l ? j : l][j >= l ? l : j];
      for (int k = 0; k < 3; ++k) s -= t.E.a[k][j] * t.WE.a[k][l];
      Cinv.a[j][l] += s;
      if (l != j) Cinv.a[l][j] += s;
    }
    double s = t.AtGdp.a[j][0];
    for (int k = 0; k < 3; ++k) s -= t.WE.a[k][j] * t.BtGdp.a[k][0];
    rhs.a[j][0] += s;
  }
  return true;
}

}  // namespace detail

/// Fits the common vertex of two tracks (params p, covariances V) starting at `start` with the
/// direction angles phi_start at that point. Gauss-Newton steps are halved while they raise chi2:
/// nearly parallel tracks have a flat, non-quadratic chi2 along their direction, where plain
/// iteration oscillates.
UMBRA_HD inline VertexFitResult fit_vertex(const Vec<5> p[2], const Mat<5, 5> V[2], const double start[3],
                                           const double phi_start[2], const FitSettings& set) {
  VertexFitResult r;
  r.cov = Mat<3, 3>::zero();
  Mat<5, 5> G[2];
  UMBRA_DEVICE_UNROLL
  for (int i = 0; i < 2; ++i)
    if (!invert_spd(V[i], G[i])) {
      r.status = FitStatus::bad_covariance;
      return r;
    }
  double v[3] = {start[0], start[1], start[2]};
  VertexMomentum q[2];
  for (int i = 0; i < 2; ++i) q[i] = {phi_start[i], p[i].a[4][0], p[i].a[2][0]};
  AngleRef phi0[2];
  for (int i = 0; i < 2; ++i) {
    phi0[i].angle = p[i].a[1][0];
    sincos_fast(phi0[i].angle, phi0[i].s, phi0[i].c);
  }
  detail::Linearised lin = detail::linearise(p, G, v, q, phi0);
  r.status = FitStatus::diverged;

  for (int it = 1; it <= set.max_iterations; ++it) {
    r.iterations = it;
    // Linear least squares for (dv, dq_1, dq_2) with the track momenta eliminated.
    Mat<3, 3> Cinv = Mat<3, 3>::zero();
    Vec<3> rhs = Vec<3>::zero();
    detail::TrackTerms T[2];
    UMBRA_DEVICE_UNROLL
    for (int i = 0; i < 2; ++i)
      if (!detail::track_terms(G[i], lin.A[i], lin.B[i], lin.Gdp[i], T[i], Cinv, rhs)) {
        r.status = FitStatus::singular;
        return r;
      }
    Mat<3, 3> C;
    if (!invert_spd(Cinv, C)) {
      r.status = FitStatus::singular;
      return r;
    }
    Vec<3> dv = C * rhs;
    Vec<3> dq[2];
    UMBRA_DEVICE_UNROLL
    for (int i = 0; i < 2; ++i) dq[i] = T[i].W * (T[i].BtGdp - T[i].E * dv);
    r.cov = C;
    // chi2 after the step as the linear model predicts it: at the least-squares solution x of
    // J x = dp the model's chi2 is dp^T G dp - x^T J^T G dp, i.e. lower by
    // dv . sum A^T G dp + sum dq . B^T G dp. The Gauss-Newton step lowers chi2 by its own length
    // in sigma units squared (vertex and momenta), so a predicted gain below the tolerance means
    // a step of a fraction of every error, where the linear model is exact enough: converged, the
    // step taken without linearising again (saves one of the ~3 linearisations of a typical fit).
    double predicted_gain = 0;
    for (int i = 0; i < 2; ++i)
      for (int k = 0; k < 3; ++k)
        predicted_gain += dv.a[k][0] * T[i].AtGdp.a[k][0] + dq[i].a[k][0] * T[i].BtGdp.a[k][0];
    if (predicted_gain < set.tolerance) {
      for (int k = 0; k < 3; ++k) v[k] += dv.a[k][0];
      for (int i = 0; i < 2; ++i)
        q[i] = {wrap_angle(q[i].phi + dq[i].a[0][0]), q[i].tan_lambda + dq[i].a[1][0], q[i].omega + dq[i].a[2][0]};
      if (predicted_gain > 0) lin.chi2 -= predicted_gain;
      r.status = FitStatus::ok;
      break;
    }
    const double len = sqrt(dv.a[0][0] * dv.a[0][0] + dv.a[1][0] * dv.a[1][0] + dv.a[2][0] * dv.a[2][0]);
    double f = len > set.max_step ? set.max_step / len : 1.0;
    // Step, halved while chi2 rises (at most 8 times).
    double vt[3];
    VertexMomentum qt[2];
    detail::Linearised trial;
    for (int h = 0; h <= 8; ++h, f *= 0.5) {
      for (int k = 0; k < 3; ++k) vt[k] = v[k] + f * dv.a[k][0];
      for (int i = 0; i < 2; ++i)
        qt[i] = {wrap_angle(q[i].phi + f * dq[i].a[0][0]), q[i].tan_lambda + f * dq[i].a[1][0],
                 q[i].omega + f * dq[i].a[2][0]};
      trial = detail::linearise(p, G, vt, qt, phi0);
      if (trial.chi2 <= lin.chi2 * (1 + 1e-12) + 1e-12) break;
    }
    const bool improved = trial.chi2 <= lin.chi2 * (1 + 1e-12) + 1e-12;
    const double gain = lin.chi2 - trial.chi2;
    if (improved) {
      for (int k = 0; k < 3; ++k) v[k] = vt[k];
      q[0] = qt[0], q[1] = qt[1], lin = trial;
    }
    // Converged when chi2 no longer moves (a tiny step was taken above).
    if (!improved || gain < set.tolerance) {
      r.status = FitStatus::ok;
      break;
    }
  }
  if (r.status == FitStatus::diverged && lin.chi2 < 1e300) r.status = FitStatus::ok;  // see FitSettings
  if (r.status == FitStatus::ok) {
    for (int k = 0; k < 3; ++k) r.v[k] = v[k];
    r.q[0] = q[0], r.q[1] = q[1], r.chi2 = lin.chi2;
  }
  return r;
}

}  // namespace umbra::vertex
