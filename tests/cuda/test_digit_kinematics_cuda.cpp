// CUDA instantiation of the digit-kinematics tests (gpu label): skipped without a device.
#include "common/digit_kinematics_tests.hpp"
#include "cuda/cuda_runner.hpp"
#include "umbra/cuda/digit_kinematics.hpp"

namespace umbra::test {
struct CudaDigitKinematics {
  static ecl::DigitKinematics run(const ecl::EclGeometry&, const EclDigits& d) {
    return cuda::digit_kinematics(shared_cuda_context(), d);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cuda, DigitKinematicsTest, ::testing::Types<CudaDigitKinematics>);
}  // namespace umbra::test
