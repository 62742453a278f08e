// log_block / exp_block (core/block_math.hpp): the host's vector calls agree with log and exp to
// a few ulp for every block length and position (short tails are padded), and are deterministic.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <random>

#include "umbra/core/block_math.hpp"
#include "common/ulp_distance.hpp"

namespace {

using umbra::test::ulps;

TEST(BlockMath, LogAndExpWithinFourUlpForEveryBlockLength) {
  std::mt19937_64 g(7);
  std::uniform_real_distribution<double> expo(-700, 700), near1(0.9, 1.1), arg(-700, 700);
  double worst_log = 0, worst_exp = 0;
  for (int rep = 0; rep < 2000; ++rep)
    for (int n = 1; n <= umbra::math_block_size; ++n) {
      double x[umbra::math_block_size], e[umbra::math_block_size], y[umbra::math_block_size];
      for (int i = 0; i < n; ++i) {
        x[i] = rep % 2 ? near1(g) : std::exp(expo(g));  // Poisson ratios n/nu ~ 1, and the full range
        e[i] = arg(g);
      }
      umbra::log_block(x, y, n);
      for (int i = 0; i < n; ++i) worst_log = std::max(worst_log, ulps(y[i], std::log(x[i])));
      umbra::exp_block(e, y, n);
      for (int i = 0; i < n; ++i) worst_exp = std::max(worst_exp, ulps(y[i], std::exp(e[i])));
    }
  std::printf("worst: log %.2f ulp, exp %.2f ulp (against libm)\n", worst_log, worst_exp);
  EXPECT_LE(worst_log, 4.0);
  EXPECT_LE(worst_exp, 4.0);
}

TEST(BlockMath, ValueDoesNotDependOnItsPositionInTheBlock) {
  // A value gives the same bits alone, at the end of a padded tail, or inside a full block.
  const double v = 0.987654321, w = -3.25;
  double x[umbra::math_block_size], y[umbra::math_block_size], single, single_exp;
  umbra::log_block(&v, &single, 1);
  umbra::exp_block(&w, &single_exp, 1);
  for (int n = 1; n <= umbra::math_block_size; ++n) {
    for (int i = 0; i < n; ++i) x[i] = v;
    umbra::log_block(x, y, n);
    for (int i = 0; i < n; ++i) EXPECT_EQ(y[i], single) << n << " " << i;
    for (int i = 0; i < n; ++i) x[i] = w;
    umbra::exp_block(x, y, n);
    for (int i = 0; i < n; ++i) EXPECT_EQ(y[i], single_exp) << n << " " << i;
  }
}

}  // namespace
