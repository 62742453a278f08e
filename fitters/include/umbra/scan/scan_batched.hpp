#pragma once
// The mass scan with batched fits (issue 9; implemented in host/src/scan/scan_batched.cpp and,
// for the CUDA backend, cuda/src/scan_batched.cu). Same jobs, same ScanResult and file format as
// run_scan() (the Ceres path), but every window's fits run as one bulk launch of the UMBRA_HD job
// of batched_fit.hpp: the histograms of all windows are built once on the host and packed SoA
// with offsets, the backend runs all jobs, and jobs with a failed batched fit are re-run with
// Ceres on the host (analyse_window) and counted.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "umbra/core/uninitialized_vector.hpp"
#include "umbra/scan/batched_fit.hpp"
#include "umbra/scan/scan.hpp"

namespace umbra::scan {

/// Histograms of all jobs' windows, packed (see batched::WindowsView).
struct PackedWindows {
  std::vector<Window> windows;  // per job (mass-major: m * n_variants + v)
  std::vector<std::uint64_t> bin_offsets, basis_offsets;
  // Windows that differ only in their polynomial order share edges and counts (copied) and, for
  // a nested basis (Chebyshev), the basis integrals: the highest order's rows hold the others'.
  uninitialized_vector<double> edges, counts, basis;
  std::vector<int> order;
  std::vector<CrystalBallShape> shape;
  std::vector<std::int64_t> n_events;
  double eff_rel_unc = 0, sigma_rel_unc = 0;

  std::uint64_t size() const { return windows.size(); }
  batched::WindowsView view() const;
};

/// Builds the histograms of `windows` (make_histogram's binning) from a prepared spectrum; all cores.
PackedWindows pack_windows(const Spectrum& prepared, const std::vector<Window>& windows, const ScanOptions& opt);

/// Per-job outputs of the batched fits (host copies; batched::JobsView over them).
struct BatchedJobs {
  std::vector<double> n_sig, n_sig_err, nll_sb, nll_b, significance, limit_obs, sigma_asimov, limit_exp, chi2_ndf;
  std::vector<double> params_sb, params_b;  // batched::np_max per job
  std::vector<int> status, fits, failed_fits, retried_fits, iterations;

  void resize(std::uint64_t n_jobs);
  batched::JobsView view();
};

batched::FitConfig fit_config(const ScanOptions& opt);

/// Runs all jobs of `w` into `out` (already sized): the backend hook.
using BatchedBackend = std::function<void(const PackedWindows& w, const batched::FitConfig& cfg, double z,
                                          BatchedJobs& out)>;

/// CPU backend: batched::ScanJobStep over all jobs with cpu::for_each (all cores).
void run_jobs_cpu(const PackedWindows& w, const batched::FitConfig& cfg, double z, BatchedJobs& out);

struct BatchedScanSummary {
  ScanSummary scan;                      // as run_scan's (fits counted as run: batched + Ceres re-runs)
  std::string backend = "cpu";
  std::int64_t batched_failed_jobs = 0;  // jobs with a failed batched fit ...
  std::int64_t ceres_reruns = 0;         // ... re-run with Ceres on the host
  std::int64_t batched_iterations = 0;
  double pack_seconds = 0, fit_seconds = 0, rerun_seconds = 0;
  std::string brief() const;
};

/// The batched scan on the CPU backend; options, refusals and result as run_scan().
ScanResult run_scan_batched(Spectrum spectrum, const SignalTable& table, const ScanOptions& opt,
                            BatchedScanSummary* summary = nullptr, const ProgressFn& progress = {});

/// The same with any backend hook (the CUDA backend's cuda::run_scan_batched uses this).
ScanResult run_scan_batched_with(const BatchedBackend& backend, const std::string& backend_name, Spectrum spectrum,
                                 const SignalTable& table, const ScanOptions& opt, BatchedScanSummary* summary,
                                 const ProgressFn& progress);

}  // namespace umbra::scan
