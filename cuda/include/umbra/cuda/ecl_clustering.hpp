#pragma once
#include "umbra/core/event_data.hpp"
#include "umbra/cuda/context.hpp"
#include "umbra/ecl/clustering_options.hpp"
#include "umbra/ecl/clustering_result.hpp"

namespace umbra::cuda {
/// The CUDA twin of cpu::cluster_ecl: one upload of the batch, the same per-item steps as
/// kernels (CUB for the per-event sort and the prefix sums), one download. Phase timings go to
/// the summary (upload_ms, kernel_ms, download_ms). Throws OptionsError for invalid options.
ecl::ClusteringResult cluster_ecl(Context& ctx, const EclDigits& digits, const ecl::ClusteringOptions& options = {});
}  // namespace umbra::cuda
