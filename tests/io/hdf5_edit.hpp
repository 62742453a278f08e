#pragma once
// Small HDF5 surgery for the refusal tests: damage one thing of a valid file.
#include <hdf5.h>

#include <string>
#include <vector>

namespace umbra::test {

struct H5File {
  hid_t id;
  explicit H5File(const std::string& path) : id(H5Fopen(path.c_str(), H5F_ACC_RDWR, H5P_DEFAULT)) {}
  ~H5File() { H5Fclose(id); }
};

template <class T>
hid_t native_type();
template <> inline hid_t native_type<float>() { return H5T_NATIVE_FLOAT; }
template <> inline hid_t native_type<double>() { return H5T_NATIVE_DOUBLE; }
template <> inline hid_t native_type<std::uint16_t>() { return H5T_NATIVE_UINT16; }
template <> inline hid_t native_type<std::uint8_t>() { return H5T_NATIVE_UINT8; }
template <> inline hid_t native_type<std::uint64_t>() { return H5T_NATIVE_UINT64; }
template <> inline hid_t native_type<std::int64_t>() { return H5T_NATIVE_INT64; }
template <> inline hid_t native_type<std::int32_t>() { return H5T_NATIVE_INT32; }

/// Overwrites element `index` of a 1-D dataset.
template <class T>
void poke(const std::string& path, const std::string& ds, hsize_t index, T value) {
  H5File f(path);
  hid_t d = H5Dopen2(f.id, ds.c_str(), H5P_DEFAULT);
  hid_t fs = H5Dget_space(d);
  const hsize_t one = 1;
  H5Sselect_hyperslab(fs, H5S_SELECT_SET, &index, nullptr, &one, nullptr);
  hid_t ms = H5Screate_simple(1, &one, nullptr);
  H5Dwrite(d, native_type<T>(), ms, fs, H5P_DEFAULT, &value);
  H5Sclose(ms), H5Sclose(fs), H5Dclose(d);
}

/// Replaces a dataset by one of another type/length holding `values`.
template <class T>
void replace(const std::string& path, const std::string& ds, const std::vector<T>& values) {
  H5File f(path);
  H5Ldelete(f.id, ds.c_str(), H5P_DEFAULT);
  const hsize_t n = values.size();
  hid_t s = H5Screate_simple(1, &n, nullptr);
  hid_t d = H5Dcreate2(f.id, ds.c_str(), native_type<T>(), s, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT);
  H5Dwrite(d, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, values.data());
  H5Dclose(d), H5Sclose(s);
}

template <class T>
std::vector<T> read_all(const std::string& path, const std::string& ds) {
  H5File f(path);
  hid_t d = H5Dopen2(f.id, ds.c_str(), H5P_DEFAULT);
  hid_t s = H5Dget_space(d);
  hsize_t n = 0;
  H5Sget_simple_extent_dims(s, &n, nullptr);
  std::vector<T> v(n);
  H5Dread(d, native_type<T>(), H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data());
  H5Sclose(s), H5Dclose(d);
  return v;
}

inline void remove_link(const std::string& path, const std::string& ds) {
  H5File f(path);
  H5Ldelete(f.id, ds.c_str(), H5P_DEFAULT);
}

inline void remove_attribute(const std::string& path, const std::string& name) {
  H5File f(path);
  H5Adelete(f.id, name.c_str());
}

inline void set_int_attribute(const std::string& path, const std::string& name, std::int64_t v) {
  H5File f(path);
  if (H5Aexists(f.id, name.c_str()) > 0) H5Adelete(f.id, name.c_str());
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(f.id, name.c_str(), H5T_STD_I64LE, s, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, H5T_NATIVE_INT64, &v);
  H5Aclose(a), H5Sclose(s);
}

inline void set_string_attribute(const std::string& path, const std::string& name, const std::string& v) {
  H5File f(path);
  if (H5Aexists(f.id, name.c_str()) > 0) H5Adelete(f.id, name.c_str());
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, H5T_VARIABLE);  // as h5py writes a Python str
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(f.id, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT);
  const char* p = v.c_str();
  H5Awrite(a, t, &p);
  H5Aclose(a), H5Sclose(s), H5Tclose(t);
}

/// A fixed-length string attribute of exactly v.size() bytes (no room for a terminator), as h5py
/// writes np.bytes_ (pad = H5T_STR_NULLPAD) or Fortran-style tools write (H5T_STR_SPACEPAD).
inline void set_fixed_string_attribute(const std::string& path, const std::string& name, const std::string& v,
                                       H5T_str_t pad) {
  H5File f(path);
  if (H5Aexists(f.id, name.c_str()) > 0) H5Adelete(f.id, name.c_str());
  hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, v.size());
  H5Tset_strpad(t, pad);
  hid_t s = H5Screate(H5S_SCALAR);
  hid_t a = H5Acreate2(f.id, name.c_str(), t, s, H5P_DEFAULT, H5P_DEFAULT);
  H5Awrite(a, t, v.data());
  H5Aclose(a), H5Sclose(s), H5Tclose(t);
}

}  // namespace umbra::test
