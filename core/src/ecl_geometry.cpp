#include "umbra/geometry/ecl_geometry.hpp"

#include <algorithm>
#include <cmath>

#include "umbra/core/units.hpp"

namespace umbra::ecl {
namespace {

using constants::pi;
constexpr double deg = units::deg;

// Barrel ring-centre theta at the rings quoted in reference/belle2.md ("ECL"); the rings between
// are interpolated linearly, so these rings are reproduced exactly.
struct RingTheta {
  int theta_id;
  double theta_deg;
};
constexpr RingTheta barrel_knots[] = {{13, 32.94}, {14, 34.28}, {15, 35.66}, {40, 86.50},
                                      {41, 88.87}, {42, 91.17}, {57, 125.60}, {58, 127.55}};

// Endcaps (reference/belle2.md): rings equally spaced in theta between the quoted edges.
constexpr double fwd_theta_lo = 12.4, fwd_theta_hi = 31.4;    // deg, thetaId 0..12
constexpr double bwd_theta_lo = 130.7, bwd_theta_hi = 155.1;  // deg, thetaId 59..68
constexpr double barrel_theta_lo = 32.2, barrel_theta_hi = 128.7;
constexpr double barrel_inner_radius = 125.16;  // cm, front faces
constexpr double fwd_front_z = 196.0;           // cm
constexpr double bwd_front_z = -102.0;          // cm
constexpr int first_barrel_ring = 13, first_bwd_ring = 59;

double barrel_ring_theta_deg(int tid) {
  const auto* k = std::upper_bound(std::begin(barrel_knots), std::end(barrel_knots), tid,
                                   [](int t, const RingTheta& r) { return t < r.theta_id; });
  if (k == std::begin(barrel_knots)) k = std::begin(barrel_knots) + 1;
  if (k == std::end(barrel_knots)) k = std::end(barrel_knots) - 1;
  const RingTheta& a = *(k - 1);
  const RingTheta& b = *k;
  return a.theta_deg + (b.theta_deg - a.theta_deg) * double(tid - a.theta_id) / double(b.theta_id - a.theta_id);
}

Region region_of(int tid) {
  if (tid < first_barrel_ring) return Region::Forward;
  if (tid < first_bwd_ring) return Region::Barrel;
  return Region::Backward;
}

// phi id moved by `step` inside a ring of n crystals, wrapping around.
int wrap_phi(int phi, int n) { return ((phi % n) + n) % n; }

// Neighbour window as basf2's ECLNeighbours defines it (reference/belle2.md "Neighbour maps"):
// the centre's phi +- n, as fractions of its ring, projected onto each ring of the theta window
// (round(fraction * N_ring)), and the phi ids walked from the upper to the lower projection.
// With `cut_corners`, the first and last ring of the window lose one crystal at each end.
std::vector<std::uint16_t> window(const EclGeometry::Arrays& a, int cell0, int n, bool cut_corners) {
  const int tid = a.theta_id[cell0], pid = a.phi_id[cell0];
  const int ncentre = a.ring_size[tid];
  const double frac_hi = double(wrap_phi(pid + n, ncentre)) / ncentre;
  const double frac_lo = double(wrap_phi(pid - n, ncentre)) / ncentre;
  std::vector<std::uint16_t> cells;
  for (int t = tid - n; t <= tid + n; ++t) {
    if (t < 0 || t >= n_theta_rings) continue;
    const int nr = a.ring_size[t];
    int hi = wrap_phi(int(std::lround(frac_hi * nr)), nr);
    int lo = wrap_phi(int(std::lround(frac_lo * nr)), nr);
    if (cut_corners && (t == tid - n || t == tid + n)) {
      hi = wrap_phi(hi - 1, nr);
      lo = wrap_phi(lo + 1, nr);
      if (hi == wrap_phi(lo - 1, nr)) continue;  // nothing left between them
    }
    for (int p = hi;; p = wrap_phi(p - 1, nr)) {
      const auto id = static_cast<std::uint16_t>(a.ring_first[t] + p + 1);
      if (std::find(cells.begin(), cells.end(), id) == cells.end()) cells.push_back(id);
      if (p == lo) break;
    }
  }
  std::sort(cells.begin(), cells.end());
  return cells;
}

void build_csr(const EclGeometry::Arrays& a, int n, bool cut_corners, std::vector<std::uint32_t>& offsets,
               std::vector<std::uint16_t>& cells) {
  offsets.assign(1, 0);
  for (int i = 0; i < n_crystals; ++i) {
    const auto w = window(a, i, n, cut_corners);
    cells.insert(cells.end(), w.begin(), w.end());
    offsets.push_back(static_cast<std::uint32_t>(cells.size()));
  }
}

}  // namespace

EclGeometry::EclGeometry() : arrays_(new Arrays) {
  Arrays& a = *arrays_;
  int first = 0;
  for (int t = 0; t < n_theta_rings; ++t) {
    double centre, lo, hi;
    if (t < first_barrel_ring) {
      const double w = (fwd_theta_hi - fwd_theta_lo) / first_barrel_ring;
      lo = fwd_theta_lo + t * w;
      hi = lo + w;
      centre = 0.5 * (lo + hi);
    } else if (t < first_bwd_ring) {
      centre = barrel_ring_theta_deg(t);
      lo = t == first_barrel_ring ? barrel_theta_lo : 0.5 * (centre + barrel_ring_theta_deg(t - 1));
      hi = t == first_bwd_ring - 1 ? barrel_theta_hi : 0.5 * (centre + barrel_ring_theta_deg(t + 1));
    } else {
      const double w = (bwd_theta_hi - bwd_theta_lo) / (n_theta_rings - first_bwd_ring);
      lo = bwd_theta_lo + (t - first_bwd_ring) * w;
      hi = lo + w;
      centre = 0.5 * (lo + hi);
    }
    a.ring_size.push_back(crystals_per_ring[t]);
    a.ring_first.push_back(static_cast<std::uint16_t>(first));
    a.ring_theta.push_back(float(centre * deg));
    a.ring_theta_lo.push_back(float(lo * deg));
    a.ring_theta_hi.push_back(float(hi * deg));
    first += crystals_per_ring[t];
  }

  for (int t = 0; t < n_theta_rings; ++t) {
    const double th = a.ring_theta[t];
    const Region reg = region_of(t);
    for (int p = 0; p < crystals_per_ring[t]; ++p) {
      const double ph = 2.0 * pi * (p + 0.5) / crystals_per_ring[t];
      const double ux = std::sin(th) * std::cos(ph), uy = std::sin(th) * std::sin(ph), uz = std::cos(th);
      // Distance from the origin to the front face along the (projective) crystal axis.
      double d;
      if (reg == Region::Barrel) d = barrel_inner_radius / std::sin(th);
      else if (reg == Region::Forward) d = fwd_front_z / uz;
      else d = bwd_front_z / uz;
      a.theta_id.push_back(static_cast<std::uint8_t>(t));
      a.phi_id.push_back(static_cast<std::uint16_t>(p));
      a.region.push_back(static_cast<std::uint8_t>(reg));
      a.theta.push_back(float(th));
      a.phi.push_back(float(ph > pi ? ph - 2.0 * pi : ph));
      a.front_x.push_back(float(d * ux));
      a.front_y.push_back(float(d * uy));
      a.front_z.push_back(float(d * uz));
      const double dc = d + 0.5 * crystal_length;
      a.centre_x.push_back(float(dc * ux));
      a.centre_y.push_back(float(dc * uy));
      a.centre_z.push_back(float(dc * uz));
      a.axis_x.push_back(float(ux));
      a.axis_y.push_back(float(uy));
      a.axis_z.push_back(float(uz));
    }
  }
  build_csr(a, 1, false, a.n1_offsets, a.n1_cells);
  build_csr(a, 2, true, a.nc2_offsets, a.nc2_cells);
}

EclGeometry::~EclGeometry() { delete arrays_; }
EclGeometry::EclGeometry(const EclGeometry& o) : arrays_(new Arrays(*o.arrays_)) {}
EclGeometry& EclGeometry::operator=(const EclGeometry& o) {
  if (this != &o) *arrays_ = *o.arrays_;
  return *this;
}

EclGeometryView EclGeometry::view() const {
  return make_view(*arrays_, [](const auto& v) { return v.data(); });
}

int EclGeometry::cell_at(double theta, double phi) const {
  const Arrays& a = *arrays_;
  for (int t = 0; t < n_theta_rings; ++t) {
    if (theta >= a.ring_theta_lo[t] && theta < a.ring_theta_hi[t]) {
      double ph = std::fmod(phi, 2.0 * pi);
      if (ph < 0) ph += 2.0 * pi;
      const int n = a.ring_size[t];
      const int p = std::min(n - 1, int(ph / (2.0 * pi) * n));
      return a.ring_first[t] + p + 1;
    }
  }
  return 0;
}

}  // namespace umbra::ecl
