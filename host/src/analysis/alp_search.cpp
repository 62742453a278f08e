#include "umbra/analysis/alp_search.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "umbra/core/error.hpp"
#include "umbra/core/gather_events.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::analysis {

std::string AlpSearchOptions::validate() const {
  if (!(lumi > 0)) return "lumi must be > 0 pb^-1";
  if (backgrounds.empty() && signals.empty()) return "nothing to simulate: no backgrounds and no signals";
  for (const auto& b : backgrounds) {
    bool known = false;
    for (const auto& p : sim::process_names()) known |= p == b;
    if (!known || b == "gun") return "unknown background process '" + b + "'";
  }
  for (const auto& s : signals)
    if (!(s.mass > 0 && s.mass < constants::sqrt_s && s.coupling > 0)) return "injected signals need 0 < mass < sqrt(s), coupling > 0";
  if (batch == 0) return "batch must be > 0";
  if (veto == ChargedVeto::cdc_hits && veto_min_cdc_hits <= 0) return "veto_min_cdc_hits must be > 0";
  if (std::string m = selection.validate(); !m.empty()) return "selection: " + m;
  if (std::string m = clustering.validate(); !m.empty()) return "clustering: " + m;
  if (run_scan)
    if (std::string m = scan.validate(); !m.empty()) return "scan: " + m;
  return {};
}

std::string AlpSearchResult::brief() const {
  std::ostringstream s;
  s << "alp search: " << candidates.size() << " candidates";
  for (const auto& p : processes) {
    s << "\n  " << p.process << ": sigma " << p.cross_section_pb << " pb, generated " << p.generated << ", selected "
      << p.selected_events << " events (" << p.candidates << " candidates)";
    if (p.fitted_events)
      s << "; track veto: " << p.fitted_events << " events fitted, " << p.vetoed_events << " vetoed";
  }
  s << "\n  reconstruction " << seconds_reconstruction << " s, scan " << seconds_scan << " s";
  return s.str();
}

namespace {
bool has_charged_final_state(const std::string& process) {
  return process == "ee" || process == "mumu" || process == "emu" || process == "zprime" || process == "idm" ||
         process == "scalar";
}

// Per event: 1 when the CDC saw a charged track (>= min_hits hits), else 0.
std::vector<std::uint32_t> cdc_veto(const TrackerHits& h, int min_hits) {
  std::vector<std::uint32_t> v(h.n_events(), 0);
  for (std::uint64_t e = 0; e < h.n_events(); ++e) {
    int n = 0;
    for (auto i = h.begin(e); i < h.end(e); ++i) n += h.detector[i] == std::uint8_t(TrackerDetector::CDC);
    v[e] = n >= min_hits;
  }
  return v;
}

struct TrackVeto {
  std::vector<std::uint32_t> good_tracks;  // per event of the batch
  std::uint64_t fitted = 0, vetoed = 0;
};

// Good tracks per event, fitting only the events that pass every photon cut (the veto cannot
// change any other event's fate).
TrackVeto track_fit_veto(const tracker::TrackerGeometry& geo, const EventBatch& b, const ecl::EclShowers& showers,
                         const AlpSelectionOptions& sel) {
  const Candidates photons_only = select_alp_vetoed(showers, nullptr, sel);
  std::vector<std::uint64_t> passing;
  for (std::uint64_t e = 0; e < photons_only.n_events(); ++e)
    if (photons_only.count(e) > 0) passing.push_back(e);
  TrackVeto v;
  v.good_tracks.assign(b.n_events(), 0);
  v.fitted = passing.size();
  if (passing.empty()) return v;
  const track::FitResult fit = cpu::fit_tracks(geo, gather_events(b.hits, passing));
  const std::vector<std::uint32_t> good = count_good_tracks(fit.tracks, passing.size(), sel);
  for (std::size_t k = 0; k < passing.size(); ++k) {
    v.good_tracks[passing[k]] = good[k];
    v.vetoed += good[k] > 0;
  }
  return v;
}
}  // namespace

