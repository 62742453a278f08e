#pragma once
// CUDA backend of the batched scan fits (issue 9): the same batched::run_job as the CPU backend,
// one job per warp (default) or per thread. No CUDA types here.
#include "umbra/cuda/context.hpp"
#include "umbra/scan/scan_batched.hpp"

namespace umbra::cuda {

enum class ScanJobLayout : int { warp_per_job = 0, thread_per_job = 1 };

/// Runs every job of `w` on the device: one upload of the packed histograms, one launch, one download.
void run_scan_jobs(Context& ctx, const scan::PackedWindows& w, const scan::batched::FitConfig& cfg, double z,
                   scan::BatchedJobs& out, ScanJobLayout layout = ScanJobLayout::warp_per_job,
                   Timings* timings = nullptr);

/// The batched scan with the device running the fits (packing, Ceres re-runs and assembly on the
/// host); same ScanResult as scan::run_scan / scan::run_scan_batched.
scan::ScanResult run_scan_batched(Context& ctx, scan::Spectrum spectrum, const scan::SignalTable& table,
                                  const scan::ScanOptions& opt, scan::BatchedScanSummary* summary = nullptr,
                                  const scan::ProgressFn& progress = {},
                                  ScanJobLayout layout = ScanJobLayout::warp_per_job, Timings* timings = nullptr);

}  // namespace umbra::cuda
