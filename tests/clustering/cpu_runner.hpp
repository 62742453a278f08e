#pragma once
#include "umbra/cpu/ecl_clustering.hpp"

namespace umbra::test {
struct CpuClustering {
  static ecl::ClusteringResult run(const ecl::EclGeometry& g, const EclDigits& d, const ecl::ClusteringOptions& o) {
    return cpu::cluster_ecl(g, d, o);
  }
};
}  // namespace umbra::test
