#pragma once
// Measurement models of the Kalman fit, written as templates so that Dual<5> gives their exact
// Jacobians. Both take the state at a pivot placed on the measured object:
//  - silicon: pivot = the hit; prediction = where the track pierces the plane tangent to the
//    layer at the hit, as (r-phi, z) offsets from the hit (measured value (0, 0));
//  - CDC: pivot = the wire's point at the height where the track passes it; prediction = the
//    signed distance of closest approach to the (stereo) wire, locally straight
//    (reference/belle2.md: "A drift measurement has a left/right ambiguity").

#include <cmath>

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

template <class T>
UMBRA_HD inline T cdc_prediction(const T p[5], const Wire& w) {
  const T sf = sin(p[kPhi0]), cf = cos(p[kPhi0]);
  const T qx = p[kD0] * sf, qy = -p[kD0] * cf, qz = p[kZ0];
  const T ux = cf, uy = sf, uz = p[kTanLambda];
  const T nx = uy * w.dz - uz * w.dy, ny = uz * w.dx - ux * w.dz, nz = ux * w.dy - uy * w.dx;
  return (qx * nx + qy * ny + qz * nz) / sqrt(nx * nx + ny * ny + nz * nz);
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
