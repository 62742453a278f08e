// umbra::portable (core/portable_math.hpp): the functions the track fit uses so that CPU and CUDA
// agree bit for bit are as accurate as libm (within 2 ulp of it over the ranges the fits use and
// beyond) and keep IEEE's special values.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <random>

#include "common/ulp_distance.hpp"
#include "umbra/core/portable_math.hpp"

namespace {

namespace pm = umbra::portable;
using umbra::test::ulps;

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Worst ulp distance from libm of f over n draws of x.
template <class Draw, class Ours, class Libm>
double worst_ulps(int n, Draw draw, Ours ours, Libm libm) {
  std::mt19937_64 g(11);
  double worst = 0;
  for (int i = 0; i < n; ++i) {
    const double x = draw(g);
    worst = std::max(worst, ulps(ours(x), libm(x)));
  }
  return worst;
}

TEST(PortableMath, SinCosTanWithinTwoUlpOfLibm) {
  const auto small = [](std::mt19937_64& g) { return std::uniform_real_distribution<double>(-4, 4)(g); };
  const auto wide = [](std::mt19937_64& g) { return std::uniform_real_distribution<double>(-1e5, 1e5)(g); };
  const auto tiny = [](std::mt19937_64& g) { return std::ldexp(1.0, -int(g() % 60) - 2) * (g() % 2 ? 1 : -1); };
  for (auto draw : {+small, +wide, +tiny}) {
    const double s = worst_ulps(200000, draw, [](double x) { return pm::sin(x); }, [](double x) { return std::sin(x); });
    const double c = worst_ulps(200000, draw, [](double x) { return pm::cos(x); }, [](double x) { return std::cos(x); });
    const double t = worst_ulps(200000, draw, [](double x) { return pm::tan(x); }, [](double x) { return std::tan(x); });
    std::printf("sin %.2f, cos %.2f, tan %.2f ulp\n", s, c, t);
    EXPECT_LE(s, 2.0);
    EXPECT_LE(c, 2.0);
    EXPECT_LE(t, 4.0);  // sin / cos: near the poles the two errors add up
  }
}

TEST(PortableMath, Atan2WithinTwoUlpOfLibmInEveryQuadrant) {
  std::mt19937_64 g(3);
  std::uniform_real_distribution<double> u(-1, 1);
  double worst = 0;
  for (int i = 0; i < 400000; ++i) {
    // Mixed magnitudes: ratios from 1e-9 to 1e9 and near 1 (the reductions' switch points).
    const double y = u(g) * std::pow(10.0, int(g() % 19) - 9), x = i % 3 ? u(g) : y * (1 + 1e-3 * u(g));
    worst = std::max(worst, ulps(pm::atan2(y, x), std::atan2(y, x)));
  }
  std::printf("atan2 %.2f ulp\n", worst);
  EXPECT_LE(worst, 2.0);
}

TEST(PortableMath, ExpAndLogWithinTwoUlpOfLibm) {
  const auto arg = [](std::mt19937_64& g) { return std::uniform_real_distribution<double>(-745, 709.7)(g); };
  const auto near0 = [](std::mt19937_64& g) { return std::uniform_real_distribution<double>(-1, 1)(g); };
  const auto pos = [](std::mt19937_64& g) { return std::exp(std::uniform_real_distribution<double>(-740, 709)(g)); };
  const auto near1 = [](std::mt19937_64& g) { return std::uniform_real_distribution<double>(0.5, 2)(g); };
  for (auto draw : {+arg, +near0}) {
    const double e = worst_ulps(300000, draw, [](double x) { return pm::exp(x); }, [](double x) { return std::exp(x); });
    std::printf("exp %.2f ulp\n", e);
    EXPECT_LE(e, 2.0);
  }
  for (auto draw : {+pos, +near1}) {
    const double l = worst_ulps(300000, draw, [](double x) { return pm::log(x); }, [](double x) { return std::log(x); });
    std::printf("log %.2f ulp\n", l);
    EXPECT_LE(l, 2.0);
  }
}

TEST(PortableMath, SpecialValuesAsIeee) {
  EXPECT_TRUE(std::isnan(pm::sin(kNaN)) && std::isnan(pm::cos(kInf)) && std::isnan(pm::tan(-kInf)));
  EXPECT_TRUE(std::signbit(pm::sin(-0.0)) && pm::sin(-0.0) == 0.0 && pm::cos(0.0) == 1.0);
  EXPECT_EQ(pm::atan2(0.0, 0.0), 0.0);
  EXPECT_TRUE(std::signbit(pm::atan2(-0.0, 1.0)));
  EXPECT_EQ(pm::atan2(0.0, -0.0), std::atan2(0.0, -0.0));
  EXPECT_EQ(pm::atan2(-0.0, -1.0), std::atan2(-0.0, -1.0));
  for (double y : {-kInf, -2.0, 2.0, kInf})
    for (double x : {-kInf, -3.0, 3.0, kInf}) EXPECT_LE(ulps(pm::atan2(y, x), std::atan2(y, x)), 1.0) << y << " " << x;
  EXPECT_TRUE(std::isnan(pm::atan2(kNaN, 1.0)) && std::isnan(pm::atan2(1.0, kNaN)));
  EXPECT_EQ(pm::exp(0.0), 1.0);
  EXPECT_EQ(pm::exp(710.0), kInf);
  EXPECT_EQ(pm::exp(-kInf), 0.0);
  EXPECT_EQ(pm::exp(kInf), kInf);
  EXPECT_TRUE(std::isnan(pm::exp(kNaN)));
  EXPECT_GT(pm::exp(-744.0), 0.0);  // subnormal result
  EXPECT_EQ(pm::log(1.0), 0.0);
  EXPECT_EQ(pm::log(0.0), -kInf);
  EXPECT_EQ(pm::log(kInf), kInf);
  EXPECT_TRUE(std::isnan(pm::log(-1.0)) && std::isnan(pm::log(kNaN)));
  EXPECT_LE(ulps(pm::log(4.9e-324), std::log(4.9e-324)), 1.0);  // smallest subnormal
}

}  // namespace
