#pragma once
// Toy spectra for the scan tests: a smooth falling background in M^2 plus an optional Crystal Ball
// signal, drawn with Philox keyed by (seed, toy, stream) so every toy is reproducible on its own.
#include <cmath>
#include <cstdint>
#include <vector>

#include "umbra/core/random.hpp"
#include "umbra/scan/crystal_ball.hpp"
#include "umbra/scan/model.hpp"

namespace umbra::scan::test {

/// Background density on [lo, hi] proportional to 1 - slope * (x - lo)/(hi - lo) + curv * u^2.
struct ToyBackground {
  double lo = 0.5, hi = 1.7;  // GeV^2
  double slope = 0.5, curv = 0.2;
  double expected = 20000;    // events on [lo, hi]

  double shape(double x) const {
    const double u = (x - lo) / (hi - lo);
    return 1 - slope * u + curv * u * u;
  }
  double integral(double a, double b) const {  // of shape over [a, b]
    auto prim = [&](double x) {
      const double u = (x - lo) / (hi - lo);
      return (hi - lo) * (u - 0.5 * slope * u * u + curv * u * u * u / 3);
    };
    return prim(b) - prim(a);
  }
  double max_shape() const { return std::max(shape(lo), shape(hi)) + std::abs(curv); }
};

/// Draws a value from the Crystal Ball restricted to [lo, hi] by inverting G(t) (bisection).
inline double sample_cb(const CrystalBallShape& s, double lo, double hi, Philox& rng) {
  const double glo = cb_primitive(s, (lo - s.mean) / s.sigma), ghi = cb_primitive(s, (hi - s.mean) / s.sigma);
  const double target = glo + (ghi - glo) * rng.uniform();
  double a = (lo - s.mean) / s.sigma, b = (hi - s.mean) / s.sigma;
  for (int i = 0; i < 60; ++i) {
    const double m = 0.5 * (a + b);
    (cb_primitive(s, m) < target ? a : b) = m;
  }
  return s.mean + s.sigma * 0.5 * (a + b);
}

/// One extended toy: Poisson(expected) background + Poisson(n_signal) signal events in [bg.lo, bg.hi].
inline std::vector<double> make_toy(const ToyBackground& bg, const CrystalBallShape& sig, double n_signal,
                                    std::uint64_t seed, std::uint64_t toy) {
  Philox counts(seed, toy, 0), rb(seed, toy, 1), rs(seed, toy, 2);
  const std::uint32_t nb = counts.poisson(bg.expected);
  const std::uint32_t ns = n_signal > 0 ? counts.poisson(n_signal) : 0;
  std::vector<double> v;
  v.reserve(nb + ns);
  const double fmax = bg.max_shape();
  while (v.size() < nb) {
    const double x = rb.uniform(bg.lo, bg.hi);
    if (rb.uniform() * fmax < bg.shape(x)) v.push_back(x);
  }
  for (std::uint32_t i = 0; i < ns; ++i) v.push_back(sample_cb(sig, bg.lo, bg.hi, rs));
  return v;
}

/// Expected (Asimov) counts of the truth in the bins `edges`; the signal normalised on [bg.lo, bg.hi].
inline std::vector<double> asimov_counts(const ToyBackground& bg, const CrystalBallShape& sig, double n_signal,
                                         const std::vector<double>& edges) {
  std::vector<double> c(edges.size() - 1);
  const double norm = cb_primitive(sig, (bg.hi - sig.mean) / sig.sigma) - cb_primitive(sig, (bg.lo - sig.mean) / sig.sigma);
  const double total = bg.integral(bg.lo, bg.hi);
  for (std::size_t i = 0; i + 1 < edges.size(); ++i) {
    const double fs = (cb_primitive(sig, (edges[i + 1] - sig.mean) / sig.sigma) -
                       cb_primitive(sig, (edges[i] - sig.mean) / sig.sigma)) / norm;
    c[i] = n_signal * fs + bg.expected * bg.integral(edges[i], edges[i + 1]) / total;
  }
  return c;
}

/// The scan tests' standard M^2_gg values: 30,000 background events on [0.3, 2.2] GeV^2 plus
/// `signal` events of a Crystal Ball at 1 GeV^2 (sigma 0.02 GeV^2).
inline std::vector<double> standard_toy_values(std::uint64_t seed, int signal) {
  ToyBackground bg;
  bg.lo = 0.3, bg.hi = 2.2, bg.expected = 30000;
  return make_toy(bg, CrystalBallShape{1.0, 0.02, 1.0, 3.0}, signal, seed, 0);
}

}  // namespace umbra::scan::test
