#pragma once
// Known-truth inputs for the vertex tests: perigee parameters of tracks leaving a chosen vertex with
// chosen momenta, a realistic track covariance, Gaussian smearing with that covariance, and
// two-body decays in flight (for S -> mu mu / idm-like e+e- pairs).
#include <cmath>
#include <vector>

#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/vertex/perigee.hpp"
#include "umbra/track/tracks.hpp"
#include "umbra/vertex/track_params.hpp"

namespace umbra::test {

using vertex::Mat;
using vertex::Vec;

struct TruthTrack {
  double v[3];  // production vertex [cm]
  double p[3];  // momentum there [GeV]
  int charge;
};

/// Exact perigee parameters of a truth track in the 1.5 T field.
inline Vec<5> perigee_of(const TruthTrack& t, double b = constants::b_field) {
  const double pt = std::hypot(t.p[0], t.p[1]);
  const vertex::VertexMomentum q{std::atan2(t.p[1], t.p[0]), t.p[2] / pt, t.charge * constants::c_curvature * b / pt};
  Vec<5> h;
  Mat<5, 3> A, B;
  vertex::perigee_from_vertex(t.v, q, h, A, B);
  return h;
}

/// A track covariance of typical size: sigmas of (d0, phi0, omega, z0, tanLambda) and the
/// d0-phi0, d0-omega, phi0-omega, z0-tanLambda correlations of a fit extrapolated to the perigee.
/// `scale` multiplies every sigma (displaced tracks with CDC hits only are worse than prompt ones).
inline Mat<5, 5> track_covariance(const Vec<5>& p, double scale = 1.0) {
  const double s[5] = {0.01 * scale, 1e-3 * scale, 3e-3 * std::fabs(p.a[2][0]) * scale, 0.02 * scale, 2e-3 * scale};
  double r[5][5] = {{1, 0.6, 0.3, 0, 0}, {0.6, 1, 0.2, 0, 0}, {0.3, 0.2, 1, 0, 0}, {0, 0, 0, 1, 0.6}, {0, 0, 0, 0.6, 1}};
  Mat<5, 5> c;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j < 5; ++j) c.a[i][j] = r[i][j] * s[i] * s[j];
  return c;
}

/// p + L n, with L the Cholesky factor of `cov` and n standard normal.
inline Vec<5> smear(const Vec<5>& p, const Mat<5, 5>& cov, Philox& rng) {
  double L[5][5] = {};
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j <= i; ++j) {
      double s = cov.a[i][j];
      for (int k = 0; k < j; ++k) s -= L[i][k] * L[j][k];
      L[i][j] = i == j ? std::sqrt(s) : s / L[j][j];
    }
  double n[5];
  for (double& x : n) x = rng.normal();
  Vec<5> out = p;
  for (int i = 0; i < 5; ++i)
    for (int j = 0; j <= i; ++j) out.a[i][0] += L[i][j] * n[j];
  return out;
}

/// Two-body decay of a parent of mass M and momentum P (direction dir, unit) into equal masses m:
/// isotropic in the rest frame. Writes the daughter momenta.
inline void two_body(double M, double m, double P, const double dir[3], Philox& rng, double d1[3], double d2[3]) {
  const double q = std::sqrt(std::fmax(0.25 * M * M - m * m, 0.0));
  const double ct = rng.uniform(-1, 1), st = std::sqrt(1 - ct * ct), ph = rng.uniform(0, constants::two_pi);
  // Rest-frame momentum along a frame whose z axis is the flight direction.
  double ax[3] = {0, 0, 1};
  if (std::fabs(dir[2]) > 0.9) ax[0] = 1, ax[2] = 0;
  double e1[3] = {dir[1] * ax[2] - dir[2] * ax[1], dir[2] * ax[0] - dir[0] * ax[2], dir[0] * ax[1] - dir[1] * ax[0]};
  const double n1 = std::sqrt(e1[0] * e1[0] + e1[1] * e1[1] + e1[2] * e1[2]);
  for (double& x : e1) x /= n1;
  const double e2[3] = {dir[1] * e1[2] - dir[2] * e1[1], dir[2] * e1[0] - dir[0] * e1[2], dir[0] * e1[1] - dir[1] * e1[0]};
  const double ql = q * ct, qt1 = q * st * std::cos(ph), qt2 = q * st * std::sin(ph);
  const double E = std::sqrt(P * P + M * M), gamma = E / M, bg = P / M, e = 0.5 * M;
  const double l1 = gamma * ql + bg * e, l2 = -gamma * ql + bg * e;  // boosted longitudinal momenta
  for (int k = 0; k < 3; ++k) {
    d1[k] = l1 * dir[k] + qt1 * e1[k] + qt2 * e2[k];
    d2[k] = l2 * dir[k] - qt1 * e1[k] - qt2 * e2[k];
  }
}

