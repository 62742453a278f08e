#pragma once
// The merged-photon training/test samples: leading showers of 3 GeV single photons (label 0) and
// of merged pairs from a 0.05-0.15 GeV parent at 3 GeV (label 1), barrel, no beam background.
// scripts/fit_merged_discriminant.py fits on seed 1 (via ecl_merged_features); the test
// evaluates on seed 2.
#include <vector>

#include "common/ecl_photon_samples.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/ecl/merged_photon_model.hpp"

namespace umbra::test {

struct MergedSampleShower {
  int label;  // 1 = merged pair
  ecl::ShowerFeatures features;
  double probability;  // as reconstructed
};

/// Leading shower of every event of `digits` that has one.
template <class Run>
void leading_showers(const EclDigits& digits, int label, Run&& run, std::vector<MergedSampleShower>& out) {
  const ecl::ClusteringResult r = run(digits);
  const auto& s = r.showers;
  for (std::uint64_t e = 0; e < s.n_events(); ++e) {
    if (s.count(e) == 0) continue;
    std::uint64_t k = s.begin(e);
    for (std::uint64_t i = s.begin(e); i < s.end(e); ++i)
      if (s.energy[i] > s.energy[k]) k = i;
    MergedSampleShower m{label, {}, s.merged_probability[k]};
    m.features.energy = s.energy[k];
    m.features.e1_e9 = s.e1_e9[k], m.features.e9_e21 = s.e9_e21[k];
    m.features.second_moment = s.second_moment[k], m.features.lat = s.lat[k];
    for (int q = 0; q < ecl::n_zernike; ++q) m.features.zernike[q] = s.zernike[q][k];
    m.features.n_local_maxima = s.n_local_maxima[k];
    out.push_back(m);
  }
}

template <class Run>
std::vector<MergedSampleShower> merged_samples(std::uint64_t n, std::uint64_t seed, Run&& run) {
  std::vector<MergedSampleShower> out;
  const EventBatch singles = gun_sample(22, 3.0, barrel_range, n, 1000 + seed);
  leading_showers(singles.digits, 0, run, out);
  leading_showers(merged_pair_sample(n, seed, 3.0, 0.05, 0.15), 1, run, out);
  return out;
}

}  // namespace umbra::test
