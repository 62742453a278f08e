#pragma once
// ECL response of the fast simulation, one event at a time per thread (host or device):
//  - photons/electrons: shower with a longitudinal Gamma profile (containment of the 16.1 X0
//    crystals) and a lateral core + tail profile in Moliere radii, integrated over the crystal faces
//    of the 5x5 (theta ring x phi) window around the shower centroid; the sum is smeared with the
//    reference resolution minus the electronics noise of 21 crystals in quadrature;
//  - muons/charged hadrons: a MIP-like deposit (Moyal, most probable 0.18 GeV, mean ~0.19 GeV) in
//    the crystal at mid-depth;
//  - 0.5 MeV electronics noise on every crystal touched by a shower, then beam-background digits,
//    then the 0.5 MeV digit threshold; digit time smeared with the reference t99 / 2.576.
// Charged particles follow a helix in the 1.5 T field to the ECL front surface; photons a line.
// Deposits in one crystal are summed (no duplicate cell ids).

#include <cstdint>
#include <string>

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/geometry/ecl_geometry.hpp"
#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

struct EclResponseOptions {
  double noise = 0.5 * units::MeV;      // per crystal in showers (reference/belle2.md "Electronics")
  double threshold = 0.5 * units::MeV;  // digit threshold
  double beam_background = 1.0;         // 0 = none, 1 = nominal
  // Nominal beam background (reference/belle2.md "Beam background"): 183 out-of-time digits per
  // event, basf2 counting E >= 7 MeV and |t| >= 110 ns; generated as exactly that population:
  // E = 7 MeV + exponential(5 MeV), |t| uniform in [110, 1000] ns, random crystal.
  double background_digits = 183.0;
  double background_min_energy = 7 * units::MeV, background_mean_excess = 5 * units::MeV;
  double background_time_min = 110.0, background_time_max = 1000.0;  // ns
  // Lateral profile: core + tail, each a product of 1-D Laplace (exponential) profiles along
  // theta and phi, scale lengths in Moliere radii. Gives E9/E21 ~ 0.97 for photons.
  double core_fraction = 0.85, core_scale = 0.17, tail_scale = 1.0;
  // Longitudinal Gamma profile dE/dt ~ t^(a-1) e^(-b t), t in X0: t_max = ln(E/E_c) + C,
  // C = +0.5 (photon) / -0.5 (electron), a = b t_max + 1 (PDG review "Passage of particles").
  double profile_b = 0.5, critical_energy = 11.2 * units::MeV;
  double mip_most_probable = 0.18, mip_width = 0.01;  // GeV, Moyal parameters
  bool smear_energy = true;
  /// Empty when valid, else a message naming the bad field.
  std::string validate() const;
};

/// ECL front surface (reference/belle2.md "ECL"): barrel cylinder, forward and backward planes.
inline constexpr double ecl_barrel_radius = 125.16, ecl_forward_z = 196.0, ecl_backward_z = -102.0;  // cm

/// Reference energy resolution sigma_E/E (fraction), barrel, low background
/// (reference/belle2.md "Energy resolution").
UMBRA_HD inline double reference_energy_resolution(double e) {
  return 1e-2 * (-0.0473491 / e + 1.02015 / sqrt(e) - 0.705164 / sqrt(sqrt(e)) + 1.77086);
}

/// Per-event crystal accumulator: open addressing on cell id, insertion order kept (so output
/// order is deterministic without sorting).
struct DigitAccumulator {
  static constexpr int capacity = 2048, n_slots = 4096;
  int n = 0;
  bool overflow = false;
  std::int16_t slot_of_cell[n_slots];
  std::uint16_t cell[capacity];
  std::uint16_t slot[capacity];
  float energy[capacity], time[capacity], largest[capacity];

  UMBRA_HD DigitAccumulator() {
    for (int i = 0; i < n_slots; ++i) slot_of_cell[i] = -1;
  }
  UMBRA_HD void clear() {
    for (int i = 0; i < n; ++i) slot_of_cell[slot[i]] = -1;
    n = 0;
    overflow = false;
  }
  /// Adds a deposit; the crystal's time is that of its largest single contribution.
  UMBRA_HD void add(int cell_id, double e, double t) {
    unsigned h = (unsigned(cell_id) * 2654435761u) >> 20;  // 12 bits
    for (;; h = (h + 1) & (n_slots - 1)) {
      const int k = slot_of_cell[h];
      if (k < 0) break;
      if (cell[k] == cell_id) {
        energy[k] += float(e);
        if (e > largest[k]) largest[k] = float(e), time[k] = float(t);
        return;
      }
    }
    if (n == capacity) {
      overflow = true;
      return;
    }
    slot_of_cell[h] = std::int16_t(n);
    cell[n] = std::uint16_t(cell_id), slot[n] = std::uint16_t(h);
    energy[n] = float(e), time[n] = float(t), largest[n] = float(e);
    ++n;
  }
};

