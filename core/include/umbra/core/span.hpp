#pragma once
// A non-owning, trivially copyable (pointer, size) pair that works the same in host and device
// code. Views of SoA containers are made of these, so they can be passed by value to kernels.

#include <cstddef>
#include <cstdint>
#include <vector>

#include "umbra/core/qualifiers.hpp"

namespace umbra {

template <class T>
struct Span {
  T* data = nullptr;
  std::uint64_t size = 0;

  UMBRA_HD T& operator[](std::uint64_t i) const { return data[i]; }
  UMBRA_HD T* begin() const { return data; }
  UMBRA_HD T* end() const { return data + size; }
  UMBRA_HD bool empty() const { return size == 0; }
};

template <class T>
Span<T> span_of(std::vector<T>& v) {
  return {v.data(), v.size()};
}
template <class T>
Span<const T> span_of(const std::vector<T>& v) {
  return {v.data(), v.size()};
}

/// Per-event ranges of a flat array: event e owns items [offsets[e], offsets[e+1]).
struct EventRanges {
  Span<const std::uint64_t> offsets;  // n_events + 1 entries

  UMBRA_HD std::uint64_t n_events() const { return offsets.size == 0 ? 0 : offsets.size - 1; }
  UMBRA_HD std::uint64_t begin(std::uint64_t e) const { return offsets[e]; }
  UMBRA_HD std::uint64_t end(std::uint64_t e) const { return offsets[e + 1]; }
  UMBRA_HD std::uint64_t count(std::uint64_t e) const { return offsets[e + 1] - offsets[e]; }
};

}  // namespace umbra
