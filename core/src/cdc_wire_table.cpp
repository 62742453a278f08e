#include "umbra/geometry/cdc_wire_table.hpp"

namespace umbra::tracker {

CdcWireTable make_cdc_wire_table(const TrackerGeometry& g) {
  CdcWireTable t;
  t.layer_row.resize(n_cdc_layers);
  std::uint32_t n = 0;
  for (int l = 0; l < n_cdc_layers; ++l) t.layer_row[l] = n, n += g.cdc[l].n_wires;
  t.rows.resize(n);
  for (int l = 0; l < n_cdc_layers; ++l)
    for (int w = 0; w < g.cdc[l].n_wires; ++w) {
      CdcWire& r = t.rows[t.layer_row[l] + std::uint32_t(w)];
      g.wire(l, w, r.x, r.y, r.dx, r.dy, r.dz);
    }
  return t;
}

}  // namespace umbra::tracker
