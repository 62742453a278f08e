// `umbra simulate`: fast simulation of one process (or a mix) into an umbra-events file.
//
// Event count: --events N, or --lumi L [pb^-1] giving n = round(sigma * L) (rounded, not Poisson,
// so a luminosity sample is reproducible and its size predictable). --mix a:b:c writes several
// processes into one file, one after another, each with n_i = round(sigma_i * L) under --lumi, or
// N split in proportion to the cross-sections under --events. Process ids go to /mc/process
// (event_offsets + `id` i32, exactly one entry per event: the index of the process in
// `umbra::sim::process_names()`, also written as root attribute "processes"). Events of the k-th
// process of a mix carry global event numbers (continuing the count) so their random streams
// differ. Options are validated before the output is opened; a refused run leaves no file.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "progress.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/io/event_file.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::cli {
namespace {

/// /mc/process: one process id per event.
struct ProcessIds : Offsets {
  std::vector<std::int32_t> id;
  std::uint64_t size() const { return id.size(); }
  void close_event() { event_offsets.push_back(size()); }
  template <class F>
  void for_each_column(F&& f) const { f("id", id); }
  template <class F>
  void for_each_column(F&& f) { f("id", id); }
};

std::vector<std::string> split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  for (std::string item; std::getline(ss, item, sep);) out.push_back(item);
  return out;
}

}  // namespace

