// ecl_merged_features [n_per_class] [seed]: CSV of the shape features of the leading showers of
// the merged-photon samples (tests/common/ecl_merged_samples.hpp), the input of
// scripts/fit_merged_discriminant.py.
#include <cstdio>
#include <cstdlib>

#include "common/ecl_merged_samples.hpp"

int main(int argc, char** argv) {
  using namespace umbra;
  const std::uint64_t n = argc > 1 ? std::strtoull(argv[1], nullptr, 10) : 3000;
  const std::uint64_t seed = argc > 2 ? std::strtoull(argv[2], nullptr, 10) : 1;
  const ecl::EclGeometry geo;
  const auto rows = test::merged_samples(n, seed, [&](const EclDigits& d) { return cpu::cluster_ecl(geo, d); });
  std::printf("label,energy,e1_e9,e9_e21,second_moment,lat");
  for (int q = 0; q < ecl::n_zernike; ++q) std::printf(",z%d%d", ecl::zernike_n[q], ecl::zernike_m[q]);
  std::printf(",split\n");
  for (const auto& r : rows) {
    const auto& f = r.features;
    std::printf("%d,%.6g,%.6g,%.6g,%.6g,%.6g", r.label, f.energy, f.e1_e9, f.e9_e21, f.second_moment, f.lat);
    for (int q = 0; q < ecl::n_zernike; ++q) std::printf(",%.6g", f.zernike[q]);
    std::printf(",%d\n", f.n_local_maxima > 1 ? 1 : 0);
  }
  return 0;
}
