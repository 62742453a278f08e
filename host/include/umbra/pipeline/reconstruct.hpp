#pragma once
// The reconstruction pipeline behind `umbra reconstruct`: read an umbra-events file in batches,
// run the chosen steps -- ECL clustering (/ecl/digits -> /ecl/showers), the Kalman track fit
// (/tracker/hits -> /tracks), the displaced-vertex finder (/tracks -> /vertices) -- and write the
// input groups plus the outputs to a new file (atomically). Backends are callables so that this
// host-side code does not depend on the CUDA library (the CLI passes the cpu:: or cuda:: calls).
#include <cstdint>
#include <functional>
#include <string>

#include "umbra/ecl/clustering_options.hpp"
#include "umbra/ecl/clustering_result.hpp"
#include "umbra/pipeline/reconstruct_tracks.hpp"
#include "umbra/vertex/options.hpp"
#include "umbra/vertex/summary.hpp"

namespace umbra::io {
class EventFileReader;
}

namespace umbra::pipeline {

struct Steps {
  bool ecl = false, tracks = false, vertices = false;
  bool any() const { return ecl || tracks || vertices; }
};

using EclClusterer = std::function<ecl::ClusteringResult(const EclDigits&, const ecl::ClusteringOptions&)>;
using VertexFinder = std::function<vertex::Result(const track::Tracks&, const vertex::Options&)>;

/// The calls per step; the defaults are the CPU backend (cpu::cluster_ecl, cpu::fit_tracks with
/// the Belle II tracker, cpu::find_vertices).
struct Backend {
  EclClusterer ecl;
  TrackFitter fit;
  VertexFinder vertices;
  static Backend cpu();
};

struct ReconstructOptions {
  std::uint64_t batch = 100000;  // events per batch
  ecl::ClusteringOptions ecl;
  track::FitOptions fit;
  vertex::Options vertex = vertex::Options::displaced();
  bool quiet = false;  // no per-batch summary on stderr
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;  // after each batch, if set
};

struct ReconstructSummary {
  Steps steps;  // what ran
  std::uint64_t n_events = 0, n_showers = 0, n_tracks = 0, n_tracks_ok = 0, n_vertices = 0;
  double seconds = 0;
};

/// Every step whose input is in the file: showers from /ecl/digits, tracks from /tracker/hits,
/// vertices from /tracks or from the tracks fitted from /tracker/hits.
Steps available_steps(const io::EventFileReader& reader);

/// Completes a request against the file: no step requested means available_steps; vertices
/// without a /tracks group need the track fit; a requested step whose input group is absent throws
/// InputError naming the group.
Steps resolve_steps(const io::EventFileReader& reader, Steps requested);

/// Reads `input`, runs `steps` (resolved with resolve_steps; none: every step the file allows) and
/// writes `output`: the standard input groups, a /tracks group read from the input when vertices
/// are found without refitting, and the outputs. Throws umbra::Error subclasses on bad options or input.
ReconstructSummary reconstruct(const std::string& input, const std::string& output, Steps steps,
                               const ReconstructOptions& options, const Backend& backend);

}  // namespace umbra::pipeline