/// Regularised lower incomplete gamma P(a, x) by its series (a > 0, x >= 0; converges for the
/// a, x of showers).
UMBRA_HD inline double gamma_p(double a, double x) {
  if (x <= 0) return 0;
  double term = 1.0 / a, sum = term;
  for (int k = 1; k < 300; ++k) {
    term *= x / (a + k);
    sum += term;
    if (term < sum * 1e-12) break;
  }
  const double r = sum * exp(-x + a * log(x) - lgamma(a));
  return r < 1 ? r : 1.0;
}

/// Mass of the 1-D Laplace profile of scale lam in [lo, hi] (in the same length unit).
UMBRA_HD inline double laplace_mass(double lo, double hi, double lam) {
  auto cdf = [lam](double x) { return x < 0 ? 0.5 * exp(x / lam) : 1.0 - 0.5 * exp(-x / lam); };
  return cdf(hi) - cdf(lo);
}

/// Point where a particle from `x0` with momentum p and charge q (in e) reaches the ECL front
/// surface, the direction there and the path length. False if it starts outside or curls up
/// inside (helix with more than two turns).
UMBRA_HD inline bool propagate_to_ecl(const double x0[3], const FourVector& p, int q, double x[3], double u[3],
                                      double& path) {
  const double rb2 = ecl_barrel_radius * ecl_barrel_radius;
  if (x0[0] * x0[0] + x0[1] * x0[1] >= rb2 || x0[2] >= ecl_forward_z || x0[2] <= ecl_backward_z) return false;
  const double pm = p.p(), pt = p.pt();
  if (pm <= 0) return false;
  const double inf = 1e30;
  if (q == 0 || pt < 1e-9) {
    const double d[3] = {p.px / pm, p.py / pm, p.pz / pm};
    double s = inf;
    const double a = d[0] * d[0] + d[1] * d[1];
    if (a > 0) {
      const double b = x0[0] * d[0] + x0[1] * d[1], c = x0[0] * x0[0] + x0[1] * x0[1] - rb2;
      s = (-b + sqrt(b * b - a * c)) / a;
    }
    if (d[2] > 0) s = fmin(s, (ecl_forward_z - x0[2]) / d[2]);
    if (d[2] < 0) s = fmin(s, (ecl_backward_z - x0[2]) / d[2]);
    for (int i = 0; i < 3; ++i) x[i] = x0[i] + s * d[i], u[i] = d[i];
    path = s;
    return true;
  }
  // Helix: radius R, centre C; a positive particle turns clockwise seen from +z (B along +z).
  const double radius = pt / (constants::c_curvature * constants::b_field);
  const double ux = p.px / pt, uy = p.py / pt, sq = q > 0 ? 1.0 : -1.0;
  const double cx = x0[0] + sq * radius * uy, cy = x0[1] - sq * radius * ux;
  const double dx0 = x0[0] - cx, dy0 = x0[1] - cy, alpha0 = atan2(dy0, dx0);
  const double max_turn = 4 * constants::pi;
  auto wrap = [](double a) {
    a = fmod(a, constants::two_pi);
    return a < 0 ? a + constants::two_pi : a;
  };
  double psi = inf;
  const double d = sqrt(cx * cx + cy * cy);
  if (d > 1e-9) {
    const double ca = (rb2 - d * d - radius * radius) / (2 * radius * d);
    if (ca >= -1 && ca <= 1) {
      const double ac = atan2(cy, cx), da = acos(ca);
      psi = fmin(wrap(-sq * (ac + da - alpha0)), wrap(-sq * (ac - da - alpha0)));
    }
  }
  const double dz_dpsi = radius * p.pz / pt;
  if (p.pz > 0) psi = fmin(psi, (ecl_forward_z - x0[2]) / dz_dpsi);
  if (p.pz < 0) psi = fmin(psi, (ecl_backward_z - x0[2]) / dz_dpsi);
  if (psi > max_turn) return false;
  const double rot = -sq * psi, cr = cos(rot), sr = sin(rot);
  x[0] = cx + dx0 * cr - dy0 * sr;
  x[1] = cy + dx0 * sr + dy0 * cr;
  x[2] = x0[2] + dz_dpsi * psi;
  u[0] = (ux * cr - uy * sr) * pt / pm, u[1] = (ux * sr + uy * cr) * pt / pm, u[2] = p.pz / pm;
  path = radius * psi * pm / pt;
  return true;
}