/// A displaced decay: vertex at transverse radius r (flight direction from the origin, with a
/// polar slope tan_dip), parent momentum P, daughters of mass m with charges +1 / -1.
inline void displaced_pair(double M, double m, double P, double r, double tan_dip, Philox& rng, TruthTrack& pos,
                           TruthTrack& neg) {
  const double phi = rng.uniform(0, constants::two_pi);
  const double n = std::sqrt(1 + tan_dip * tan_dip);
  const double dir[3] = {std::cos(phi) / n, std::sin(phi) / n, tan_dip / n};
  const double v[3] = {r * std::cos(phi), r * std::sin(phi), r * tan_dip};
  double a[3], b[3];
  two_body(M, m, P, dir, rng, a, b);
  pos = {{v[0], v[1], v[2]}, {a[0], a[1], a[2]}, +1};
  neg = {{v[0], v[1], v[2]}, {b[0], b[1], b[2]}, -1};
}

/// Appends one fitted track (perigee p, covariance c, charge q) to a /tracks group.
inline void append_track(track::Tracks& t, const Vec<5>& p, const Mat<5, 5>& c, int q, std::uint8_t status = 0) {
  const std::size_t n = t.size();
  t.for_each_column([](const char*, auto& c) { c.emplace_back(); });  // (Tracks::resize clears)
  t.d0[n] = float(p.a[0][0]), t.phi0[n] = float(p.a[1][0]), t.omega[n] = float(p.a[2][0]);
  t.z0[n] = float(p.a[3][0]), t.tan_lambda[n] = float(p.a[4][0]);
  for (int r = 0; r < 5; ++r)
    for (int k = r; k < 5; ++k) t.cov[vertex::cov_index(r, k)][n] = float(c.a[r][k]);
  t.charge[n] = q, t.status[n] = status;
  t.pt[n] = float(vertex::pt_of_omega(p.a[2][0], constants::b_field));
}

/// A batch of events, each with one displaced S -> mu mu pair (mass M, radius 1-60 cm), one
/// prompt mu+ mu- pair from the origin and one extra positive prompt track, all smeared with
/// their covariance. Truth vertices per event in `truth` (x, y, z).
inline track::Tracks scalar_batch(int n_events, double M, std::uint64_t seed, std::vector<double>* truth) {
  track::Tracks t;
  Philox rng(seed, 0);
  for (int e = 0; e < n_events; ++e) {
    TruthTrack tr[5];
    do {
      displaced_pair(M, constants::m_muon, rng.uniform(1, 4), rng.uniform(1, 60), rng.uniform(-0.8, 0.8), rng, tr[0],
                     tr[1]);
    } while (std::hypot(tr[0].p[0], tr[0].p[1]) < 0.15 || std::hypot(tr[1].p[0], tr[1].p[1]) < 0.15);
    for (int k = 2; k < 5; ++k) {
      const double pt = rng.uniform(0.5, 4), phi = rng.uniform(0, constants::two_pi), tl = rng.uniform(-1, 1);
      tr[k] = {{0, 0, rng.normal(0, 0.5)}, {pt * std::cos(phi), pt * std::sin(phi), pt * tl}, k == 3 ? -1 : +1};
    }
    for (const TruthTrack& x : tr) {
      const Vec<5> p = perigee_of(x);
      const Mat<5, 5> c = track_covariance(p);
      append_track(t, smear(p, c, rng), c, x.charge);
    }
    t.close_event();
    if (truth) truth->insert(truth->end(), {tr[0].v[0], tr[0].v[1], tr[0].v[2]});
  }
  return t;
}

}  // namespace umbra::test
