#include "umbra/cpu/cdc_wire_table.hpp"

#include <array>
#include <bit>
#include <cstdint>
#include <mutex>

namespace umbra::cpu {
namespace {

// What TrackerGeometry::wire reads, per layer, as bit patterns: equal keys give equal floats
// (0.0f and -0.0f, which compare equal, would not).
constexpr int key_fields = 5;
using Key = std::array<std::uint32_t, tracker::n_cdc_layers * key_fields>;

Key key_of(const tracker::TrackerGeometry& g) {
  Key k;
  for (int l = 0; l < tracker::n_cdc_layers; ++l) {
    const tracker::CdcLayer& L = g.cdc[l];
    std::uint32_t* f = &k[std::size_t(l) * key_fields];
    f[0] = L.n_wires, f[1] = std::bit_cast<std::uint32_t>(L.radius), f[2] = std::bit_cast<std::uint32_t>(L.phi0);
    f[3] = std::bit_cast<std::uint32_t>(L.tan_stereo), f[4] = std::bit_cast<std::uint32_t>(L.wire_dz);
  }
  return k;
}

struct Cache {
  std::mutex mutex;
  Key key{};
  std::shared_ptr<const tracker::CdcWireTable> table;  // null until the first call
};

Cache& cache() {
  static Cache c;
  return c;
}

}  // namespace

std::shared_ptr<const tracker::CdcWireTable> cdc_wire_table(const tracker::TrackerGeometry& g) {
  const Key key = key_of(g);
  Cache& c = cache();
  std::lock_guard lock(c.mutex);
  if (!c.table || c.key != key) {
    c.table = std::make_shared<const tracker::CdcWireTable>(tracker::make_cdc_wire_table(g));
    c.key = key;
  }
  return c.table;
}

}  // namespace umbra::cpu
