#pragma once
// The digit-kinematics test body, written once and instantiated per backend (tests/core for the
// CPU runner, tests/cuda for the CUDA runner). A runner is a type with
//   static ecl::DigitKinematics run(const ecl::EclGeometry&, const EclDigits&);
#include <gtest/gtest.h>

#include <cmath>

#include "io/random_events.hpp"
#include "umbra/cpu/digit_kinematics.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::test {

template <class Runner>
class DigitKinematicsTest : public ::testing::Test {};
TYPED_TEST_SUITE_P(DigitKinematicsTest);

// Known answers: one digit sits at its crystal centre; the energy-weighted centre of two equal
// digits is their midpoint; empty events sum to zero.
TYPED_TEST_P(DigitKinematicsTest, KnownAnswers) {
  const ecl::EclGeometry geo;
  const auto g = geo.view();
  EclDigits d;
  d.push_back(1200, 0.5f, 0.f);
  d.close_event();
  d.close_event();  // empty event
  d.push_back(4000, 1.0f, 0.f);
  d.push_back(4001, 1.0f, 0.f);
  d.close_event();
  const auto r = TypeParam::run(geo, d);
  ASSERT_EQ(r.event_energy.size(), 3u);
  EXPECT_FLOAT_EQ(r.x[0], g.centre_x[1199]);
  EXPECT_FLOAT_EQ(r.z[0], g.centre_z[1199]);
  EXPECT_DOUBLE_EQ(r.event_energy[0], 0.5);
  EXPECT_DOUBLE_EQ(r.event_energy[1], 0.0);
  EXPECT_DOUBLE_EQ(r.event_energy[2], 2.0);
  EXPECT_NEAR(r.event_cx[2], 0.5 * (g.centre_x[3999] + g.centre_x[4000]), 1e-4);
  EXPECT_NEAR(r.event_cy[2], 0.5 * (g.centre_y[3999] + g.centre_y[4000]), 1e-4);
}

// Same answers as the CPU backend, element by element, on a random batch.
TYPED_TEST_P(DigitKinematicsTest, AgreesWithCpuBackend) {
  const ecl::EclGeometry geo;
  const EventBatch b = random_events(2000, 11);
  const auto ref = cpu::digit_kinematics(geo, b.digits);
  const auto r = TypeParam::run(geo, b.digits);
  ASSERT_EQ(r.x.size(), ref.x.size());
  for (std::size_t i = 0; i < ref.x.size(); ++i) {
    ASSERT_EQ(r.x[i], ref.x[i]) << i;  // a table look-up: bit-identical
    ASSERT_EQ(r.z[i], ref.z[i]) << i;
  }
  for (std::size_t e = 0; e < ref.event_energy.size(); ++e) {
    ASSERT_NEAR(r.event_energy[e], ref.event_energy[e], 1e-12 * (1 + ref.event_energy[e])) << e;
    ASSERT_NEAR(r.event_cx[e], ref.event_cx[e], 1e-5 * (1 + std::fabs(ref.event_cx[e]))) << e;
  }
}

REGISTER_TYPED_TEST_SUITE_P(DigitKinematicsTest, KnownAnswers, AgreesWithCpuBackend);

}  // namespace umbra::test