void add_simulate_command(CLI::App& app) {
  struct Args {
    sim::SimulationOptions o;
    std::string output, mix;
    std::uint64_t events = 0, batch = 10000;
    double lumi = -1;
    int threads = 0;
    double gun_theta_min_deg = 32.2, gun_theta_max_deg = 128.7, gun_phi_min_deg = 0, gun_phi_max_deg = 360;
    bool no_ecl = false, no_tracker = false, quiet = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("simulate", "Fast simulation of dark-sector signals and QED backgrounds");
  std::string names;
  for (const auto& n : sim::process_names()) names += (names.empty() ? "" : " ") + n;
  cmd->add_option("--process", a->o.process, "Process: " + names)->capture_default_str();
  cmd->add_option("--mix", a->mix, "Several processes into one file, e.g. gg:ggg:ee (ids in /mc/process)");
  cmd->add_option("--events", a->events, "Number of events");
  cmd->add_option("--lumi", a->lumi, "Integrated luminosity [pb^-1]: n = round(sigma * L)");
  cmd->add_option("-o,--output", a->output, "Output umbra-events file")->required();
  cmd->add_option("--mass", a->o.mass, "Mass [GeV] of the ALP, Z', chi1 (idm) or S (scalar)")->capture_default_str();
  cmd->add_option("--coupling", a->o.coupling, "ALP g [GeV^-1], Z' g', idm epsilon")->capture_default_str();
  cmd->add_option("--splitting", a->o.splitting, "idm: (m_chi2 - m_chi1)/m_chi1")->capture_default_str();
  cmd->add_option("--dark-photon-ratio", a->o.dark_photon_ratio, "idm: m_A'/m_chi1")->capture_default_str();
  cmd->add_option("--lifetime", a->o.lifetime, "c*tau [cm] of chi2 (idm) or S (scalar)")->capture_default_str();
  cmd->add_option("--branching", a->o.branching, "scalar: BR(B -> K S)")->capture_default_str();
  cmd->add_option("--decay-mode", a->o.decay_mode, "scalar: mumu ee pipi")->capture_default_str();
  cmd->add_option("--meson", a->o.meson, "pgamma: pi0 eta etaprime")->capture_default_str();
  cmd->add_option("--ggg-min-energy", a->o.ggg_min_energy, "ggg: CM soft cut-off [GeV]")->capture_default_str();
  cmd->add_option("--gun-pdg", a->o.gun_pdg, "gun: PDG code")->capture_default_str();
  cmd->add_option("--gun-energy", a->o.gun_energy, "gun: energy [GeV]")->capture_default_str();
  cmd->add_option("--gun-theta-min", a->gun_theta_min_deg, "gun: min polar angle [deg]")->capture_default_str();
  cmd->add_option("--gun-theta-max", a->gun_theta_max_deg, "gun: max polar angle [deg]")->capture_default_str();
  cmd->add_option("--gun-phi-min", a->gun_phi_min_deg, "gun: min azimuth [deg]")->capture_default_str();
  cmd->add_option("--gun-phi-max", a->gun_phi_max_deg, "gun: max azimuth [deg]")->capture_default_str();
  cmd->add_option("--gun-multiplicity", a->o.gun_multiplicity, "gun: particles per event")->capture_default_str();
  cmd->add_option("--beam-background", a->o.beam_background, "ECL beam background factor (0 none, 1 nominal)")
      ->capture_default_str();
  cmd->add_flag("--no-ecl", a->no_ecl, "No ECL response");
  cmd->add_flag("--no-tracker", a->no_tracker, "No tracker response");
  cmd->add_option("--seed", a->o.seed, "Random seed")->capture_default_str();
  cmd->add_option("--batch", a->batch, "Events per batch written")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or summary");

  cmd->callback([a] {
    sim::SimulationOptions base = a->o;
    base.ecl = !a->no_ecl;
    base.tracker = !a->no_tracker;
    const double deg = units::deg;
    base.gun_theta_min = a->gun_theta_min_deg * deg, base.gun_theta_max = a->gun_theta_max_deg * deg;
    base.gun_phi_min = a->gun_phi_min_deg * deg, base.gun_phi_max = a->gun_phi_max_deg * deg;

    // Everything is checked before the output file is opened.
    const bool by_events = a->events > 0, by_lumi = a->lumi >= 0;
    if (by_events == by_lumi) {
      if (a->events == 0 && !by_lumi) throw OptionsError("give --events N (N > 0) or --lumi L");
      throw OptionsError("give either --events or --lumi, not both");
    }
    if (by_lumi && !(a->lumi > 0 && std::isfinite(a->lumi))) throw OptionsError("--lumi must be > 0 pb^-1");
    if (a->threads < 0) throw OptionsError("--threads must be >= 0");
    const std::vector<std::string> procs = a->mix.empty() ? std::vector<std::string>{base.process} : split(a->mix, ':');
    std::vector<sim::SimulationOptions> opts;
    std::vector<double> sigma;
    for (const auto& p : procs) {
      sim::SimulationOptions o = base;
      o.process = p;
      if (const std::string bad = o.validate(); !bad.empty()) throw OptionsError(bad);
      opts.push_back(o);
      sigma.push_back(sim::cross_section_pb(o));
      if (sigma.back() <= 0 && (by_lumi || procs.size() > 1))
        throw OptionsError("process '" + p + "' has no cross-section: use --events without --mix");
    }
    double sigma_total = 0;
    for (double s : sigma) sigma_total += s;
    std::vector<std::uint64_t> counts;
    for (std::size_t k = 0; k < procs.size(); ++k) {
      const double n = by_lumi ? sigma[k] * a->lumi
                               : (procs.size() == 1 ? double(a->events) : double(a->events) * sigma[k] / sigma_total);
      counts.push_back(std::uint64_t(std::llround(n)));
    }
    std::uint64_t total = 0;
    for (auto n : counts) total += n;
    if (total == 0) throw OptionsError("the sample would hold zero events (raise --events or --lumi)");

    umbra::cpu::set_thread_count(a->threads);
    const auto bar = progress_bar("simulate", "events", a->quiet);
    io::EventFileWriter writer(a->output);
    std::uint64_t done = 0, first = 0;
    sim::SimulationSummary sum_all;
    for (std::size_t k = 0; k < procs.size(); ++k) {
      const int id = int(std::find(sim::process_names().begin(), sim::process_names().end(), procs[k]) -
                         sim::process_names().begin());
      for (std::uint64_t b = 0; b < counts[k]; b += a->batch) {
        const std::uint64_t n = std::min(a->batch, counts[k] - b);
        sim::SimulationSummary s;
        const EventBatch batch = sim::simulate(opts[k], first + b, n, &s);
        writer.append(batch);
        ProcessIds ids;
        for (std::uint64_t e = 0; e < n; ++e) ids.id.push_back(id), ids.close_event();
        writer.append_group("/mc/process", ids);
        sum_all.n_events += s.n_events, sum_all.n_digits += s.n_digits, sum_all.n_hits += s.n_hits;
        sum_all.n_particles += s.n_particles, sum_all.generator_failures += s.generator_failures;
        sum_all.digit_overflows += s.digit_overflows, sum_all.seconds += s.seconds;
        done += n;
        if (bar) bar(done, total);
      }
      first += counts[k];
      writer.set_attribute("cross_section_pb." + procs[k], sigma[k]);
    }
    writer.set_attribute("generator", "umbra simulate");
    writer.set_attribute("processes", a->mix.empty() ? base.process : a->mix);
    writer.set_attribute("seed", double(base.seed));
    if (by_lumi) writer.set_attribute("lumi_inv_pb", a->lumi);
    writer.commit();
    if (!a->quiet) std::fprintf(stderr, "%s -> %s\n", sum_all.brief().c_str(), a->output.c_str());
  });
}

}  // namespace umbra::cli
