#include "process.hpp"

#include <algorithm>

#include "umbra/core/error.hpp"

namespace umbra::sim {

const std::vector<std::string>& process_names() {
  static const std::vector<std::string> names = {"alp", "gg",     "ggg", "pgamma", "ee",  "mumu",
                                                 "zprime", "emu", "idm", "scalar", "gun"};
  return names;
}

namespace detail {

int process_index(const std::string& name) {
  const auto& n = process_names();
  const auto it = std::find(n.begin(), n.end(), name);
  return it == n.end() ? -1 : int(it - n.begin());
}

namespace {
int meson_pdg(const std::string& m) { return m == "eta" ? pdg::eta : m == "etaprime" ? pdg::etaprime : pdg::pi0; }
int scalar_daughter(const std::string& m) { return m == "ee" ? pdg::electron : m == "pipi" ? pdg::pion : pdg::muon; }
}  // namespace

ProcessGenerator make_generator(const SimulationOptions& o, double* cross_section) {
  ProcessGenerator g;
  g.process = Process(process_index(o.process));
  const double c_max = cm_cos_cut(o.theta_min, o.theta_max, superkekb().beta_z);
  double sigma = 0;
  switch (g.process) {
    case Process::Alp:
      g.alp = {o.mass, o.coupling};
      sigma = alp_cross_section_pb(o.mass, o.coupling);
      break;
    case Process::GammaGamma:
      g.gg.c_max = c_max;
      sigma = gg_cross_section_pb(c_max);
      break;
    case Process::GammaGammaGamma:
      g.ggg.c_max = c_max;
      g.ggg.e_min = o.ggg_min_energy;
      sigma = ggg_integrate(g.ggg);
      break;
    case Process::PseudoscalarGamma:
      g.pgamma.meson_pdg = meson_pdg(o.meson);
      sigma = pgamma_cross_section_pb(g.pgamma.meson_pdg);
      break;
    case Process::Bhabha:
    case Process::MuMu:
      g.leptons.lepton = g.process == Process::Bhabha ? pdg::electron : pdg::muon;
      g.leptons.c_max = c_max;
      g.leptons.isr.enabled = o.isr;
      sigma = lepton_pair_cross_section_pb(g.leptons.lepton, c_max);
      break;
    case Process::Zprime:
    case Process::EMu:
      g.zprime.mass = o.mass;
      g.zprime.lepton_flavour_violating = g.process == Process::EMu;
      sigma = zprime_cross_section_pb(o.mass, o.coupling);
      break;
    case Process::InelasticDM:
      g.idm = {o.mass, o.splitting, o.dark_photon_ratio, o.lifetime, c_max};
      sigma = idm_cross_section_pb(o.dark_photon_ratio * o.mass, o.coupling, c_max);
      break;
    case Process::Scalar:
      g.scalar = {o.mass, o.lifetime, scalar_daughter(o.decay_mode)};
      sigma = scalar_cross_section_pb(o.branching);
      break;
    case Process::Gun:
      g.gun = {o.gun_pdg, o.gun_energy, o.gun_theta_min, o.gun_theta_max, o.gun_phi_min, o.gun_phi_max,
               o.gun_multiplicity};
      break;
  }
  if (cross_section) *cross_section = sigma;
  return g;
}

}  // namespace detail

double cross_section_pb(const SimulationOptions& o) {
  if (const std::string bad = o.validate(); !bad.empty()) throw OptionsError(bad);
  double sigma = 0;
  detail::make_generator(o, &sigma);
  return sigma;
}

}  // namespace umbra::sim
