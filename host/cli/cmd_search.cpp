// `umbra search alp`: the ALP -> gamma gamma search end to end on simulated data (the default job):
// simulate backgrounds (+ injected signal) at a luminosity, cluster, veto, select, scan; writes
// candidates.h5, scan.{h5,csv,json} (+ scan_variants.csv), processes.csv and signal_table.csv
// into the output folder.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>

#include "commands.hpp"
#include "progress.hpp"
#include "umbra/analysis/alp_calibration.hpp"
#include "umbra/analysis/alp_search.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/io/event_file.hpp"
#include "umbra/scan/scan_io.hpp"

namespace umbra::cli {
namespace {

void write_processes_csv(const std::string& path, const analysis::AlpSearchResult& r) {
  std::ofstream out(path + ".tmp");
  out << "process,cross_section_pb,generated,selected_events,candidates,veto_fitted_events,veto_vetoed_events\n";
  for (const auto& p : r.processes)
    out << p.process << "," << p.cross_section_pb << "," << p.generated << "," << p.selected_events << ","
        << p.candidates << "," << p.fitted_events << "," << p.vetoed_events << "\n";
  out.close();
  std::filesystem::rename(path + ".tmp", path);
}

analysis::InjectedSignal parse_signal(const std::string& s) {
  // "MASS:COUPLING", e.g. 1.5:2e-3
  const auto colon = s.find(':');
  analysis::InjectedSignal sig;
  try {
    sig.mass = std::stod(s.substr(0, colon));
    if (colon != std::string::npos) sig.coupling = std::stod(s.substr(colon + 1));
  } catch (const std::exception&) {
    throw OptionsError("--inject expects MASS[:COUPLING], got '" + s + "'");
  }
  return sig;
}

}  // namespace

void add_search_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("search", "End-to-end searches on simulated data");
  cmd->require_subcommand(1);
  struct Args {
    analysis::AlpSearchOptions opt;
    std::string output = "out", eff_table;
    std::vector<std::string> inject;
    int threads = 0;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* alp = cmd->add_subcommand("alp", "ALP -> gamma gamma: simulate, reconstruct, select, scan");
  alp->add_option("-o,--output", a->output, "Output folder")->capture_default_str();
  alp->add_option("--lumi", a->opt.lumi, "Integrated luminosity [pb^-1] (the published analysis: 445)")
      ->capture_default_str();
  alp->add_option("--backgrounds", a->opt.backgrounds, "Background processes")->capture_default_str();
  alp->add_option("--inject", a->inject, "Injected signal MASS[:COUPLING] (GeV, GeV^-1), repeatable");
  alp->add_option("--beam-background", a->opt.beam_background, "Beam background factor")->capture_default_str();
  alp->add_option("--seed", a->opt.seed, "Random seed")->capture_default_str();
  alp->add_option("--batch", a->opt.batch, "Events per in-memory batch")->capture_default_str();
  alp->add_option("--masses", a->opt.scan.masses, "Explicit mass grid [GeV] (default: step of half the resolution)");
  alp->add_option("--mass-min", a->opt.scan.mass_min, "First mass [GeV]")->capture_default_str();
  alp->add_option("--mass-max", a->opt.scan.mass_max, "Last mass [GeV]")->capture_default_str();
  alp->add_option("--step", a->opt.scan.step_fraction, "Grid step in units of the mass resolution")->capture_default_str();
  alp->add_option("--eff-table", a->eff_table, "Signal table CSV (default: the committed calibration)");
  using Veto = analysis::AlpSearchOptions::ChargedVeto;
  const std::map<std::string, Veto> vetoes{{"track-fit", Veto::track_fit}, {"cdc-hits", Veto::cdc_hits}, {"none", Veto::none}};
  alp->add_option("--veto", a->opt.veto,
                  "Charged-track veto: track-fit (Kalman fit of the events passing the photon cuts), cdc-hits "
                  "(CDC hit count, no fit) or none")
      ->transform(CLI::CheckedTransformer(vetoes, CLI::ignore_case))
      ->default_str("track-fit");
  alp->add_option("--veto-cdc-hits", a->opt.veto_min_cdc_hits, "CDC hits that veto an event with --veto cdc-hits")
      ->check(CLI::PositiveNumber)
      ->capture_default_str();
  alp->add_option("--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  alp->add_flag("-q,--quiet", a->quiet, "No progress bar");
  alp->callback([a] {
    if (a->threads > 0) cpu::set_thread_count(a->threads);
    for (const auto& s : a->inject) a->opt.signals.push_back(parse_signal(s));
    const scan::SignalTable table =
        a->eff_table.empty() ? analysis::default_alp_signal_table() : scan::SignalTable::read_csv(a->eff_table);
    std::filesystem::create_directories(a->output);
    const auto r = analysis::run_alp_search(a->opt, table, progress_bar("simulate+reconstruct", "events", a->quiet));
    const std::filesystem::path out = a->output;
    {
      io::EventFileWriter w((out / "candidates.h5").string());
      w.set_attribute("selection", "alp");
      w.set_attribute("lumi_pb", a->opt.lumi);
      w.append_group(group::candidates, r.candidates);
      w.commit();
    }
    write_processes_csv((out / "processes.csv").string(), r);
    analysis::write_signal_table(table.rows(), (out / "signal_table.csv").string());
    scan::ScanOptions so = a->opt.scan;
    so.lumi = a->opt.lumi;
    scan::write_hdf5((out / "scan.h5").string(), r.scan, so);
    scan::write_csv((out / "scan.csv").string(), r.scan);
    scan::write_hepdata_json((out / "scan.json").string(), r.scan, so);
    std::printf("%s\n%s\nmax local significance %.2f at %.3f GeV, global %.2f (Gross-Vitells)\noutputs in %s/\n",
                r.brief().c_str(), r.scan_summary.brief().c_str(), r.scan.max_significance, r.scan.mass_at_max,
                r.scan.z_global, a->output.c_str());
  });
}

}  // namespace umbra::cli
