#pragma once
// The fast simulation's in-memory API: generate events of one process, run the ECL response (and
// the tracker response), return a batch in the umbra-events layout. Event e of a sample depends
// only on (options, seed, e): any split into batches and any thread count give the same events.

#include <cstdint>
#include <string>
#include <vector>

#include "umbra/core/event_data.hpp"
#include "umbra/core/units.hpp"
#include "umbra/sim/gen_event.hpp"
#include "umbra/sim/ecl_response.hpp"
#include "umbra/sim/tracker_response.hpp"

namespace umbra::sim {

struct SimulationOptions {
  /// alp gg ggg pgamma ee mumu zprime emu idm scalar gun (see sim/README.md).
  std::string process = "alp";
  double mass = 0.5;        // GeV: ALP, Z', chi1 (idm) or S (scalar) mass
  double coupling = 1e-3;   // ALP g_agg [GeV^-1]; Z' g'; idm kinetic mixing epsilon
  double splitting = 0.1;   // idm: (m_chi2 - m_chi1) / m_chi1
  double dark_photon_ratio = 3.0;  // idm: m_A' / m_chi1
  double lifetime = 10.0;   // c*tau [cm] of chi2 (idm) and S (scalar)
  double branching = 1e-6;  // scalar: BR(B+ -> K+ S)
  std::string decay_mode = "mumu";  // scalar: mumu ee pipi
  std::string meson = "pi0";        // pgamma: pi0 eta etaprime
  // QED processes: lab polar acceptance turned into a CM |cos theta*| cut (cm_cos_cut).
  double theta_min = 12.4 * units::deg, theta_max = 155.1 * units::deg;  // ECL (reference/belle2.md)
  double ggg_min_energy = 0.1;  // GeV, CM soft cut-off of every photon in ggg
  bool isr = true;              // ee, mumu: one initial-state photon
  // Particle gun.
  int gun_pdg = 22;
  double gun_energy = 1.0;  // GeV
  double gun_theta_min = 32.2 * units::deg, gun_theta_max = 128.7 * units::deg;  // barrel
  double gun_phi_min = 0.0, gun_phi_max = constants::two_pi;
  int gun_multiplicity = 1;

  double beam_background = 1.0;  // 0 = none, 1 = nominal
  bool ecl = true, tracker = true;
  EclResponseOptions ecl_response;          // beam_background above overrides its field
  TrackerResponseOptions tracker_response;
  std::uint64_t seed = 1;

  /// Empty when valid, else a message naming the bad field.
  std::string validate() const;
};

/// Process names in the order of the Process enum.
const std::vector<std::string>& process_names();

/// Cross-section [pb] of the process with these options, 0 for the gun.
double cross_section_pb(const SimulationOptions&);

/// Appends a generated event's particles to `mc` as one event (closes it).
void append_mc(const GenEvent& g, McParticles& mc);

struct SimulationSummary {
  std::uint64_t n_events = 0, n_particles = 0, n_digits = 0, n_hits = 0;
  std::uint64_t generator_failures = 0;  // events whose generator returned a status (kept, short)
  std::uint64_t digit_overflows = 0;     // events that filled the digit accumulator
  double seconds = 0;
  std::string brief() const;
};

/// Events [first, first + n) of the sample: deterministic per event number, thread-independent.
/// Throws OptionsError when options.validate() fails.
EventBatch simulate(const SimulationOptions&, std::uint64_t first_event, std::uint64_t n_events,
                    SimulationSummary* summary = nullptr);

}  // namespace umbra::sim
