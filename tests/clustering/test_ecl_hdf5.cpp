// CPU instantiation of the clustering-through-HDF5 tests (body in tests/common).
#include "clustering/cpu_runner.hpp"
#include "common/ecl_hdf5_tests.hpp"

namespace umbra::test {
INSTANTIATE_TYPED_TEST_SUITE_P(Cpu, EclHdf5Test, ::testing::Types<CpuClustering>);
}  // namespace umbra::test
