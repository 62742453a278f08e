#pragma once
// A std::vector whose resize() leaves new elements default-initialised (uninitialised for
// doubles and ints) instead of zeroing them. For large arrays that a parallel loop then writes
// in full: their pages are first touched by that loop, on all cores, instead of by a serial
// zero fill (the batched scan's packed histograms are ~100 MB).
#include <memory>
#include <type_traits>
#include <utility>
#include <vector>

namespace umbra {

template <class T>
struct default_init_allocator : std::allocator<T> {
  template <class U>
  struct rebind {
    using other = default_init_allocator<U>;
  };
  default_init_allocator() = default;
  template <class U>
  default_init_allocator(const default_init_allocator<U>&) noexcept {}

  template <class U>
  void construct(U* p) noexcept(std::is_nothrow_default_constructible_v<U>) {
    ::new (static_cast<void*>(p)) U;
  }
  template <class U, class... A>
  void construct(U* p, A&&... a) {
    ::new (static_cast<void*>(p)) U(std::forward<A>(a)...);
  }
};

template <class T>
using uninitialized_vector = std::vector<T, default_init_allocator<T>>;

}  // namespace umbra
