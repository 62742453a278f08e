#pragma once
// The CPU backend's CDC wire tables, cached for the process: a fit call (even one per track) looks
// its geometry's table up instead of building it. Thread-safe.
#include <memory>

#include "umbra/geometry/cdc_wire_table.hpp"

namespace umbra::cpu {

/// The wire table of g's CDC: the cached one when the layer parameters that place the wires
/// (n_wires, radius, phi0, tan_stereo, wire_dz) equal the cached geometry's bit for bit, else a
/// new one, which replaces it in the cache. The table lives as long as a caller holds it.
std::shared_ptr<const tracker::CdcWireTable> cdc_wire_table(const tracker::TrackerGeometry& g);

}  // namespace umbra::cpu
