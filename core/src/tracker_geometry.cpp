#include <cmath>

#include "umbra/core/portable_math.hpp"
#include "umbra/core/units.hpp"
#include "umbra/geometry/tracker_geometry.hpp"

namespace umbra::tracker {
namespace {

// Stereo angle ranges per superlayer (reference/belle2.md), mrad, first to last layer.
struct StereoRange {
  float first, last;
};
constexpr StereoRange stereo_mrad[n_cdc_superlayers] = {
    {0, 0}, {68.2f, 70.4f}, {0, 0}, {-58.3f, -68.1f}, {0, 0}, {67.1f, 74.5f}, {0, 0}, {-73.0f, -79.0f}, {0, 0}};
constexpr std::uint16_t cells_per_superlayer[n_cdc_superlayers] = {160, 160, 192, 224, 256, 288, 320, 352, 384};

// CDC acceptance 17 deg .. 150 deg: the wire ends follow these cones, clipped to the chamber length.
constexpr double theta_fwd = 17.0 * units::deg, theta_bwd = 150.0 * units::deg;
constexpr double z_fwd_max = 159.8, z_bwd_min = -76.6;  // cm, approx. endplate positions

}  // namespace

void set_stereo(CdcLayer& L, float stereo) {
  L.stereo = stereo;
  L.tan_stereo = float(portable::tan(stereo));  // umbra's tan: the wire is the same on every backend
  L.wire_dz = 1.0f / std::sqrt(1.0f + L.tan_stereo * L.tan_stereo);
}

TrackerGeometry belle2_tracker() {
  TrackerGeometry g{};
  g.b_field = float(constants::b_field);
  g.beam_pipe = {1.1f, 0.0079f};
  // PXD: 50 um pitch in r-phi, 55-85 um in z; resolution ~ pitch/sqrt(12) (binary readout, approx.).
  const float pxd_r[n_pxd_layers] = {1.421f, 2.179f};
  const float pxd_half[n_pxd_layers] = {4.5f, 6.2f};
  for (int i = 0; i < n_pxd_layers; ++i)
    g.pxd[i] = {pxd_r[i], -pxd_half[i], pxd_half[i], 10e-4f, 15e-4f, 50e-4f, 70e-4f, 0.002f};
  // SVD: 50-75 um (u) x 160-240 um (v) strips with analogue readout (approx. resolutions).
  const float svd_r[n_svd_layers] = {3.899f, 8.0f, 10.4f, 13.515f};
  const float svd_zmin[n_svd_layers] = {-10.6f, -15.0f, -18.0f, -21.0f};
  const float svd_zmax[n_svd_layers] = {13.5f, 22.0f, 29.0f, 37.0f};
  for (int i = 0; i < n_svd_layers; ++i)
    g.svd[i] = {svd_r[i], svd_zmin[i], svd_zmax[i], 15e-4f, 35e-4f, 60e-4f, 200e-4f, 0.0057f};

  // CDC radii: superlayer 0 has 8 small-cell layers from 16.80 cm (1.0 cm apart); the 48 layers of
  // superlayers 1-8 are spread evenly up to 111.14 cm (approx.: real layer radii differ by < 1 cm).
  int layer = 0, wire0 = 0;
  for (int sl = 0; sl < n_cdc_superlayers; ++sl) {
    const int nl = sl == 0 ? 8 : 6;
    for (int k = 0; k < nl; ++k, ++layer) {
      CdcLayer& L = g.cdc[layer];
      L.superlayer = static_cast<std::uint8_t>(sl);
      L.n_wires = cells_per_superlayer[sl];
      L.first_wire = static_cast<std::uint16_t>(wire0);
      L.radius = sl == 0 ? 16.80f + 1.0f * k : float(25.70 + (111.14 - 25.70) * (layer - 8) / 47.0);
      const StereoRange s = stereo_mrad[sl];
      set_stereo(L, float((s.first + (s.last - s.first) * k / double(nl - 1)) * units::mrad));
      L.phi0 = float((k % 2) * constants::pi / L.n_wires);  // half-cell stagger between layers
      L.z_min = float(std::max(z_bwd_min, L.radius / std::tan(theta_bwd)));
      L.z_max = float(std::min(z_fwd_max, L.radius / std::tan(theta_fwd)));
      wire0 += L.n_wires;
    }
  }
  g.cdc_sigma = 130e-4f;
  g.cdc_x0 = 1.0e4f;  // ~1% X0 per metre of gas + wires (approx.)
  g.cdc_inner_wall_x_over_x0 = 0.004f;
  return g;
}

}  // namespace umbra::tracker
