#pragma once
// The Belle II ECL: 8736 CsI(Tl) crystals in 69 theta rings, cellId 1-based and consecutive ring
// by ring (reference/belle2.md "ECL"). The host class builds flat arrays once; algorithms use the
// trivially copyable EclGeometryView, whose pointers may be host or device memory.

#include <array>
#include <cstdint>
#include <type_traits>
#include <vector>

#include "umbra/core/qualifiers.hpp"
#include "umbra/core/span.hpp"

namespace umbra::ecl {

inline constexpr int n_crystals = 8736;
inline constexpr int n_theta_rings = 69;
inline constexpr double moliere_radius = 3.581;  // cm (reference/belle2.md)
inline constexpr double crystal_length = 30.0;   // cm
inline constexpr double x0_csi = 1.86;           // cm

enum class Region : std::uint8_t { Forward = 1, Barrel = 2, Backward = 3 };

/// Crystals per theta ring (reference/belle2.md "Crystals per ring").
inline constexpr std::array<std::uint16_t, n_theta_rings> crystals_per_ring = {
    48,  48,  64,  64,  64,  96,  96,  96,  96,  96,  96,  144, 144,                      // FWD 0-12
    144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144,       // barrel
    144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144,
    144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144, 144,                  // ... 58
    144, 144, 96,  96,  96,  96,  96,  64,  64,  64};                                     // BWD 59-68

struct EclGeometryView {
  // Per ring (69 entries).
  Span<const std::uint16_t> ring_size;     // crystals in the ring
  Span<const std::uint16_t> ring_first;    // 0-based index of the ring's phiId 0 crystal
  Span<const float> ring_theta;            // ring-centre theta [rad]
  Span<const float> ring_theta_lo, ring_theta_hi;  // ring edges [rad]
  // Per crystal (8736 entries, index = cellId - 1).
  Span<const std::uint8_t> theta_id;
  Span<const std::uint16_t> phi_id;
  Span<const std::uint8_t> region;         // Region
  Span<const float> theta, phi;            // direction of the crystal axis [rad]
  Span<const float> front_x, front_y, front_z;    // front-face centre [cm]
  Span<const float> centre_x, centre_y, centre_z; // crystal centre (front + 15 cm along axis) [cm]
  Span<const float> axis_x, axis_y, axis_z;       // unit axis direction
  // Neighbour tables in CSR form: crystal i owns n1_cells[n1_offsets[i] .. n1_offsets[i+1]),
  // cellIds (1-based), centre included.
  Span<const std::uint32_t> n1_offsets;
  Span<const std::uint16_t> n1_cells;
  Span<const std::uint32_t> nc2_offsets;
  Span<const std::uint16_t> nc2_cells;

  /// cellId (1..8736) of (thetaId, phiId) with phiId wrapped into the ring.
  UMBRA_HD int cell_id(int theta_id_, int phi_id_) const {
    const int n = ring_size[theta_id_];
    const int p = ((phi_id_ % n) + n) % n;
    return ring_first[theta_id_] + p + 1;
  }
  UMBRA_HD Span<const std::uint16_t> n1(int cell) const {
    const std::uint32_t b = n1_offsets[cell - 1], e = n1_offsets[cell];
    return {n1_cells.data + b, e - b};
  }
  UMBRA_HD Span<const std::uint16_t> nc2(int cell) const {
    const std::uint32_t b = nc2_offsets[cell - 1], e = nc2_offsets[cell];
    return {nc2_cells.data + b, e - b};
  }
  UMBRA_HD bool are_n1_neighbours(int a, int b) const {
    for (auto c : n1(a))
      if (c == b) return true;
    return false;
  }
};

/// Owns the geometry arrays. Build once (cheap: ~1 ms) and share.
class EclGeometry {
 public:
  EclGeometry();

  EclGeometryView view() const;
  /// The 0-based flat arrays, for uploading to a device.
  struct Arrays;
  const Arrays& arrays() const { return *arrays_; }

  /// cellId of the crystal hit by a straight line from the origin at (theta, phi); 0 in the gaps
  /// between regions and outside the acceptance.
  int cell_at(double theta, double phi) const;

  ~EclGeometry();
  EclGeometry(const EclGeometry&);
  EclGeometry& operator=(const EclGeometry&);

 private:
  Arrays* arrays_;
};

struct EclGeometry::Arrays {
  std::vector<std::uint16_t> ring_size, ring_first;
  std::vector<float> ring_theta, ring_theta_lo, ring_theta_hi;
  std::vector<std::uint8_t> theta_id;
  std::vector<std::uint16_t> phi_id;
  std::vector<std::uint8_t> region;
  std::vector<float> theta, phi;
  std::vector<float> front_x, front_y, front_z, centre_x, centre_y, centre_z, axis_x, axis_y, axis_z;
  std::vector<std::uint32_t> n1_offsets, nc2_offsets;
  std::vector<std::uint16_t> n1_cells, nc2_cells;
};

/// Builds the view of arrays that live anywhere (host vectors or a device copy with the same sizes):
/// `ptr(v)` maps each host vector to the pointer of its copy.
template <class PtrOf>
EclGeometryView make_view(const EclGeometry::Arrays& a, PtrOf ptr) {
  auto s = [&](const auto& v) {
    using T = typename std::decay_t<decltype(v)>::value_type;
    return Span<const T>{ptr(v), v.size()};
  };
  return {s(a.ring_size), s(a.ring_first), s(a.ring_theta), s(a.ring_theta_lo), s(a.ring_theta_hi),
          s(a.theta_id),  s(a.phi_id),     s(a.region),     s(a.theta),         s(a.phi),
          s(a.front_x),   s(a.front_y),    s(a.front_z),    s(a.centre_x),      s(a.centre_y),
          s(a.centre_z),  s(a.axis_x),     s(a.axis_y),     s(a.axis_z),        s(a.n1_offsets),
          s(a.n1_cells),  s(a.nc2_offsets), s(a.nc2_cells)};
}

}  // namespace umbra::ecl
