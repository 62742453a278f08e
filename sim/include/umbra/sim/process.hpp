#pragma once
// The generator of one process as a trivially copyable tagged record: every family's parameters
// side by side and a switch in the call operator (no virtual calls, usable in device code).
// Built on the host from SimulationOptions by make_generator() (sim/src/process.cpp).

#include <cstdint>

#include "umbra/sim/generators/alp.hpp"
#include "umbra/sim/generators/gun.hpp"
#include "umbra/sim/generators/idm.hpp"
#include "umbra/sim/generators/leptons.hpp"
#include "umbra/sim/generators/pgamma.hpp"
#include "umbra/sim/generators/qed_photons.hpp"
#include "umbra/sim/generators/scalar.hpp"
#include "umbra/sim/generators/zprime.hpp"

namespace umbra::sim {

enum class Process : std::uint8_t {
  Alp = 0, GammaGamma, GammaGammaGamma, PseudoscalarGamma, Bhabha, MuMu, Zprime, EMu, InelasticDM, Scalar, Gun
};
inline constexpr int n_processes = 11;

struct ProcessGenerator {
  Process process = Process::Alp;
  AlpGenerator alp;
  GammaGammaGenerator gg;
  GammaGammaGammaGenerator ggg;
  PseudoscalarGammaGenerator pgamma;
  LeptonPairGenerator leptons;
  ZprimeGenerator zprime;
  InelasticDarkMatterGenerator idm;
  ScalarGenerator scalar;
  GunGenerator gun;

  UMBRA_HD void operator()(Philox& rng, GenEvent& ev) const {
    switch (process) {
      case Process::Alp: alp(rng, ev); break;
      case Process::GammaGamma: gg(rng, ev); break;
      case Process::GammaGammaGamma: ggg(rng, ev); break;
      case Process::PseudoscalarGamma: pgamma(rng, ev); break;
      case Process::Bhabha: case Process::MuMu: leptons(rng, ev); break;
      case Process::Zprime: case Process::EMu: zprime(rng, ev); break;
      case Process::InelasticDM: idm(rng, ev); break;
      case Process::Scalar: scalar(rng, ev); break;
      case Process::Gun: gun(rng, ev); break;
    }
  }
};

}  // namespace umbra::sim
