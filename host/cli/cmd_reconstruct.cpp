// `umbra reconstruct --ecl in.h5 -o out.h5 [--backend cpu|cuda] [--batch N]`: ECL clustering and
// shower shapes in batches; writes the input groups and /ecl/showers. The reader validates every
// batch (cell ids, NaN, ...) before any clustering, so bad input exits 2 naming event and index.
#include <chrono>
#include <cstdio>
#include <memory>
#include <string>

#include "commands.hpp"
#include "umbra/core/error.hpp"
#include "umbra/core/units.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/io/event_file.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/pipeline/reconstruct_tracks.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/ecl_clustering.hpp"
#include "umbra/cuda/track_fit.hpp"
#endif

namespace umbra::cli {

namespace {
// --tracks: hits grouped by track_id, Kalman fit on the chosen backend, /tracks written in batches.
void reconstruct_tracks_command(const std::string& in, const std::string& out, const std::string& backend,
                                std::uint64_t batch, int threads, const std::string& hypothesis, bool quiet) {
  pipeline::ReconstructTracksOptions o;
  o.batch = batch, o.quiet = quiet;
  o.fit.hypothesis = pipeline::parse_hypothesis(hypothesis);
  if (threads > 0) cpu::set_thread_count(threads);
  const tracker::TrackerGeometry geo = tracker::belle2_tracker();
  pipeline::TrackFitter fit = [&](const TrackerHits& h, const track::FitOptions& f, track::FitSummary* s) {
    return cpu::fit_tracks(geo, h, f, s);
  };
#ifdef UMBRA_WITH_CUDA
  std::unique_ptr<cuda::Context> ctx;
  if (backend == "cuda") {
    ctx = std::make_unique<cuda::Context>(0);
    fit = [&](const TrackerHits& h, const track::FitOptions& f, track::FitSummary* s) {
      return cuda::fit_tracks(*ctx, geo, h, f, s);
    };
  }
#else
  if (backend == "cuda") throw OptionsError("reconstruct: this build has no CUDA backend");
#endif
  const pipeline::ReconstructTracksSummary s = pipeline::reconstruct_tracks(in, out, o, fit);
  std::printf("reconstructed %llu events, %llu tracks (%llu ok) -> %s (%.2f s, backend %s)\n",
              (unsigned long long)s.n_events, (unsigned long long)s.n_tracks, (unsigned long long)s.n_ok, out.c_str(),
              s.seconds, backend.c_str());
}
}  // namespace

void add_reconstruct_command(CLI::App& app) {
  struct Args {
    std::string ecl, output, backend = "cpu";
    std::string tracks, hypothesis = "pi";  // --tracks: the Kalman track fit instead of ECL clustering
    std::uint64_t batch = 100000;
    int threads = 0;
    double seed_mev = 10.0, growth_mev = 1.5, digit_mev = 0.5, seed_time = -1;
    bool quiet = false;
  };
  auto a = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("reconstruct", "ECL clustering (/ecl/showers) or track fit (--tracks: /tracks) on CPU or CUDA");
  CLI::Option* ecl_opt = cmd->add_option("--ecl", a->ecl, "Input umbra-events file with /ecl/digits");
  cmd->add_option("--tracks", a->tracks, "Input umbra-events file: fit its tracker hits, write /tracks")
      ->excludes(ecl_opt);
  cmd->add_option("--mass-hypothesis", a->hypothesis, "Track fit mass: pi, e, mu, K or p")->capture_default_str();
  cmd->add_option("-o,--output", a->output, "Output umbra-events file (input groups + /ecl/showers)")->required();
  cmd->add_option("--backend", a->backend, "cpu or cuda")->check(CLI::IsMember({"cpu", "cuda"}))->capture_default_str();
  cmd->add_option("--batch", a->batch, "Events per batch")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->add_option("--threads", a->threads, "CPU threads (0: all cores)")->capture_default_str();
  cmd->add_option("--seed-energy", a->seed_mev, "Region seed threshold [MeV]")->capture_default_str();
  cmd->add_option("--growth-energy", a->growth_mev, "Region growth threshold [MeV] (basf2 now 1.5; older 10)")
      ->capture_default_str();
  cmd->add_option("--digit-energy", a->digit_mev, "Digit threshold [MeV]")->capture_default_str();
  cmd->add_option("--seed-max-time", a->seed_time, "Seeds need |t| <= this [ns]; < 0: no cut")->capture_default_str();
  cmd->add_flag("-q,--quiet", a->quiet, "No per-batch summary");
  cmd->callback([a] {
    if (!a->tracks.empty()) return reconstruct_tracks_command(a->tracks, a->output, a->backend, a->batch, a->threads,
                                                              a->hypothesis, a->quiet);
    if (a->ecl.empty()) throw OptionsError("reconstruct: give --ecl or --tracks");
    ecl::ClusteringOptions opt;
    opt.seed_energy = a->seed_mev * units::MeV;
    opt.growth_energy = a->growth_mev * units::MeV;
    opt.digit_energy = a->digit_mev * units::MeV;
    if (a->seed_time >= 0) opt.seed_max_abs_time = a->seed_time;
    if (const std::string msg = opt.validate(); !msg.empty()) throw OptionsError("reconstruct: " + msg);
    if (a->threads > 0) cpu::set_thread_count(a->threads);
#ifdef UMBRA_WITH_CUDA
    std::unique_ptr<cuda::Context> ctx;
    if (a->backend == "cuda") ctx = std::make_unique<cuda::Context>(0);
#else
    if (a->backend == "cuda") throw OptionsError("reconstruct: this build has no CUDA backend");
#endif
    const io::EventFileReader reader(a->ecl);
    if (!reader.has_group(io::group::ecl_digits))
      throw InputError("no /ecl/digits group to reconstruct", {a->ecl, io::group::ecl_digits});
    const ecl::EclGeometry geometry;
    io::EventFileWriter writer(a->output);
    std::uint64_t total_showers = 0;
    const auto t0 = std::chrono::steady_clock::now();
    for (std::uint64_t first = 0; first < reader.n_events(); first += a->batch) {
      const std::uint64_t count = std::min<std::uint64_t>(a->batch, reader.n_events() - first);
      const EventBatch batch = reader.read(first, count);  // validated values
      ecl::ClusteringResult r;
#ifdef UMBRA_WITH_CUDA
      if (ctx) r = cuda::cluster_ecl(*ctx, batch.digits, opt);
      else
#endif
        r = cpu::cluster_ecl(geometry, batch.digits, opt);
      writer.append(batch);
      writer.append_group(ecl::showers_group, r.showers);
      total_showers += r.showers.size();
      if (!a->quiet) std::fprintf(stderr, "events %llu-%llu: %s\n", (unsigned long long)first,
                                  (unsigned long long)(first + count), r.summary.brief().c_str());
    }
    if (reader.n_events() == 0) {  // still a valid file with an empty showers group
      writer.append(EventBatch{});
      writer.append_group(ecl::showers_group, ecl::EclShowers{});
    }
    writer.commit();
    const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    std::printf("reconstructed %llu events, %llu showers -> %s (%.2f s, backend %s)\n",
                (unsigned long long)reader.n_events(), (unsigned long long)total_showers, a->output.c_str(), s,
                a->backend.c_str());
  });
}

}  // namespace umbra::cli
