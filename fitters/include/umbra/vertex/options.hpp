#pragma once
// Options of the displaced-vertex finder with the V0 defaults of reference/belle2.md
// ("V0 / displaced vertices", basf2 V0Finder style): every positive with every negative track,
// vertex radius > 1 cm, acceptable chi2, and mass windows K_S [0.425, 0.575], Lambda
// [1.09, 1.14], converted photon [0, 0.1] GeV. Dark-sector searches (S -> mu mu, chi2 -> chi1 ee)
// switch the windows off with `displaced()`. Trivially copyable: passed to kernels by value.

#include <cstdint>
#include <string>

#include "umbra/core/units.hpp"
#include "umbra/vertex/inner_material.hpp"
#include "umbra/vertex/vertex_fit.hpp"

namespace umbra::vertex {

/// Mass hypotheses of the pair; the p pi hypothesis gives the proton mass to the track with the
/// larger momentum (the proton takes most of the Lambda momentum).
enum Hypothesis : int { ee = 0, mumu = 1, pipi = 2, ppi = 3, n_hypotheses = 4 };

struct MassWindow {
  bool enabled = true;
  double lo = 0, hi = 0;  // GeV
};

struct Options {
  // Beam spot (the pointing angle and flight distance are measured from here) [cm].
  double beam_spot[3] = {0.0, 0.0, 0.0};
  // Pre-selection before the fit.
  double max_doca = 2.0;           // cm: 3D closest approach of the helices at the starting point
  // cm: the starting point may lie this far outside the radius window. Prompt pairs start within
  // ~0.1 cm of the beam line and are skipped without a fit; a displaced vertex starts within its
  // errors of the truth (S -> mu mu at 1-5 cm keeps 100% efficiency, tests/vertexing).
  double start_radius_margin = 0.5;
  // First-order chi2 of a vertex at the starting point (start_chi2.hpp) above which the fit is
  // skipped; <= 0: off. Generous against max_chi2: the estimate is linear and its tail is long.
  double max_start_chi2 = 500.0;
  // Selection after the fit.
  double min_radius = 1.0;         // cm, transverse distance from the beam spot (reference: > 1 cm)
  double max_radius = 111.14;      // cm, outer CDC wire radius: nothing beyond can be reconstructed
  double max_chi2 = 50.0;          // ndf = 1
  double min_cos_pointing = -1.0;  // off by default
  double min_significance = 0.0;   // transverse flight distance / its error; off by default
  // Mass windows: a vertex is kept if its mass under the window's hypothesis falls in any enabled
  // window; with every window disabled there is no mass cut.
  MassWindow ks{true, 0.425, 0.575};      // pi pi
  MassWindow lambda{true, 1.09, 1.14};    // p pi
  MassWindow gamma{true, 0.0, 0.1};       // e e
  double b_field = constants::b_field;    // T, along +z
  FitSettings fit;
  // The material the track fit applied inside each track's first hit; the part inside the vertex
  // radius is taken out of the track covariances and the vertex refitted (inner_material.hpp).
  // Empty by default (tracks without that material); set it for Kalman-fitted tracks with
  // `track_material(geometry, FitOptions::hypothesis)` when FitOptions::material is on.
  TrackMaterial track_material;

  /// The V0 defaults without mass windows: any displaced two-track vertex.
  static Options displaced() {
    Options o;
    o.ks.enabled = o.lambda.enabled = o.gamma.enabled = false;
    return o;
  }
  /// Empty when valid, otherwise a message naming the bad field.
  std::string validate() const;
};

/// Per-pair outcome (what the Summary counts).
enum class PairStatus : std::uint8_t {
  accepted = 0,
  bad_covariance,   // a track covariance is not positive definite
  no_crossing,      // concentric circles: no starting point
  failed_doca,      // helices never come within max_doca
  failed_start_radius,
  failed_start_chi2,  // first-order chi2 at the starting point over max_start_chi2
  fit_failed,       // singular or diverging fit from every starting point
  failed_chi2,
  failed_radius,
  failed_pointing,
  failed_significance,
  failed_mass,
  count
};

const char* to_string(PairStatus s);

}  // namespace umbra::vertex
