#include <omp.h>

#include <thread>

#include "umbra/cpu/for_each.hpp"

namespace umbra::cpu {

int thread_count() { return omp_get_max_threads(); }

void set_thread_count(int n) {
  omp_set_num_threads(n > 0 ? n : static_cast<int>(std::max(1u, std::thread::hardware_concurrency())));
}

}  // namespace umbra::cpu
