// CPU instantiation of the clustering physics tests on simulated samples (body in tests/common).
#include "clustering/cpu_runner.hpp"
#include "common/ecl_physics_tests.hpp"

namespace umbra::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, EclPhysicsTest, ::testing::Types<CpuClustering>);
}  // namespace umbra::test
