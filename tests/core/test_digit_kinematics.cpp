// CPU instantiation of the digit-kinematics tests (body in tests/common).
#include "common/digit_kinematics_tests.hpp"
#include "umbra/cpu/digit_kinematics.hpp"

namespace umbra::test {
struct CpuDigitKinematics {
  static ecl::DigitKinematics run(const ecl::EclGeometry& g, const EclDigits& d) { return cpu::digit_kinematics(g, d); }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, DigitKinematicsTest, ::testing::Types<CpuDigitKinematics>);
}  // namespace umbra::test
