// Reader of "umbra-events" files: structure validated on open, values validated per chunk.
#include <algorithm>
#include <map>
#include <type_traits>
#include <utility>

#include "hdf5_handle.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::io {
using namespace detail;

std::string detail::describe_type(hid_t dataset) {
  Handle t = type_handle(H5Dget_type(dataset));
  const size_t size = H5Tget_size(t.get());
  switch (H5Tget_class(t.get())) {
    case H5T_INTEGER:
      return std::string(H5Tget_sign(t.get()) == H5T_SGN_2 ? "int" : "uint") + std::to_string(8 * size);
    case H5T_FLOAT: return "float" + std::to_string(8 * size);
    case H5T_STRING: return "string";
    default: return "another HDF5 type";
  }
}

namespace {

struct GroupInfo {
  std::vector<std::uint64_t> offsets;  // n_events + 1, validated
  std::uint64_t length = 0;            // items in the group
};

// The datasets (name -> an empty column of the right type) a standard group must hold.
template <class Group>
std::vector<Column> schema_of(Group& prototype) {
  return columns_of(prototype);
}

bool link_exists(hid_t file, const std::string& path) {
  // Check each component, as H5Lexists requires the parents to exist.
  std::size_t pos = 1;
  while (true) {
    const std::size_t next = path.find('/', pos);
    const std::string part = path.substr(0, next);
    if (H5Lexists(file, part.c_str(), H5P_DEFAULT) <= 0) return false;
    if (next == std::string::npos) return true;
    pos = next + 1;
  }
}

std::string read_string_attribute(hid_t attr) {
  Handle type = type_handle(H5Aget_type(attr));
  if (H5Tget_class(type.get()) != H5T_STRING) return {};
  if (H5Tis_variable_str(type.get()) > 0) {
    Handle mem = type_handle(H5Tcopy(H5T_C_S1));
    H5Tset_size(mem.get(), H5T_VARIABLE);
    H5Tset_cset(mem.get(), H5Tget_cset(type.get()));
    char* s = nullptr;
    if (H5Aread(attr, mem.get(), &s) < 0 || !s) return {};
    std::string out(s);
    H5free_memory(s);
    return out;
  }
  // One byte more than the stored size: a fixed-length string written null-padded or space-padded
  // without a terminator (h5py's np.bytes_) converts to a NUL-terminated one without losing its last
  // character.
  const std::size_t n = H5Tget_size(type.get()) + 1;
  std::string buf(n, '\0');
  Handle mem = type_handle(H5Tcopy(H5T_C_S1));
  H5Tset_size(mem.get(), n);
  H5Tset_strpad(mem.get(), H5T_STR_NULLTERM);
  if (H5Aread(attr, mem.get(), buf.data()) < 0) return {};
  buf.resize(std::min(n, buf.find('\0')));
  while (!buf.empty() && buf.back() == ' ') buf.pop_back();  // H5T_STR_SPACEPAD
  return buf;
}

}  // namespace

struct EventFileReader::Impl {
  std::string path;
  Handle file;
  std::uint64_t n_events = 0;
  std::map<std::string, GroupInfo> groups;

  [[noreturn]] void fail(const std::string& what, const std::string& dataset, std::int64_t event = -1,
                         std::int64_t index = -1) const {
    throw InputError(what, {path, dataset, event, index});
  }

