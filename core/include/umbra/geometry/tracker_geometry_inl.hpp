#pragma once
#include <cmath>

#include "umbra/core/portable_math.hpp"

namespace umbra::tracker {

// A stereo wire is a straight line twisted in phi: at z = 0 it sits at (r, phi_w); its direction
// has a tangential component tan(stereo) per unit z (small-angle description of the hyperboloid).
UMBRA_HD inline void TrackerGeometry::wire(int l, int w, float& x, float& y, float& dx, float& dy,
                                           float& dz) const {
  const CdcLayer& L = cdc[l];
  const float phi = L.phi0 + 6.28318530717958647692f * float(w) / float(L.n_wires);
  // umbra's sin/cos (in double, rounded to float): the same wire on host and device.
  double sd, cd;
  portable::sincos(phi, sd, cd);
  const float c = float(cd), s = float(sd);
  x = L.radius * c;
  y = L.radius * s;
  const float t = L.tan_stereo, norm = L.wire_dz;
  dx = -s * t * norm;
  dy = c * t * norm;
  dz = norm;
}

}  // namespace umbra::tracker
