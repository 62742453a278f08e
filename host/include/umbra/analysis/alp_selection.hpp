#pragma once
// ALP -> gamma gamma event selection (e+e- -> gamma a, a -> gamma gamma; reference/belle2.md
// "ALP -> gamma gamma analysis"): exactly three photon candidates, energy sum and momentum
// balance consistent with sqrt(s), no good tracks, timing (and optional shape) quality.
//
// Pair choice: each of the three photons in turn is taken as the recoil photon and the other two
// as the ALP candidate, so an event yields three candidates, each with M^2_gg of the pair and
// M^2_recoil of the third photon. For signal the true pairing peaks in both observables (M^2_gg
// at m_a^2, M^2_recoil = s - 2 sqrt(s) E*_recoil at m_a^2 as well); the two wrong pairings spread
// smoothly and are absorbed by the scan's background polynomial, as in the published analysis,
// which does not try to guess the pairing.

#include <cstdint>
#include <string>
#include <vector>

#include "umbra/core/candidates.hpp"
#include "umbra/core/four_vector.hpp"
#include "umbra/analysis/photon_energy_correction.hpp"
#include "umbra/core/units.hpp"
#include "umbra/ecl/showers.hpp"
#include "umbra/track/tracks.hpp"

namespace umbra::analysis {

struct AlpSelectionOptions {
  // Shower energies are divided by the photon leakage correction first (photon_energy_correction.hpp).
  bool correct_photon_energy = true;
  // Photon candidates: showers with lab energy above min_photon_energy inside the polar range
  // where the CDC can veto charged tracks (reference/belle2.md: CDC acceptance 17-150 deg).
  double min_photon_energy = 0.65;  // GeV (lab)
  double theta_min = 17.0 * units::deg, theta_max = 150.0 * units::deg;
  double max_abs_time = 20.0;       // ns: in-time with the collision (beam background is not)
  double min_e9_e21 = 0.0;          // shape quality; 0 disables
  // Other showers above this energy anywhere make the event fail "exactly three".
  double veto_photon_energy = 0.65;  // GeV (lab)
  // Kinematics of the three photons in the CM frame.
  double min_energy_sum_fraction = 0.88, max_energy_sum_fraction = 1.03;  // of sqrt(s)
  double max_cm_momentum = 0.5;  // GeV, |sum p*|
  // Good tracks (veto): fitted, pt above, from the interaction region.
  double track_min_pt = 0.1, track_max_abs_d0 = 2.0, track_max_abs_z0 = 4.0;  // GeV, cm, cm

  std::string validate() const;
};

/// Why an event was kept or not (first failing cut), for the cut-flow.
enum class AlpCut : std::uint8_t {
  passed = 0,
  photon_count,    // not exactly three photon candidates
  energy_sum,
  momentum_balance,
  track_veto,
  n_cuts
};
const char* to_string(AlpCut c);

struct AlpSelectionSummary {
  std::uint64_t events = 0;
  std::uint64_t failed[int(AlpCut::n_cuts)] = {};  // index by AlpCut; [passed] = selected events
  std::uint64_t candidates = 0;
  bool track_veto_applied = false;  // false when the input had no /tracks
  std::string brief() const;
};

/// The per-event step, one source for both backends: reads the event's showers (and its count of
/// good tracks), writes up to three candidates into slots [3e, 3e+3) and the event's AlpCut.
struct AlpSelectStep {
  struct ShowersView {
    EventRanges events;
    Span<const float> energy, theta, phi, time, e9_e21;
    Span<const std::uint8_t> region;
  } showers;
  PhotonEnergyCorrection correction;
  Span<const std::uint32_t> good_tracks;  // per event; empty: no veto
  AlpSelectionOptions opt;
  Beams beams;
  Span<double> m2_gg, m2_recoil;  // 3 per event
  Span<std::uint64_t> recoil_shower;  // 3 per event: shower index (in the batch) of the recoil photon
  Span<std::uint8_t> cut;         // per event

  UMBRA_HD void operator()(std::uint64_t e) const;
};

/// Selection of a batch: candidates in event order (3 per selected event). `tracks` may be null
/// (no veto). `recoil_shower`, if given, receives per candidate the batch index of the shower taken
/// as the recoil photon (for truth matching). `correction` null: the embedded default table when opt.correct_photon_energy.
/// Throws OptionsError on invalid options.
Candidates select_alp(const ecl::EclShowers& showers, const track::Tracks* tracks, const AlpSelectionOptions& opt,
                      AlpSelectionSummary* summary = nullptr, const PhotonEnergyCorrection* correction = nullptr,
                      std::vector<std::uint64_t>* recoil_shower = nullptr);

/// Per event, the good tracks of the veto (fitted, pt and impact parameters within the options' cuts).
/// Throws InputError when `tracks` does not hold n_events events.
std::vector<std::uint32_t> count_good_tracks(const track::Tracks& tracks, std::uint64_t n_events,
                                             const AlpSelectionOptions& opt);

/// The same with the veto given directly: `charged` (null: no veto) holds per event the number of
/// charged tracks seen (e.g. from a hit count when no track fit was run); non-zero vetoes the event.
Candidates select_alp_vetoed(const ecl::EclShowers& showers, const std::vector<std::uint32_t>* charged,
                             const AlpSelectionOptions& opt, AlpSelectionSummary* summary = nullptr,
                             const PhotonEnergyCorrection* correction = nullptr,
                             std::vector<std::uint64_t>* recoil_shower = nullptr);

}  // namespace umbra::analysis

#include "umbra/analysis/alp_selection_inl.hpp"
