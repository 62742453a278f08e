#pragma once
// CPU seconds of the whole process (all threads): items per CPU second is items/s per core,
// whatever else loads the machine (the figure of merit of the CPU benchmarks).
#include <ctime>

namespace umbra::bench {

inline double process_cpu_seconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return double(t.tv_sec) + 1e-9 * double(t.tv_nsec);
}

}  // namespace umbra::bench