  void read_root_attributes() {
    const hid_t f = file.get();
    auto open_attr = [&](const char* name) {
      if (H5Aexists(f, name) <= 0) fail(std::string("missing root attribute '") + name + "'", "/");
      return attr_handle(H5Aopen(f, name, H5P_DEFAULT));
    };
    {
      Handle a = open_attr("format");
      const std::string fmt = read_string_attribute(a.get());
      if (fmt != format_name)
        fail("root attribute 'format' is '" + fmt + "', expected a string '" + format_name + "'", "/");
    }
    auto read_int = [&](const char* name) -> std::int64_t {
      Handle a = open_attr(name);
      Handle t = type_handle(H5Aget_type(a.get()));
      if (H5Tget_class(t.get()) != H5T_INTEGER) fail(std::string("root attribute '") + name + "' is not an integer", "/");
      Handle s = space_handle(H5Aget_space(a.get()));
      if (H5Sget_simple_extent_npoints(s.get()) != 1)
        fail(std::string("root attribute '") + name + "' is not a scalar", "/");
      std::int64_t v = 0;
      if (H5Aread(a.get(), H5T_NATIVE_INT64, &v) < 0) fail(std::string("cannot read root attribute '") + name + "'", "/");
      return v;
    };
    const std::int64_t version = read_int("version");
    if (version != format_version)
      fail("unsupported format version " + std::to_string(version) + " (this reader knows version " +
               std::to_string(format_version) + ")",
           "/");
    const std::int64_t n = read_int("n_events");
    if (n < 0) fail("root attribute 'n_events' is negative", "/");
    n_events = static_cast<std::uint64_t>(n);
  }

  Handle open_dataset(const std::string& ds) const {
    if (!link_exists(file.get(), ds)) fail("missing dataset", ds);
    Handle d = dataset_handle(H5Dopen2(file.get(), ds.c_str(), H5P_DEFAULT));
    if (!d.valid()) fail("cannot open dataset", ds);
    Handle s = space_handle(H5Dget_space(d.get()));
    if (H5Sget_simple_extent_ndims(s.get()) != 1) fail("dataset is not 1-D", ds);
    return d;
  }

  static std::uint64_t length_of(hid_t dataset) {
    Handle s = space_handle(H5Dget_space(dataset));
    hsize_t n = 0;
    H5Sget_simple_extent_dims(s.get(), &n, nullptr);
    return n;
  }

  // Offsets: uint64, n_events + 1 entries, start at 0, never decrease. Returns the group info
  // (length checked by the caller against the datasets).
  GroupInfo read_offsets(const std::string& group_path) const {
    const std::string ds = group_path + "/event_offsets";
    Handle d = open_dataset(ds);
    if (!same_class<std::uint64_t>(d.get()))
      fail("dtype is " + describe_type(d.get()) + ", expected uint64 (or another integer type)", ds);
    GroupInfo g;
    const std::uint64_t n = length_of(d.get());
    if (n != n_events + 1)
      fail("has " + std::to_string(n) + " entries, expected n_events + 1 = " + std::to_string(n_events + 1), ds);
    read_slice(ds, 0, n, g.offsets);
    if (g.offsets[0] != 0) fail("first offset is " + std::to_string(g.offsets[0]) + ", expected 0", ds, 0, 0);
    for (std::uint64_t e = 1; e < n; ++e)
      if (g.offsets[e] < g.offsets[e - 1])
        fail("offsets decrease (" + std::to_string(g.offsets[e - 1]) + " then " + std::to_string(g.offsets[e]) + ")",
             ds, std::int64_t(e - 1), std::int64_t(e));
    g.length = g.offsets.back();
    return g;
  }

  template <class T>
  void check_column(const std::string& group_path, const std::string& name, std::uint64_t expected_length) const {
    const std::string ds = group_path + "/" + name;
    Handle d = open_dataset(ds);
    if (!same_class<T>(d.get())) fail(wrong_dtype<T>(d.get()), ds);
    const std::uint64_t n = length_of(d.get());
    if (n != expected_length)
      fail("has " + std::to_string(n) + " entries but " + group_path + "/event_offsets ends at " +
               std::to_string(expected_length),
           ds);
  }

  template <class Group>
  void open_standard_group(const std::string& group_path) {
    if (!link_exists(file.get(), group_path)) return;  // absent groups read as empty events
    GroupInfo g = read_offsets(group_path);
    Group prototype;
    prototype.for_each_column([&](const char* name, auto& v) {
      using T = typename std::decay_t<decltype(v)>::value_type;
      check_column<T>(group_path, name, g.length);
    });
    groups[group_path] = std::move(g);
  }

