// Reconstruction steps on either backend: ECL clustering (/ecl/showers), the bulk Kalman track
// fit (/tracks) and the displaced-vertex finder (/vertices), each on CPU or CUDA. Results are
// group objects whose columns are numpy views, like the input groups.
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>

#include <memory>

#include "array_view.hpp"
#include "backends.hpp"
#include "bindings.hpp"
#include "group_binding.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/cpu/track_fit.hpp"
#include "umbra/cpu/vertex_finder.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/tracks.hpp"
#include "umbra/vertex/inner_material.hpp"
#include "umbra/vertex/vertices.hpp"
#ifdef UMBRA_WITH_CUDA
#include "umbra/cuda/ecl_clustering.hpp"
#include "umbra/cuda/track_fit.hpp"
#include "umbra/cuda/vertex_finder.hpp"
#endif

namespace umbra::python {
namespace {

track::Hypothesis parse_hypothesis(const std::string& h) {
  if (h == "electron") return track::Hypothesis::electron;
  if (h == "muon") return track::Hypothesis::muon;
  if (h == "pion") return track::Hypothesis::pion;
  if (h == "kaon") return track::Hypothesis::kaon;
  if (h == "proton") return track::Hypothesis::proton;
  throw OptionsError("hypothesis '" + h + "': expected electron, muon, pion, kaon or proton");
}

/// Fits every track of `hits`; returns (Tracks, hit_weight view, summary dict).
nb::tuple fit_tracks(const TrackerHits& hits, const std::string& backend, const std::string& hypothesis,
                     int min_hits, bool material) {
  const Backend b = parse_backend(backend);
  track::FitOptions o;
  o.hypothesis = parse_hypothesis(hypothesis);
  o.min_hits = min_hits;
  o.material = material;
  if (const std::string bad = o.validate(); !bad.empty()) throw OptionsError(bad);
  static const tracker::TrackerGeometry geometry = tracker::belle2_tracker();
  auto r = std::make_unique<track::FitResult>();
  track::FitSummary s;
  {
    nb::gil_scoped_release release;
    if (b == Backend::Cpu) {
      *r = cpu::fit_tracks(geometry, hits, o, &s);
    } else {
#ifdef UMBRA_WITH_CUDA
      cuda::Context ctx;
      *r = cuda::fit_tracks(ctx, geometry, hits, o, &s);
#endif
    }
  }
  nb::object tracks = nb::cast(std::move(r->tracks));
  std::vector<float>& weights = r->hit_weight;
  nb::capsule owner = owning_capsule(std::move(r));
  nb::dict d;
  d["n_tracks"] = s.n_tracks, d["n_failed"] = s.n_failed(), d["seconds"] = s.seconds;
  d["backend"] = s.backend, d["brief"] = s.brief();
  return nb::make_tuple(tracks, array_view(weights, owner), d);
}

// material_hypothesis: the mass hypothesis of a track fit run with material ("" when the tracks were
// fitted without): the vertex fit then takes that material inside the vertex radius back out.
nb::tuple find_vertices(const track::Tracks& tracks, const std::string& backend, bool displaced_only,
                        const std::string& material_hypothesis) {
  const Backend b = parse_backend(backend);
  vertex::Options o = displaced_only ? vertex::Options::displaced() : vertex::Options{};
  if (!material_hypothesis.empty())
    o.track_material = vertex::track_material(tracker::belle2_tracker(), parse_hypothesis(material_hypothesis));
  auto r = std::make_unique<vertex::Result>();
  {
    nb::gil_scoped_release release;
    if (b == Backend::Cpu) {
      *r = cpu::find_vertices(tracks, o);
    } else {
#ifdef UMBRA_WITH_CUDA
      cuda::Context ctx;
      *r = cuda::find_vertices(ctx, tracks, o);
#endif
    }
  }
  nb::dict d;
  d["events"] = r->summary.events, d["tracks"] = r->summary.tracks, d["pairs"] = r->summary.pairs;
  d["vertices"] = r->summary.vertices, d["seconds"] = r->summary.seconds, d["brief"] = r->summary.brief();
  return nb::make_tuple(nb::cast(std::move(r->vertices)), d);
}

/// ClusteringOptions from {field: number} (the C++ names; energies in GeV, times in ns).
ecl::ClusteringOptions clustering_options(nb::dict d) {
  ecl::ClusteringOptions o;
  for (auto [k, v] : d) {
    const std::string key = nb::cast<std::string>(k);
    const double x = nb::cast<double>(v);
    if (key == "seed_energy") o.seed_energy = x;
    else if (key == "growth_energy") o.growth_energy = x;
    else if (key == "digit_energy") o.digit_energy = x;
    else if (key == "seed_max_abs_time") o.seed_max_abs_time = x;
    else if (key == "local_maximum_energy") o.local_maximum_energy = x;
    else if (key == "max_local_maxima") o.max_local_maxima = int(x);
    else if (key == "min_shower_energy") o.min_shower_energy = x;
    else if (key == "max_iterations") o.max_iterations = int(x);
    else throw OptionsError("clustering option '" + key + "' unknown");
  }
  if (const std::string bad = o.validate(); !bad.empty()) throw OptionsError(bad);
  return o;
}

/// ECL clustering; returns (EclShowers, digit_region view, summary dict).
nb::tuple cluster_ecl(const EclDigits& digits, const std::string& backend, nb::dict options) {
  const Backend b = parse_backend(backend);
  const ecl::ClusteringOptions o = clustering_options(options);
  static const ecl::EclGeometry geometry;
  auto r = std::make_unique<ecl::ClusteringResult>();
  {
    nb::gil_scoped_release release;
    if (b == Backend::Cpu) {
      *r = cpu::cluster_ecl(geometry, digits, o);
    } else {
#ifdef UMBRA_WITH_CUDA
      cuda::Context ctx;
      *r = cuda::cluster_ecl(ctx, digits, o);
#endif
    }
  }
  const ecl::ClusteringSummary& s = r->summary;
  nb::dict d;
  d["n_regions"] = s.n_regions, d["n_showers"] = s.n_showers, d["n_dropped_showers"] = s.n_dropped_showers;
  d["backend"] = s.backend, d["total_ms"] = s.total_ms, d["brief"] = s.brief();
  nb::object showers = nb::cast(std::move(r->showers));
  std::vector<std::int32_t>& region = r->digit_region;
  nb::capsule owner = owning_capsule(std::move(r));
  return nb::make_tuple(showers, array_view(region, owner), d);
}

}  // namespace

void bind_reco(nb::module_& m) {
  bind_group<ecl::EclShowers>(m, "EclShowers", ecl::showers_group,
                              "/ecl/showers: ECL showers with position, time and shower shapes.");
  m.def("_cluster_ecl", &cluster_ecl, nb::arg("digits"), nb::arg("backend") = "cpu", nb::arg("options") = nb::dict());
  bind_group<track::Tracks>(m, "Tracks", "/tracks", "/tracks: fitted perigee parameters, covariance, fit quality.");
  bind_group<vertex::Vertices>(m, "Vertices", umbra::group::vertices, "/vertices: fitted two-track vertices.");
  m.def("_fit_tracks", &fit_tracks, nb::arg("hits"), nb::arg("backend") = "cpu", nb::arg("hypothesis") = "pion",
        nb::arg("min_hits") = 5, nb::arg("material") = true);
  m.def("_find_vertices", &find_vertices, nb::arg("tracks"), nb::arg("backend") = "cpu",
        nb::arg("displaced_only") = false, nb::arg("material_hypothesis") = "");
}

}  // namespace umbra::python
