#pragma once
// Hand-made ECL digit maps with known answers, and a comparator of two clustering results.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <type_traits>
#include <vector>

#include "umbra/core/event_data.hpp"
#include "umbra/core/random.hpp"
#include "umbra/core/units.hpp"
#include "umbra/ecl/clustering_result.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::test {

using units::MeV;

struct Deposit {
  int cell;
  double energy;  // GeV
  double time = 0;
};

/// One event per deposit list, in the order given.
inline EclDigits digit_map(const std::vector<std::vector<Deposit>>& events) {
  EclDigits d;
  for (const auto& ev : events) {
    for (const auto& x : ev) d.push_back(std::uint16_t(x.cell), float(x.energy), float(x.time));
    d.close_event();
  }
  return d;
}

/// The same events with the digits of each event in a shuffled order (fixed seed).
inline EclDigits shuffled(const EclDigits& in, std::uint64_t seed) {
  EclDigits out;
  for (std::uint64_t e = 0; e < in.n_events(); ++e) {
    std::vector<std::uint64_t> idx;
    for (std::uint64_t i = in.begin(e); i < in.end(e); ++i) idx.push_back(i);
    Philox rng(seed, e);
    for (std::size_t k = idx.size(); k > 1; --k) std::swap(idx[k - 1], idx[std::size_t(rng.uniform() * k) % k]);
    for (auto i : idx) out.push_back(in.cell_id[i], in.energy[i], in.time[i]);
    out.close_event();
  }
  return out;
}

/// Asserts that two results of the same digits agree: integers identical, floats within `rel`
/// relative (absolute below 1). Per-digit arrays are compared through `perm` (index in b of
/// digit i of a), so a shuffled input can be compared too.
inline void expect_same_result(const ecl::ClusteringResult& a, const ecl::ClusteringResult& b, double rel,
                               const std::vector<std::uint64_t>* perm = nullptr) {
  ASSERT_EQ(a.region_offsets, b.region_offsets);
  ASSERT_EQ(a.showers.event_offsets, b.showers.event_offsets);
  ASSERT_EQ(a.digit_region.size(), b.digit_region.size());
  for (std::size_t i = 0; i < a.digit_region.size(); ++i) {
    const std::size_t j = perm ? (*perm)[i] : i;
    ASSERT_EQ(a.digit_region[i], b.digit_region[j]) << "digit " << i;
    ASSERT_EQ(a.digit_is_maximum[i], b.digit_is_maximum[j]) << "digit " << i;
  }
  std::vector<std::string> names;
  a.showers.for_each_column([&](const char* name, const auto&) { names.emplace_back(name); });
  std::size_t col = 0;
  a.showers.for_each_column([&](const char*, const auto& va) {
    using V = std::decay_t<decltype(va)>;
    std::size_t k = 0;
    const V* vb = nullptr;
    b.showers.for_each_column([&](const char*, const auto& x) {
      if constexpr (std::is_same_v<std::decay_t<decltype(x)>, V>)
        if (k == col) vb = &x;
      ++k;
    });
    ASSERT_NE(vb, nullptr);
    ASSERT_EQ(va.size(), vb->size()) << names[col];
    for (std::size_t i = 0; i < va.size(); ++i) {
      if constexpr (std::is_floating_point_v<typename V::value_type>) {
        const double x = va[i], y = (*vb)[i];
        // phi near +-pi may wrap; compare on the circle for that column only.
        const double d = names[col] == "phi" ? std::remainder(x - y, 2 * M_PI) : x - y;
        ASSERT_LE(std::fabs(d), rel * std::max(1.0, std::fabs(y))) << names[col] << "[" << i << "] " << x << " vs " << y;
      } else {
        ASSERT_EQ(va[i], (*vb)[i]) << names[col] << "[" << i << "]";
      }
    }
    ++col;
  });
}

}  // namespace umbra::test
