#pragma once
// Lepton pairs: radiative Bhabha e+e- -> e+e-(gamma) and e+e- -> mu+mu-(gamma).
// Leading-order angular distributions in the pair's rest frame, leptons restricted to
// |cos theta*| < c_max (the ECL acceptance). Radiation: with probability P_rad one initial-state
// photon of energy fraction x (of the beam energy) is emitted with the first-order spectrum
// beta (1 - x + x^2/2)/x, beta = (2 alpha/pi)(ln(s/m_e^2) - 1), x in [x_min, x_max], at a polar
// angle following the collinear 1/(1 - v cos) peak; the pair is then produced in the recoiling
// system (its axis taken along z). Cross-sections are the leading-order ones inside the cut; the
// radiative correction to the rate is not applied (approx.).

#include <cmath>

#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/particle_data.hpp"

namespace umbra::sim {

/// d sigma / d cos* shape (arbitrary normalisation, s = 1): Bhabha (s + t channels, massless) or
/// mu pair (s channel, lepton velocity v).
UMBRA_HD inline double bhabha_shape(double c) {
  const double t = -0.5 * (1 - c), u = -0.5 * (1 + c);
  return (1 + u * u) / (t * t) + 2 * u * u / t + (u * u + t * t);
}
UMBRA_HD inline double mumu_shape(double c, double v) { return 1 + c * c + (1 - v * v) * (1 - c * c); }

struct IsrSettings {
  double x_min = 0.01, x_max = 0.9;  // photon energy fraction of the beam energy
  bool enabled = true;
};

/// Probability of one hard ISR photon with x in [x_min, x_max] (first order, capped at 0.9).
UMBRA_HD inline double isr_probability(const IsrSettings& isr, double s) {
  if (!isr.enabled) return 0;
  const double beta = 2 * constants::alpha_qed / constants::pi *
                      (log(s / (constants::m_electron * constants::m_electron)) - 1);
  const double p = beta * (log(isr.x_max / isr.x_min) - (isr.x_max - isr.x_min) +
                           0.25 * (isr.x_max * isr.x_max - isr.x_min * isr.x_min));
  return p < 0.9 ? p : 0.9;
}

struct LeptonPairGenerator {
  int lepton = pdg::electron;  // 11 (Bhabha) or 13
  double c_max = 0.94;
  IsrSettings isr;

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    const Beams b = superkekb();
    FourVector pair{0, 0, 0, b.sqrt_s};  // CM
    if (rng.uniform() < isr_probability(isr, b.s)) {
      double x = isr.x_min;
      for (int trial = 0; trial < 1000; ++trial) {
        x = isr.x_min * pow(isr.x_max / isr.x_min, rng.uniform());
        if (rng.uniform() <= 1 - x + 0.5 * x * x) break;
      }
      const double k = x * 0.5 * b.sqrt_s, v = 1 - 2 * pow(constants::m_electron / b.sqrt_s, 2);
      // 1/(1 - v c): log-uniform in (1 - v c); emitted by either beam.
      const double y = (1 - v) * pow((1 + v) / (1 - v), rng.uniform());
      const double c = (1 - y) / v * (rng.uniform() < 0.5 ? 1 : -1);
      const FourVector g = polar(k, 0.0, c, rng.uniform(0, constants::two_pi));
      ev.add_primary(pdg::photon, b.to_lab(g));
      pair = pair - g;  // the recoiling system, (-k, sqrt_s - k)
    }
    const double m = pdg::mass(lepton), M = pair.m(), q = two_body_momentum(M, m, m);
    double c;
    if (lepton == pdg::electron) {
      // Envelope 1/(1-c)^2 (t-channel pole) sampled exactly; shape*(1-c)^2 <= 8 on [-1, 1].
      const double lo = 1 / (1 + c_max), hi = 1 / (1 - c_max);
      for (int trial = 0;; ++trial) {
        c = 1 - 1 / rng.uniform(lo, hi);
        if (rng.uniform() * 8.5 <= bhabha_shape(c) * (1 - c) * (1 - c)) break;
        if (trial == 100000) {
          ev.status = GenStatus::TooManyTrials;
          break;
        }
      }
    } else {
      const double v = q / sqrt(q * q + m * m);
      for (int trial = 0;; ++trial) {
        c = rng.uniform(-c_max, c_max);
        if (rng.uniform() * 2.0 <= mumu_shape(c, v)) break;
        if (trial == 100000) {
          ev.status = GenStatus::TooManyTrials;
          break;
        }
      }
    }
    // c is the angle of the negative lepton to the incoming e- (+z).
    const FourVector lm = polar(q, m, c, rng.uniform(0, constants::two_pi));
    const FourVector lp{-lm.px, -lm.py, -lm.pz, lm.e};
    ev.add_primary(lepton, b.to_lab(from_rest_frame(lm, pair)));
    ev.add_primary(-lepton, b.to_lab(from_rest_frame(lp, pair)));
  }
};

/// Leading-order cross-section [pb] inside |cos*| < c_max (Simpson's rule in cos*):
/// Bhabha d sigma/d Omega = (alpha^2/2s)[(s^2+u^2)/t^2 + 2u^2/(st) + (u^2+t^2)/s^2];
/// mu pairs d sigma/d Omega = (alpha^2/4s) v [1 + c^2 + (1 - v^2) sin^2].
inline double lepton_pair_cross_section_pb(int lepton, double c_max) {
  const Beams b = superkekb();
  const double a = constants::alpha_qed, m = pdg::mass(lepton);
  const double v = 2 * two_body_momentum(b.sqrt_s, m, m) / b.sqrt_s;
  const int n = 20000;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double c = -c_max + 2 * c_max * i / n;
    const double f = lepton == pdg::electron ? 0.5 * bhabha_shape(c) : 0.25 * v * mumu_shape(c, v);
    sum += f * (i == 0 || i == n ? 1 : (i % 2 ? 4 : 2));
  }
  const double integral = sum * (2 * c_max / n) / 3.0;
  return constants::two_pi * a * a / b.s * integral * constants::gev2_to_pb;
}

}  // namespace umbra::sim
