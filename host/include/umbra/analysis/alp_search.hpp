#pragma once
// The ALP -> gamma gamma search end to end on simulated data (issue 10): background processes at
// an integrated luminosity (plus optional injected signal) are simulated, clustered, vetoed and
// selected batch by batch in memory (digits are never written: at nominal beam background they are
// ~200 per event), and the candidates are scanned with the signal table. The file-based chain
// (`umbra simulate | reconstruct | select | scan`) runs the same library steps.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "umbra/analysis/alp_selection.hpp"
#include "umbra/core/candidates.hpp"
#include "umbra/ecl/clustering_options.hpp"
#include "umbra/scan/scan.hpp"

namespace umbra::analysis {

struct InjectedSignal {
  double mass = 1.0;        // GeV
  double coupling = 1e-3;   // GeV^-1: events = sigma(g, m) * lumi
};

struct AlpSearchOptions {
  double lumi = 10.0;  // pb^-1
  std::vector<std::string> backgrounds = {"ggg", "gg", "ee", "pgamma"};
  std::vector<InjectedSignal> signals;
  double beam_background = 1.0;
  std::uint64_t batch = 20000;  // events per in-memory batch
  std::uint64_t seed = 1;
  // Charged-track veto for processes with charged final states (their tracker hits are simulated):
  //   track_fit: the Kalman fit runs on the events that pass every photon cut, and an event with a
  //              good track (AlpSelectionOptions' track cuts) is vetoed. Fitting only those few
  //              events keeps the e+e- background (~70k events per pb^-1) affordable.
  //   cdc_hits:  no fit; an event with >= veto_min_cdc_hits CDC hits is vetoed (a track crossing
  //              the CDC leaves ~56, noise ~5). A quick approximation.
  //   none:      no veto.
  enum class ChargedVeto { track_fit, cdc_hits, none };
  ChargedVeto veto = ChargedVeto::track_fit;
  int veto_min_cdc_hits = 20;
  AlpSelectionOptions selection;
  ecl::ClusteringOptions clustering;
  scan::ScanOptions scan;
  bool run_scan = true;
  std::string validate() const;
};

struct AlpSearchProcessCount {
  std::string process;
  double cross_section_pb = 0;
  std::uint64_t generated = 0, selected_events = 0, candidates = 0;
  std::uint64_t fitted_events = 0, vetoed_events = 0;  // charged-track veto (track_fit)
};

struct AlpSearchResult {
  Candidates candidates;                        // all processes, in process then event order
  std::vector<std::int32_t> candidate_process;  // index into `processes`, per candidate
  std::vector<AlpSearchProcessCount> processes;
  scan::ScanResult scan;
  scan::ScanSummary scan_summary;
  double seconds_reconstruction = 0, seconds_scan = 0;
  std::string brief() const;
};

/// Progress: (events done, events total) now and then from the calling thread.
using SearchProgress = std::function<void(std::uint64_t, std::uint64_t)>;

AlpSearchResult run_alp_search(const AlpSearchOptions& opt, const scan::SignalTable& table,
                               const SearchProgress& progress = {});

}  // namespace umbra::analysis
