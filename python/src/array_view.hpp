#pragma once
// numpy arrays that are views onto C++ std::vectors: no copy, and the Python object owning the
// vector is the array's owner, so the memory lives as long as any array does.
#include <nanobind/ndarray.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace umbra::python {
namespace nb = nanobind;

/// A writable 1-D numpy view of `v`, kept alive through `owner` (the Python object holding `v`).
template <class T>
nb::object array_view(std::vector<T>& v, nb::handle owner) {
  const size_t shape[1] = {v.size()};
  return nb::ndarray<nb::numpy, T, nb::ndim<1>>(v.data(), 1, shape, owner).cast();
}

/// A read-only view, for arrays whose invariants the C++ side relies on (event offsets).
template <class T>
nb::object const_array_view(const std::vector<T>& v, nb::handle owner) {
  const size_t shape[1] = {v.size()};
  return nb::ndarray<nb::numpy, const T, nb::ndim<1>>(v.data(), 1, shape, owner).cast();
}

/// Copies a 1-D C-contiguous array of exactly type T into `v` (the Python façade converts dtypes
/// first, refusing lossy casts; here only the exact type is accepted).
template <class T>
void assign_from(std::vector<T>& v, nb::handle array) {
  auto a = nb::cast<nb::ndarray<const T, nb::ndim<1>, nb::c_contig, nb::device::cpu>>(array, false);
  v.assign(a.data(), a.data() + a.shape(0));
}

template <class T>
constexpr const char* numpy_dtype_name() {
  if constexpr (std::is_same_v<T, std::uint8_t>) return "uint8";
  else if constexpr (std::is_same_v<T, std::uint16_t>) return "uint16";
  else if constexpr (std::is_same_v<T, std::int32_t>) return "int32";
  else if constexpr (std::is_same_v<T, std::uint64_t>) return "uint64";
  else if constexpr (std::is_same_v<T, float>) return "float32";
  else if constexpr (std::is_same_v<T, double>) return "float64";
  else static_assert(sizeof(T) == 0, "column type without a numpy name");
}

}  // namespace umbra::python

namespace umbra::python {

/// Hands a C++ result to Python as the owner of the views made onto it: freed when the last view
/// (or the capsule itself) goes away.
template <class T>
nb::capsule owning_capsule(std::unique_ptr<T> p) {
  return nb::capsule(p.release(), [](void* q) noexcept { delete static_cast<T*>(q); });
}

}  // namespace umbra::python
