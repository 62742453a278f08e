#pragma once
// The "umbra-events" HDF5 format, version 1 (fixed; extended only by adding groups/datasets).
//
//   root attributes: format = "umbra-events" (string), version = 1, n_events
//   every group: event_offsets (uint64, n_events + 1 entries, 0 .. length, non-decreasing)
//                + 1-D datasets of one length each
//   /ecl/digits        cell_id u16 (1..8736), energy f32 [GeV], time f32 [ns]
//   /tracker/hits      detector u8, layer u8, x y z f32 [cm], wire i32, drift_length f32 [cm],
//                      sigma_rphi sigma_z f32 [cm], track_id i32
//   /mc/particles      pdg i32, px py pz e f32 [GeV], vx vy vz f32 [cm], mother i32
//   reconstruction outputs (/ecl/showers, /tracks, /vertices, /candidates) use the same layout.
//
// A group type is any struct deriving from Offsets with `for_each_column(f)` calling
// f("name", std::vector<T>&) for T in {u8, u16, i32, u64, f32, f64} (see core/event_data.hpp).
// The reader validates structure on open and values chunk by chunk, refusing with umbra::InputError
// naming the file, dataset, event and index. The writer writes "<path>.tmp-<pid>" and renames on
// commit(), so the target path never holds a half-written file.

#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "umbra/core/event_data.hpp"

namespace umbra::io {

inline constexpr const char* format_name = "umbra-events";
inline constexpr int format_version = 1;

namespace group {
inline constexpr const char* ecl_digits = "/ecl/digits";
inline constexpr const char* tracker_hits = "/tracker/hits";
inline constexpr const char* mc_particles = "/mc/particles";
}  // namespace group

/// One column of a group, typed.
using ColumnPtr = std::variant<std::vector<std::uint8_t>*, std::vector<std::uint16_t>*, std::vector<std::int32_t>*,
                               std::vector<std::uint64_t>*, std::vector<float>*, std::vector<double>*>;
using ConstColumnPtr =
    std::variant<const std::vector<std::uint8_t>*, const std::vector<std::uint16_t>*, const std::vector<std::int32_t>*,
                 const std::vector<std::uint64_t>*, const std::vector<float>*, const std::vector<double>*>;
struct Column {
  std::string name;
  ColumnPtr data;
};
struct ConstColumn {
  std::string name;
  ConstColumnPtr data;
};

template <class Group>
std::vector<Column> columns_of(Group& g) {
  std::vector<Column> c;
  g.for_each_column([&](const char* name, auto& v) { c.push_back({name, &v}); });
  return c;
}
template <class Group>
std::vector<ConstColumn> columns_of(const Group& g) {
  std::vector<ConstColumn> c;
  g.for_each_column([&](const char* name, const auto& v) { c.push_back({name, &v}); });
  return c;
}

/// Per-group totals and per-event min/mean/max item counts (for `umbra info`).
struct GroupStats {
  std::string path;
  std::uint64_t total = 0;
  std::uint64_t min_per_event = 0, max_per_event = 0;
  double mean_per_event = 0;
};

class EventFileReader {
 public:
  /// Opens and validates attributes, dataset types and lengths, and every group's offsets.
  explicit EventFileReader(const std::string& path);
  ~EventFileReader();
  EventFileReader(EventFileReader&&) noexcept;

  const std::string& path() const;
  std::uint64_t n_events() const;
  bool has_group(const std::string& group_path) const;
  /// Groups present in the file, in a stable order.
  std::vector<std::string> groups() const;
  GroupStats stats(const std::string& group_path) const;

  /// Events [first, first + count) of the three standard groups, values validated; a group absent
  /// from the file reads as empty events.
  EventBatch read(std::uint64_t first, std::uint64_t count) const;

  /// Events [first, first + count) of any group into a group struct (structure validated on open).
  template <class Group>
  void read_group(const std::string& group_path, std::uint64_t first, std::uint64_t count, Group& g) const {
    read_columns(group_path, first, count, g.event_offsets, columns_of(g));
  }
  /// Reads every event in chunks of `batch` events and validates all values (what `umbra info` does).
  void validate_all(std::uint64_t batch = 10000) const;

  void read_columns(const std::string& group_path, std::uint64_t first, std::uint64_t count,
                    std::vector<std::uint64_t>& offsets, const std::vector<Column>& columns) const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

class EventFileWriter {
 public:
  /// Starts "<path>.tmp-<pid>"; nothing appears under `path` until commit().
  explicit EventFileWriter(const std::string& path);
  /// Removes the temporary file unless commit() succeeded.
  ~EventFileWriter();

  /// Appends a batch of events to the three standard groups.
  void append(const EventBatch& batch);
  /// Appends a batch of events to one group (created on first use).
  template <class Group>
  void append_group(const std::string& group_path, const Group& g) {
    append_columns(group_path, g.event_offsets, columns_of(g));
  }
  void append_columns(const std::string& group_path, const std::vector<std::uint64_t>& offsets,
                      const std::vector<ConstColumn>& columns);
  /// Root attribute with extra metadata (e.g. "generator", "seed"), string or number.
  void set_attribute(const std::string& name, const std::string& value);
  void set_attribute(const std::string& name, double value);

  /// Checks that every group holds the same number of events, writes n_events and renames the
  /// file into place. Throws (leaving no file under `path`) on failure.
  void commit();
  std::uint64_t n_events() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

/// Where a batch came from, so that errors name the file, the event number and the dataset index.
struct BatchOrigin {
  std::string file;
  std::uint64_t first_event = 0;
  std::uint64_t digit_base = 0, hit_base = 0, mc_base = 0;  // dataset index of the batch's first item
};

/// Validates a batch: offsets of every group (start 0, non-decreasing, end at the length, all
/// groups with the same number of events, columns of one length) and values (cell_id in 1..8736,
/// finite non-negative energies, no duplicate cell_id in an event, detector/layer/wire ranges,
/// finite positions and momenta). Throws InputError naming dataset, event and index.
void validate(const EventBatch& batch, const BatchOrigin& origin = {});

/// Writes a whole batch to `path` atomically (a convenience over EventFileWriter).
void write_events(const std::string& path, const EventBatch& batch);

}  // namespace umbra::io
