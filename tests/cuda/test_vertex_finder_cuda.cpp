// CUDA instantiation of the vertex-finder tests (gpu label): skipped without a device. Includes
// the element-by-element comparison with the CPU backend.
#include "common/vertex_finder_tests.hpp"
#include "cuda/cuda_runner.hpp"
#include "umbra/cuda/vertex_finder.hpp"

namespace umbra::test {
struct CudaVertexFinder {
  static vertex::Result run(const track::Tracks& t, const vertex::Options& o) {
    return cuda::find_vertices(shared_cuda_context(), t, o);
  }
};
INSTANTIATE_TYPED_TEST_SUITE_P(Cuda, VertexFinderTest, ::testing::Types<CudaVertexFinder>);
}  // namespace umbra::test
