// Background-only toys for the global significance: the smoothed background model of the observed
// spectrum, toy drawing, and the toy scans (see umbra/scan/toys.hpp).
#include "umbra/scan/toys.hpp"

#include <algorithm>
#include <cmath>

#include "umbra/core/random.hpp"
#include "umbra/scan/statistics.hpp"

namespace umbra::scan {

BackgroundModel BackgroundModel::from_spectrum(const Spectrum& s, const SignalTable& table, double smoothing_sigma) {
  BackgroundModel b;
  const double m_lo = table.rows().front().mass, m_hi = table.rows().back().mass;
  for (Observable o : {Observable::m2_gg, Observable::m2_recoil}) {
    b.values[int(o)] = s.values(o);
    for (double x : b.values[int(o)]) {
      // Window centres are m^2 for both observables; the table is clamped to its mass range.
      const double m = std::clamp(std::sqrt(std::max(x, 0.0)), m_lo, m_hi);
      b.widths[int(o)].push_back(smoothing_sigma * table.at(m).sigma);
    }
  }
  return b;
}

Spectrum BackgroundModel::draw(std::uint64_t seed, std::uint64_t toy) const {
  Spectrum s;
  for (int o = 0; o < 2; ++o) {
    auto& out = o == 0 ? s.m2_gg : s.m2_recoil;
    const std::vector<double>& v = values[o];
    if (v.empty()) continue;
    Philox rng(seed, toy, 1 + o);  // independent streams per (toy, observable)
    const std::uint32_t n = rng.poisson(double(v.size()));
    out.reserve(n);
    const double lo = v.front(), hi = v.back();
    while (out.size() < n) {
      const std::size_t i = std::min(std::size_t(rng.uniform() * double(v.size())), v.size() - 1);
      const double x = v[i] + widths[o][i] * rng.normal();
      if (x >= lo && x <= hi) out.push_back(x);
    }
  }
  return s;
}

ToyGlobal global_significance_toys(double observed_max_z, int n_toys, const std::function<Spectrum(int)>& make_toy,
                                   const SignalTable& table, const ScanOptions& opt, const ScanFn& scan) {
  ToyGlobal g;
  int above = 0;
  for (int t = 0; t < n_toys; ++t) {  // each scan is parallel inside; toys in order (deterministic)
    const ScanResult r = scan(make_toy(t), table, opt);
    g.max_z.push_back(r.max_significance);
    g.upcrossings.push_back(r.upcrossings);
    if (r.max_significance >= observed_max_z) ++above;
  }
  for (int u : g.upcrossings) g.mean_upcrossings += double(u) / std::max(n_toys, 1);
  // p from the toy fraction (at least 1/(n+1) so that it is never reported as exactly zero).
  g.p_global = n_toys > 0 ? std::max(double(above), 1.0) / (n_toys + (above == 0 ? 1 : 0)) : 1.0;
  g.z_global = g.p_global < 0.5 ? -normal_quantile(g.p_global) : 0.0;
  return g;
}

ToyGlobal global_significance_toys(double observed_max_z, int n_toys, const std::function<Spectrum(int)>& make_toy,
                                   const SignalTable& table, const ScanOptions& opt) {
  return global_significance_toys(observed_max_z, n_toys, make_toy, table, opt,
                                  [](const Spectrum& s, const SignalTable& t, const ScanOptions& o) {
                                    return run_scan(s, t, o);
                                  });
}

}  // namespace umbra::scan
