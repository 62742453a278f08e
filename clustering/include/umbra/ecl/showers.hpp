#pragma once
// /ecl/showers: one entry per reconstructed shower, per-event offsets, one dataset per quantity
// (the "umbra-events" group layout of io/event_file.hpp).

#include <cstdint>
#include <string>
#include <type_traits>
#include <vector>

#include "umbra/core/event_data.hpp"

namespace umbra::ecl {

inline constexpr const char* showers_group = "/ecl/showers";
inline constexpr int n_zernike = 11;
/// The (n, m) of the Zernike moments the Belle II MVA uses (reference/belle2.md "Shower shapes").
inline constexpr int zernike_n[n_zernike] = {1, 2, 2, 3, 3, 4, 4, 4, 5, 5, 5};
inline constexpr int zernike_m[n_zernike] = {1, 0, 2, 1, 3, 0, 2, 4, 1, 3, 5};

struct EclShowers : ColumnGroup<EclShowers> {
  std::vector<float> energy;           ///< sum of weighted digit energies [GeV]
  std::vector<float> theta, phi;       ///< direction of the position from the origin [rad]
  std::vector<float> x, y, z;          ///< log-weighted position at crystal-centre depth [cm]
  std::vector<float> time;             ///< time of the highest-energy crystal [ns]
  std::vector<std::uint16_t> n_crystals;      ///< digits in the shower (after the 25 keV cut)
  std::vector<std::uint16_t> highest_cell;    ///< cellId of the highest weighted-energy crystal
  std::vector<std::uint8_t> detector_region;  ///< ecl::Region of that crystal (1 fwd, 2 barrel, 3 bwd)
  std::vector<std::int32_t> connected_region; ///< event-local index of the connected region
  std::vector<std::uint16_t> n_local_maxima;  ///< local maxima found in that region (before the cap)
  std::vector<float> e1_e9, e9_e21;    ///< E1/E9 and E9/E21 around the highest crystal
  std::vector<float> second_moment;    ///< sum wE rho^2 / sum wE [cm^2]
  std::vector<float> lat;              ///< lateral moment
  std::vector<float> zernike[n_zernike];  ///< |Z_nm| in the order of zernike_n/zernike_m
  std::vector<float> merged_probability;  ///< P(merged pair | shapes) from merged_photon_model.hpp

  std::uint64_t size() const { return energy.size(); }
  void resize(std::size_t n) {
    for_each_column([n](const char*, auto& v) { v.resize(n); });
  }

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    static const char* const zn[n_zernike] = {"zernike_11", "zernike_20", "zernike_22", "zernike_31",
                                              "zernike_33", "zernike_40", "zernike_42", "zernike_44",
                                              "zernike_51", "zernike_53", "zernike_55"};
    f("energy", s.energy), f("theta", s.theta), f("phi", s.phi), f("x", s.x), f("y", s.y), f("z", s.z);
    f("time", s.time), f("n_crystals", s.n_crystals), f("highest_cell", s.highest_cell);
    f("detector_region", s.detector_region), f("connected_region", s.connected_region);
    f("n_local_maxima", s.n_local_maxima), f("e1_e9", s.e1_e9), f("e9_e21", s.e9_e21);
    f("second_moment", s.second_moment), f("lat", s.lat);
    for (int k = 0; k < n_zernike; ++k) f(zn[k], s.zernike[k]);
    f("merged_probability", s.merged_probability);
  }
};

/// Writable view of the shower columns (host or device pointers).
struct EclShowersView {
  Span<float> energy, theta, phi, x, y, z, time;
  Span<std::uint16_t> n_crystals, highest_cell;
  Span<std::uint8_t> detector_region;
  Span<std::int32_t> connected_region;
  Span<std::uint16_t> n_local_maxima;
  Span<float> e1_e9, e9_e21, second_moment, lat;
  Span<float> zernike[n_zernike];
  Span<float> merged_probability;
};

/// Copies row i of `from` to row o of `to`, every column.
UMBRA_HD inline void copy_row(const EclShowersView& from, std::uint64_t i, const EclShowersView& to, std::uint64_t o) {
  to.energy[o] = from.energy[i], to.theta[o] = from.theta[i], to.phi[o] = from.phi[i];
  to.x[o] = from.x[i], to.y[o] = from.y[i], to.z[o] = from.z[i], to.time[o] = from.time[i];
  to.n_crystals[o] = from.n_crystals[i], to.highest_cell[o] = from.highest_cell[i];
  to.detector_region[o] = from.detector_region[i], to.connected_region[o] = from.connected_region[i];
  to.n_local_maxima[o] = from.n_local_maxima[i], to.e1_e9[o] = from.e1_e9[i], to.e9_e21[o] = from.e9_e21[i];
  to.second_moment[o] = from.second_moment[i], to.lat[o] = from.lat[i];
  for (int k = 0; k < n_zernike; ++k) to.zernike[k][o] = from.zernike[k][i];
  to.merged_probability[o] = from.merged_probability[i];
}

/// Builds a view of columns that live anywhere: `ptr(v)` maps each host column to its storage.
template <class Columns, class PtrOf>
EclShowersView make_showers_view(Columns& s, std::uint64_t n, PtrOf ptr) {
  EclShowersView v;
  auto sp = [&](auto& col) {
    using T = typename std::decay_t<decltype(col)>::value_type;
    return Span<T>{ptr(col), n};
  };
  v.energy = sp(s.energy), v.theta = sp(s.theta), v.phi = sp(s.phi), v.x = sp(s.x), v.y = sp(s.y), v.z = sp(s.z);
  v.time = sp(s.time), v.n_crystals = sp(s.n_crystals), v.highest_cell = sp(s.highest_cell);
  v.detector_region = sp(s.detector_region), v.connected_region = sp(s.connected_region);
  v.n_local_maxima = sp(s.n_local_maxima), v.e1_e9 = sp(s.e1_e9), v.e9_e21 = sp(s.e9_e21);
  v.second_moment = sp(s.second_moment), v.lat = sp(s.lat);
  for (int k = 0; k < n_zernike; ++k) v.zernike[k] = sp(s.zernike[k]);
  v.merged_probability = sp(s.merged_probability);
  return v;
}

inline EclShowersView view(EclShowers& s) {
  return make_showers_view(s, s.size(), [](auto& v) { return v.data(); });
}

/// Counts, failures and timings of one clustering call (Ceres-style summary).
struct ClusteringSummary {
  std::uint64_t n_events = 0, n_digits = 0, n_regions = 0, n_local_maxima = 0, n_showers = 0;
  std::uint64_t n_dropped_showers = 0;     ///< split showers below min_shower_energy
  std::uint64_t n_capped_regions = 0;      ///< regions with more local maxima than max_local_maxima
  std::uint64_t n_window_overflows = 0;    ///< showers whose NC2 window exceeded max_shower_digits
  std::uint64_t n_unconverged = 0;         ///< multi-maximum regions that hit max_iterations
  std::string backend;                     ///< "cpu (N threads)" or the CUDA device
  double total_ms = 0;                     ///< wall time of the call
  double upload_ms = 0, kernel_ms = 0, download_ms = 0;  ///< CUDA phases (0 on the CPU)

  /// One line for logs.
  std::string brief() const;
};

}  // namespace umbra::ecl
