// umbra/core/lanes_math.hpp: exp and log over vector lanes give, lane by lane, exactly the bits of
// umbra::portable's scalar functions (the laned track fit's outputs equal the per-track fit's only
// if they do), over the arguments the fit meets and IEEE's special values.
#include <gtest/gtest.h>

#pragma GCC diagnostic ignored "-Wpsabi"  // Vec<4> lambdas in generic x86-64 code: all inline here

#include <bit>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "umbra/core/lanes_math.hpp"

#if UMBRA_HAVE_LANES
namespace {

namespace lanes = umbra::lanes;
namespace pm = umbra::portable;

std::vector<double> arguments(double lo, double hi) {
  const double inf = std::numeric_limits<double>::infinity(), nan = std::numeric_limits<double>::quiet_NaN();
  std::vector<double> v = {0.0, -0.0, 1.0, -1.0, inf, -inf, nan, 5e-324, 2.2250738585072014e-308, 1e308,
                           -1e308, 707.9, 708.0, -708.0, 709.7, -745.0, 0.7071067811865476, 0.7071067811865475};
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> u(lo, hi);
  for (int i = 0; i < 100000; ++i) v.push_back(u(g));
  for (int i = 0; i < 20000; ++i) v.push_back(std::ldexp(1.0 + u(g) * 1e-3, int(g() % 2000) - 1000));
  return v;
}

template <int N, class Lanes, class Scalar>
void expect_lanes_equal_scalar(const std::vector<double>& xs, Lanes f, Scalar ref, const char* name) {
  int mismatches = 0;
  for (std::size_t i = 0; i + N <= xs.size(); i += N) {
    lanes::Vec<N> v;
    for (int l = 0; l < N; ++l) v[l] = xs[i + l];
    const lanes::Vec<N> out = f(v);
    for (int l = 0; l < N; ++l) {
      const double want = ref(xs[i + l]);
      if (std::bit_cast<std::uint64_t>(out[l]) != std::bit_cast<std::uint64_t>(want) && !(want != want && out[l] != out[l]))
        if (++mismatches <= 5) ADD_FAILURE() << name << "(" << xs[i + l] << "): " << out[l] << " vs " << want;
    }
  }
  EXPECT_EQ(mismatches, 0) << name << " over " << N << " lanes";
}

TEST(LanesMath, ExpEqualsPortableExpBitForBit) {
  const auto xs = arguments(-60, 60);
  auto ref = [](double x) { return pm::exp(x); };
  expect_lanes_equal_scalar<2>(xs, [](lanes::Vec<2> v) { return lanes::exp(v); }, ref, "exp");
  expect_lanes_equal_scalar<4>(xs, [](lanes::Vec<4> v) { return lanes::exp(v); }, ref, "exp");
  const auto wide = arguments(-800, 800);
  expect_lanes_equal_scalar<4>(wide, [](lanes::Vec<4> v) { return lanes::exp(v); }, ref, "exp");
}

TEST(LanesMath, LogEqualsPortableLogBitForBit) {
  const auto xs = arguments(1e-6, 10);
  auto ref = [](double x) { return pm::log(x); };
  expect_lanes_equal_scalar<2>(xs, [](lanes::Vec<2> v) { return lanes::log(v); }, ref, "log");
  expect_lanes_equal_scalar<4>(xs, [](lanes::Vec<4> v) { return lanes::log(v); }, ref, "log");
  const auto neg = arguments(-10, 10);
  expect_lanes_equal_scalar<4>(neg, [](lanes::Vec<4> v) { return lanes::log(v); }, ref, "log");
}

}  // namespace
#else
TEST(LanesMath, NoVectorLanesOnThisPlatform) { GTEST_SKIP() << "lanes are x86-64 GCC only"; }
#endif
