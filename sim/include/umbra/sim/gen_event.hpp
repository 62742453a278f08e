#pragma once
// One generated event as a fixed-size record (no allocation, host or device), plus the decay and
// angular-sampling helpers every generator shares.

#include <cstdint>

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/core/four_vector.hpp"

namespace umbra::sim {

inline constexpr int max_gen_particles = 24;
inline constexpr double hbar_c = 1.973269804e-14;  // GeV cm: c*tau [cm] = hbar_c / Gamma [GeV]

/// Generator status codes (device code returns these instead of throwing).
enum class GenStatus : std::uint8_t { Ok = 0, TooManyParticles = 1, TooManyTrials = 2 };

struct GenParticle {
  int pdg;
  FourVector p;        // lab [GeV]
  double vx, vy, vz;   // production vertex [cm]
  int mother;          // index in the event, -1 for primaries
  int n_daughters;     // 0 for final-state particles
};

struct GenEvent {
  int n = 0;
  GenStatus status = GenStatus::Ok;
  GenParticle part[max_gen_particles];

  UMBRA_HD int add(int pdg, const FourVector& p, double vx, double vy, double vz, int mother) {
    if (n >= max_gen_particles) {
      status = GenStatus::TooManyParticles;
      return -1;
    }
    part[n] = {pdg, p, vx, vy, vz, mother, 0};
    if (mother >= 0) ++part[mother].n_daughters;
    return n++;
  }
  UMBRA_HD int add_primary(int pdg, const FourVector& p) { return add(pdg, p, 0, 0, 0, -1); }
};

/// Decay point of particle q: its production vertex plus a flight length drawn from an exponential
/// of mean beta*gamma*c*tau along its momentum (ctau <= 0: prompt).
UMBRA_HD inline void decay_vertex(Philox& rng, const GenParticle& q, double ctau, double v[3]) {
  v[0] = q.vx, v[1] = q.vy, v[2] = q.vz;
  const double m = q.p.m(), p = q.p.p();
  if (ctau <= 0 || m <= 0 || p <= 0) return;
  const double length = rng.exponential(p / m * ctau);
  v[0] += length * q.p.px / p, v[1] += length * q.p.py / p, v[2] += length * q.p.pz / p;
}

/// Isotropic two-body decay of particle `parent` (rest frame), daughters appended to the event.
UMBRA_HD inline void decay_two_body(Philox& rng, GenEvent& ev, int parent, int pdg1, double m1, int pdg2, double m2,
                                    double ctau) {
  if (parent < 0) return;
  double v[3];
  decay_vertex(rng, ev.part[parent], ctau, v);
  const FourVector P = ev.part[parent].p;
  const double q = two_body_momentum(P.m(), m1, m2);
  const FourVector d1 = polar(q, m1, rng.uniform(-1, 1), rng.uniform(0, constants::two_pi));
  const FourVector d2{-d1.px, -d1.py, -d1.pz, sqrt(q * q + m2 * m2)};
  ev.add(pdg1, from_rest_frame(d1, P), v[0], v[1], v[2], parent);
  ev.add(pdg2, from_rest_frame(d2, P), v[0], v[1], v[2], parent);
}

/// Three-body decay M -> 1 2 3 by flat phase space: m12 uniform with weight p3* x p12* (the
/// phase-space density in m12), accept-reject against its bound; isotropic orientations.
UMBRA_HD inline void decay_three_body(Philox& rng, GenEvent& ev, int parent, int pdg1, double m1, int pdg2, double m2,
                                      int pdg3, double m3, double ctau) {
  if (parent < 0) return;
  double v[3];
  decay_vertex(rng, ev.part[parent], ctau, v);
  const FourVector P = ev.part[parent].p;
  const double M = P.m(), lo = m1 + m2, hi = M - m3;
  const double bound = two_body_momentum(M, lo, m3) * two_body_momentum(hi, m1, m2);
  double m12 = lo;
  for (int trial = 0;; ++trial) {
    if (trial == 100000) {
      ev.status = GenStatus::TooManyTrials;
      return;
    }
    m12 = rng.uniform(lo, hi);
    if (rng.uniform() * bound <= two_body_momentum(M, m12, m3) * two_body_momentum(m12, m1, m2)) break;
  }
  const double p3 = two_body_momentum(M, m12, m3);
  const FourVector d3 = polar(p3, m3, rng.uniform(-1, 1), rng.uniform(0, constants::two_pi));
  const FourVector s12{-d3.px, -d3.py, -d3.pz, sqrt(p3 * p3 + m12 * m12)};
  const double q = two_body_momentum(m12, m1, m2);
  const FourVector d1 = polar(q, m1, rng.uniform(-1, 1), rng.uniform(0, constants::two_pi));
  const FourVector d2{-d1.px, -d1.py, -d1.pz, sqrt(q * q + m2 * m2)};
  ev.add(pdg1, from_rest_frame(from_rest_frame(d1, s12), P), v[0], v[1], v[2], parent);
  ev.add(pdg2, from_rest_frame(from_rest_frame(d2, s12), P), v[0], v[1], v[2], parent);
  ev.add(pdg3, from_rest_frame(d3, P), v[0], v[1], v[2], parent);
}

/// cos(theta) with density (1 + cos^2) on [-1, 1], by inverting the CDF (a depressed cubic,
/// c^3 + 3c + 4 - 8u = 0, one real root by Cardano): one uniform per draw.
UMBRA_HD inline double sample_one_plus_cos2(Philox& rng) {
  const double q = 4.0 - 8.0 * rng.uniform();
  const double r = sqrt(0.25 * q * q + 1.0);
  return cbrt(-0.5 * q + r) + cbrt(-0.5 * q - r);
}

/// cos(theta) on [-c_max, c_max] with density f(c) / (1 - c^2) where 0 <= f <= f_max: the
/// t/u-channel envelope 1/(1-c^2) is sampled exactly (c = tanh of a uniform), f by acceptance.
template <class F>
UMBRA_HD double sample_over_sin2(Philox& rng, double c_max, double f_max, const F& f, GenStatus& status) {
  const double a = atanh(c_max);
  for (int trial = 0; trial < 100000; ++trial) {
    const double c = tanh(a * (2.0 * rng.uniform() - 1.0));
    if (rng.uniform() * f_max <= f(c)) return c;
  }
  status = GenStatus::TooManyTrials;
  return 0;
}

}  // namespace umbra::sim
