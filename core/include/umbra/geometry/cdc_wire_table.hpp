#pragma once
// Every CDC wire of a geometry as TrackerGeometry::wire returns it (the same floats), built once:
// a fit that loads ~50 CDC hits per track then reads 5 floats per hit instead of a sincos per hit.
// One row per wire, all 5 floats of a wire in one row: a hit touches one or two cache lines.

#include <cstdint>
#include <vector>

#include "umbra/core/qualifiers.hpp"
#include "umbra/geometry/tracker_geometry.hpp"

namespace umbra::tracker {

/// One wire: position at z = 0 and unit direction (TrackerGeometry::wire's outputs).
struct CdcWire {
  float x, y, dx, dy, dz;
};

/// Non-owning view of a wire table. Empty (the default): no table, callers compute the wire.
struct CdcWireTableView {
  const std::uint32_t* layer_row = nullptr;  // n_cdc_layers entries: row of wire 0 of each layer
  const CdcWire* rows = nullptr;

  UMBRA_HD bool empty() const { return rows == nullptr; }
  /// Wire w (0 .. n_wires - 1) of layer l; the caller checks both.
  UMBRA_HD const CdcWire& at(int l, int w) const { return rows[layer_row[l] + std::uint32_t(w)]; }
};

/// The owning table. Rows follow the layers' n_wires (not their first_wire, which a caller may
/// leave stale when editing a geometry).
struct CdcWireTable {
  std::vector<std::uint32_t> layer_row;  // n_cdc_layers entries
  std::vector<CdcWire> rows;             // sum of n_wires entries (n_cdc_wires for Belle II)
};

/// Every wire of g's CDC, computed by TrackerGeometry::wire.
CdcWireTable make_cdc_wire_table(const TrackerGeometry& g);

inline CdcWireTableView view(const CdcWireTable& t) { return {t.layer_row.data(), t.rows.data()}; }

}  // namespace umbra::tracker
