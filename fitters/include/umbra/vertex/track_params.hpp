#pragma once
// Input of the vertex finder: the columns of the track fit's /tracks group it needs (perigee
// parameters, covariance, charge, status), as a trivially copyable view.
//
// Perigee (reference/belle2.md "Tracking detectors"): p = (d0, phi0, omega, z0, tanLambda) at the
// point of closest approach to the z axis; charge = sign(omega). The 15 covariance entries are the
// upper triangle of the symmetric 5x5 matrix, row by row: (0,0) (0,1) (0,2) (0,3) (0,4) (1,1) (1,2)
// (1,3) (1,4) (2,2) (2,3) (2,4) (3,3) (3,4) (4,4).

#include <cstdint>

#include "umbra/core/event_data.hpp"
#include "umbra/track/tracks.hpp"
#include "umbra/vertex/small_matrix.hpp"

namespace umbra::vertex {

inline constexpr int n_cov = 15;

/// Index into the 15 packed entries of element (i, j) of the symmetric 5x5 covariance.
UMBRA_HD inline int cov_index(int i, int j) {
  if (i > j) {
    const int t = i;
    i = j, j = t;
  }
  return i * 5 - i * (i - 1) / 2 + (j - i);
}

struct TrackParamsView {
  EventRanges events;
  Span<const float> d0, phi0, omega, z0, tan_lambda;
  Span<const float> cov[n_cov];
  Span<const std::int32_t> charge;
  Span<const std::uint8_t> status;  // 0: fit converged; anything else is skipped

  UMBRA_HD std::uint64_t size() const { return d0.size; }
  UMBRA_HD bool usable(std::uint64_t i) const { return status[i] == 0 && charge[i] != 0; }
  UMBRA_HD Vec<5> params(std::uint64_t i) const {
    Vec<5> p;
    p.a[0][0] = d0[i], p.a[1][0] = phi0[i], p.a[2][0] = omega[i], p.a[3][0] = z0[i], p.a[4][0] = tan_lambda[i];
    return p;
  }
  UMBRA_HD Mat<5, 5> covariance(std::uint64_t i) const {
    Mat<5, 5> c;
    for (int r = 0; r < 5; ++r)
      for (int k = 0; k < 5; ++k) c.a[r][k] = cov[cov_index(r, k)][i];
    return c;
  }
};

/// The finder's view of the track fit's /tracks group (umbra/track/tracks.hpp; same perigee, same
/// packed covariance order, status 0 = track::FitStatus::ok).
inline TrackParamsView view_tracks(const track::Tracks& t) {
  TrackParamsView v{t.ranges(), span_of(t.d0), span_of(t.phi0), span_of(t.omega), span_of(t.z0),
                    span_of(t.tan_lambda)};
  for (int k = 0; k < n_cov; ++k) v.cov[k] = span_of(t.cov[k]);
  v.charge = span_of(t.charge), v.status = span_of(t.status);
  return v;
}

}  // namespace umbra::vertex
