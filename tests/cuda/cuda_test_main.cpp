// main() of the CUDA test binaries (gpu label): without a device every test is skipped with a
// message, so `ctest` passes on machines without a GPU and runs everything where there is one.
#include <gtest/gtest.h>

#include <cstdio>

#include "umbra/cuda/context.hpp"

namespace {
class RequireCudaDevice : public ::testing::Environment {
 public:
  void SetUp() override {
    if (umbra::cuda::device_count() == 0) GTEST_SKIP() << "no CUDA device: CUDA tests skipped";
    std::printf("CUDA device: %s\n", umbra::cuda::device_description(0).c_str());
  }
};
}  // namespace

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new RequireCudaDevice);
  return RUN_ALL_TESTS();
}
