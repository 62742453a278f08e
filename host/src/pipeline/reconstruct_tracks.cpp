#include "umbra/pipeline/reconstruct_tracks.hpp"

#include <chrono>
#include <cstdio>

#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::pipeline {

track::Hypothesis parse_hypothesis(const std::string& n) {
  if (n == "pi" || n == "pion") return track::Hypothesis::pion;
  if (n == "e" || n == "electron") return track::Hypothesis::electron;
  if (n == "mu" || n == "muon") return track::Hypothesis::muon;
  if (n == "K" || n == "kaon") return track::Hypothesis::kaon;
  if (n == "p" || n == "proton") return track::Hypothesis::proton;
  throw OptionsError("mass hypothesis must be pi, e, mu, K or p, not '" + n + "'");
}

ReconstructTracksSummary reconstruct_tracks(const std::string& input, const std::string& output,
                                            const ReconstructTracksOptions& o, const TrackFitter& fit) {
  if (o.batch == 0) throw OptionsError("reconstruct: --batch must be > 0");
  if (const std::string msg = o.fit.validate(); !msg.empty()) throw OptionsError("reconstruct: " + msg);
  const io::EventFileReader reader(input);
  io::EventFileWriter writer(output);
  ReconstructTracksSummary s;
  const auto t0 = std::chrono::steady_clock::now();
  for (std::uint64_t first = 0; first < reader.n_events(); first += o.batch) {
    const std::uint64_t count = std::min<std::uint64_t>(o.batch, reader.n_events() - first);
    const EventBatch batch = reader.read(first, count);  // validated values
    track::FitSummary fs;
    const track::FitResult r = fit(batch.hits, o.fit, &fs);
    writer.append(batch);
    writer.append_group(tracks_group, r.tracks);
    s.n_tracks += fs.n_tracks, s.n_ok += fs.by_status[0];
    if (!o.quiet)
      std::fprintf(stderr, "events %llu-%llu: %s\n", (unsigned long long)first, (unsigned long long)(first + count),
                   fs.brief().c_str());
  }
  if (reader.n_events() == 0) {  // still a complete file, with an empty /tracks
    writer.append(EventBatch{});
    track::Tracks empty;
    writer.append_group(tracks_group, empty);
  }
  writer.commit();
  s.n_events = reader.n_events();
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace umbra::pipeline
