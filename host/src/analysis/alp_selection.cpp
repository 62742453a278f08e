#include "umbra/analysis/alp_selection.hpp"

#include <cmath>
#include <sstream>
#include <utility>

#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"

namespace umbra::analysis {

std::string AlpSelectionOptions::validate() const {
  if (!(min_photon_energy > 0)) return "min_photon_energy must be > 0 GeV";
  if (!(veto_photon_energy > 0) || veto_photon_energy > min_photon_energy)
    return "veto_photon_energy must be in (0, min_photon_energy]";
  if (!(theta_min >= 0 && theta_min < theta_max && theta_max <= constants::pi))
    return "theta_min/theta_max must satisfy 0 <= theta_min < theta_max <= pi";
  if (!(max_abs_time > 0)) return "max_abs_time must be > 0 ns";
  if (!(min_energy_sum_fraction < max_energy_sum_fraction)) return "min_energy_sum_fraction must be < max_energy_sum_fraction";
  if (!(max_cm_momentum > 0)) return "max_cm_momentum must be > 0 GeV";
  if (!(track_min_pt >= 0 && track_max_abs_d0 > 0 && track_max_abs_z0 > 0)) return "track veto cuts must be positive";
  return {};
}

const char* to_string(AlpCut c) {
  switch (c) {
    case AlpCut::passed: return "selected";
    case AlpCut::photon_count: return "not exactly 3 photons";
    case AlpCut::energy_sum: return "energy sum";
    case AlpCut::momentum_balance: return "momentum balance";
    case AlpCut::track_veto: return "track veto";
    default: return "?";
  }
}

std::string AlpSelectionSummary::brief() const {
  std::ostringstream s;
  s << "alp selection: " << events << " events, " << failed[int(AlpCut::passed)] << " selected, " << candidates
    << " candidates; rejected:";
  for (int c = 1; c < int(AlpCut::n_cuts); ++c) s << " " << to_string(AlpCut(c)) << " " << failed[c] << ";";
  if (!track_veto_applied) s << " (no /tracks: track veto not applied)";
  return s.str();
}

std::vector<std::uint32_t> count_good_tracks(const track::Tracks& t, std::uint64_t n_events,
                                             const AlpSelectionOptions& opt) {
  if (t.n_events() != n_events)
    throw InputError("/tracks holds " + std::to_string(t.n_events()) + " events, /ecl/showers " +
                     std::to_string(n_events));
  std::vector<std::uint32_t> n(n_events, 0);
  for (std::uint64_t e = 0; e < n_events; ++e)
    for (std::uint64_t i = t.begin(e); i < t.end(e); ++i)
      if (t.status[i] == 0 && t.pt[i] >= opt.track_min_pt && std::fabs(t.d0[i]) <= opt.track_max_abs_d0 &&
          std::fabs(t.z0[i]) <= opt.track_max_abs_z0)
        ++n[e];
  return n;
}

Candidates select_alp(const ecl::EclShowers& showers, const track::Tracks* tracks, const AlpSelectionOptions& opt,
                      AlpSelectionSummary* summary, const PhotonEnergyCorrection* correction,
                      std::vector<std::uint64_t>* recoil_shower) {
  if (!tracks) return select_alp_vetoed(showers, nullptr, opt, summary, correction, recoil_shower);
  const std::vector<std::uint32_t> good = count_good_tracks(*tracks, showers.n_events(), opt);
  return select_alp_vetoed(showers, &good, opt, summary, correction, recoil_shower);
}

Candidates select_alp_vetoed(const ecl::EclShowers& showers, const std::vector<std::uint32_t>* charged,
                             const AlpSelectionOptions& opt, AlpSelectionSummary* summary,
                             const PhotonEnergyCorrection* correction, std::vector<std::uint64_t>* recoil_shower) {
  static const PhotonEnergyCorrection default_correction = default_photon_energy_correction();
  PhotonEnergyCorrection corr = PhotonEnergyCorrection::none();
  if (opt.correct_photon_energy) corr = correction ? *correction : default_correction;
  if (const std::string msg = opt.validate(); !msg.empty()) throw OptionsError("alp selection: " + msg);
  const std::uint64_t ne = showers.n_events();
  if (charged && charged->size() != ne)
    throw InputError("veto holds " + std::to_string(charged->size()) + " events, /ecl/showers " + std::to_string(ne));
  const Span<const std::uint32_t> veto = charged ? span_of(*charged) : Span<const std::uint32_t>{};
  std::vector<double> m2_gg(3 * ne), m2_recoil(3 * ne);
  std::vector<std::uint64_t> recoil(3 * ne);
  std::vector<std::uint8_t> cut(ne);
  const AlpSelectStep step{{showers.ranges(), span_of(showers.energy), span_of(showers.theta), span_of(showers.phi),
                            span_of(showers.time), span_of(showers.e9_e21), span_of(showers.detector_region)},
                           corr,
                           veto,
                           opt,
                           superkekb(),
                           span_of(m2_gg),
                           span_of(m2_recoil),
                           span_of(recoil),
                           span_of(cut)};
  cpu::for_each(ne, step);

  Candidates c;
  AlpSelectionSummary s;
  if (recoil_shower) recoil_shower->clear();
  s.events = ne;
  s.track_veto_applied = charged != nullptr;
  for (std::uint64_t e = 0; e < ne; ++e) {
    ++s.failed[cut[e]];
    if (cut[e] == std::uint8_t(AlpCut::passed))
      for (int k = 0; k < 3; ++k) {
        c.push_back(m2_gg[3 * e + k], m2_recoil[3 * e + k]);
        if (recoil_shower) recoil_shower->push_back(recoil[3 * e + k]);
      }
    c.close_event();
  }
  s.candidates = c.size();
  if (summary) *summary = s;
  return c;
}

}  // namespace umbra::analysis
