#pragma once
// Two-track vertex fit with full covariances: Billoir-style least squares (equivalent to the
// Fruhwirth Kalman vertex filter without prior, NIM A 262 (1987) 444), iterated with
// re-linearisation. Measurements are the perigee parameters p_i with weight G_i = V_i^-1; the
// model is p_i = h(v, q_i) (perigee.hpp) with q_i = (phi, tanLambda, omega) at the vertex. Per
// iteration, with A_i = dh/dv, B_i = dh/dq and dp_i = p_i - h(v_lin, q_i,lin):
//   W_i = (B^T G B)^-1,  G^B_i = G - G B W B^T G,  C = (sum A^T G^B A)^-1,
//   dv = C sum A^T G^B dp_i,  dq_i = W B^T G (dp_i - A dv),  chi2 = sum r_i^T G r_i,
// with r_i = dp_i - A dv - B dq_i. Two tracks give ndf = 2*5 - 3 - 2*3 = 1.
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

/// The linearisation of both tracks at (v, q): residuals dp, Jacobians, and chi2 = sum dp^T G dp.
struct Linearised {
  Vec<5> dp[2];
  Mat<5, 3> A[2], B[2];
  double chi2;
};

UMBRA_HD inline Linearised linearise(const Vec<5> p[2], const Mat<5, 5> G[2], const double v[3],
                                     const VertexMomentum q[2]) {
  Linearised l;
  l.chi2 = 0;
  for (int i = 0; i < 2; ++i) {
    Vec<5> h;
    perigee_from_vertex(v, q[i], h, l.A[i], l.B[i]);
    l.dp[i] = p[i] - h;
    l.dp[i].a[1][0] = wrap_angle(l.dp[i].a[1][0]);
    l.chi2 += quadratic(G[i], l.dp[i]);
    // A state in which the fit flipped a charge is not a candidate for the same track.
    if (!(q[i].omega * p[i].a[2][0] > 0.0)) l.chi2 = 1e300;
  }
  return l;
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
  for (int i = 0; i < 2; ++i)
    if (!invert_spd(V[i], G[i])) {
      r.status = FitStatus::bad_covariance;
      return r;
    }
  double v[3] = {start[0], start[1], start[2]};
  VertexMomentum q[2];
  for (int i = 0; i < 2; ++i) q[i] = {phi_start[i], p[i].a[4][0], p[i].a[2][0]};
  detail::Linearised lin = detail::linearise(p, G, v, q);
  r.status = FitStatus::diverged;

  for (int it = 1; it <= set.max_iterations; ++it) {
    r.iterations = it;
    // Linear least squares for (dv, dq_1, dq_2) with the track momenta eliminated.
    Mat<3, 3> Cinv = Mat<3, 3>::zero();
    Vec<3> rhs = Vec<3>::zero();
    Mat<3, 3> W[2];
    for (int i = 0; i < 2; ++i) {
      const Mat<5, 3> GBi = G[i] * lin.B[i];
      if (!invert_spd(tmul(lin.B[i], GBi), W[i])) {
        r.status = FitStatus::singular;
        return r;
      }
      const Mat<5, 3> GBW = GBi * W[i];
      Mat<5, 5> GB = G[i];
      for (int a = 0; a < 5; ++a)
        for (int b = 0; b < 5; ++b) {
          double s = 0;
          for (int k = 0; k < 3; ++k) s += GBW.a[a][k] * GBi.a[b][k];
          GB.a[a][b] -= s;
        }
      const Mat<3, 5> AtGB = tmul(lin.A[i], GB);
      Cinv = Cinv + AtGB * lin.A[i];
      rhs = rhs + AtGB * lin.dp[i];
    }
    Mat<3, 3> C;
    if (!invert_spd(Cinv, C)) {
      r.status = FitStatus::singular;
      return r;
    }
    Vec<3> dv = C * rhs;
    Vec<3> dq[2];
    for (int i = 0; i < 2; ++i) dq[i] = W[i] * tmul(lin.B[i], G[i] * (lin.dp[i] - lin.A[i] * dv));
    r.cov = C;
    // chi2 after the step as the linear model predicts it. The Gauss-Newton step lowers chi2 by
    // its own length in sigma units squared (vertex and momenta), so a predicted gain below the
    // tolerance means a step of a fraction of every error, where the linear model is exact enough:
    // converged, the step taken without linearising again (saves one of the ~3 linearisations of
    // a typical fit).
    double predicted = 0;
    for (int i = 0; i < 2; ++i) predicted += quadratic(G[i], lin.dp[i] - lin.A[i] * dv - lin.B[i] * dq[i]);
    if (lin.chi2 - predicted < set.tolerance) {
      for (int k = 0; k < 3; ++k) v[k] += dv.a[k][0];
      for (int i = 0; i < 2; ++i)
        q[i] = {wrap_angle(q[i].phi + dq[i].a[0][0]), q[i].tan_lambda + dq[i].a[1][0], q[i].omega + dq[i].a[2][0]};
      lin.chi2 = predicted < lin.chi2 ? predicted : lin.chi2;
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
      trial = detail::linearise(p, G, vt, qt);
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
