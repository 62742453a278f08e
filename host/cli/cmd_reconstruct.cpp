// `umbra reconstruct in.h5 -o out.h5 [--all] [--backend cpu|cuda] [--batch N]`: every reconstruction
// step whose input is in the file -- ECL showers (/ecl/digits), tracks (/tracker/hits), vertices
// (/tracks) -- in batches, with a progress bar on a terminal. Single steps:
//   --ecl in.h5      ECL clustering only (/ecl/showers)
//   --tracks in.h5   Kalman track fit only (/tracks)
//   --vertices       the displaced-vertex finder (/vertices), after the track fit when the file has
//                    hits but no /tracks; combines with --tracks.
// The reader validates every batch before any step, so bad input exits 2 naming event and index.
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "progress.hpp"
#include "umbra/core/error.hpp"
#include "umbra/core/units.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/pipeline/reconstruct.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/ecl_clustering.hpp"
#include "umbra/cuda/track_fit.hpp"
#include "umbra/cuda/vertex_finder.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#endif

namespace umbra::cli {

namespace {

struct Args {
  std::string input, ecl, tracks, output, backend = "cpu";
  std::string hypothesis = "pi", vertex_selection = "displaced";
  bool vertices = false, all = false, quiet = false;
  std::uint64_t batch = 100000;
  int threads = 0;
  // Clustering thresholds [MeV]: defaults from the library's ecl::ClusteringOptions.
  double seed_mev = ecl::ClusteringOptions{}.seed_energy / units::MeV;
  double growth_mev = ecl::ClusteringOptions{}.growth_energy / units::MeV;
  double digit_mev = ecl::ClusteringOptions{}.digit_energy / units::MeV;
  double seed_time = -1;
};

void run(const Args& a) {
  // The input: the positional file, or the value of --ecl / --tracks (the single-step forms).
  std::string input = a.input;
  for (const std::string* f : {&a.ecl, &a.tracks})
    if (!f->empty()) {
      if (!input.empty() && input != *f) throw OptionsError("reconstruct: two input files given ('" + input + "', '" + *f + "')");
      input = *f;
    }
  if (input.empty()) throw OptionsError("reconstruct: no input file (umbra reconstruct in.h5 -o out.h5)");

  pipeline::Steps want;  // none: every step the file allows (pipeline::resolve_steps)
  if (!a.all) want.ecl = !a.ecl.empty(), want.tracks = !a.tracks.empty(), want.vertices = a.vertices;

  pipeline::ReconstructOptions o;
  o.batch = a.batch, o.quiet = a.quiet;
  o.ecl.seed_energy = a.seed_mev * units::MeV;
  o.ecl.growth_energy = a.growth_mev * units::MeV;
  o.ecl.digit_energy = a.digit_mev * units::MeV;
  if (a.seed_time >= 0) o.ecl.seed_max_abs_time = a.seed_time;
  o.fit.hypothesis = pipeline::parse_hypothesis(a.hypothesis);
  o.vertex = a.vertex_selection == "v0" ? vertex::Options{} : vertex::Options::displaced();
  if (a.threads > 0) cpu::set_thread_count(a.threads);

  pipeline::Backend backend = pipeline::Backend::cpu();
#ifdef UMBRA_WITH_CUDA
  std::shared_ptr<cuda::Context> ctx;
  if (a.backend == "cuda") {
    ctx = std::make_shared<cuda::Context>(0);
    const auto geometry = std::make_shared<const tracker::TrackerGeometry>(tracker::belle2_tracker());
    backend.ecl = [ctx](const EclDigits& d, const ecl::ClusteringOptions& c) { return cuda::cluster_ecl(*ctx, d, c); };
    backend.fit = [ctx, geometry](const TrackerHits& h, const track::FitOptions& f, track::FitSummary* s) {
      return cuda::fit_tracks(*ctx, *geometry, h, f, s);
    };
    backend.vertices = [ctx](const track::Tracks& t, const vertex::Options& v) {
      return cuda::find_vertices(*ctx, t, v);
    };
  }
#else
  if (a.backend == "cuda") throw OptionsError("reconstruct: this build has no CUDA backend");
#endif
  o.progress = progress_bar("reconstruct", "events", a.quiet);
  const pipeline::ReconstructSummary s = pipeline::reconstruct(input, a.output, want, o, backend);
  std::string what;
  if (s.steps.ecl) what += ", " + std::to_string(s.n_showers) + " showers";
  if (s.steps.tracks)
    what += ", " + std::to_string(s.n_tracks) + " tracks (" + std::to_string(s.n_tracks_ok) + " ok)";
  if (s.steps.vertices) what += ", " + std::to_string(s.n_vertices) + " vertices";
  std::printf("reconstructed %llu events%s -> %s (%.2f s, backend %s)\n", (unsigned long long)s.n_events, what.c_str(),
              a.output.c_str(), s.seconds, a.backend.c_str());
}

}  // namespace

void add_reconstruct_command(CLI::App& app) {
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand(
      "reconstruct", "Every reconstruction step the file allows (ECL showers, tracks, vertices), or the ones chosen");
  cmd->add_option("input", a->input, "Input umbra-events file");
  CLI::Option* ecl_opt = cmd->add_option("--ecl", a->ecl, "Only ECL clustering (/ecl/showers) of this file");
  cmd->add_option("--tracks", a->tracks, "Only the track fit (/tracks) of this file; with --vertices also vertices")
      ->excludes(ecl_opt);
  cmd->add_flag("--vertices", a->vertices, "Displaced-vertex finder (/vertices), after the track fit if needed");
  cmd->add_flag("--all", a->all, "Every step whose input is in the file (the default without a step option)");
  cmd->add_option("-o,--output", a->output, "Output umbra-events file (input groups + outputs)")->required();
  cmd->add_option("--backend", a->backend, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  cmd->add_option("--batch", a->batch, "Events per batch")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  cmd->add_option("--mass-hypothesis", a->hypothesis, "Track fit mass: pi, e, mu, K or p")->capture_default_str();
  cmd->add_option("--vertex-selection", a->vertex_selection,
                  "displaced (any two-track vertex beyond 1 cm) or v0 (K_S / Lambda / gamma mass windows)")
      ->check(CLI::IsMember({"displaced", "v0"}))
      ->capture_default_str();
  cmd->add_option("--seed-energy", a->seed_mev, "Region seed threshold [MeV]")->capture_default_str();
  cmd->add_option("--growth-energy", a->growth_mev, "Region growth threshold [MeV]")->capture_default_str();
  cmd->add_option("--digit-energy", a->digit_mev, "Digit threshold [MeV]")->capture_default_str();
  cmd->add_option("--seed-max-time", a->seed_time, "Seeds need |t| <= this [ns]; < 0: no cut")->capture_default_str();
  cmd->add_flag("-q,--quiet", a->quiet, "No progress bar or per-batch summary");
  cmd->callback([a] { run(*a); });
}

}  // namespace umbra::cli
