// `umbra scan`: the ALP mass scan over a candidate file (or a one-column CSV of values), writing
// the per-mass table to HDF5 (-o), CSV and HEPData-style JSON beside it. `--dump-fit` writes one
// window's histogram and binned fits as JSON (used by the iminuit cross-check in tests/python).
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <iomanip>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "progress.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/scan/scan_io.hpp"
#include "umbra/scan/scan_batched.hpp"
#include "umbra/scan/toys.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/scan_batched.hpp"
#endif

namespace umbra::cli {
namespace {

struct ScanArgs {
  std::string input, observable = "auto", eff_table, output = "scan.h5", basis = "chebyshev";
  std::string dump_fit;
  std::string engine = "ceres", backend = "cpu";  // batched fits (issue 9): engine and backend
  double dump_mass = 1.0;
  bool unbinned = false, nominal_only = false, quiet = false;
  int threads = 0;
  int global_toys = 0;
  std::uint64_t toy_seed = 1;
  scan::ScanOptions opt;
};

std::string stem_of(const std::string& path) {
  const auto dot = path.find_last_of('.');
  const auto slash = path.find_last_of('/');
  return dot != std::string::npos && (slash == std::string::npos || dot > slash) ? path.substr(0, dot) : path;
}

bool ends_with(const std::string& s, const std::string& e) {
  return s.size() >= e.size() && s.compare(s.size() - e.size(), e.size(), e) == 0;
}

void dump_fit(const ScanArgs& a, const scan::Spectrum& spectrum, const scan::SignalTable& table) {
  using namespace scan;
  const Window w = make_window(a.dump_mass, {}, table, a.opt);
  const WindowHistogram h = make_histogram(spectrum, w, a.opt);
  const BinnedView v = h.view(w, a.opt);
  FitOptions fo = a.opt.fit;
  const FitResult b = fit_binned(v, {FitMode::background_only}, fo);
  const FitResult sb = fit_binned(v, {FitMode::signal_plus_background, 0, b.params.data()}, fo);
  // Expected counts per bin of both fits, so plots can overlay them without re-implementing the model.
  auto expected = [&](const FitResult& f) {
    std::vector<double> nu(v.n_bins), scratch(2 * (v.n_bins + 1));
    expected_counts(v, f.params.data(), nu.data(), nullptr, scratch.data());
    return nu;
  };
  nlohmann::json j = {
      {"mass", w.mass}, {"observable", to_string(w.observable)}, {"lo", w.lo}, {"hi", w.hi},
      {"order", w.order}, {"basis", a.basis}, {"edges", h.edges}, {"counts", h.counts},
      {"shape", {{"mean", w.shape.mean}, {"sigma", w.shape.sigma}, {"alpha_lo", w.shape.alpha_lo},
                 {"n_lo", w.shape.n_lo}, {"alpha_hi", w.shape.alpha_hi}, {"n_hi", w.shape.n_hi}}},
      {"eff_rel_unc", a.opt.eff_rel_unc}, {"sigma_rel_unc", a.opt.sigma_rel_unc},
      {"parameter_layout", "N, theta_eff, theta_res, c_0..c_order"},
      {"nll_definition", "sum_i nu_i - n_i + n_i ln(n_i/nu_i) + (theta_eff^2 + theta_res^2)/2"},
      {"background_only", {{"nll", b.nll}, {"params", b.params}, {"status", to_string(b.status)}}},
      {"signal_plus_background",
       {{"nll", sb.nll}, {"params", sb.params}, {"errors", sb.errors}, {"status", to_string(sb.status)}}},
      {"expected_background", expected(b)},
      {"expected_signal_plus_background", expected(sb)}};
  const std::string tmp = a.dump_fit + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp);
    out << std::setprecision(17) << j.dump(1) << "\n";
    if (!out) throw Error("cannot write " + tmp);
  }
  if (std::rename(tmp.c_str(), a.dump_fit.c_str()) != 0) throw Error("cannot rename " + tmp + " to " + a.dump_fit);
}

}  // namespace

