// The batched scan on the host: pack every job's histogram once, run all jobs through a backend
// hook (CPU: cpu::for_each over batched::ScanJobStep), re-run the jobs with a failed batched fit
// through the Ceres path, and assemble the same ScanResult as run_scan().
#include "umbra/scan/scan_batched.hpp"

#include <omp.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <sstream>

#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/scan/statistics.hpp"

namespace umbra::scan {

batched::WindowsView PackedWindows::view() const {
  batched::WindowsView v;
  v.n_windows = size();
  v.bin_offsets = bin_offsets.data(), v.basis_offsets = basis_offsets.data();
  v.edges = edges.data(), v.counts = counts.data(), v.basis = basis.data();
  v.order = order.data(), v.shape = shape.data();
  v.eff_rel_unc = eff_rel_unc, v.sigma_rel_unc = sigma_rel_unc;
  return v;
}

PackedWindows pack_windows(const Spectrum& prepared, const std::vector<Window>& windows, const ScanOptions& opt) {
  const std::int64_t n = std::int64_t(windows.size());
  // Windows with the same observable, range and bin count (the order variants of a mass) have
  // identical edges and counts: the binary searches for the counts, most of the packing, run once
  // per distinct histogram (source[j] is the first such window); only the basis integrals differ.
  std::vector<std::int64_t> source(n);
  std::vector<int> bins_of(n);
  for (std::int64_t j = 0; j < n; ++j) {
    const Window& w = windows[j];
    bins_of[j] = histogram_bins(w, opt);
    source[j] = j;
    for (std::int64_t k = j - 1; k >= 0 && k >= j - 16 && windows[k].mass == w.mass; --k)
      if (windows[k].observable == w.observable && windows[k].lo == w.lo && windows[k].hi == w.hi &&
          bins_of[k] == bins_of[j])
        source[j] = source[k];
  }
  // The highest-order window of each shared histogram owns the basis integrals where the basis
  // is nested; the others read its first rows.
  const bool nested = basis_is_nested(opt.basis);
  std::vector<std::int64_t> owner(n);  // owner[source[j]]: the window whose basis j reads
  for (std::int64_t j = 0; j < n; ++j) {
    owner[j] = j;
    std::int64_t& o = owner[source[j]];
    if (nested && windows[j].order > windows[o].order) o = j;
  }
  auto owns_basis = [&](std::int64_t j) { return !nested || owner[source[j]] == j; };
  // Offsets from the bin counts alone, then each distinct window's histogram straight into the
  // packed arrays (fill_histogram: make_histogram's binning, by construction), in parallel; the
  // windows that share one copy its edges and counts, and the basis owners integrate their basis.
  PackedWindows p;
  p.windows = windows;
  p.eff_rel_unc = opt.eff_rel_unc, p.sigma_rel_unc = opt.sigma_rel_unc;
  p.bin_offsets.resize(n + 1), p.basis_offsets.resize(n), p.order.resize(n), p.shape.resize(n), p.n_events.resize(n);
  std::uint64_t bins = 0, basis = 0;
  for (std::int64_t j = 0; j < n; ++j) {
    p.bin_offsets[j] = bins;
    bins += std::uint64_t(bins_of[j]);
    p.order[j] = windows[j].order, p.shape[j] = windows[j].shape;
    if (owns_basis(j)) p.basis_offsets[j] = basis, basis += std::uint64_t(bins_of[j]) * (windows[j].order + 1);
  }
  if (nested)  // readers point at their owner's rows
    for (std::int64_t j = 0; j < n; ++j) p.basis_offsets[j] = p.basis_offsets[owner[source[j]]];
  p.bin_offsets[n] = bins;
  p.edges.resize(bins + n), p.counts.resize(bins), p.basis.resize(basis);
  auto edges_of = [&](std::int64_t j) { return p.edges.data() + p.bin_offsets[j] + j; };
  auto counts_of = [&](std::int64_t j) { return p.counts.data() + p.bin_offsets[j]; };
#pragma omp parallel for schedule(dynamic, 16)
  for (std::int64_t j = 0; j < n; ++j)
    if (source[j] == j) {
      double* b = owns_basis(j) ? p.basis.data() + p.basis_offsets[j] : nullptr;
      const auto [first, last] = fill_histogram(prepared, windows[j], opt, edges_of(j), counts_of(j), b);
      p.n_events[j] = std::int64_t(last - first);
    }
#pragma omp parallel for schedule(dynamic, 16)
  for (std::int64_t j = 0; j < n; ++j) {
    const std::int64_t s = source[j];
    if (s == j) continue;
    std::copy_n(edges_of(s), bins_of[j] + 1, edges_of(j));
    std::copy_n(counts_of(s), bins_of[j], counts_of(j));
    if (owns_basis(j))
      fill_basis_integrals(opt.basis, windows[j].order, bins_of[j], edges_of(j), p.basis.data() + p.basis_offsets[j]);
    p.n_events[j] = p.n_events[s];
  }
  return p;
}

void BatchedJobs::resize(std::uint64_t n) {
  for (auto* v : {&n_sig, &n_sig_err, &nll_sb, &nll_b, &significance, &limit_obs, &sigma_asimov, &chi2_ndf}) v->resize(n);
  limit_exp.resize(5 * n);
  params_sb.resize(batched::np_max * n), params_b.resize(batched::np_max * n);
  for (auto* v : {&status, &fits, &failed_fits, &retried_fits, &iterations}) v->resize(n);
}

batched::JobsView BatchedJobs::view() {
  return {n_sig.data(),        n_sig_err.data(),  nll_sb.data(),          nll_b.data(),
          significance.data(), limit_obs.data(),  sigma_asimov.data(),    limit_exp.data(),
          chi2_ndf.data(),     params_sb.data(),  params_b.data(),        status.data(),
          fits.data(),         failed_fits.data(), retried_fits.data(),   iterations.data()};
}

batched::FitConfig fit_config(const ScanOptions& opt) {
  batched::FitConfig c;
  c.max_iterations = opt.fit.max_iterations, c.max_retries = opt.fit.max_retries;
  c.function_tolerance = opt.fit.function_tolerance, c.gradient_tolerance = opt.fit.gradient_tolerance;
  c.parameter_tolerance = opt.fit.parameter_tolerance;
  return c;
}

void run_jobs_cpu(const PackedWindows& w, const batched::FitConfig& cfg, double z, BatchedJobs& out) {
  // One job per item on all cores; items write only their own slots (thread-count independent).
  cpu::for_each(w.size(), batched::ScanJobStep{w.view(), cfg, z, out.view()});
}

std::string BatchedScanSummary::brief() const {
  std::ostringstream s;
  s << scan.brief() << "; batched on " << backend << ": pack " << pack_seconds << " s, fits " << fit_seconds
    << " s, " << batched_failed_jobs << " jobs with a failed batched fit re-run with Ceres (" << rerun_seconds
    << " s)";
  return s.str();
}

namespace {

}  // namespace

ScanResult run_scan_batched_with(const BatchedBackend& backend, const std::string& backend_name, Spectrum spectrum,
                                 const SignalTable& table, const ScanOptions& opt, BatchedScanSummary* summary,
                                 const ProgressFn& progress) {
  using clock = std::chrono::steady_clock;
  const auto t0 = clock::now();
  if (std::string why = opt.validate(); !why.empty()) throw OptionsError("scan options: " + why);
  if (!opt.binned) throw OptionsError("scan options: the batched engine fits binned likelihoods only (binned = true)");
  spectrum.prepare();
  ScanResult res;
  res.mass = mass_grid(table, opt);
  res.variants = opt.variants;
  const std::int64_t nm = std::int64_t(res.mass.size()), nv = std::int64_t(opt.variants.size()), nj = nm * nv;
  // Refusals as run_scan(), before any fit.
  const std::vector<Window> windows = make_windows(spectrum, res.mass, table, opt);
  BatchedScanSummary bs;
  bs.backend = backend_name;
  const PackedWindows packed = pack_windows(spectrum, windows, opt);
  const auto t1 = clock::now();
  bs.pack_seconds = std::chrono::duration<double>(t1 - t0).count();
  if (progress) progress(0, nj);

  BatchedJobs out;
  out.resize(nj);
  const double z = normal_quantile(opt.cl);
  backend(packed, fit_config(opt), z, out);
  const auto t2 = clock::now();
  bs.fit_seconds = std::chrono::duration<double>(t2 - t1).count();

  res.jobs.resize(nj);
  std::vector<std::int64_t> rerun;
  for (std::int64_t j = 0; j < nj; ++j) {
    JobResult& r = res.jobs[j];
    r.window = windows[j];
    r.n_events = packed.n_events[j];
    r.n_bins = int(packed.bin_offsets[j + 1] - packed.bin_offsets[j]);
    r.n_sig = out.n_sig[j], r.n_sig_err = out.n_sig_err[j];
    r.nll_sb = out.nll_sb[j], r.nll_b = out.nll_b[j], r.significance = out.significance[j];
    r.limit_obs = out.limit_obs[j], r.sigma_asimov = out.sigma_asimov[j];
    std::copy_n(&out.limit_exp[5 * j], 5, r.limit_exp);
    r.chi2_ndf = out.chi2_ndf[j];
    apply_power_constraint(r, z);
    r.status = FitStatus(out.status[j]);
    r.fits = out.fits[j], r.failed_fits = out.failed_fits[j], r.retried_fits = out.retried_fits[j];
    bs.batched_iterations += out.iterations[j];
    if (r.status == FitStatus::failed) rerun.push_back(j);
  }
  // Jobs with a failed batched fit: the whole job again with Ceres (its fits chain), counted.
  bs.batched_failed_jobs = bs.ceres_reruns = std::int64_t(rerun.size());
  std::vector<std::string> errors(rerun.size());
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t k = 0; k < std::int64_t(rerun.size()); ++k) {
    try {
      const std::int64_t j = rerun[k];
      const int fits = res.jobs[j].fits;
      res.jobs[j] = analyse_window(spectrum, windows[j], opt);
      res.jobs[j].fits += fits;  // both attempts were run
    } catch (const std::exception& e) {
      errors[k] = e.what();
    }
  }
  for (std::size_t k = 0; k < errors.size(); ++k)
    if (!errors[k].empty()) throw Error("scan job " + std::to_string(rerun[k]) + " failed: " + errors[k]);
  bs.rerun_seconds = std::chrono::duration<double>(clock::now() - t2).count();
  if (progress) progress(nj, nj);

  assemble_per_mass(res, opt, bs.scan);
  bs.scan.masses = nm, bs.scan.variants = nv, bs.scan.jobs = nj;
  bs.scan.threads = omp_get_max_threads();
  bs.scan.wall_seconds = std::chrono::duration<double>(clock::now() - t0).count();
  if (summary) *summary = bs;
  return res;
}

ScanResult run_scan_batched(Spectrum spectrum, const SignalTable& table, const ScanOptions& opt,
                            BatchedScanSummary* summary, const ProgressFn& progress) {
  return run_scan_batched_with(run_jobs_cpu, "cpu", std::move(spectrum), table, opt, summary, progress);
}

}  // namespace umbra::scan
