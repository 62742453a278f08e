// "umbra-events" HDF5 files: read_events / write_events and the EventFile reader handle.
// I/O runs without the GIL; errors arrive as umbra.InputError with the reader's message.
#include <nanobind/stl/optional.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <memory>
#include <optional>

#include "bindings.hpp"
#include "group_binding.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::python {

std::vector<GroupIo>& group_registry() {
  static std::vector<GroupIo> registry;
  return registry;
}

namespace {

/// An open file; close() releases the HDF5 handle before the Python object goes away.
struct EventFile {
  std::unique_ptr<io::EventFileReader> reader;

  const io::EventFileReader& get() const {
    if (!reader) throw Error("the file is closed");
    return *reader;
  }
};

std::unique_ptr<EventBatch> read_range(const io::EventFileReader& r, std::uint64_t first,
                                       std::optional<std::uint64_t> count) {
  const std::uint64_t n = r.n_events();
  if (first > n)
    throw InputError("first event " + std::to_string(first) + " is past the end (" + std::to_string(n) + " events)",
                     {r.path(), "", static_cast<std::int64_t>(first), -1});
  const std::uint64_t c = count ? *count : n - first;
  if (c > n - first)
    throw InputError("events [" + std::to_string(first) + ", " + std::to_string(first + c) + ") past the end (" +
                         std::to_string(n) + " events)",
                     {r.path(), "", static_cast<std::int64_t>(n), -1});
  nb::gil_scoped_release release;
  return std::make_unique<EventBatch>(r.read(first, c));
}

nb::dict stats_dict(const io::GroupStats& s) {
  nb::dict d;
  d["path"] = s.path;
  d["total"] = s.total;
  d["min_per_event"] = s.min_per_event;
  d["mean_per_event"] = s.mean_per_event;
  d["max_per_event"] = s.max_per_event;
  return d;
}

void set_attributes(io::EventFileWriter& w, nb::dict attributes) {
  for (auto [k, v] : attributes) {
    const std::string key = nb::cast<std::string>(k);
    if (nb::isinstance<nb::str>(v)) w.set_attribute(key, nb::cast<std::string>(v));
    else if (nb::isinstance<nb::int_>(v) || nb::isinstance<nb::float_>(v)) w.set_attribute(key, nb::cast<double>(v));
    else throw OptionsError("attribute '" + key + "' must be a string or a number");
  }
}

/// Appends extra groups ({path: group object}) of any bound group type.
void append_groups(io::EventFileWriter& w, nb::dict groups) {
  for (auto [k, v] : groups) {
    const std::string path = nb::cast<std::string>(k);
    bool done = false;
    for (const GroupIo& io : group_registry())
      if ((done = io.append(w, path, v))) break;
    if (!done) throw OptionsError("group '" + path + "': not an umbra group object (Tracks, Vertices, ...)");
  }
}

nb::object read_group(const io::EventFileReader& r, const std::string& group_path, std::uint64_t first,
                      std::optional<std::uint64_t> count) {
  const std::uint64_t n = r.n_events();
  if (first > n || (count && *count > n - first))
    throw InputError("events past the end (" + std::to_string(n) + " events)", {r.path(), group_path, -1, -1});
  for (const GroupIo& io : group_registry())
    if (io.path == group_path) return io.read(r, group_path, first, count ? *count : n - first);
  throw InputError("no Python type reads this group", {r.path(), group_path, -1, -1});
}

}  // namespace

void bind_event_file(nb::module_& m) {
  m.def(
      "read_events",
      [](const std::string& path, std::uint64_t first, std::optional<std::uint64_t> count) {
        std::unique_ptr<io::EventFileReader> r;
        {
          nb::gil_scoped_release release;
          r = std::make_unique<io::EventFileReader>(path);
        }
        return read_range(*r, first, count);
      },
      nb::arg("path"), nb::arg("first") = 0, nb::arg("count") = nb::none(),
      "Reads events [first, first + count) (all by default) of an umbra-events file, validated.");

  m.def(
      "write_events",
      [](const std::string& path, const EventBatch& events, std::optional<nb::dict> attributes,
         std::optional<nb::dict> groups) {
        io::EventFileWriter w(path);
        if (attributes) set_attributes(w, *attributes);
        w.append(events);
        if (groups) append_groups(w, *groups);
        nb::gil_scoped_release release;
        w.commit();
      },
      nb::arg("path"), nb::arg("events"), nb::arg("attributes") = nb::none(), nb::arg("groups") = nb::none(),
      "Writes events atomically (<path>.tmp-<pid>, renamed on success). attributes: extra root "
      "attributes (str or number); groups: {path: group} of further groups (e.g. {'/tracks': tracks}) "
      "with the same number of events.");
  m.def(
      "read_group",
      [](const std::string& path, const std::string& group, std::uint64_t first, std::optional<std::uint64_t> count) {
        const io::EventFileReader r(path);
        return read_group(r, group, first, count);
      },
      nb::arg("path"), nb::arg("group"), nb::arg("first") = 0, nb::arg("count") = nb::none(),
      "Reads one group of a bound type (e.g. '/tracks', '/vertices') of events [first, first + count).");

  nb::class_<EventFile>(m, "EventFile", "An open umbra-events file (validated on open).")
      .def(
          "__init__",
          [](EventFile* self, const std::string& path) {
            std::unique_ptr<io::EventFileReader> r;
            {
              nb::gil_scoped_release release;
              r = std::make_unique<io::EventFileReader>(path);
            }
            new (self) EventFile{std::move(r)};
          },
          nb::arg("path"))
      .def_prop_ro("path", [](const EventFile& f) { return f.get().path(); })
      .def_prop_ro("n_events", [](const EventFile& f) { return f.get().n_events(); })
      .def("__len__", [](const EventFile& f) { return f.get().n_events(); })
      .def("groups", [](const EventFile& f) { return f.get().groups(); }, "Group paths present, in a stable order.")
      .def("has_group", [](const EventFile& f, const std::string& g) { return f.get().has_group(g); })
      .def(
          "stats", [](const EventFile& f, const std::string& g) { return stats_dict(f.get().stats(g)); },
          nb::arg("group"), "Total items and min/mean/max per event of one group.")
      .def(
          "read",
          [](const EventFile& f, std::uint64_t first, std::optional<std::uint64_t> count) {
            return read_range(f.get(), first, count);
          },
          nb::arg("first") = 0, nb::arg("count") = nb::none())
      .def(
          "read_group",
          [](const EventFile& f, const std::string& group, std::uint64_t first, std::optional<std::uint64_t> count) {
            return read_group(f.get(), group, first, count);
          },
          nb::arg("group"), nb::arg("first") = 0, nb::arg("count") = nb::none())
      .def(
          "validate",
          [](const EventFile& f, std::uint64_t batch) {
            nb::gil_scoped_release release;
            f.get().validate_all(batch);
          },
          nb::arg("batch") = 10000, "Reads every event in chunks and validates all values (as `umbra info`).")
      .def("close", [](EventFile& f) { f.reader.reset(); })
      .def("__enter__", [](nb::handle self) { return nb::borrow(self); })
      .def("__exit__", [](EventFile& f, nb::args) { f.reader.reset(); })
      .def("__repr__", [](const EventFile& f) {
        return f.reader ? "EventFile('" + f.reader->path() + "', n_events=" + std::to_string(f.reader->n_events()) + ")"
                        : std::string("EventFile(closed)");
      });
}

}  // namespace umbra::python
