#pragma once
// RAII for HDF5 identifiers and the type mapping used by the event-file reader and writer.

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <utility>

namespace umbra::io::detail {

/// Owns one hid_t and closes it with the matching H5*close.
class Handle {
 public:
  using Closer = herr_t (*)(hid_t);
  Handle() = default;
  Handle(hid_t id, Closer close) : id_(id), close_(close) {}
  ~Handle() { reset(); }
  Handle(Handle&& o) noexcept : id_(std::exchange(o.id_, -1)), close_(o.close_) {}
  Handle& operator=(Handle&& o) noexcept {
    if (this != &o) {
      reset();
      id_ = std::exchange(o.id_, -1);
      close_ = o.close_;
    }
    return *this;
  }
  Handle(const Handle&) = delete;
  Handle& operator=(const Handle&) = delete;

  hid_t get() const { return id_; }
  bool valid() const { return id_ >= 0; }
  void reset() {
    if (id_ >= 0 && close_) close_(id_);
    id_ = -1;
  }

 private:
  hid_t id_ = -1;
  Closer close_ = nullptr;
};

inline Handle file_handle(hid_t id) { return {id, H5Fclose}; }
inline Handle group_handle(hid_t id) { return {id, H5Gclose}; }
inline Handle dataset_handle(hid_t id) { return {id, H5Dclose}; }
inline Handle space_handle(hid_t id) { return {id, H5Sclose}; }
inline Handle type_handle(hid_t id) { return {id, H5Tclose}; }
inline Handle attr_handle(hid_t id) { return {id, H5Aclose}; }
inline Handle plist_handle(hid_t id) { return {id, H5Pclose}; }

/// Silences HDF5's automatic error stack printing for the lifetime of the object: umbra reports
/// its own messages.
class QuietErrors {
 public:
  QuietErrors() {
    H5Eget_auto2(H5E_DEFAULT, &func_, &data_);
    H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  }
  ~QuietErrors() { H5Eset_auto2(H5E_DEFAULT, func_, data_); }

 private:
  H5E_auto2_t func_ = nullptr;
  void* data_ = nullptr;
};

/// Native memory type and the expected on-file description of a C++ column type.
template <class T>
struct TypeInfo;
#define UMBRA_HDF5_TYPE(T, NATIVE, FILE_TYPE, CLASS, SIGNED, NAME)              \
  template <>                                                                    \
  struct TypeInfo<T> {                                                           \
    static hid_t native() { return NATIVE; }                                     \
    static hid_t file() { return FILE_TYPE; }                                    \
    static constexpr H5T_class_t type_class = CLASS;                             \
    static constexpr bool is_signed = SIGNED;                                    \
    static constexpr const char* name = NAME;                                    \
  };
UMBRA_HDF5_TYPE(std::uint8_t, H5T_NATIVE_UINT8, H5T_STD_U8LE, H5T_INTEGER, false, "uint8")
UMBRA_HDF5_TYPE(std::uint16_t, H5T_NATIVE_UINT16, H5T_STD_U16LE, H5T_INTEGER, false, "uint16")
UMBRA_HDF5_TYPE(std::int32_t, H5T_NATIVE_INT32, H5T_STD_I32LE, H5T_INTEGER, true, "int32")
UMBRA_HDF5_TYPE(std::int64_t, H5T_NATIVE_INT64, H5T_STD_I64LE, H5T_INTEGER, true, "int64")
UMBRA_HDF5_TYPE(std::uint64_t, H5T_NATIVE_UINT64, H5T_STD_U64LE, H5T_INTEGER, false, "uint64")
UMBRA_HDF5_TYPE(float, H5T_NATIVE_FLOAT, H5T_IEEE_F32LE, H5T_FLOAT, true, "float32")
UMBRA_HDF5_TYPE(double, H5T_NATIVE_DOUBLE, H5T_IEEE_F64LE, H5T_FLOAT, true, "float64")
#undef UMBRA_HDF5_TYPE

/// Whether a dataset's on-file type is exactly the column type (class, size and sign).
template <class T>
bool has_type(hid_t dataset) {
  Handle t = type_handle(H5Dget_type(dataset));
  if (!t.valid() || H5Tget_class(t.get()) != TypeInfo<T>::type_class || H5Tget_size(t.get()) != sizeof(T))
    return false;
  if (TypeInfo<T>::type_class == H5T_INTEGER)
    return (H5Tget_sign(t.get()) == H5T_SGN_2) == TypeInfo<T>::is_signed;
  return true;
}

/// Whether a dataset's values can be read as T: the same class (any integer width and sign for an
/// integer column, float32 or float64 for a float column). The reader converts and range-checks.
template <class T>
bool same_class(hid_t dataset) {
  Handle t = type_handle(H5Dget_type(dataset));
  return t.valid() && H5Tget_class(t.get()) == TypeInfo<T>::type_class;
}

inline bool is_signed_integer(hid_t dataset) {
  Handle t = type_handle(H5Dget_type(dataset));
  return H5Tget_class(t.get()) == H5T_INTEGER && H5Tget_sign(t.get()) == H5T_SGN_2;
}

/// A human description of a dataset's type, for error messages ("int64", "float32", ...).
std::string describe_type(hid_t dataset);

}  // namespace umbra::io::detail
