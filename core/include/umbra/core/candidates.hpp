#pragma once
// /candidates: ALP -> gamma gamma candidates of the selection, input of the mass scan, in the
// "umbra-events" layout (event_offsets + one entry per candidate; io/event_file.hpp). Per
// candidate the squared invariant mass of the photon pair and the squared recoil mass of the
// third photon, both in GeV^2. The selection may add columns later (append to visit()).

#include <vector>

#include "umbra/core/event_data.hpp"

namespace umbra {

namespace group {
inline constexpr const char* candidates = "/candidates";
}

struct Candidates : ColumnGroup<Candidates> {
  std::vector<double> m2_gg;      // GeV^2
  std::vector<double> m2_recoil;  // GeV^2

  std::uint64_t size() const { return m2_gg.size(); }
  void push_back(double gg, double recoil) { m2_gg.push_back(gg), m2_recoil.push_back(recoil); }

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    f("m2_gg", s.m2_gg), f("m2_recoil", s.m2_recoil);
  }
};

struct CandidatesView {
  EventRanges events;
  Span<const double> m2_gg, m2_recoil;
};

inline CandidatesView view(const Candidates& c) { return {c.ranges(), span_of(c.m2_gg), span_of(c.m2_recoil)}; }

}  // namespace umbra