void add_scan_command(CLI::App& app) {
  auto a = std::make_shared<ScanArgs>();
  CLI::App* cmd = app.add_subcommand(
      "scan", "ALP -> gamma gamma mass scan: S+B and B-only fits per mass and variant, significances, 95% CL limits");
  cmd->add_option("--input", a->input, "candidates: umbra-events .h5 with /candidates, or a .csv of one column")
      ->required();
  cmd->add_option("--observable", a->observable,
                  "auto (M^2_gg below --switch-mass, M^2_recoil above), m2_gg or m2_recoil; for a .csv input the "
                  "column's observable (auto reads it as m2_gg)")
      ->check(CLI::IsMember({"auto", "m2_gg", "m2_recoil"}))
      ->capture_default_str();
  cmd->add_option("--lumi", a->opt.lumi, "integrated luminosity [pb^-1]")->capture_default_str();
  cmd->add_option("--eff-table", a->eff_table,
                  "signal table CSV: mass, efficiency, sigma [GeV^2], alpha, n[, alpha2, n2] (default: built-in placeholder)");
  cmd->add_option("-o,--output", a->output, "output HDF5; .csv and .json written beside it")->capture_default_str();
  cmd->add_option("--mass-min", a->opt.mass_min, "first mass [GeV]")->capture_default_str();
  cmd->add_option("--mass-max", a->opt.mass_max, "last mass [GeV]")->capture_default_str();
  cmd->add_option("--step", a->opt.step_fraction, "grid step in units of the mass resolution")->capture_default_str();
  cmd->add_option("--masses", a->opt.masses, "explicit mass grid [GeV] (overrides min/max/step)");
  cmd->add_option("--switch-mass", a->opt.switch_mass, "M^2_gg below, M^2_recoil from here up [GeV]")->capture_default_str();
  cmd->add_option("--basis", a->basis, "background basis")->check(CLI::IsMember({"chebyshev", "bernstein"}))->capture_default_str();
  cmd->add_option("--bins-per-sigma", a->opt.bins_per_sigma, "histogram bins per signal sigma")->capture_default_str();
  cmd->add_flag("--unbinned", a->unbinned, "extended unbinned fits (slower) instead of binned");
  cmd->add_option("--engine", a->engine, "fits: ceres (per job on all cores) or batched (one bulk launch of all jobs)")
      ->check(CLI::IsMember({"ceres", "batched"}))
      ->capture_default_str();
  cmd->add_option("--backend", a->backend, "backend of --engine batched: cpu or cuda")
      ->check(CLI::IsMember({"cpu", "cuda"}))
      ->capture_default_str();
  cmd->add_flag("--nominal-only", a->nominal_only, "skip the systematic variants (range +-5 sigma, order +-1)");
  cmd->add_option("--eff-unc", a->opt.eff_rel_unc, "relative efficiency uncertainty (Gaussian nuisance)")->capture_default_str();
  cmd->add_option("--sigma-unc", a->opt.sigma_rel_unc, "relative resolution uncertainty (Gaussian nuisance)")->capture_default_str();
  cmd->add_option("--threads", a->threads, "CPU threads (0 = all cores)")->capture_default_str();
  cmd->add_option("--dump-fit", a->dump_fit, "only fit the window at --dump-mass and write it as JSON here");
  cmd->add_option("--dump-mass", a->dump_mass, "mass for --dump-fit [GeV]")->capture_default_str();
  cmd->add_option("--global-toys", a->global_toys,
                  "also the global significance from N background-only toy scans (toys drawn from the spectrum "
                  "smoothed over 10 signal widths, scanned with the same engine)")
      ->check(CLI::NonNegativeNumber)
      ->capture_default_str();
  cmd->add_option("--toy-seed", a->toy_seed, "seed of the --global-toys toys")->capture_default_str();
  cmd->add_flag("-q,--quiet", a->quiet, "no progress bar or summary");
  cmd->callback([a] {
    using namespace scan;
    a->opt.observable = a->observable == "m2_gg"       ? ObservableChoice::m2_gg
                        : a->observable == "m2_recoil" ? ObservableChoice::m2_recoil
                                                       : ObservableChoice::automatic;
    a->opt.basis = a->basis == "bernstein" ? Basis::bernstein : Basis::chebyshev;
    a->opt.binned = !a->unbinned;
    if (a->nominal_only) a->opt.variants = {Variant{}};
    if (std::string why = a->opt.validate(); !why.empty()) throw OptionsError("scan: " + why);
    cpu::set_thread_count(a->threads);
    const SignalTable table = a->eff_table.empty() ? SignalTable::default_table(a->opt.switch_mass)
                                                   : SignalTable::read_csv(a->eff_table);
    const Spectrum spectrum =
        ends_with(a->input, ".csv") || ends_with(a->input, ".txt")
            ? read_values_csv(a->input, a->observable == "m2_recoil" ? Observable::m2_recoil : Observable::m2_gg)
            : read_candidates(a->input);
    if (!a->dump_fit.empty()) return dump_fit(*a, spectrum, table);
    ScanSummary summary;
    const auto draw = progress_bar("scan", "jobs", a->quiet);
    const ProgressFn bar = draw ? ProgressFn([draw](std::int64_t d, std::int64_t t) { draw(d, t); }) : ProgressFn{};
    if (a->engine == "ceres" && a->backend != "cpu") throw OptionsError("scan: --backend cuda needs --engine batched");
    std::string batched_brief;
    ScanResult r;
    if (a->engine == "ceres") {
      r = run_scan(spectrum, table, a->opt, &summary, bar);
    } else {
      BatchedScanSummary bs;
#ifdef UMBRA_WITH_CUDA
      if (a->backend == "cuda") {
        cuda::Context ctx(0);
        r = cuda::run_scan_batched(ctx, spectrum, table, a->opt, &bs, bar);
      } else
#else
      if (a->backend == "cuda") throw OptionsError("scan: this build has no CUDA backend");
#endif
        r = run_scan_batched(spectrum, table, a->opt, &bs, bar);
      summary = bs.scan;
      batched_brief = bs.brief();
    }
    if (a->global_toys > 0) {
      // The toys use the engine of the observed scan, without progress bars.
#ifdef UMBRA_WITH_CUDA
      std::unique_ptr<cuda::Context> ctx;
      if (a->engine == "batched" && a->backend == "cuda") ctx = std::make_unique<cuda::Context>(0);
#endif
      const ScanFn engine = [&](const Spectrum& s, const SignalTable& t, const ScanOptions& o) {
        if (a->engine == "ceres") return run_scan(s, t, o);
#ifdef UMBRA_WITH_CUDA
        if (ctx) return cuda::run_scan_batched(*ctx, s, t, o, nullptr, {});
#endif
        return run_scan_batched(s, t, o);
      };
      Spectrum prepared = spectrum;
      prepared.prepare(a->input);
      const BackgroundModel model = BackgroundModel::from_spectrum(prepared, table);
      const auto toy_bar = progress_bar("global toys", "toys", a->quiet);
      const ToyGlobal g = global_significance_toys(
          r.max_significance, a->global_toys,
          [&](int t) {
            if (toy_bar) toy_bar(t, a->global_toys);
            return model.draw(a->toy_seed, std::uint64_t(t));
          },
          table, a->opt, engine);
      if (toy_bar) toy_bar(a->global_toys, a->global_toys);
      r.global_toys = a->global_toys, r.p_global_toys = g.p_global, r.z_global_toys = g.z_global;
    }
    write_hdf5(a->output, r, a->opt);
    write_csv(stem_of(a->output) + ".csv", r);
    write_hepdata_json(stem_of(a->output) + ".json", r, a->opt);
    if (!a->quiet) {
      std::fprintf(stderr, "%s\n", batched_brief.empty() ? summary.brief().c_str() : batched_brief.c_str());
      std::fprintf(stderr, "largest local significance %.2f sigma at %.4f GeV; global (Gross-Vitells, %d upcrossings) %.2f sigma\n",
                   r.max_significance, r.mass_at_max, r.upcrossings, r.z_global);
      if (r.global_toys > 0)
        std::fprintf(stderr, "global from %d background-only toys: p = %.4g, %.2f sigma\n", r.global_toys,
                     r.p_global_toys, r.z_global_toys);
    }
  });
}

}  // namespace umbra::cli
