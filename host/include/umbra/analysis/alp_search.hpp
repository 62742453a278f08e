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
  // Charged-track veto without running the track fit: processes with charged final states get
  // tracker hits simulated, and an event with at least this many CDC hits is vetoed (a track
  // crossing the CDC leaves ~56, noise ~5). With 0 the veto is off.
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
