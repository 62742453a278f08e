// CUDA instantiation of the ECL clustering tests (gpu label): skipped without a device.
#include "common/ecl_clustering_tests.hpp"
#include "cuda/cuda_runner.hpp"
#include "umbra/cuda/ecl_clustering.hpp"

namespace umbra::test {
struct CudaClustering {
  static ecl::ClusteringResult run(const ecl::EclGeometry&, const EclDigits& d, const ecl::ClusteringOptions& o) {
    return cuda::cluster_ecl(shared_cuda_context(), d, o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cuda, EclClusteringTest, ::testing::Types<CudaClustering>);
}  // namespace umbra::test
