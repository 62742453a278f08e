#include <cstdio>

#include "umbra/ecl/showers.hpp"

namespace umbra::ecl {

std::string ClusteringSummary::brief() const {
  char buf[512];
  std::snprintf(buf, sizeof buf,
                "ecl clustering [%s]: %llu events, %llu digits -> %llu regions, %llu maxima, %llu showers "
                "(%llu dropped < min energy, %llu capped regions, %llu unconverged, %llu window overflows) in %.3f ms",
                backend.c_str(), (unsigned long long)n_events, (unsigned long long)n_digits,
                (unsigned long long)n_regions, (unsigned long long)n_local_maxima, (unsigned long long)n_showers,
                (unsigned long long)n_dropped_showers, (unsigned long long)n_capped_regions,
                (unsigned long long)n_unconverged, (unsigned long long)n_window_overflows, total_ms);
  std::string s(buf);
  if (upload_ms > 0 || kernel_ms > 0 || download_ms > 0) {
    std::snprintf(buf, sizeof buf, " (upload %.3f, kernels %.3f, download %.3f ms)", upload_ms, kernel_ms, download_ms);
    s += buf;
  }
  return s;
}

}  // namespace umbra::ecl
