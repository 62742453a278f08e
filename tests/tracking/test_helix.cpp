// The helix model: sign convention against a numerical integration of the Lorentz force, pivot
// changes that keep the track, the exact (Dual) Jacobian against finite differences, and the
// analytic Jacobians of the fit's hot path against the Dual ones.
#include <gtest/gtest.h>

#include <cmath>

#include "umbra/core/units.hpp"
#include "umbra/track/helix.hpp"
#include "umbra/track/measurement.hpp"

namespace umbra::track {
namespace {

// dp/dt = q v x B with B = (0, 0, b): RK4 in path length, units GeV, cm, T (c_curvature per cm).
void integrate(double q, double b, double pos[3], double mom[3], double path, int steps) {
  const double h = path / steps;
  auto deriv = [&](const double* m, double* dpos, double* dmom) {
    const double p = std::sqrt(m[0] * m[0] + m[1] * m[1] + m[2] * m[2]);
    for (int i = 0; i < 3; ++i) dpos[i] = m[i] / p;
    const double k = q * constants::c_curvature * b;  // GeV per cm per unit direction
    dmom[0] = k * dpos[1], dmom[1] = -k * dpos[0], dmom[2] = 0;
  };
  for (int i = 0; i < steps; ++i) {
    double k1p[3], k1m[3], k2p[3], k2m[3], k3p[3], k3m[3], k4p[3], k4m[3], m[3];
    deriv(mom, k1p, k1m);
    for (int j = 0; j < 3; ++j) m[j] = mom[j] + 0.5 * h * k1m[j];
    deriv(m, k2p, k2m);
    for (int j = 0; j < 3; ++j) m[j] = mom[j] + 0.5 * h * k2m[j];
    deriv(m, k3p, k3m);
    for (int j = 0; j < 3; ++j) m[j] = mom[j] + h * k3m[j];
    deriv(m, k4p, k4m);
    for (int j = 0; j < 3; ++j) {
      pos[j] += h / 6 * (k1p[j] + 2 * k2p[j] + 2 * k3p[j] + k4p[j]);
      mom[j] += h / 6 * (k1m[j] + 2 * k2m[j] + 2 * k3m[j] + k4m[j]);
    }
  }
}

// A positive track turns clockwise (omega > 0, phi decreasing): the helix formula of
// reference/belle2.md reproduces the Lorentz-force trajectory to < 1 um over 60 cm.
TEST(Helix, SignConventionMatchesLorentzForce) {
  for (double q : {+1.0, -1.0}) {
    const double px = 0.3, py = 0.4, pz = 0.2, b = 1.5;
    double p[5];
    helix_from_momentum(px, py, pz, q, b, p);
    EXPECT_EQ(p[kOmega] > 0, q > 0);
    const Point3 pivot{0.5, -0.3, 1.0};
    double pos[3] = {pivot.x, pivot.y, pivot.z}, mom[3] = {px, py, pz};
    const double pt = std::hypot(px, py), s = 60.0;  // transverse arc
    integrate(q, b, pos, mom, s * std::sqrt(1 + (pz / pt) * (pz / pt)), 20000);
    double x, y, z;
    helix_position(p, pivot, s, x, y, z);
    EXPECT_NEAR(x, pos[0], 1e-4) << q;
    EXPECT_NEAR(y, pos[1], 1e-4) << q;
    EXPECT_NEAR(z, pos[2], 1e-4) << q;
    const double phi = helix_phi(p, s);
    EXPECT_NEAR(std::cos(phi), mom[0] / pt, 1e-6);
    EXPECT_NEAR(std::sin(phi), mom[1] / pt, 1e-6);
  }
}

// Perigee point is (d0 sin phi0, -d0 cos phi0, z0) and pt = 1 / (alpha |omega|), alpha = 222.38 cm GeV.
TEST(Helix, PerigeeConventions) {
  const double p[5] = {0.1, 0.7, 1.0 / 222.38, 2.0, 0.5};
  double x, y, z;
  helix_position(p, Point3{}, 0.0, x, y, z);
  EXPECT_NEAR(x, 0.1 * std::sin(0.7), 1e-12);
  EXPECT_NEAR(y, -0.1 * std::cos(0.7), 1e-12);
  EXPECT_NEAR(z, 2.0, 1e-12);
  EXPECT_NEAR(pt_of(p[kOmega], 1.5), 1.0, 1e-4);
}

// Moving the pivot keeps the same space curve; moving it back restores the parameters.
TEST(Helix, ChangePivotKeepsTheTrack) {
  for (double w : {0.02, -0.005, 1e-12}) {
    const double p[5] = {-0.05, 2.5, w, 0.3, -0.8};
    const Point3 a{0, 0, 0}, b{30.0 * std::cos(2.5), 30.0 * std::sin(2.5) + 0.4, -20.0};
    double q[5], r[5], s, s2;
    change_pivot(p, a, b, q, s);
    double x1, y1, z1, x2, y2, z2;
    helix_position(p, a, s, x1, y1, z1);
    helix_position(q, b, 0.0, x2, y2, z2);
    EXPECT_NEAR(x1, x2, 1e-9) << w;
    EXPECT_NEAR(y1, y2, 1e-9) << w;
    EXPECT_NEAR(z1, z2, 1e-9) << w;
    EXPECT_GT(s, 25.0);
    change_pivot(q, b, a, r, s2);
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(r[i], p[i], 1e-9) << i;
    EXPECT_NEAR(s2, -s, 1e-9);
  }
}

TEST(Helix, DualJacobianMatchesFiniteDifferences) {
  const double p[5] = {0.02, -1.0, 0.004, 0.5, 0.3};
  const Point3 a{0, 0, 0}, b{20 * std::cos(-1.0) + 0.3, 20 * std::sin(-1.0) - 0.2, 5.0};
  Dual<5> pd[5], qd[5], sd;
  for (int i = 0; i < 5; ++i) pd[i] = Dual<5>::variable(p[i], i);
  change_pivot(pd, a, b, qd, sd);
  for (int j = 0; j < 5; ++j) {
    const double h = 1e-7 * std::max(1.0, std::fabs(p[j]));
    double pp[5], pm[5], qp[5], qm[5], s;
    for (int i = 0; i < 5; ++i) pp[i] = pm[i] = p[i];
    pp[j] += h, pm[j] -= h;
    change_pivot(pp, a, b, qp, s);
    change_pivot(pm, a, b, qm, s);
    for (int i = 0; i < 5; ++i) EXPECT_NEAR(qd[i].d[j], (qp[i] - qm[i]) / (2 * h), 1e-4 * (1 + std::fabs(qd[i].d[j])));
  }
}

// The analytic Jacobian of the fit's hot path equals the Dual<5> one (and the values agree),
// for curved, straight, backward and displaced-pivot cases.
TEST(Helix, AnalyticPivotJacobianMatchesDual) {
  struct Case {
    double p[5];
    Point3 a, b;
  };
  const Case cases[] = {
      {{0.02, -1.0, 0.004, 0.5, 0.3}, {0, 0, 0}, {20 * std::cos(-1.0) + 0.3, 20 * std::sin(-1.0) - 0.2, 5.0}},
      {{-0.3, 2.5, -0.02, -1.0, -0.8}, {1, 2, 3}, {30.0 * std::cos(2.5), 30.0 * std::sin(2.5) + 0.4, -20.0}},
      {{0.01, 0.3, 1e-12, 0.2, 1.1}, {0, 0, 0}, {50 * std::cos(0.3) - 0.1, 50 * std::sin(0.3), 0.0}},
      {{0.05, 0.3, 3e-8, 0.2, 1.1}, {0, 0, 0}, {50 * std::cos(0.3) - 0.1, 50 * std::sin(0.3), 0.0}},
      {{0.5, 3.1, 0.01, 0.2, 0.1}, {40 * std::cos(3.1), 40 * std::sin(3.1), 4}, {0, 0, 0}},  // inward
      {{0.0, -3.0, 0.0045, 0.0, 0.0}, {10, -3, 0}, {10.0, -3.0, 0.0}},                      // same pivot
  };
  for (const Case& c : cases) {
    Dual<5> pd[5], qd[5], sd;
    for (int i = 0; i < 5; ++i) pd[i] = Dual<5>::variable(c.p[i], i);
    change_pivot(pd, c.a, c.b, qd, sd);
    double q[5];
    PivotJacobian J;
    change_pivot_jacobian(c.p, c.a, c.b, q, J);
    EXPECT_NEAR(J.s, sd.v, 1e-9);
    for (int i = 0; i < 5; ++i)
      EXPECT_NEAR(i == kPhi0 ? std::remainder(q[i] - qd[i].v, 2 * constants::pi) : q[i] - qd[i].v, 0.0, 1e-9) << i;
    EXPECT_NEAR(J.sin_phi, std::sin(qd[kPhi0].v), 1e-12);
    EXPECT_NEAR(J.cos_phi, std::cos(qd[kPhi0].v), 1e-12);
    // full 5x5 from the block form, then the similarity against J C J^T with the Dual Jacobian
    double full[5][5] = {};
    for (int i = 0; i < 2; ++i)
      for (int j = 0; j < 3; ++j) full[i][j] = J.a[i][j];
    full[2][2] = 1, full[4][4] = 1, full[3][3] = 1, full[3][4] = J.s;
    for (int j = 0; j < 3; ++j) full[3][j] = J.tan_lambda * J.a[2][j];
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) {
        const double ref = qd[i].d[j];
        EXPECT_NEAR(full[i][j], ref, 1e-7 * (1 + std::fabs(ref))) << i << j;
      }
    for (int j = 0; j < 3; ++j) EXPECT_NEAR(J.a[2][j], sd.d[j], 1e-7 * (1 + std::fabs(sd.d[j]))) << "s " << j;
    double C[5][5], R[5][5];
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) C[i][j] = (i == j ? 1.0 : 0.1) * (1 + 0.1 * i) * (1 + 0.1 * j);
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) {
        double a = 0;
        for (int k = 0; k < 5; ++k)
          for (int l = 0; l < 5; ++l) a += qd[i].d[k] * C[k][l] * qd[j].d[l];
        R[i][j] = a;
      }
    Mat5 Cs;
    for (int i = 0; i < 5; ++i)
      for (int j = i; j < 5; ++j) Cs(i, j) = C[i][j];
    pivot_similarity(J, Cs);
    for (int i = 0; i < 5; ++i)
      for (int j = 0; j < 5; ++j) EXPECT_NEAR(Cs(i, j), R[i][j], 1e-7 * (1 + std::fabs(R[i][j]))) << i << j;
  }
}

