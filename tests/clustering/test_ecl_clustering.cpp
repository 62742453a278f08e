// CPU instantiation of the hand-made-map clustering tests (body in tests/common).
#include "clustering/cpu_runner.hpp"
#include "common/ecl_clustering_tests.hpp"

namespace umbra::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, EclClusteringTest, ::testing::Types<CpuClustering>);
}  // namespace umbra::test
