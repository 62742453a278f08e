#include "umbra/cpu/digit_kinematics.hpp"

#include "umbra/cpu/for_each.hpp"

namespace umbra::cpu {

ecl::DigitKinematics digit_kinematics(const ecl::EclGeometry& geometry, const EclDigits& digits) {
  ecl::DigitKinematics r;
  const std::uint64_t n = digits.size(), ne = digits.n_events();
  r.x.resize(n), r.y.resize(n), r.z.resize(n);
  r.event_energy.resize(ne), r.event_cx.resize(ne), r.event_cy.resize(ne), r.event_cz.resize(ne);
  const ecl::DigitKinematicsView out{span_of(r.x),        span_of(r.y),        span_of(r.z),
                                     span_of(r.event_energy), span_of(r.event_cx), span_of(r.event_cy),
                                     span_of(r.event_cz)};
  const auto d = view(digits);
  for_each(n, ecl::DigitPositionStep{geometry.view(), d, out});
  for_each(ne, ecl::EventEnergyStep{d, out});
  return r;
}

}  // namespace umbra::cpu