  // Further groups (reconstruction outputs): any group holding an event_offsets dataset.
  void discover_other_groups() {
    struct Ctx {
      std::vector<std::string> found;
    } ctx;
    H5Ovisit(
        file.get(), H5_INDEX_NAME, H5_ITER_INC,
        [](hid_t, const char* name, const H5O_info_t* info, void* data) -> herr_t {
          const std::string n = name;
          const std::string tail = "event_offsets";
          if (info->type == H5O_TYPE_DATASET && n.size() > tail.size() &&
              n.compare(n.size() - tail.size(), tail.size(), tail) == 0 && n[n.size() - tail.size() - 1] == '/')
            static_cast<Ctx*>(data)->found.push_back("/" + n.substr(0, n.size() - tail.size() - 1));
          return 0;
        },
        &ctx);
    for (const auto& g : ctx.found)
      if (!groups.count(g)) groups[g] = read_offsets(g);
  }

  template <class T>
  static std::string wrong_dtype(hid_t d) {
    return "dtype is " + describe_type(d) + ", expected " + TypeInfo<T>::name +
           (TypeInfo<T>::type_class == H5T_INTEGER ? " (or another integer type)" : " (or float64)");
  }

  // Reads [begin, begin + count) of a 1-D dataset into `out` through the native type M.
  template <class M>
  void read_raw(hid_t d, const std::string& ds, std::uint64_t begin, std::uint64_t count, M* out) const {
    Handle fspace = space_handle(H5Dget_space(d));
    const hsize_t start = begin, n = count;
    H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &start, nullptr, &n, nullptr);
    Handle mspace = space_handle(H5Screate_simple(1, &n, nullptr));
    if (H5Dread(d, TypeInfo<M>::native(), mspace.get(), fspace.get(), H5P_DEFAULT, out) < 0) fail("cannot read", ds);
  }

  // The file's own dtype is read directly. Another width or sign of integer (numpy's default int64
  // in hand-written files, say) is read wide and every value range-checked, since HDF5 itself would
  // clip out-of-range values silently; float64 is rounded to float32.
  template <class T>
  void read_slice(const std::string& ds, std::uint64_t begin, std::uint64_t count, std::vector<T>& out) const {
    Handle d = open_dataset(ds);
    if (!same_class<T>(d.get())) fail(wrong_dtype<T>(d.get()), ds);
    if (length_of(d.get()) < begin + count) fail("shorter than its group's offsets", ds);
    out.resize(count);
    if (count == 0) return;
    if constexpr (std::is_integral_v<T>)
      if (!has_type<T>(d.get())) return read_widened(d.get(), ds, begin, count, out);
    read_raw(d.get(), ds, begin, count, out.data());
  }

  template <class T>
  void read_widened(hid_t d, const std::string& ds, std::uint64_t begin, std::uint64_t count,
                    std::vector<T>& out) const {
    auto narrow = [&](const auto& wide) {
      for (std::uint64_t i = 0; i < count; ++i) {
        if (!std::in_range<T>(wide[i]))
          fail("value " + std::to_string(wide[i]) + " does not fit the column's type " + TypeInfo<T>::name, ds, -1,
               std::int64_t(begin + i));
        out[i] = static_cast<T>(wide[i]);
      }
    };
    if (is_signed_integer(d)) {
      std::vector<std::int64_t> wide(count);
      read_raw(d, ds, begin, count, wide.data());
      narrow(wide);
    } else {
      std::vector<std::uint64_t> wide(count);
      read_raw(d, ds, begin, count, wide.data());
      narrow(wide);
    }
  }
};

