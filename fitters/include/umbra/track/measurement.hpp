#pragma once
// Measurement models of the Kalman fit, written as templates so that Dual<5> gives their exact
// Jacobians. Both take the state at a pivot placed on the measured object:
//  - silicon: pivot = the hit; prediction = where the track pierces the plane tangent to the
//    layer at the hit, as (r-phi, z) offsets from the hit (measured value (0, 0));
//  - CDC: pivot = the wire's point at the height where the track passes it; prediction = the
//    signed distance of closest approach to the (stereo) wire, locally straight
//    (reference/belle2.md: "A drift measurement has a left/right ambiguity").

#include <cmath>

#include "umbra/geometry/cdc_wire_table.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/track/helix.hpp"

namespace umbra::track {

template <class T>
UMBRA_HD inline void silicon_prediction(const T p[5], const Point3& hit, T m[2]) {
  const T sf = sin(p[kPhi0]), cf = cos(p[kPhi0]);
  const double r = sqrt(hit.x * hit.x + hit.y * hit.y);
  const double nx = hit.x / r, ny = hit.y / r;  // layer normal; tangent (-ny, nx)
  // point of closest approach relative to the hit, and the direction there
  const T qx = p[kD0] * sf, qy = -p[kD0] * cf, qz = p[kZ0];
  const T un = cf * nx + sf * ny;
  const T lambda = -(qx * nx + qy * ny) / un;  // straight step (transverse) to the tangent plane
  const T ix = qx + lambda * cf, iy = qy + lambda * sf;
  m[0] = -ix * ny + iy * nx;
  m[1] = qz + lambda * p[kTanLambda];
}

/// A CDC wire as a line: point at z = 0 and unit direction.
struct Wire {
  double x, y, dx, dy, dz;
  UMBRA_HD Point3 at(double z) const { return {x + dx * z / dz, y + dy * z / dz, z}; }
};
UMBRA_HD inline Wire cdc_wire(const tracker::TrackerGeometry& g, int layer, int wire) {
  float x, y, dx, dy, dz;
  g.wire(layer, wire, x, y, dx, dy, dz);
  return {x, y, dx, dy, dz};
}
/// The same wire read from a precomputed table (CPU backend) where `table` is not empty.
UMBRA_HD inline Wire cdc_wire(const tracker::TrackerGeometry& g, const tracker::CdcWireTableView& table, int layer,
                              int wire) {
  if (table.empty()) return cdc_wire(g, layer, wire);
  const tracker::CdcWire& w = table.at(layer, wire);
  return {w.x, w.y, w.dx, w.dy, w.dz};
}

template <class T>
UMBRA_HD inline T cdc_prediction(const T p[5], const Wire& w) {
  const T sf = sin(p[kPhi0]), cf = cos(p[kPhi0]);
  const T qx = p[kD0] * sf, qy = -p[kD0] * cf, qz = p[kZ0];
  const T ux = cf, uy = sf, uz = p[kTanLambda];
  const T nx = uy * w.dz - uz * w.dy, ny = uz * w.dx - ux * w.dz, nz = ux * w.dy - uy * w.dx;
  return (qx * nx + qy * ny + qz * nz) / sqrt(nx * nx + ny * ny + nz * nz);
}

/// Where the Jacobians below can be non-zero (bit k: column k), for matrix.hpp's project.
inline constexpr unsigned silicon_jacobian_nonzero[2] = {0b00011u, 0b11011u};  // rows r-phi, z
inline constexpr unsigned cdc_jacobian_nonzero = 0b11011u;                      // no omega column

/// silicon_prediction for doubles with its 2x5 Jacobian H written out (sf, cf: sin, cos of phi0).
/// Over a lane type V (umbra/core/lanes.hpp) with the hit point type P (Point3 or a point of V).
template <class V, class P>
UMBRA_HD inline void silicon_prediction_jacobian(const V p[5], V sf, V cf, const P& hit, V m[2], V H[2][5]) {
  const V ir = 1.0 / lanes::sqrt(hit.x * hit.x + hit.y * hit.y);
  const V nx = hit.x * ir, ny = hit.y * ir;
  const V d0 = p[kD0], t = p[kTanLambda];
  const V un = cf * nx + sf * ny, g = sf * nx - cf * ny;  // d un/d phi = -g, d g/d phi = un
  const V iun = 1.0 / un;
  const V lambda = -d0 * g * iun;
  const V dl0 = -g * iun, dl1 = -d0 * (un * un + g * g) * iun * iun;
  m[0] = -d0 * un + lambda * g;
  m[1] = p[kZ0] + lambda * t;
  const V zero = lanes::splat<V>(0.0), one = lanes::splat<V>(1.0);
  H[0][0] = -un + g * dl0, H[0][1] = d0 * g + lambda * un + g * dl1, H[0][2] = zero, H[0][3] = zero, H[0][4] = zero;
  H[1][0] = t * dl0, H[1][1] = t * dl1, H[1][2] = zero, H[1][3] = one, H[1][4] = lambda;
}

/// cdc_prediction for doubles with its 1x5 Jacobian H written out (sf, cf: sin, cos of phi0).
/// Over a lane type V with the wire type W (Wire, or a wire of V).
template <class V, class W>
UMBRA_HD inline V cdc_prediction_jacobian(const V p[5], V sf, V cf, const W& w, V H[5]) {
  const V d0 = p[kD0], z0 = p[kZ0], t = p[kTanLambda];
  const V nx = sf * w.dz - t * w.dy, ny = t * w.dx - cf * w.dz, nz = cf * w.dy - sf * w.dx;
  const V e = cf * w.dx + sf * w.dy;  // d nz / d phi = -e, d e / d phi = nz
  const V D = d0 * (w.dz - t * e) + z0 * nz;
  const V nn = nx * nx + ny * ny + nz * nz, in = 1.0 / lanes::sqrt(nn), m = D * in;
  const V dD1 = -d0 * t * nz - z0 * e, dnn1 = 2.0 * (w.dz * (nx * cf + ny * sf) - nz * e);
  const V dD4 = -d0 * e, dnn4 = 2.0 * (ny * w.dx - nx * w.dy);
  H[0] = (w.dz - t * e) * in;
  H[1] = (dD1 - 0.5 * m * dnn1 * in) * in;
  H[2] = lanes::splat<V>(0.0);
  H[3] = nz * in;
  H[4] = (dD4 - 0.5 * m * dnn4 * in) * in;
  return m;
}

/// Pivot on wire `w` for the track `p` at pivot `from`: the wire's point at the track's height
/// there (two passes; the stereo tilt moves the wire by tan(stereo) dz). Returns the state at it.
UMBRA_HD inline Point3 cdc_pivot(const double p[5], const Point3& from, const Wire& w, double out[5], double& s) {
  Point3 piv = w.at(from.z + p[kZ0]);
  for (int it = 0; it < 2; ++it) {
    change_pivot(p, from, piv, out, s);
    piv = w.at(piv.z + out[kZ0]);
  }
  change_pivot(p, from, piv, out, s);
  return piv;
}

}  // namespace umbra::track
