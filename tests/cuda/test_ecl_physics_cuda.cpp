// CUDA instantiation of the clustering physics tests (gpu label): skipped without a device.
#include "common/ecl_physics_tests.hpp"
#include "cuda/cuda_runner.hpp"
#include "umbra/cuda/ecl_clustering.hpp"

namespace umbra::test {
struct CudaPhysicsClustering {
  static ecl::ClusteringResult run(const ecl::EclGeometry&, const EclDigits& d, const ecl::ClusteringOptions& o) {
    return cuda::cluster_ecl(shared_cuda_context(), d, o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cuda, EclPhysicsTest, ::testing::Types<CudaPhysicsClustering>);
}  // namespace umbra::test