/// The ECL response step: trivially copyable, one call per event.
struct EclResponse {
  ecl::EclGeometryView geo;
  EclResponseOptions options;  // only its numbers are used here
  std::uint64_t seed_shower, seed_noise, seed_background;

  /// Ring containing theta, the nearer ring in the gaps between regions, -1 outside the ECL.
  UMBRA_HD int ring_at(double theta) const {
    if (theta < geo.ring_theta_lo[0] || theta >= geo.ring_theta_hi[ecl::n_theta_rings - 1]) return -1;
    int lo = 0, hi = ecl::n_theta_rings - 1;  // last ring with theta_lo <= theta
    while (lo < hi) {
      const int mid = (lo + hi + 1) / 2;
      if (geo.ring_theta_lo[mid] <= theta) lo = mid;
      else hi = mid - 1;
    }
    if (theta >= geo.ring_theta_hi[lo] && lo + 1 < ecl::n_theta_rings &&
        geo.ring_theta_lo[lo + 1] - theta < theta - geo.ring_theta_hi[lo])
      ++lo;
    return lo;
  }

  UMBRA_HD static double phi_of(double x, double y) {
    const double f = atan2(y, x);
    return f < 0 ? f + constants::two_pi : f;
  }

  /// An electromagnetic shower of energy e entering at x along u at time t.
  UMBRA_HD void shower(Philox& rng, const double x[3], const double u[3], double e, bool photon, double t,
                       DigitAccumulator& acc) const {
    const double t_max = fmax(0.0, log(e / options.critical_energy) + (photon ? 0.5 : -0.5));
    const double b = options.profile_b, a = b * t_max + 1.0;
    double visible = e * gamma_p(a, b * ecl::crystal_length / ecl::x0_csi);  // rear leakage
    if (options.smear_energy) {
      const double ref = reference_energy_resolution(e), noise = options.noise * sqrt(21.0) / e;
      const double intrinsic2 = ref * ref - noise * noise;
      visible *= 1.0 + sqrt(fmax(intrinsic2, 2.5e-5)) * rng.normal();  // floor 0.5%
    }
    if (visible <= 0) return;
    const double depth = fmin(a / b * ecl::x0_csi, ecl::crystal_length);  // mean shower depth
    const double c[3] = {x[0] + depth * u[0], x[1] + depth * u[1], x[2] + depth * u[2]};
    const double rho = sqrt(c[0] * c[0] + c[1] * c[1]), dist = sqrt(rho * rho + c[2] * c[2]);
    const double theta = atan2(rho, c[2]), phi = phi_of(c[0], c[1]);
    const int tc = ring_at(theta);
    if (tc < 0) return;
    const double lc = options.core_scale * ecl::moliere_radius, lt = options.tail_scale * ecl::moliere_radius;
    const double wc = options.core_fraction, wt = 1.0 - wc;
    for (int ring = tc - 2; ring <= tc + 2; ++ring) {
      if (ring < 0 || ring >= ecl::n_theta_rings) continue;
      const double lo = dist * (geo.ring_theta_lo[ring] - theta), hi = dist * (geo.ring_theta_hi[ring] - theta);
      const double ftc = laplace_mass(lo, hi, lc), ftt = laplace_mass(lo, hi, lt);
      if (wc * ftc + wt * ftt < 1e-7) continue;
      const int nr = geo.ring_size[ring];
      const double width = constants::two_pi / nr, scale = dist * sin(theta);
      const int pc = int(floor(phi / width));
      for (int k = pc - 2; k <= pc + 2; ++k) {
        const double plo = scale * (k * width - phi), phi_hi = scale * ((k + 1) * width - phi);
        const double f = wc * ftc * laplace_mass(plo, phi_hi, lc) + wt * ftt * laplace_mass(plo, phi_hi, lt);
        if (f < 1e-7) continue;
        acc.add(geo.cell_id(ring, k), visible * f, t);
      }
    }
  }

