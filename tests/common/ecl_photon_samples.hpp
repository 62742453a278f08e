#pragma once
// Simulated photon samples for the clustering physics tests (sim::simulate, particle gun) and
// the truth matching and robust statistics the tests use.
#include <algorithm>
#include <cmath>
#include <vector>

#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/ecl/clustering_result.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::test {

/// Polar ranges of the three ECL parts used for the guns, kept ~1 crystal inside the edges
/// (reference/belle2.md "ECL": forward 12.4-31.4 deg, barrel 32.2-128.7, backward 130.7-155.1).
struct PolarRange {
  const char* name;
  double lo, hi;  // deg
};
inline constexpr PolarRange forward_range{"forward", 15.0, 29.0}, barrel_range{"barrel", 35.0, 125.0},
    backward_range{"backward", 133.0, 152.0};

inline EventBatch gun_sample(int pdg, double energy, const PolarRange& r, std::uint64_t n, std::uint64_t seed,
                             double background = 0.0) {
  sim::SimulationOptions o;
  o.process = "gun";
  o.gun_pdg = pdg;
  o.gun_energy = energy;
  o.gun_theta_min = r.lo * units::deg, o.gun_theta_max = r.hi * units::deg;
  o.beam_background = background;
  o.tracker = false;
  o.seed = seed;
  return sim::simulate(o, 0, n);
}

/// One photon of fixed energy and direction (a gun with a zero-width angular range).
inline EventBatch photon_at(double energy, double theta, double phi, std::uint64_t seed) {
  sim::SimulationOptions o;
  o.process = "gun";
  o.gun_pdg = 22, o.gun_energy = energy;
  o.gun_theta_min = o.gun_theta_max = theta;
  o.gun_phi_min = o.gun_phi_max = phi;
  o.beam_background = 0, o.tracker = false, o.seed = seed;
  return sim::simulate(o, 0, 1);
}

/// Merged-pair sample: a parent of mass in [m_lo, m_hi] and total energy `energy` in the barrel
/// decays isotropically to two photons; each photon is simulated alone with the gun at its exact
/// direction and the two digit maps are overlaid (energies added per crystal, the time of the
/// larger deposit kept). Event e of a sample depends only on (seed, e).
inline EclDigits merged_pair_sample(std::uint64_t n, std::uint64_t seed, double energy, double m_lo, double m_hi) {
  EclDigits out;
  for (std::uint64_t e = 0; e < n; ++e) {
    Philox rng(seed, e, 99);
    const double m = rng.uniform(m_lo, m_hi);
    const double ct = rng.uniform(std::cos(barrel_range.hi * units::deg), std::cos(barrel_range.lo * units::deg));
    const double th = std::acos(ct), ph = rng.uniform(-constants::pi, constants::pi);
    // Rest frame: back-to-back photons of m/2 along a random axis; boost along the parent.
    const double cs = rng.uniform(-1, 1), sn = std::sqrt(1 - cs * cs), az = rng.uniform(0, constants::two_pi);
    const double p = std::sqrt(energy * energy - m * m), g = energy / m, bg = p / m;
    double dirs[2][4];
    for (int k = 0; k < 2; ++k) {
      const double sgn = k == 0 ? 1 : -1, h = 0.5 * m;
      const double lx = sgn * h * sn * std::cos(az), ly = sgn * h * sn * std::sin(az), lz = sgn * h * cs;
      const double ez = g * lz + bg * h, eE = g * h + bg * lz;  // boost along the local z
      // Local frame (x, y, z=parent) -> lab.
      const double ux = std::sin(th) * std::cos(ph), uy = std::sin(th) * std::sin(ph), uz = ct;
      const double ax = std::cos(th) * std::cos(ph), ay = std::cos(th) * std::sin(ph), azz = -std::sin(th);
      const double bx = -std::sin(ph), by = std::cos(ph), bz = 0;
      const double vx = lx * ax + ly * bx + ez * ux, vy = lx * ay + ly * by + ez * uy, vz = lx * azz + ly * bz + ez * uz;
      dirs[k][0] = eE, dirs[k][1] = std::atan2(std::hypot(vx, vy), vz), dirs[k][2] = std::atan2(vy, vx);
    }
    std::vector<std::pair<int, std::pair<float, float>>> cells;  // cell -> (energy, time of largest)
    std::vector<float> largest;
    for (int k = 0; k < 2; ++k) {
      const EventBatch b = photon_at(dirs[k][0], dirs[k][1], dirs[k][2], seed * 7919 + 2 * e + k);
      for (std::uint64_t i = 0; i < b.digits.size(); ++i) {
        auto it = std::find_if(cells.begin(), cells.end(), [&](const auto& c) { return c.first == b.digits.cell_id[i]; });
        if (it == cells.end()) {
          cells.push_back({b.digits.cell_id[i], {b.digits.energy[i], b.digits.time[i]}});
          largest.push_back(b.digits.energy[i]);
        } else {
          const std::size_t j = std::size_t(it - cells.begin());
          it->second.first += b.digits.energy[i];
          if (b.digits.energy[i] > largest[j]) largest[j] = b.digits.energy[i], it->second.second = b.digits.time[i];
        }
      }
    }
    for (const auto& c : cells) out.push_back(std::uint16_t(c.first), c.second.first, c.second.second);
    out.close_event();
  }
  return out;
}

