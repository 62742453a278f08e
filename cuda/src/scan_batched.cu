// Upload the packed windows, run batched::run_job for every job, download. Nothing else lives here.
//
// One job per warp by default: a job is ~10 fits x ~10 Newton steps, each a pass over 100-1000
// bins with two erf/exp per bin edge. Per thread, the scan's 18,000 jobs fill only ~7% of an
// H100's thread slots (132 SMs x 2048), every thread walks its whole window serially, and the
// threads of a warp diverge (different bin counts, iteration counts and limit steps). Per warp,
// the 32 lanes split the bin loop into contiguous chunks and reduce the sums with a fixed
// shuffle butterfly (so every lane holds identical bits and takes the same branches), giving
// 576k active threads and no divergence; the tiny dense algebra (<= 11 parameters) is repeated
// by every lane, which costs far less than the bin passes. Both layouts are built so that a
// device run of bench_scan_batched can measure the choice (not measured here: no device).
#include "context_impl.cuh"
#include "launch.cuh"
#include "umbra/core/error.hpp"
#include "umbra/cuda/scan_batched.hpp"

namespace umbra::cuda {
namespace {

struct WarpTeam {
  UMBRA_HD int lane() const {
#if UMBRA_ON_DEVICE
    return int(threadIdx.x & 31u);
#else
    return 0;
#endif
  }
  UMBRA_HD int size() const {
#if UMBRA_ON_DEVICE
    return 32;
#else
    return 1;
#endif
  }
  UMBRA_HD double sum(double x) const {
#if UMBRA_ON_DEVICE
    for (int o = 16; o > 0; o >>= 1) x += __shfl_xor_sync(0xffffffffu, x, o);
#endif
    return x;
  }
};

struct WarpJobStep {
  scan::batched::WindowsView windows;
  scan::batched::FitConfig cfg;
  double z;
  scan::batched::JobsView out;
  UMBRA_HD void operator()(std::uint64_t j) const { run_job(windows.window(j), cfg, z, out, j, WarpTeam{}); }
};

// Whole warps map to one job each; a warp past the last job exits as a whole (uniform branch).
__global__ void warp_jobs_kernel(std::uint64_t n, WarpJobStep step) {
  const std::uint64_t job = (std::uint64_t(blockIdx.x) * blockDim.x + threadIdx.x) / 32;
  if (job < n) step(job);
}

}  // namespace

void run_scan_jobs(Context& ctx, const scan::PackedWindows& w, const scan::batched::FitConfig& cfg, double z,
                   scan::BatchedJobs& out, ScanJobLayout layout, Timings* timings) {
  const cudaStream_t s = stream_of(ctx);
  const std::uint64_t n = w.size();
  Timings t;
  DeviceBuffer<std::uint64_t> bin_offsets, basis_offsets;
  DeviceBuffer<double> edges, counts, basis;
  DeviceBuffer<int> order;
  DeviceBuffer<scan::CrystalBallShape> shape;
  {
    PhaseTimer p(s, timings ? &t.upload_ms : nullptr);
    bin_offsets.upload(w.bin_offsets, s), basis_offsets.upload(w.basis_offsets, s);
    edges.upload(w.edges, s), counts.upload(w.counts, s), basis.upload(w.basis, s);
    order.upload(w.order, s), shape.upload(w.shape, s);
  }
  scan::batched::WindowsView wv = w.view();
  wv.bin_offsets = bin_offsets.data(), wv.basis_offsets = basis_offsets.data();
  wv.edges = edges.data(), wv.counts = counts.data(), wv.basis = basis.data();
  wv.order = order.data(), wv.shape = shape.data();

  constexpr int nd = 8, ni = 5;
  DeviceBuffer<double> d[nd], limit_exp(5 * n), params_sb(scan::batched::np_max * n), params_b(scan::batched::np_max * n);
  DeviceBuffer<int> iv[ni];
  for (auto& b : d) b.resize(n);
  for (auto& b : iv) b.resize(n);
  const scan::batched::JobsView ov{d[0].data(),  d[1].data(),      d[2].data(),     d[3].data(),      d[4].data(),
                                   d[5].data(),  d[6].data(),      limit_exp.data(), d[7].data(),     params_sb.data(),
                                   params_b.data(), iv[0].data(),  iv[1].data(),    iv[2].data(),     iv[3].data(),
                                   iv[4].data()};
  {
    PhaseTimer p(s, timings ? &t.kernel_ms : nullptr);
    if (layout == ScanJobLayout::warp_per_job) {
      if (n > 0) {
        const int block = 128;  // 4 jobs per block
        const std::uint64_t grid = (32 * n + block - 1) / block;
        warp_jobs_kernel<<<unsigned(grid), block, 0, s>>>(n, WarpJobStep{wv, cfg, z, ov});
        UMBRA_CUDA_CHECK(cudaGetLastError());
      }
    } else {
      for_each(n, scan::batched::ScanJobStep{wv, cfg, z, ov}, s, 64);
    }
  }
  {
    PhaseTimer p(s, timings ? &t.download_ms : nullptr);
    std::vector<double>* hd[nd] = {&out.n_sig,     &out.n_sig_err,    &out.nll_sb,   &out.nll_b,    &out.significance,
                                   &out.limit_obs, &out.sigma_asimov, &out.chi2_ndf};
    for (int i = 0; i < nd; ++i) d[i].download(*hd[i], s);
    limit_exp.download(out.limit_exp, s), params_sb.download(out.params_sb, s), params_b.download(out.params_b, s);
    std::vector<int>* hi[ni] = {&out.status, &out.fits, &out.failed_fits, &out.retried_fits, &out.iterations};
    for (int i = 0; i < ni; ++i) iv[i].download(*hi[i], s);
  }
  ctx.synchronize();
  if (timings) *timings = t;
}

scan::ScanResult run_scan_batched(Context& ctx, scan::Spectrum spectrum, const scan::SignalTable& table,
                                  const scan::ScanOptions& opt, scan::BatchedScanSummary* summary,
                                  const scan::ProgressFn& progress, ScanJobLayout layout, Timings* timings) {
  auto backend = [&](const scan::PackedWindows& w, const scan::batched::FitConfig& cfg, double z,
                     scan::BatchedJobs& out) { run_scan_jobs(ctx, w, cfg, z, out, layout, timings); };
  return scan::run_scan_batched_with(backend, layout == ScanJobLayout::warp_per_job ? "cuda (warp per job)"
                                                                                      : "cuda (thread per job)",
                                     std::move(spectrum), table, opt, summary, progress);
}

}  // namespace umbra::cuda
