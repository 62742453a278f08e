#pragma once
#include <cmath>

namespace umbra::tracker {

// A stereo wire is a straight line twisted in phi: at z = 0 it sits at (r, phi_w); its direction
// has a tangential component tan(stereo) per unit z (small-angle description of the hyperboloid).
UMBRA_HD inline void TrackerGeometry::wire(int l, int w, float& x, float& y, float& dx, float& dy,
                                           float& dz) const {
  const CdcLayer& L = cdc[l];
  const float phi = L.phi0 + 6.28318530717958647692f * float(w) / float(L.n_wires);
  const float c = cosf(phi), s = sinf(phi);
  x = L.radius * c;
  y = L.radius * s;
  const float t = tanf(L.stereo);
  const float norm = 1.0f / sqrtf(1.0f + t * t);
  dx = -s * t * norm;
  dy = c * t * norm;
  dz = norm;
}

}  // namespace umbra::tracker
