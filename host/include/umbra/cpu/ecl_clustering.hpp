#pragma once
#include "umbra/core/event_data.hpp"
#include "umbra/ecl/clustering_options.hpp"
#include "umbra/ecl/clustering_result.hpp"
#include "umbra/geometry/ecl_geometry.hpp"

namespace umbra::cpu {
/// ECL clustering + shower shapes of a batch of events on all cores (cpu::set_thread_count).
/// Throws OptionsError when `options.validate()` fails. Digits must be valid (io::validate).
ecl::ClusteringResult cluster_ecl(const ecl::EclGeometry& geometry, const EclDigits& digits,
                                  const ecl::ClusteringOptions& options = {});
}  // namespace umbra::cpu