AlpSearchResult run_alp_search(const AlpSearchOptions& opt, const scan::SignalTable& table,
                               const SearchProgress& progress) {
  if (const std::string m = opt.validate(); !m.empty()) throw OptionsError("alp search: " + m);
  const auto t0 = std::chrono::steady_clock::now();
  AlpSearchResult r;
  struct Job {
    sim::SimulationOptions so;
    std::string name;
  };
  std::vector<Job> jobs;
  for (const auto& b : opt.backgrounds) {
    sim::SimulationOptions so;
    so.process = b;
    jobs.push_back({so, b});
  }
  for (const auto& s : opt.signals) {
    sim::SimulationOptions so;
    so.process = "alp";
    so.mass = s.mass;
    so.coupling = s.coupling;
    std::ostringstream n;
    n << "alp(m=" << s.mass << ",g=" << s.coupling << ")";
    jobs.push_back({so, n.str()});
  }
  std::uint64_t total = 0;
  std::vector<std::uint64_t> n_events;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    auto& so = jobs[j].so;
    so.beam_background = opt.beam_background;
    so.seed = opt.seed * 1000003ull + j;
    so.tracker = opt.veto != AlpSearchOptions::ChargedVeto::none && has_charged_final_state(so.process);
    if (const std::string m = so.validate(); !m.empty()) throw OptionsError("alp search: " + jobs[j].name + ": " + m);
    const double xs = sim::cross_section_pb(so);
    n_events.push_back(std::uint64_t(std::llround(xs * opt.lumi)));
    total += n_events.back();
    r.processes.push_back({jobs[j].name, xs, n_events.back(), 0, 0});
  }

  const ecl::EclGeometry geo;
  const tracker::TrackerGeometry tracker_geo = tracker::belle2_tracker();
  std::uint64_t done = 0;
  for (std::size_t j = 0; j < jobs.size(); ++j) {
    for (std::uint64_t first = 0; first < n_events[j]; first += opt.batch) {
      const std::uint64_t n = std::min(opt.batch, n_events[j] - first);
      const EventBatch b = sim::simulate(jobs[j].so, first, n);
      const auto reco = cpu::cluster_ecl(geo, b.digits, opt.clustering);
      std::vector<std::uint32_t> veto;  // per event: charged tracks seen
      if (jobs[j].so.tracker && opt.veto == AlpSearchOptions::ChargedVeto::cdc_hits) {
        veto = cdc_veto(b.hits, opt.veto_min_cdc_hits);
      } else if (jobs[j].so.tracker) {
        TrackVeto tv = track_fit_veto(tracker_geo, b, reco.showers, opt.selection);
        veto = std::move(tv.good_tracks);
        r.processes[j].fitted_events += tv.fitted;
        r.processes[j].vetoed_events += tv.vetoed;
      }
      AlpSelectionSummary ss;
      const Candidates c = select_alp_vetoed(reco.showers, jobs[j].so.tracker ? &veto : nullptr, opt.selection, &ss);
      for (std::uint64_t e = 0; e < c.n_events(); ++e) {
        for (auto i = c.begin(e); i < c.end(e); ++i) {
          r.candidates.push_back(c.m2_gg[i], c.m2_recoil[i]);
          r.candidate_process.push_back(std::int32_t(j));
        }
        r.candidates.close_event();
      }
      r.processes[j].selected_events += ss.failed[int(AlpCut::passed)];
      r.processes[j].candidates += ss.candidates;
      done += n;
      if (progress) progress(done, total);
    }
  }
  const auto t1 = std::chrono::steady_clock::now();
  r.seconds_reconstruction = std::chrono::duration<double>(t1 - t0).count();
  if (opt.run_scan) {
    scan::Spectrum spectrum;
    spectrum.m2_gg = r.candidates.m2_gg;
    spectrum.m2_recoil = r.candidates.m2_recoil;
    scan::ScanOptions so = opt.scan;
    so.lumi = opt.lumi;
    r.scan = scan::run_scan(std::move(spectrum), table, so, &r.scan_summary);
  }
  r.seconds_scan = std::chrono::duration<double>(std::chrono::steady_clock::now() - t1).count();
  return r;
}

}  // namespace umbra::analysis
