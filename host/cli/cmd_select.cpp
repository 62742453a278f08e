// `umbra select alp --input reco.h5 -o cands.h5`: the ALP -> gamma gamma selection on
// reconstructed showers (and tracks, for the veto, when the file has /tracks); writes /candidates.
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "umbra/analysis/alp_selection.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::cli {

void add_select_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("select", "Event selections on reconstructed files");
  cmd->require_subcommand(1);
  struct Args {
    std::string input, output;
    std::uint64_t batch = 200000;
    analysis::AlpSelectionOptions opt;
  };
  auto a = std::make_shared<Args>();
  CLI::App* alp = cmd->add_subcommand("alp", "Exactly three photons, no tracks: /candidates with M^2_gg and M^2_recoil");
  alp->add_option("-i,--input", a->input, "Reconstructed umbra-events file (/ecl/showers, optional /tracks)")->required();
  alp->add_option("-o,--output", a->output, "Output umbra-events file with /candidates")->required();
  alp->add_option("--batch", a->batch, "Events per batch")->check(CLI::PositiveNumber)->capture_default_str();
  alp->add_option("--min-photon-energy", a->opt.min_photon_energy, "Photon candidate energy [GeV]")->capture_default_str();
  alp->add_option("--max-abs-time", a->opt.max_abs_time, "Photon |time| [ns]")->capture_default_str();
  alp->add_option("--min-e9-e21", a->opt.min_e9_e21, "Photon E9/E21 (0: no cut)")->capture_default_str();
  alp->add_option("--max-cm-momentum", a->opt.max_cm_momentum, "|sum p*| of the three photons [GeV]")
      ->capture_default_str();
  alp->add_flag("!--no-energy-correction", a->opt.correct_photon_energy, "Use raw shower energies");
  alp->callback([a] {
    const io::EventFileReader reader(a->input);
    if (!reader.has_group(ecl::showers_group))
      throw InputError("no /ecl/showers: run `umbra reconstruct --ecl` first", {a->input, ecl::showers_group});
    const bool have_tracks = reader.has_group("/tracks");
    io::EventFileWriter writer(a->output);
    writer.set_attribute("selection", "alp");
    analysis::AlpSelectionSummary total;
    for (std::uint64_t first = 0; first < reader.n_events() || first == 0; first += a->batch) {
      const std::uint64_t count = std::min<std::uint64_t>(a->batch, reader.n_events() - first);
      ecl::EclShowers showers;
      reader.read_group(ecl::showers_group, first, count, showers);
      track::Tracks tracks;
      if (have_tracks) reader.read_group("/tracks", first, count, tracks);
      analysis::AlpSelectionSummary s;
      const Candidates c = analysis::select_alp(showers, have_tracks ? &tracks : nullptr, a->opt, &s);
      writer.append_group(group::candidates, c);
      total.events += s.events, total.candidates += s.candidates;
      for (int k = 0; k < int(analysis::AlpCut::n_cuts); ++k) total.failed[k] += s.failed[k];
      total.track_veto_applied = have_tracks;
      if (reader.n_events() == 0) break;
    }
    writer.commit();
    std::printf("%s -> %s\n", total.brief().c_str(), a->output.c_str());
  });
}

}  // namespace umbra::cli
