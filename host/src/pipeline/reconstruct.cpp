#include "umbra/pipeline/reconstruct.hpp"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "umbra/core/error.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/cpu/vertex_finder.hpp"
#include "umbra/geometry/ecl_geometry.hpp"
#include "umbra/ecl/showers.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/io/event_file.hpp"
#include "umbra/vertex/vertices.hpp"

namespace umbra::pipeline {

Backend Backend::cpu() {
  Backend b;
  b.ecl = [](const EclDigits& d, const ecl::ClusteringOptions& o) {
    static const ecl::EclGeometry geometry;
    return cpu::cluster_ecl(geometry, d, o);
  };
  b.fit = [](const TrackerHits& h, const track::FitOptions& o, track::FitSummary* s) {
    static const tracker::TrackerGeometry geometry = tracker::belle2_tracker();
    return cpu::fit_tracks(geometry, h, o, s);
  };
  b.vertices = [](const track::Tracks& t, const vertex::Options& o) {
    return cpu::find_vertices(vertex::view_tracks(t), o);
  };
  return b;
}

Steps available_steps(const io::EventFileReader& r) {
  Steps s;
  s.ecl = r.has_group(io::group::ecl_digits);
  s.tracks = r.has_group(io::group::tracker_hits);
  s.vertices = s.tracks || r.has_group(tracks_group);
  return s;
}

Steps resolve_steps(const io::EventFileReader& r, Steps want) {
  if (!want.any()) return available_steps(r);
  if (want.ecl && !r.has_group(io::group::ecl_digits))
    throw InputError("no /ecl/digits group to cluster", {r.path(), io::group::ecl_digits});
  if (want.tracks && !r.has_group(io::group::tracker_hits))
    throw InputError("no /tracker/hits group to fit", {r.path(), io::group::tracker_hits});
  if (want.vertices && !want.tracks && !r.has_group(tracks_group)) {
    if (!r.has_group(io::group::tracker_hits))
      throw InputError("no /tracks or /tracker/hits group to find vertices in", {r.path(), tracks_group});
    want.tracks = true;  // vertices need tracks: fit them first
  }
  return want;
}

ReconstructSummary reconstruct(const std::string& input, const std::string& output, Steps steps,
                               const ReconstructOptions& o, const Backend& backend) {
  if (o.batch == 0) throw OptionsError("reconstruct: --batch must be > 0");
  if (const std::string m = o.ecl.validate(); !m.empty()) throw OptionsError("reconstruct: clustering: " + m);
  if (const std::string m = o.fit.validate(); !m.empty()) throw OptionsError("reconstruct: track fit: " + m);
  if (const std::string m = o.vertex.validate(); !m.empty()) throw OptionsError("reconstruct: vertex: " + m);
  const io::EventFileReader reader(input);
  steps = resolve_steps(reader, steps);
  if (!steps.any()) throw InputError("nothing to reconstruct: no /ecl/digits, /tracker/hits or /tracks group", {input});
  const bool copy_tracks = steps.vertices && !steps.tracks;  // vertices from the file's /tracks

  // Tracks fitted here with material: the vertex fit takes the material inside each vertex out of
  // them (vertex/inner_material.hpp). Tracks read from a file keep their covariances as they are.
  vertex::Options vertex_options = o.vertex;
  if (steps.tracks && o.fit.material && vertex_options.track_material.n == 0)
    vertex_options.track_material = vertex::track_material(tracker::belle2_tracker(), o.fit.hypothesis);

  io::EventFileWriter writer(output);
  ReconstructSummary s;
  s.steps = steps;
  const auto t0 = std::chrono::steady_clock::now();
  const std::uint64_t n = reader.n_events();
  for (std::uint64_t first = 0; first < n || (n == 0 && first == 0); first += o.batch) {
    // An empty input still gives a complete file: one empty batch with every output group.
    const std::uint64_t count = n == 0 ? 0 : std::min<std::uint64_t>(o.batch, n - first);
    const EventBatch batch = n == 0 ? EventBatch{} : reader.read(first, count);  // validated values
    writer.append(batch);
    std::string line;
    if (steps.ecl) {
      const ecl::ClusteringResult r = backend.ecl(batch.digits, o.ecl);
      writer.append_group(ecl::showers_group, r.showers);
      s.n_showers += r.showers.size();
      line += r.summary.brief();
    }
    track::Tracks tracks;
    if (steps.tracks) {
      track::FitSummary fs;
      tracks = backend.fit(batch.hits, o.fit, &fs).tracks;
      s.n_tracks += fs.n_tracks, s.n_tracks_ok += fs.by_status[0];
      line += (line.empty() ? "" : "; ") + fs.brief();
    } else if (copy_tracks) {
      if (n > 0) reader.read_group(tracks_group, first, count, tracks);
      s.n_tracks += tracks.size();
    }
    if (steps.tracks || copy_tracks) writer.append_group(tracks_group, tracks);
    if (steps.vertices) {
      if (tracks.n_events() != batch.n_events())  // an empty fit result of an empty batch has no offsets
        tracks.event_offsets.assign(batch.n_events() + 1, 0);
      const vertex::Result r = backend.vertices(tracks, vertex_options);
      writer.append_group(group::vertices, r.vertices);
      s.n_vertices += r.vertices.size();
      line += (line.empty() ? "" : "; ") + r.summary.brief();
    }
    if (!o.quiet && !o.progress)
      std::fprintf(stderr, "events %llu-%llu: %s\n", (unsigned long long)first, (unsigned long long)(first + count),
                   line.c_str());
    if (o.progress) o.progress(first + count, n);
    if (n == 0) break;
  }
  writer.commit();
  s.n_events = n;
  s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  return s;
}

}  // namespace umbra::pipeline
