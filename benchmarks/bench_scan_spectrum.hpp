#pragma once
// The benchmark spectrum: 1e6 toy candidates with a falling M^2_gg spectrum (exponential plus a
// flat part) and an M^2_recoil spectrum rising linearly towards the kinematic limit, drawn with Philox
// (seed 42). bench_scan_iminuit.py reads the same values from the CSV written by
// `bench_scan --write-spectrum` so both minimisers fit identical data.
#include <cmath>
#include <cstdint>
#include <vector>

#include "umbra/core/random.hpp"
#include "umbra/scan/scan.hpp"

namespace umbra::bench {

inline scan::Spectrum benchmark_spectrum(std::uint64_t n = 1000000, std::uint64_t seed = 42) {
  scan::Spectrum s;
  s.m2_gg.resize(n), s.m2_recoil.resize(n);
  for (std::uint64_t i = 0; i < n; ++i) {
    Philox r(seed, i);
    // M^2_gg on [0, 60] GeV^2: 70% exponential (scale 8 GeV^2), 30% flat.
    s.m2_gg[i] = r.uniform() < 0.7 ? std::fmod(r.exponential(8.0), 60.0) : r.uniform(0.0, 60.0);
    // M^2_recoil on [-30, 100.5] GeV^2, density rising linearly from zero at -30 GeV^2 (smooth
    // inside every recoil window, which start above -2 GeV^2).
    s.m2_recoil[i] = -30.0 + 130.5 * std::sqrt(r.uniform());
  }
  return s;
}

/// benchmark_spectrum() with its defaults, prepared, built once per process (outside timed loops).
inline const scan::Spectrum& prepared_benchmark_spectrum() {
  static const scan::Spectrum s = [] {
    scan::Spectrum x = benchmark_spectrum();
    x.prepare("benchmark");
    return x;
  }();
  return s;
}

/// 2,000 masses from 0.2 to 9.7 GeV (the benchmark grid).
inline std::vector<double> benchmark_masses(int n = 2000) {
  std::vector<double> m(n);
  for (int i = 0; i < n; ++i) m[i] = 0.2 + (9.7 - 0.2) * i / (n - 1);
  return m;
}

}  // namespace umbra::bench
