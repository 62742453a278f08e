// Writer of "umbra-events" files: appends batches to chunked, extendable datasets of a temporary
// file and renames it into place on commit(), so a failed or interrupted write leaves no half-file.
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <type_traits>

#include "hdf5_handle.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::io {
using namespace detail;

namespace {
constexpr hsize_t chunk_elements = 1 << 16;

struct GroupState {
  std::uint64_t n_events = 0, n_items = 0;
  bool created = false;
};

Handle create_extendable(hid_t file, const std::string& path, hid_t file_type) {
  const hsize_t zero = 0, unlimited = H5S_UNLIMITED;
  Handle space = space_handle(H5Screate_simple(1, &zero, &unlimited));
  Handle dcpl = plist_handle(H5Pcreate(H5P_DATASET_CREATE));
  H5Pset_chunk(dcpl.get(), 1, &chunk_elements);
  Handle lcpl = plist_handle(H5Pcreate(H5P_LINK_CREATE));
  H5Pset_create_intermediate_group(lcpl.get(), 1);
  Handle d = dataset_handle(H5Dcreate2(file, path.c_str(), file_type, space.get(), lcpl.get(), dcpl.get(), H5P_DEFAULT));
  if (!d.valid()) throw Error("cannot create dataset", {"", path});
  return d;
}

template <class T>
void append_values(hid_t file, const std::string& path, const T* data, std::uint64_t n) {
  Handle d = dataset_handle(H5Dopen2(file, path.c_str(), H5P_DEFAULT));
  if (!d.valid()) throw Error("cannot open dataset for appending", {"", path});
  if (n == 0) return;
  Handle space = space_handle(H5Dget_space(d.get()));
  hsize_t old = 0;
  H5Sget_simple_extent_dims(space.get(), &old, nullptr);
  const hsize_t total = old + n, count = n;
  if (H5Dset_extent(d.get(), &total) < 0) throw Error("cannot extend dataset", {"", path});
  Handle fspace = space_handle(H5Dget_space(d.get()));
  H5Sselect_hyperslab(fspace.get(), H5S_SELECT_SET, &old, nullptr, &count, nullptr);
  Handle mspace = space_handle(H5Screate_simple(1, &count, nullptr));
  if (H5Dwrite(d.get(), TypeInfo<T>::native(), mspace.get(), fspace.get(), H5P_DEFAULT, data) < 0)
    throw Error("cannot write dataset", {"", path});
}

void write_string_attribute(hid_t obj, const std::string& name, const std::string& value) {
  Handle type = type_handle(H5Tcopy(H5T_C_S1));
  H5Tset_size(type.get(), value.size() + 1);
  H5Tset_strpad(type.get(), H5T_STR_NULLTERM);
  Handle space = space_handle(H5Screate(H5S_SCALAR));
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a = attr_handle(H5Acreate2(obj, name.c_str(), type.get(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (H5Awrite(a.get(), type.get(), value.c_str()) < 0) throw Error("cannot write attribute '" + name + "'");
}

template <class T>
void write_scalar_attribute(hid_t obj, const std::string& name, T value) {
  Handle space = space_handle(H5Screate(H5S_SCALAR));
  if (H5Aexists(obj, name.c_str()) > 0) H5Adelete(obj, name.c_str());
  Handle a = attr_handle(H5Acreate2(obj, name.c_str(), TypeInfo<T>::file(), space.get(), H5P_DEFAULT, H5P_DEFAULT));
  if (H5Awrite(a.get(), TypeInfo<T>::native(), &value) < 0) throw Error("cannot write attribute '" + name + "'");
}

}  // namespace

struct EventFileWriter::Impl {
  std::string path, tmp_path;
  Handle file;
  std::map<std::string, GroupState> groups;
  bool committed = false;

  void fail(const std::string& what, const std::string& dataset = "") const {
    throw Error(what, {path, dataset});
  }
};

EventFileWriter::EventFileWriter(const std::string& path) : impl_(std::make_unique<Impl>()) {
  QuietErrors quiet;
  Impl& m = *impl_;
  m.path = path;
  m.tmp_path = path + ".tmp-" + std::to_string(::getpid());
  m.file = file_handle(H5Fcreate(m.tmp_path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT));
  if (!m.file.valid()) throw Error("cannot create output file (is the directory writable?)", {path});
}

EventFileWriter::~EventFileWriter() {
  if (impl_ && !impl_->committed) {
    impl_->file.reset();
    std::error_code ec;
    std::filesystem::remove(impl_->tmp_path, ec);
  }
}

void EventFileWriter::append(const EventBatch& batch) {
  auto items = [&](const char* g) {
    const auto it = impl_->groups.find(g);
    return it == impl_->groups.end() ? std::uint64_t(0) : it->second.n_items;
  };
  validate(batch, {impl_->path + " (being written)", n_events(), items(group::ecl_digits), items(group::tracker_hits),
                   items(group::mc_particles)});
  append_group(group::ecl_digits, batch.digits);
  append_group(group::tracker_hits, batch.hits);
  append_group(group::mc_particles, batch.mc);
}

void EventFileWriter::append_columns(const std::string& group_path, const std::vector<std::uint64_t>& offsets,
                                     const std::vector<ConstColumn>& columns) {
  QuietErrors quiet;
  Impl& m = *impl_;
  if (m.committed) m.fail("append after commit", group_path);
  if (offsets.empty() || offsets.front() != 0) m.fail("offsets must start at 0", group_path + "/event_offsets");
  for (std::size_t e = 1; e < offsets.size(); ++e)
    if (offsets[e] < offsets[e - 1]) m.fail("offsets decrease at event " + std::to_string(e - 1), group_path + "/event_offsets");
  const std::uint64_t n_items = offsets.back(), n_events = offsets.size() - 1;
  for (const auto& c : columns) {
    const std::uint64_t n = std::visit([](const auto* v) { return std::uint64_t(v->size()); }, c.data);
    if (n != n_items)
      m.fail("column has " + std::to_string(n) + " entries but the offsets end at " + std::to_string(n_items),
             group_path + "/" + c.name);
  }
  GroupState& g = m.groups[group_path];
  const hid_t f = m.file.get();
  if (!g.created) {
    create_extendable(f, group_path + "/event_offsets", TypeInfo<std::uint64_t>::file());
    const std::uint64_t zero = 0;
    append_values(f, group_path + "/event_offsets", &zero, 1);
    for (const auto& c : columns)
      std::visit(
          [&](const auto* v) {
            using T = typename std::decay_t<decltype(*v)>::value_type;
            create_extendable(f, group_path + "/" + c.name, TypeInfo<T>::file());
          },
          c.data);
    g.created = true;
  }
  std::vector<std::uint64_t> shifted(offsets.begin() + 1, offsets.end());
  for (auto& o : shifted) o += g.n_items;
  append_values(f, group_path + "/event_offsets", shifted.data(), shifted.size());
  for (const auto& c : columns)
    std::visit([&](const auto* v) { append_values(f, group_path + "/" + c.name, v->data(), v->size()); }, c.data);
  g.n_events += n_events;
  g.n_items += n_items;
}

void EventFileWriter::set_attribute(const std::string& name, const std::string& value) {
  QuietErrors quiet;
  write_string_attribute(impl_->file.get(), name, value);
}

void EventFileWriter::set_attribute(const std::string& name, double value) {
  QuietErrors quiet;
  write_scalar_attribute<double>(impl_->file.get(), name, value);
}

std::uint64_t EventFileWriter::n_events() const {
  return impl_->groups.empty() ? 0 : impl_->groups.begin()->second.n_events;
}

void EventFileWriter::commit() {
  QuietErrors quiet;
  Impl& m = *impl_;
  if (m.committed) return;
  const std::uint64_t n = n_events();
  for (const auto& [name, g] : m.groups)
    if (g.n_events != n)
      m.fail("group holds " + std::to_string(g.n_events) + " events but others hold " + std::to_string(n), name);
  const hid_t f = m.file.get();
  write_string_attribute(f, "format", format_name);
  write_scalar_attribute<std::int32_t>(f, "version", format_version);
  write_scalar_attribute<std::uint64_t>(f, "n_events", n);
  if (H5Fflush(f, H5F_SCOPE_GLOBAL) < 0) m.fail("cannot flush output file");
  m.file.reset();
  std::error_code ec;
  std::filesystem::rename(m.tmp_path, m.path, ec);
  if (ec) {
    std::filesystem::remove(m.tmp_path, ec);
    m.fail("cannot move the finished file into place: " + ec.message());
  }
  m.committed = true;
}

void write_events(const std::string& path, const EventBatch& batch) {
  EventFileWriter w(path);
  w.append(batch);
  w.commit();
}

}  // namespace umbra::io
