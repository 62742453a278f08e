#pragma once
// Forward-mode automatic differentiation with N directional derivatives, host and device. The
// helix propagation and the measurement models are written once as templates on the scalar type;
// instantiated with Dual<5> they return their 5x5 (or 2x5) Jacobians exactly, so no hand-derived
// derivative can drift out of sync with the function it belongs to.

#include <cmath>

#include "umbra/core/qualifiers.hpp"
#include "umbra/track/scalar_math.hpp"

namespace umbra::track {

template <int N>
struct Dual {
  double v = 0;
  double d[N] = {};

  UMBRA_HD Dual() = default;
  UMBRA_HD Dual(double x) : v(x) {}  // NOLINT: constants promote implicitly
  UMBRA_HD static Dual variable(double x, int i) {
    Dual r(x);
    r.d[i] = 1;
    return r;
  }
};

template <class T>
UMBRA_HD inline double value(const T& x) { return x.v; }
UMBRA_HD inline double value(double x) { return x; }

#define UMBRA_DUAL_LOOP for (int i = 0; i < N; ++i)
template <int N> UMBRA_HD inline Dual<N> operator+(const Dual<N>& a, const Dual<N>& b) { Dual<N> r(a.v + b.v); UMBRA_DUAL_LOOP r.d[i] = a.d[i] + b.d[i]; return r; }
template <int N> UMBRA_HD inline Dual<N> operator-(const Dual<N>& a, const Dual<N>& b) { Dual<N> r(a.v - b.v); UMBRA_DUAL_LOOP r.d[i] = a.d[i] - b.d[i]; return r; }
template <int N> UMBRA_HD inline Dual<N> operator-(const Dual<N>& a) { Dual<N> r(-a.v); UMBRA_DUAL_LOOP r.d[i] = -a.d[i]; return r; }
template <int N> UMBRA_HD inline Dual<N> operator*(const Dual<N>& a, const Dual<N>& b) { Dual<N> r(a.v * b.v); UMBRA_DUAL_LOOP r.d[i] = a.d[i] * b.v + a.v * b.d[i]; return r; }
template <int N> UMBRA_HD inline Dual<N> operator/(const Dual<N>& a, const Dual<N>& b) {
  const double ib = 1.0 / b.v;
  Dual<N> r(a.v * ib);
  UMBRA_DUAL_LOOP r.d[i] = (a.d[i] - r.v * b.d[i]) * ib;
  return r;
}
template <int N> UMBRA_HD inline Dual<N> operator+(const Dual<N>& a, double b) { Dual<N> r = a; r.v += b; return r; }
template <int N> UMBRA_HD inline Dual<N> operator+(double b, const Dual<N>& a) { return a + b; }
template <int N> UMBRA_HD inline Dual<N> operator-(const Dual<N>& a, double b) { Dual<N> r = a; r.v -= b; return r; }
template <int N> UMBRA_HD inline Dual<N> operator-(double b, const Dual<N>& a) { Dual<N> r = -a; r.v += b; return r; }
template <int N> UMBRA_HD inline Dual<N> operator*(const Dual<N>& a, double b) { Dual<N> r(a.v * b); UMBRA_DUAL_LOOP r.d[i] = a.d[i] * b; return r; }
template <int N> UMBRA_HD inline Dual<N> operator*(double b, const Dual<N>& a) { return a * b; }
template <int N> UMBRA_HD inline Dual<N> operator/(const Dual<N>& a, double b) { return a * (1.0 / b); }
template <int N> UMBRA_HD inline Dual<N> operator/(double a, const Dual<N>& b) { return Dual<N>(a) / b; }

template <int N> UMBRA_HD inline Dual<N> chain(const Dual<N>& a, double f, double df) {
  Dual<N> r(f);
  UMBRA_DUAL_LOOP r.d[i] = df * a.d[i];
  return r;
}
template <int N> UMBRA_HD inline Dual<N> sin(const Dual<N>& a) { return chain(a, portable::sin(a.v), portable::cos(a.v)); }
template <int N> UMBRA_HD inline Dual<N> cos(const Dual<N>& a) { return chain(a, portable::cos(a.v), -portable::sin(a.v)); }
template <int N> UMBRA_HD inline Dual<N> sqrt(const Dual<N>& a) {
  const double s = ::sqrt(a.v);
  return chain(a, s, s > 0 ? 0.5 / s : 0.0);
}
template <int N> UMBRA_HD inline Dual<N> atan2(const Dual<N>& y, const Dual<N>& x) {
  const double r2 = x.v * x.v + y.v * y.v, inv = r2 > 0 ? 1.0 / r2 : 0.0;
  Dual<N> r(portable::atan2(y.v, x.v));
  UMBRA_DUAL_LOOP r.d[i] = (x.v * y.d[i] - y.v * x.d[i]) * inv;
  return r;
}
#undef UMBRA_DUAL_LOOP

/// Finite test that needs no host-only call (NaN fails the comparison); one compare, as the fit
/// tests every parameter after every step.
UMBRA_HD inline bool is_finite(double v) { return fabs(v) <= 1.7976931348623157e308; }

}  // namespace umbra::track
