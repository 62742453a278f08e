#pragma once
// The event model: structure-of-arrays with per-event offsets, batched. These are the host
// containers of the "umbra-events" v1 groups (format in io/event_file.hpp); algorithms see the
// non-owning views at the bottom of this file.

#include <cstdint>
#include <string>
#include <vector>

#include "umbra/core/span.hpp"

namespace umbra {

/// Offsets of a group with n events: starts as {0}; `close_event()` appends the current size.
struct Offsets {
  std::vector<std::uint64_t> event_offsets{0};

  std::uint64_t n_events() const { return event_offsets.size() - 1; }
  std::uint64_t begin(std::uint64_t e) const { return event_offsets[e]; }
  std::uint64_t end(std::uint64_t e) const { return event_offsets[e + 1]; }
  std::uint64_t count(std::uint64_t e) const { return end(e) - begin(e); }
  EventRanges ranges() const { return {span_of(event_offsets)}; }
};

/// A group of columns with per-event offsets. Derived lists its columns once, in file order, as
///   template <class Self, class F> static void columns(Self& s, F& f) { f("name", s.name), ...; }
/// and gets the column visitor the I/O layer (and gather_events, the Python bindings...) is written
/// against, plus close_event().
template <class Derived>
struct ColumnGroup : Offsets {
  template <class F>
  void for_each_column(F&& f) const { Derived::columns(static_cast<const Derived&>(*this), f); }
  template <class F>
  void for_each_column(F&& f) { Derived::columns(static_cast<Derived&>(*this), f); }
  void close_event() { event_offsets.push_back(static_cast<const Derived&>(*this).size()); }
};

/// /ecl/digits: one entry per crystal with a signal.
struct EclDigits : ColumnGroup<EclDigits> {
  std::vector<std::uint16_t> cell_id;  // 1..8736
  std::vector<float> energy;           // GeV
  std::vector<float> time;             // ns

  std::uint64_t size() const { return cell_id.size(); }
  void reserve(std::size_t n);
  void push_back(std::uint16_t cell, float e, float t);

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    f("cell_id", s.cell_id), f("energy", s.energy), f("time", s.time);
  }
};

enum class TrackerDetector : std::uint8_t { PXD = 1, SVD = 2, CDC = 3 };

/// /tracker/hits: PXD/SVD space points and CDC wire hits with drift lengths.
struct TrackerHits : ColumnGroup<TrackerHits> {
  std::vector<std::uint8_t> detector;  // TrackerDetector
  std::vector<std::uint8_t> layer;     // PXD 0-1, SVD 0-3, CDC 0-55
  std::vector<float> x, y, z;          // cm; CDC: the wire's point at z = 0
  std::vector<std::int32_t> wire;      // CDC wire index in its layer, -1 otherwise
  std::vector<float> drift_length;     // cm (CDC), 0 otherwise
  std::vector<float> sigma_rphi, sigma_z;  // cm
  std::vector<std::int32_t> track_id;  // MC truth link, -1 for noise

  std::uint64_t size() const { return detector.size(); }

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    f("detector", s.detector), f("layer", s.layer), f("x", s.x), f("y", s.y), f("z", s.z), f("wire", s.wire),
        f("drift_length", s.drift_length), f("sigma_rphi", s.sigma_rphi), f("sigma_z", s.sigma_z),
        f("track_id", s.track_id);
  }
};

/// /mc/particles: generator truth with production vertices and mother links.
struct McParticles : ColumnGroup<McParticles> {
  std::vector<std::int32_t> pdg;
  std::vector<float> px, py, pz, e;  // GeV
  std::vector<float> vx, vy, vz;     // cm
  std::vector<std::int32_t> mother;  // index inside the event, -1 for primaries

  std::uint64_t size() const { return pdg.size(); }

  // The columns, in file order (ColumnGroup builds for_each_column from this).
  template <class Self, class F>
  static void columns(Self& s, F& f) {
    f("pdg", s.pdg), f("px", s.px), f("py", s.py), f("pz", s.pz), f("e", s.e), f("vx", s.vx), f("vy", s.vy),
        f("vz", s.vz), f("mother", s.mother);
  }
};

/// A batch of events: every group has the same number of events.
struct EventBatch {
  EclDigits digits;
  TrackerHits hits;
  McParticles mc;

  std::uint64_t n_events() const { return digits.n_events(); }
};

// ---- Views (trivially copyable, host or device pointers) ----

struct EclDigitsView {
  EventRanges events;
  Span<const std::uint16_t> cell_id;
  Span<const float> energy;
  Span<const float> time;
};

inline EclDigitsView view(const EclDigits& d) {
  return {d.ranges(), span_of(d.cell_id), span_of(d.energy), span_of(d.time)};
}

struct TrackerHitsView {
  EventRanges events;
  Span<const std::uint8_t> detector, layer;
  Span<const float> x, y, z;
  Span<const std::int32_t> wire;
  Span<const float> drift_length, sigma_rphi, sigma_z;
  Span<const std::int32_t> track_id;
};

inline TrackerHitsView view(const TrackerHits& h) {
  return {h.ranges(),          span_of(h.detector),   span_of(h.layer),      span_of(h.x),
          span_of(h.y),        span_of(h.z),          span_of(h.wire),       span_of(h.drift_length),
          span_of(h.sigma_rphi), span_of(h.sigma_z), span_of(h.track_id)};
}

}  // namespace umbra
