// Tracker response of the fast simulation (interface and physics in tracker_response.hpp).
// Each charged final-state particle is stepped surface by surface (beam pipe, PXD, SVD, CDC inner
// wall, 56 CDC layers) on the shared helix model (umbra/track/helix.hpp) with the shared material
// model (umbra/track/material.hpp), so the fit describes exactly the physics simulated here.
// Only the outgoing branch of a track is simulated: it stops at its first turning point (curlers
// leave no second arm), when it leaves the CDC through an endplate or when it stops.
#include "umbra/sim/tracker_response.hpp"

#include <cmath>
#include <cstdlib>
#include <vector>

#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/track/helix.hpp"
#include "umbra/track/material.hpp"

namespace umbra::sim {
namespace {

using track::Point3;

/// Charge and mass of the charged stable particles the tracker sees; false for anything else.
bool charged_species(int pdg, double& q, double& m) {
  const int a = std::abs(pdg);
  const double s = pdg > 0 ? 1.0 : -1.0;
  switch (a) {
    case 11: q = -s, m = constants::m_electron; return true;
    case 13: q = -s, m = constants::m_muon; return true;
    case 211: q = s, m = constants::m_pion; return true;
    case 321: q = s, m = constants::m_kaon; return true;
    case 2212: q = s, m = constants::m_proton; return true;
    default: return false;
  }
}

/// Separate the tracker's random streams from other users of (seed, event, particle).
constexpr std::uint64_t tracker_salt = 0x7472616b00000000ull;  // "trak"
constexpr std::uint64_t noise_stream = 0xfffffff0u;

/// 3-D distance of closest approach of the helix (near arc length s) to a straight wire.
double wire_doca(const double p[5], const Point3& pivot, double s, const double w0[3], const double wd[3]) {
  const double cosl = 1.0 / std::sqrt(1.0 + p[track::kTanLambda] * p[track::kTanLambda]);
  double x, y, z;
  for (int it = 0; it < 6; ++it) {  // closest point of the tangent line, then back onto the helix
    track::helix_position(p, pivot, s, x, y, z);
    double ux, uy, uz;
    track::helix_direction(p, s, ux, uy, uz);
    const double rx = x - w0[0], ry = y - w0[1], rz = z - w0[2];
    const double b = ux * wd[0] + uy * wd[1] + uz * wd[2];
    const double d = ux * rx + uy * ry + uz * rz, e = wd[0] * rx + wd[1] * ry + wd[2] * rz;
    const double step = (b * e - d) / std::fmax(1.0 - b * b, 1e-12);
    s += step * cosl;
    if (std::fabs(step) < 1e-7) break;
  }
  track::helix_position(p, pivot, s, x, y, z);
  const double rx = x - w0[0], ry = y - w0[1], rz = z - w0[2];
  const double e = wd[0] * rx + wd[1] * ry + wd[2] * rz;
  const double dx = rx - e * wd[0], dy = ry - e * wd[1], dz = rz - e * wd[2];
  return std::sqrt(dx * dx + dy * dy + dz * dz);
}

struct Particle {
  double p[5];
  Point3 pivot;
  double q, mass, mom;  // charge, mass, momentum [GeV]
};

/// Scatters (Highland) and slows down (mean loss) the particle at its pivot; false once stopped.
bool apply_material(Particle& t, track::Material m, double x_over_x0, double b_field, Philox& rng) {
  const double e0 = std::sqrt(t.mom * t.mom + t.mass * t.mass), beta = t.mom / e0;
  const double theta0 = track::highland(x_over_x0, t.mom, beta);
  double lambda = std::atan(t.p[track::kTanLambda]);
  const double t1 = rng.normal() * theta0, t2 = rng.normal() * theta0;
  t.p[track::kPhi0] += t1 / std::cos(lambda);
  lambda += t2;
  if (std::fabs(lambda) > 1.5) return false;
  const double e1 = e0 - track::mean_energy_loss(m, x_over_x0, beta);
  if (e1 <= t.mass * 1.001) return false;
  t.mom = std::sqrt(e1 * e1 - t.mass * t.mass);
  t.p[track::kTanLambda] = std::tan(lambda);
  t.p[track::kOmega] = track::omega_of(t.q, t.mom * std::cos(lambda), b_field);
  return true;
}

void push_hit(TrackerHits& h, TrackerDetector det, int layer, double x, double y, double z, int wire, double drift,
              double s_rphi, double s_z, int track_id) {
  h.detector.push_back(std::uint8_t(det));
  h.layer.push_back(std::uint8_t(layer));
  h.x.push_back(float(x)), h.y.push_back(float(y)), h.z.push_back(float(z));
  h.wire.push_back(wire);
  h.drift_length.push_back(float(drift));
  h.sigma_rphi.push_back(float(s_rphi)), h.sigma_z.push_back(float(s_z));
  h.track_id.push_back(track_id);
}

void simulate_particle(const tracker::TrackerGeometry& g, Particle t, int track_id, const TrackerResponseOptions& o,
                       Philox& rng, TrackerHits& hits) {
  const double r_prod = std::hypot(t.pivot.x, t.pivot.y);
  const double z_lo = g.cdc[tracker::n_cdc_layers - 1].z_min, z_hi = g.cdc[tracker::n_cdc_layers - 1].z_max;
  double r_prev = r_prod;
  // Surfaces in radial order: thin material cylinders (incl. the silicon layers), then CDC layers.
  const int n_surfaces = track::n_material_cylinders + tracker::n_cdc_layers;
  for (int k = 0; k < n_surfaces; ++k) {
    const bool is_cdc = k >= track::n_material_cylinders;
    const int l = k - track::n_material_cylinders;
    const track::MaterialCylinderInfo mc = is_cdc ? track::MaterialCylinderInfo{} : track::material_cylinder(g, k);
    const double r = is_cdc ? g.cdc[l].radius : mc.radius;
    if (r <= r_prod) continue;  // displaced tracks only see what lies outside their origin
    double s;
    if (!track::arc_to_radius(t.p, t.pivot, r, s)) return;  // turned back inside this radius
    const double path3d = s * std::sqrt(1.0 + t.p[track::kTanLambda] * t.p[track::kTanLambda]);
    track::advance(t.p, t.pivot, s);
    const double x = t.pivot.x, y = t.pivot.y, z = t.pivot.z;
    if (z < z_lo || z > z_hi) return;  // left through an endplate
    if (o.material && is_cdc && r_prev >= track::cdc_inner_wall_radius - 1e-6 &&
        !apply_material(t, track::Material::cdc_gas, path3d / g.cdc_x0, g.b_field, rng))
      return;
    r_prev = r;
    if (is_cdc) {
      const tracker::CdcLayer& L = g.cdc[l];
      const bool efficient = rng.uniform() < o.hit_efficiency;
      if (z < L.z_min || z > L.z_max || !efficient) continue;
      // nearest wire: the stereo wire at height z is turned by atan(tan(stereo) z / r) in phi
      const double phi_w = std::atan2(y, x) - std::atan(std::tan(L.stereo) * z / r) - L.phi0;
      const int guess = int(std::lround(phi_w * L.n_wires / constants::two_pi));
      int best_wire = -1;
      double best = 1e30;
      for (int dw = -1; dw <= 1; ++dw) {
        const int w = ((guess + dw) % L.n_wires + L.n_wires) % L.n_wires;
        float wx, wy, dx, dy, dz;
        g.wire(l, w, wx, wy, dx, dy, dz);
        const double w0[3] = {wx, wy, 0.0}, wd[3] = {dx, dy, dz};
        const double d = wire_doca(t.p, t.pivot, 0.0, w0, wd);
        if (d < best) best = d, best_wire = w;
      }
      float wx, wy, dx, dy, dz;
      g.wire(l, best_wire, wx, wy, dx, dy, dz);
      const double drift = std::fabs(best + rng.normal() * o.cdc_drift_sigma);  // >= 0: L/R is lost
      push_hit(hits, TrackerDetector::CDC, l, wx, wy, 0.0, best_wire, drift, o.cdc_drift_sigma, 0.0, track_id);
      continue;
    }
    if (mc.detector != 0) {  // a silicon layer: smeared space point inside the sensitive length
      const tracker::SiliconLayer& S = mc.detector == 1 ? g.pxd[mc.layer] : g.svd[mc.layer];
      const bool efficient = rng.uniform() < o.hit_efficiency;
      const double phi_h = std::atan2(y, x) + rng.normal() * S.sigma_rphi / r;
      const double z_h = z + rng.normal() * S.sigma_z;
      if (efficient && z >= S.z_min && z <= S.z_max)
        push_hit(hits, TrackerDetector(mc.detector), mc.layer, r * std::cos(phi_h), r * std::sin(phi_h), z_h, -1, 0.0,
                 S.sigma_rphi, S.sigma_z, track_id);
    }
    if (o.material) {
      const double xx0 = mc.x_over_x0 * track::path_factor(t.p[track::kPhi0], t.p[track::kTanLambda], x, y);
      if (!apply_material(t, mc.material, xx0, g.b_field, rng)) return;
    }
  }
}

}  // namespace

std::string TrackerResponseOptions::validate() const {
  if (!(hit_efficiency >= 0 && hit_efficiency <= 1)) return "hit_efficiency must be in [0, 1]";
  if (!(noise_hits_per_event >= 0 && std::isfinite(noise_hits_per_event)))
    return "noise_hits_per_event must be finite and >= 0";
  if (!(cdc_drift_sigma > 0 && std::isfinite(cdc_drift_sigma))) return "cdc_drift_sigma must be finite and > 0";
  return {};
}

void simulate_tracker_event(const tracker::TrackerGeometry& geometry, const McParticles& mc, std::uint64_t event,
                            std::uint64_t seed, std::uint64_t event_number, const TrackerResponseOptions& options,
                            TrackerHits& hits) {
  const std::uint64_t first = mc.begin(event), n = mc.count(event);
  std::vector<char> has_daughter(n, 0);
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::int32_t m = mc.mother[first + i];
    if (m >= 0 && std::uint64_t(m) < n) has_daughter[m] = 1;
  }
  for (std::uint64_t i = 0; i < n; ++i) {
    const std::uint64_t k = first + i;
    double q, mass;
    if (has_daughter[i] || !charged_species(mc.pdg[k], q, mass)) continue;
    const double px = mc.px[k], py = mc.py[k], pz = mc.pz[k];
    const double pt = std::hypot(px, py);
    if (!(pt > 1e-3)) continue;  // nothing to track (also refuses NaN)
    Particle t;
    track::helix_from_momentum(px, py, pz, q, geometry.b_field, t.p);
    t.pivot = {mc.vx[k], mc.vy[k], mc.vz[k]};
    t.q = q, t.mass = mass, t.mom = std::sqrt(pt * pt + pz * pz);
    Philox rng(seed ^ tracker_salt, event_number, i);
    simulate_particle(geometry, t, int(i), options, rng, hits);
  }
  // CDC noise: random wires with a drift length inside the cell.
  Philox rng(seed ^ tracker_salt, event_number, noise_stream);
  const std::uint32_t n_noise = rng.poisson(options.noise_hits_per_event);
  for (std::uint32_t j = 0; j < n_noise; ++j) {
    const int l = int(rng.uniform() * tracker::n_cdc_layers) % tracker::n_cdc_layers;
    const tracker::CdcLayer& L = geometry.cdc[l];
    const int w = int(rng.uniform() * L.n_wires) % L.n_wires;
    float wx, wy, dx, dy, dz;
    geometry.wire(l, w, wx, wy, dx, dy, dz);
    const double half_cell = constants::pi * L.radius / L.n_wires;
    push_hit(hits, TrackerDetector::CDC, l, wx, wy, 0.0, w, rng.uniform() * half_cell, options.cdc_drift_sigma, 0.0,
             -1);
  }
}

}  // namespace umbra::sim
