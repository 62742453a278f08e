#pragma once
// A one-line progress bar on stderr, drawn only when stderr is a terminal (logs stay clean).
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>

namespace umbra::cli {

/// Returns a callback (done, total) that redraws "<label> [####    ] 42% (done/total unit)", or
/// an empty function when stderr is not a terminal or `quiet`.
inline std::function<void(std::uint64_t, std::uint64_t)> progress_bar(std::string label, std::string unit,
                                                                         bool quiet = false) {
  if (quiet || !::isatty(2)) return {};
  return [label = std::move(label), unit = std::move(unit)](std::uint64_t done, std::uint64_t total) {
    const int width = 40, filled = total > 0 ? int(width * double(done) / double(total)) : width;
    std::fprintf(stderr, "\r%s [%.*s%*s] %3d%% (%llu/%llu %s)", label.c_str(), filled,
                 "########################################", width - filled, "",
                 total > 0 ? int(100.0 * double(done) / double(total)) : 100, (unsigned long long)done,
                 (unsigned long long)total, unit.c_str());
    if (done >= total) std::fputc('\n', stderr);
    std::fflush(stderr);
  };
}

}  // namespace umbra::cli