// The analytic measurement Jacobians equal the Dual<5> ones.
TEST(Helix, AnalyticMeasurementJacobiansMatchDual) {
  const double ps[3][5] = {{0.02, -1.0, 0.004, 0.5, 0.3}, {-0.4, 2.0, -0.01, -3.0, -1.2}, {0.3, 0.1, 0.0, 1.0, 0.0}};
  const Point3 hits[2] = {{3.0, -1.0, 2.0}, {-10.0, 8.0, -5.0}};
  const Wire wires[2] = {{20.0, 5.0, 0.0, 0.0, 1.0},
                         {-30.0, 12.0, 0.06 * 12.0 / 32.3, -0.06 * -30.0 / 32.3, std::sqrt(1 - 0.0036)}};
  for (const auto& p : ps) {
    Dual<5> pd[5];
    for (int i = 0; i < 5; ++i) pd[i] = Dual<5>::variable(p[i], i);
    const double sf = std::sin(p[kPhi0]), cf = std::cos(p[kPhi0]);
    for (const Point3& h : hits) {
      Dual<5> md[2];
      silicon_prediction(pd, h, md);
      double m[2], H[2][5];
      silicon_prediction_jacobian(p, sf, cf, h, m, H);
      for (int a = 0; a < 2; ++a) {
        EXPECT_NEAR(m[a], md[a].v, 1e-12);
        for (int i = 0; i < 5; ++i) EXPECT_NEAR(H[a][i], md[a].d[i], 1e-10 * (1 + std::fabs(md[a].d[i]))) << a << i;
      }
    }
    for (const Wire& w : wires) {
      const Dual<5> md = cdc_prediction(pd, w);
      double H[5];
      const double m = cdc_prediction_jacobian(p, sf, cf, w, H);
      EXPECT_NEAR(m, md.v, 1e-12);
      for (int i = 0; i < 5; ++i) EXPECT_NEAR(H[i], md.d[i], 1e-10 * (1 + std::fabs(md.d[i]))) << i;
    }
  }
}

TEST(Helix, ArcToRadius) {
  double p[5];
  helix_from_momentum(1.0, 0.0, 0.0, 1.0, 1.5, p);
  double s;
  ASSERT_TRUE(arc_to_radius(p, Point3{}, 50.0, s));
  double x, y, z;
  helix_position(p, Point3{}, s, x, y, z);
  EXPECT_NEAR(std::hypot(x, y), 50.0, 1e-9);
  helix_from_momentum(0.1, 0.0, 0.0, 1.0, 1.5, p);  // R = 22 cm: never reaches 50 cm
  EXPECT_FALSE(arc_to_radius(p, Point3{}, 50.0, s));
}

}  // namespace
}  // namespace umbra::track
