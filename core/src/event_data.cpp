#include "umbra/core/event_data.hpp"

namespace umbra {

void EclDigits::reserve(std::size_t n) {
  cell_id.reserve(n);
  energy.reserve(n);
  time.reserve(n);
}

void EclDigits::push_back(std::uint16_t cell, float e, float t) {
  cell_id.push_back(cell);
  energy.push_back(e);
  time.push_back(t);
}

}  // namespace umbra
