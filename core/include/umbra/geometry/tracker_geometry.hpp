#pragma once
// Belle II tracking volume (reference/belle2.md "Tracking detectors"): beam pipe, 2 PXD and 4 SVD
// cylinders, 56 CDC layers of sense wires (9 superlayers A U A V A U A V A), uniform 1.5 T field.
// Plain aggregates, trivially copyable, so the whole description can be passed to a kernel by value.

#include <cstdint>

#include "umbra/core/qualifiers.hpp"

namespace umbra::tracker {

inline constexpr int n_pxd_layers = 2;
inline constexpr int n_svd_layers = 4;
inline constexpr int n_cdc_layers = 56;
inline constexpr int n_cdc_superlayers = 9;
inline constexpr int n_cdc_wires = 14336;

/// A thin cylindrical silicon layer.
struct SiliconLayer {
  float radius;       // cm
  float z_min, z_max; // cm, sensitive length
  float sigma_rphi;   // cm, hit resolution
  float sigma_z;      // cm
  float pitch_rphi;   // cm
  float pitch_z;      // cm
  float x_over_x0;    // material at normal incidence, fraction of X0
};

/// One CDC layer of sense wires.
struct CdcLayer {
  std::uint8_t superlayer;   // 0..8
  std::uint16_t n_wires;     // cells per layer
  std::uint16_t first_wire;  // global index of wire 0 of this layer (0..14335)
  float radius;              // cm, wire radius at z = 0
  float stereo;              // rad, stereo angle (0 axial, + U, - V); set with set_stereo
  float tan_stereo;          // tan(stereo) and the z component of the wire's unit direction,
  float wire_dz;             // 1 / sqrt(1 + tan^2): per layer, not per hit (set_stereo)
  float phi0;                // rad, phi of wire 0 at z = 0
  float z_min, z_max;        // cm, wire ends
};

/// Sets a layer's stereo angle with the direction terms derived from it.
void set_stereo(CdcLayer& layer, float stereo);

/// A thin cylindrical material layer without measurements (beam pipe).
struct MaterialCylinder {
  float radius;
  float x_over_x0;
};

struct TrackerGeometry {
  float b_field;  // tesla, along +z
  MaterialCylinder beam_pipe;
  SiliconLayer pxd[n_pxd_layers];
  SiliconLayer svd[n_svd_layers];
  CdcLayer cdc[n_cdc_layers];
  float cdc_sigma;              // cm, drift-distance resolution
  float cdc_x0;                 // cm, radiation length of the gas + wires (distributed)
  float cdc_inner_wall_x_over_x0;

  /// Position at z = 0 and unit direction of CDC wire `w` of layer `l` (stereo wires tilt in phi).
  UMBRA_HD void wire(int l, int w, float& x, float& y, float& dx, float& dy, float& dz) const;
};

/// The default Belle II description (numbers from reference/belle2.md).
TrackerGeometry belle2_tracker();

}  // namespace umbra::tracker

#include "umbra/geometry/tracker_geometry_inl.hpp"