  /// A MIP-like deposit in the crystal at mid-depth; never more than the kinetic energy.
  UMBRA_HD void mip(Philox& rng, const double x[3], const double u[3], double kinetic, double t,
                    DigitAccumulator& acc) const {
    const double h = 0.5 * ecl::crystal_length;
    const double c[3] = {x[0] + h * u[0], x[1] + h * u[1], x[2] + h * u[2]};
    const int ring = ring_at(atan2(sqrt(c[0] * c[0] + c[1] * c[1]), c[2]));
    if (ring < 0) return;
    const double z = rng.normal();
    const double moyal = -log(fmax(z * z, 1e-30));  // Moyal variate (exp(-X) is chi^2 with 1 dof)
    double e = fmin(options.mip_most_probable + options.mip_width * moyal, kinetic);
    if (e <= 0) return;
    const int nr = geo.ring_size[ring];
    const int k = int(floor(phi_of(c[0], c[1]) / (constants::two_pi / nr)));
    acc.add(geo.cell_id(ring, k), e, t);
  }

  /// All deposits of one generated event, then noise, background and threshold; the surviving
  /// digits are acc.cell/energy/time[0, acc.n) with energies below threshold removed.
  UMBRA_HD void operator()(const GenEvent& ev, std::uint64_t event_number, DigitAccumulator& acc) const {
    acc.clear();
    for (int i = 0; i < ev.n; ++i) {
      const GenParticle& g = ev.part[i];
      if (g.n_daughters > 0) continue;
      const bool em = pdg::is_em(g.pdg), mip_like = pdg::is_mip_like(g.pdg);
      if (!em && !mip_like) continue;
      const double x0[3] = {g.vx, g.vy, g.vz};
      double x[3], u[3], path;
      if (!propagate_to_ecl(x0, g.p, pdg::charge(g.pdg), x, u, path)) continue;
      // Arrival time relative to a prompt photon to the same point (parents taken at c).
      const double r0 = sqrt(x0[0] * x0[0] + x0[1] * x0[1] + x0[2] * x0[2]);
      const double r = sqrt(x[0] * x[0] + x[1] * x[1] + x[2] * x[2]);
      const double beta = g.p.p() / g.p.e;
      const double t = (r0 + path / beta - r) / constants::c_light;
      Philox rng(seed_shower, event_number, std::uint64_t(i));
      if (em) shower(rng, x, u, g.p.e, g.pdg == pdg::photon, t, acc);
      else mip(rng, x, u, g.p.e - g.p.m(), t, acc);
    }
    const int n_signal = acc.n;
    // Electronics noise on the crystals of the showers, keyed by crystal (order independent).
    for (int k = 0; k < n_signal; ++k) {
      Philox rng(seed_noise, event_number, acc.cell[k]);
      acc.energy[k] += float(options.noise * rng.normal());
    }
    if (options.beam_background > 0) {
      Philox rng(seed_background, event_number, 0);
      const std::uint32_t nb = rng.poisson(options.background_digits * options.beam_background);
      for (std::uint32_t j = 0; j < nb; ++j) {
        const int cell = 1 + int(rng.uniform() * ecl::n_crystals);
        const double e = options.background_min_energy + rng.exponential(options.background_mean_excess);
        const double t = rng.uniform(options.background_time_min, options.background_time_max);
        acc.add(cell, e, rng.uniform() < 0.5 ? t : -t);
      }
    }
    // Threshold (compacting in place, order kept) and time resolution for the signal crystals:
    // sigma_t = t99 / 2.576 (t99 a 99% window), t99 = p1/E[MeV] ns, p1 = 1684 + 3080 b - 613.9 b^2,
    // b = background level capped at 2.51, floor 3.5 ns, capped at 1000 ns here
    // (reference/belle2.md "Time").
    const double bb = fmin(options.beam_background, 2.51);
    const double p1 = 1684.0 + 3080.0 * bb - 613.9 * bb * bb;
    int m = 0;
    for (int k = 0; k < acc.n; ++k) {
      if (acc.energy[k] < options.threshold) continue;
      float t = acc.time[k];
      if (k < n_signal) {
        Philox rng(seed_noise, event_number, 0x10000u + acc.cell[k]);
        const double t99 = fmin(fmax(p1 / (acc.energy[k] / units::MeV), 3.5), 1000.0);
        t += float(t99 / 2.576 * rng.normal());
      }
      acc.cell[m] = acc.cell[k], acc.energy[m] = acc.energy[k], acc.time[m] = t;
      ++m;
    }
    // The hash slots still point at the old positions: clear() uses acc.slot, so keep those for
    // every inserted entry by clearing the table now and leaving n = m for the reader.
    for (int k = 0; k < acc.n; ++k) acc.slot_of_cell[acc.slot[k]] = -1;
    acc.n = m;
  }
};

}  // namespace umbra::sim
