#pragma once
// /vertices: the displaced-vertex candidates of each event (umbra-events layout, io/event_file.hpp):
// event_offsets + one row per accepted opposite-charge pair. track_pos / track_neg index the
// positive / negative track inside its event in the tracks group. Position and covariance in cm /
// cm^2 (6 entries of the symmetric 3x3), chi2 (ndf = 1), invariant mass per hypothesis [GeV]
// (options.hpp), radius = transverse distance from the beam spot [cm], significance = radius / its
// error, cos_pointing = cosine between the pair momentum and the beam-spot-to-vertex direction,
// and both momenta at the vertex [GeV].

#include <cstdint>
#include <vector>

#include "umbra/core/event_data.hpp"

namespace umbra {
namespace group {
inline constexpr const char* vertices = "/vertices";
}

namespace vertex {

// One list of the float columns, in file order; expanded for the container, the view and the copy.
#define UMBRA_VERTEX_FLOAT_COLUMNS(X)                                                                           \
  X(x) X(y) X(z) X(cov_xx) X(cov_xy) X(cov_xz) X(cov_yy) X(cov_yz) X(cov_zz) X(chi2) X(mass_ee) X(mass_mumu)   \
  X(mass_pipi) X(mass_ppi) X(radius) X(significance) X(cos_pointing) X(pos_px) X(pos_py) X(pos_pz) X(neg_px)   \
  X(neg_py) X(neg_pz)

/// Device-or-host view of vertex rows (per pair while fitting, per vertex after compaction).
struct VerticesView {
  Span<std::int32_t> track_pos, track_neg;
#define UMBRA_X(n) Span<float> n;
  UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X

  /// Copies row i of `from` into row k of this view.
  UMBRA_HD void copy_row(const VerticesView& from, std::uint64_t i, std::uint64_t k) const {
    track_pos[k] = from.track_pos[i], track_neg[k] = from.track_neg[i];
#define UMBRA_X(n) n[k] = from.n[i];
    UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X
  }
};

struct Vertices : ColumnGroup<Vertices> {
  std::vector<std::int32_t> track_pos, track_neg;
#define UMBRA_X(n) std::vector<float> n;
  UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X

  std::uint64_t size() const { return track_pos.size(); }
  void resize(std::uint64_t n) {
    for_each_column([n](const char*, auto& c) { c.resize(n); });
  }

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    f("track_pos", s.track_pos), f("track_neg", s.track_neg);
#define UMBRA_X(n) f(#n, s.n);
    UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X
  }
};

inline VerticesView view(Vertices& v) {
  VerticesView r;
  r.track_pos = span_of(v.track_pos), r.track_neg = span_of(v.track_neg);
#define UMBRA_X(n) r.n = span_of(v.n);
  UMBRA_VERTEX_FLOAT_COLUMNS(UMBRA_X)
#undef UMBRA_X
  return r;
}

}  // namespace vertex
}  // namespace umbra
