#pragma once
// One Python class per SoA event group (EclDigits, TrackerHits, McParticles and, as they land,
// reconstruction outputs): every column a numpy view, written once over the group's
// for_each_column visitor so a new column appears in Python without touching this file.
#include <nanobind/stl/pair.h>
#include <nanobind/stl/string.h>
#include <nanobind/stl/unique_ptr.h>
#include <nanobind/stl/vector.h>

#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "array_view.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::python {

/// How write_events/read_group move a bound group type to and from a file; one entry per type.
struct GroupIo {
  std::string path;  // the group's standard path, e.g. "/tracks"
  /// Appends `group` under `path` if it is of this type; false otherwise.
  std::function<bool(io::EventFileWriter&, const std::string& path, nb::handle group)> append;
  std::function<nb::object(const io::EventFileReader&, const std::string& path, std::uint64_t, std::uint64_t)> read;
};
std::vector<GroupIo>& group_registry();  // event_file.cpp

/// (name, numpy dtype) of each column of G, in file order.
template <class G>
std::vector<std::pair<std::string, std::string>> column_dtypes() {
  std::vector<std::pair<std::string, std::string>> out;
  G g;
  g.for_each_column([&](const char* name, auto& v) {
    out.emplace_back(name, numpy_dtype_name<typename std::decay_t<decltype(v)>::value_type>());
  });
  return out;
}

/// Column `name` of the group behind `self` as a numpy view owned by `self`.
template <class G>
nb::object column_view(G& g, nb::handle self, const std::string& name) {
  nb::object result;
  g.for_each_column([&](const char* n, auto& v) {
    if (name == n) result = array_view(v, self);
  });
  if (!result.is_valid()) throw nb::key_error(("no column '" + name + "'").c_str());
  return result;
}

/// Checks offsets (start 0, non-decreasing, end at the column length) and column lengths of a
/// group built from arrays; full value checks happen when it joins an Events batch.
template <class G>
void check_structure(const G& g, const std::string& path) {
  const auto& o = g.event_offsets;
  const std::string ds = path + "/event_offsets";
  if (o.empty() || o.front() != 0) throw InputError("event_offsets must start at 0", {"", ds, -1, 0});
  for (std::size_t i = 1; i < o.size(); ++i)
    if (o[i] < o[i - 1])
      throw InputError("event_offsets decrease", {"", ds, static_cast<std::int64_t>(i - 1), static_cast<std::int64_t>(i)});
  g.for_each_column([&](const char* name, const auto& v) {
    if (v.size() != o.back())
      throw InputError("column has " + std::to_string(v.size()) + " entries, event_offsets end at " +
                           std::to_string(o.back()),
                       {"", path + "/" + name, -1, -1});
  });
}

template <class G>
nb::class_<G> bind_group(nb::module_& m, const char* name, const char* path, const char* doc) {
  nb::class_<G> cls(m, name, doc);
  cls.def(nb::init<>(), "An empty group with no events.");
  cls.def_prop_ro_static("path", [path](nb::handle) { return std::string(path); }, "Group path in the file.");
  cls.def_prop_ro_static(
      "dtypes", [](nb::handle) { return column_dtypes<G>(); }, "(column, numpy dtype) pairs in file order.");
  cls.def_prop_ro("n_events", [](const G& g) { return g.n_events(); });
  cls.def_prop_ro("size", [](const G& g) { return g.size(); }, "Items over all events.");
  cls.def("__len__", [](const G& g) { return g.size(); });
  cls.def_prop_ro(
      "event_offsets",
      [](nb::pointer_and_handle<G> s) { return const_array_view(s.p->event_offsets, s.h); },
      "Read-only view: event e owns items [event_offsets[e], event_offsets[e+1]).");
  cls.def(
      "column", [](nb::pointer_and_handle<G> s, const std::string& n) { return column_view(*s.p, s.h, n); },
      nb::arg("name"), "Column `name` as a numpy view (no copy).");
  for (const auto& [column, dtype] : column_dtypes<G>()) {
    cls.def_prop_ro(
        column.c_str(),
        [column](nb::pointer_and_handle<G> s) { return column_view(*s.p, s.h, column); },
        (dtype + " numpy view onto the C++ column (no copy; kept alive by this group)").c_str());
  }
  cls.def_static(
      "_from_arrays",
      [path](nb::handle offsets, nb::dict columns) {
        G g;
        assign_from(g.event_offsets, offsets);
        g.for_each_column([&](const char* n, auto& v) {
          if (!columns.contains(n)) throw InputError("missing column", {"", std::string(path) + "/" + n, -1, -1});
          assign_from(v, columns[n]);
        });
        check_structure(g, path);
        return g;
      },
      nb::arg("event_offsets"), nb::arg("columns"),
      "Copies exact-dtype arrays into a new group (use umbra.make_group for conversions).");
  group_registry().push_back(
      {path,
       [](io::EventFileWriter& w, const std::string& p, nb::handle h) {
         G* g = nullptr;
         if (!nb::try_cast<G*>(h, g) || !g) return false;
         w.append_group(p, *g);
         return true;
       },
       [](const io::EventFileReader& r, const std::string& p, std::uint64_t first, std::uint64_t count) {
         auto g = std::make_unique<G>();
         r.read_group(p, first, count, *g);
         return nb::cast(std::move(g));
       }});
  cls.def("__repr__", [name](const G& g) {
    return std::string(name) + "(n_events=" + std::to_string(g.n_events()) + ", size=" + std::to_string(g.size()) + ")";
  });
  return cls;
}

}  // namespace umbra::python
