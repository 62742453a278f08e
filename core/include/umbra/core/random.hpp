#pragma once
// Counter-based randomness (Philox4x32-10, Salmon et al., SC'11): a stream is keyed by
// (seed, event number, particle/item index), so results never depend on threads, batch boundaries
// or the order in which items are processed. Usable in host and device code.

#include <cmath>
#include <cstdint>

#include "umbra/core/qualifiers.hpp"

namespace umbra {

class Philox {
 public:
  /// One independent stream per (seed, a, b); e.g. a = event number, b = particle index (< 2^32:
  /// the upper counter word counts the 4-word blocks drawn from the stream).
  UMBRA_HD Philox(std::uint64_t seed, std::uint64_t a, std::uint64_t b = 0)
      : key0_(std::uint32_t(seed)), key1_(std::uint32_t(seed >> 32)),
        ctr_{std::uint32_t(a), std::uint32_t(a >> 32), std::uint32_t(b), 0u} {}

  /// Next 32 random bits.
  UMBRA_HD std::uint32_t next_u32() {
    if (used_ == 4) refill();
    return out_[used_++];
  }
  /// Uniform in (0, 1): never exactly 0 or 1 (safe for log).
  UMBRA_HD double uniform() {
    const std::uint64_t hi = next_u32() >> 5, lo = next_u32() >> 6;  // 53 bits
    return (double(hi * 67108864ull + lo) + 0.5) * (1.0 / 9007199254740992.0);
  }
  UMBRA_HD double uniform(double lo, double hi) { return lo + (hi - lo) * uniform(); }
  /// Standard normal (Box-Muller; the second value is cached).
  UMBRA_HD double normal() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform(), u2 = uniform();
    const double r = sqrt(-2.0 * log(u1));
    const double a = 6.283185307179586 * u2;
    spare_ = r * sin(a);
    has_spare_ = true;
    return r * cos(a);
  }
  UMBRA_HD double normal(double mean, double sigma) { return mean + sigma * normal(); }
  UMBRA_HD double exponential(double mean) { return -mean * log(uniform()); }
  /// Poisson variate (inversion for small means, normal approximation above 50).
  UMBRA_HD std::uint32_t poisson(double mean) {
    if (mean <= 0) return 0;
    if (mean > 50) {
      const double x = normal(mean, sqrt(mean)) + 0.5;
      return x < 0 ? 0u : std::uint32_t(x);
    }
    const double l = exp(-mean);
    std::uint32_t k = 0;
    double p = uniform();
    while (p > l) {
      ++k;
      p *= uniform();
    }
    return k;
  }

 private:
  UMBRA_HD static void mulhilo(std::uint32_t a, std::uint32_t b, std::uint32_t& hi, std::uint32_t& lo) {
    const std::uint64_t p = std::uint64_t(a) * b;
    hi = std::uint32_t(p >> 32);
    lo = std::uint32_t(p);
  }
  UMBRA_HD void refill() {
    std::uint32_t c0 = ctr_[0], c1 = ctr_[1], c2 = ctr_[2], c3 = block_;
    std::uint32_t k0 = key0_, k1 = key1_;
    for (int r = 0; r < 10; ++r) {
      std::uint32_t hi0, lo0, hi1, lo1;
      mulhilo(0xD2511F53u, c0, hi0, lo0);
      mulhilo(0xCD9E8D57u, c2, hi1, lo1);
      c0 = hi1 ^ c1 ^ k0;
      c1 = lo1;
      c2 = hi0 ^ c3 ^ k1;
      c3 = lo0;
      k0 += 0x9E3779B9u;
      k1 += 0xBB67AE85u;
    }
    out_[0] = c0, out_[1] = c1, out_[2] = c2, out_[3] = c3;
    ++block_;
    used_ = 0;
  }

  std::uint32_t key0_, key1_;
  std::uint32_t ctr_[4];
  std::uint32_t out_[4] = {0, 0, 0, 0};
  std::uint32_t block_ = 0;
  int used_ = 4;
  double spare_ = 0;
  bool has_spare_ = false;
};

}  // namespace umbra