EventFileReader::EventFileReader(const std::string& path) : impl_(std::make_unique<Impl>()) {
  QuietErrors quiet;
  Impl& m = *impl_;
  m.path = path;
  if (H5Fis_hdf5(path.c_str()) <= 0) throw InputError("not an HDF5 file (or cannot be read)", {path});
  m.file = file_handle(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT));
  if (!m.file.valid()) throw InputError("cannot open HDF5 file", {path});
  m.read_root_attributes();
  m.open_standard_group<EclDigits>(group::ecl_digits);
  m.open_standard_group<TrackerHits>(group::tracker_hits);
  m.open_standard_group<McParticles>(group::mc_particles);
  m.discover_other_groups();
}

EventFileReader::~EventFileReader() = default;
EventFileReader::EventFileReader(EventFileReader&&) noexcept = default;

const std::string& EventFileReader::path() const { return impl_->path; }
std::uint64_t EventFileReader::n_events() const { return impl_->n_events; }
bool EventFileReader::has_group(const std::string& g) const { return impl_->groups.count(g) > 0; }

std::vector<std::string> EventFileReader::groups() const {
  std::vector<std::string> out;
  for (const auto& [name, info] : impl_->groups) out.push_back(name);
  return out;
}

GroupStats EventFileReader::stats(const std::string& group_path) const {
  GroupStats s;
  s.path = group_path;
  const auto it = impl_->groups.find(group_path);
  if (it == impl_->groups.end() || impl_->n_events == 0) return s;
  const auto& off = it->second.offsets;
  s.total = off.back();
  s.min_per_event = ~std::uint64_t(0);
  for (std::uint64_t e = 0; e < impl_->n_events; ++e) {
    const std::uint64_t c = off[e + 1] - off[e];
    s.min_per_event = std::min(s.min_per_event, c);
    s.max_per_event = std::max(s.max_per_event, c);
  }
  s.mean_per_event = double(s.total) / double(impl_->n_events);
  return s;
}

void EventFileReader::read_columns(const std::string& group_path, std::uint64_t first, std::uint64_t count,
                                   std::vector<std::uint64_t>& offsets, const std::vector<Column>& columns) const {
  QuietErrors quiet;
  const Impl& m = *impl_;
  if (first + count > m.n_events)
    throw InputError("requested events [" + std::to_string(first) + ", " + std::to_string(first + count) +
                         ") beyond n_events = " + std::to_string(m.n_events),
                     {m.path, group_path});
  const auto it = m.groups.find(group_path);
  if (it == m.groups.end()) {
    // An absent group reads as empty events.
    offsets.assign(count + 1, 0);
    for (const auto& c : columns) std::visit([](auto* v) { v->clear(); }, c.data);
    return;
  }
  const auto& off = it->second.offsets;
  const std::uint64_t begin = off[first], end = off[first + count];
  offsets.resize(count + 1);
  for (std::uint64_t e = 0; e <= count; ++e) offsets[e] = off[first + e] - begin;
  for (const auto& c : columns)
    std::visit([&](auto* v) { m.read_slice(group_path + "/" + c.name, begin, end - begin, *v); }, c.data);
}

EventBatch EventFileReader::read(std::uint64_t first, std::uint64_t count) const {
  EventBatch b;
  read_group(group::ecl_digits, first, count, b.digits);
  read_group(group::tracker_hits, first, count, b.hits);
  read_group(group::mc_particles, first, count, b.mc);
  BatchOrigin origin{impl_->path, first, 0, 0, 0};
  auto base = [&](const char* g) {
    const auto it = impl_->groups.find(g);
    return it == impl_->groups.end() ? std::uint64_t(0) : it->second.offsets[first];
  };
  origin.digit_base = base(group::ecl_digits);
  origin.hit_base = base(group::tracker_hits);
  origin.mc_base = base(group::mc_particles);
  validate(b, origin);
  return b;
}

void EventFileReader::validate_all(std::uint64_t batch) const {
  if (batch == 0) batch = 1;
  for (std::uint64_t first = 0; first < n_events(); first += batch) read(first, std::min(batch, n_events() - first));
}

}  // namespace umbra::io