/// Per event: index of the most energetic shower within `max_angle` of the direction
/// (theta, phi), or -1.
inline std::int64_t matched_shower(const ecl::EclShowers& s, std::uint64_t e, double theta, double phi,
                                   double max_angle) {
  std::int64_t best = -1;
  const double ux = std::sin(theta) * std::cos(phi), uy = std::sin(theta) * std::sin(phi), uz = std::cos(theta);
  for (std::uint64_t i = s.begin(e); i < s.end(e); ++i) {
    const double vx = std::sin(s.theta[i]) * std::cos(s.phi[i]), vy = std::sin(s.theta[i]) * std::sin(s.phi[i]);
    const double c = ux * vx + uy * vy + uz * std::cos(s.theta[i]);
    if (std::acos(std::min(1.0, c)) > max_angle) continue;
    if (best < 0 || s.energy[i] > s.energy[best]) best = std::int64_t(i);
  }
  return best;
}

inline double quantile(std::vector<double> v, double q) {
  if (v.empty()) return std::nan("");
  std::sort(v.begin(), v.end());
  const double pos = q * double(v.size() - 1);
  const std::size_t k = std::size_t(pos);
  const double f = pos - double(k);
  return k + 1 < v.size() ? v[k] * (1 - f) + v[k + 1] * f : v[k];
}
/// Half the central 68% interval: the Gaussian sigma for Gaussian data, robust to tails.
inline double robust_sigma(const std::vector<double>& v) { return 0.5 * (quantile(v, 0.8413) - quantile(v, 0.1587)); }

/// Reference resolutions (reference/belle2.md "Energy resolution", "Angular resolution"; barrel).
inline double reference_sigma_e_over_e(double e) {
  return 1e-2 * (-0.0473491 / e + 1.02015 / std::sqrt(e) - 0.705164 / std::pow(e, 0.25) + 1.77086);
}
inline double reference_sigma_theta(double e) {
  return 1e-3 * (-0.221073 / e + 2.19876 / std::sqrt(e) + 1.50833 / std::pow(e, 0.25) + 0.359609);
}
inline double reference_sigma_phi(double e) {
  return 1e-3 * (-0.21842 / e + 0.648976 / std::sqrt(e) + 7.1901 / std::pow(e, 0.25) - 3.10025);
}

/// ROC AUC of a score: P(score of a positive > score of a negative), ties counted half.
inline double roc_auc(std::vector<double> pos, std::vector<double> neg) {
  std::sort(neg.begin(), neg.end());
  double sum = 0;
  for (double p : pos) {
    const auto lo = std::lower_bound(neg.begin(), neg.end(), p), hi = std::upper_bound(neg.begin(), neg.end(), p);
    sum += double(lo - neg.begin()) + 0.5 * double(hi - lo);
  }
  return pos.empty() || neg.empty() ? std::nan("") : sum / (double(pos.size()) * double(neg.size()));
}

}  // namespace umbra::test
