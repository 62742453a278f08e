#pragma once
// The mass-scan orchestrator (host; implemented in host/src/scan/): for every mass hypothesis on
// a grid and every systematic variant (fit range, polynomial order), fit signal + background and
// background only in a window of the observable, and derive the local significance, the observed
// and expected 95% CL upper limits on the yield, cross-section and coupling
// (reference/belle2.md "ALP -> gamma gamma analysis" and "Statistics"). Every (mass x variant) job
// is independent and writes only its own slot, so results do not depend on the thread count.

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "umbra/scan/fit.hpp"
#include "umbra/scan/polynomial.hpp"
#include "umbra/scan/signal_table.hpp"

namespace umbra::scan {

enum class Observable : int { m2_gg = 0, m2_recoil = 1 };
const char* to_string(Observable o);

/// A systematic variant: the window widened (+) or narrowed (-) by `range_delta_sigma` on each
/// side, and the polynomial order shifted by `order_delta`.
struct Variant {
  double range_delta_sigma = 0;
  int order_delta = 0;
};
/// The published grid: range +-5 sigma x order +-1 (9 variants, the nominal {0, 0} first).
std::vector<Variant> default_variants();

enum class ObservableChoice : int { automatic = 0, m2_gg = 1, m2_recoil = 2 };

struct ScanOptions {
  // Mass grid [GeV]: from mass_min to mass_max in steps of step_fraction * sigma_m(m), where
  // sigma_m = sigma(M^2) / (2 m) from the signal table; `masses` (non-empty) overrides it.
  double mass_min = 0.2, mass_max = 9.7, step_fraction = 0.5;
  std::vector<double> masses;
  // Observable: M^2_gg below switch_mass, M^2_recoil from there up (automatic), or one forced.
  double switch_mass = 6.85;
  ObservableChoice observable = ObservableChoice::automatic;
  // Window in units of the signal sigma, clipped to M^2_gg > 0 and M^2_recoil < m2_recoil_max.
  double window_gg_low = 20, window_gg_high = 30, window_recoil = 25;
  double m2_recoil_max = 100.5;  // GeV^2
  // Background polynomial order by mass region (boundaries 0.5 and 6.85 GeV).
  double order_boundary_low = 0.5, order_boundary_high = 6.85;
  int order_low = 2, order_mid = 4, order_high = 5;
  Basis basis = Basis::chebyshev;
  std::vector<Variant> variants = default_variants();
  // Likelihood: binned (default, fast) or unbinned; bins of width sigma / bins_per_sigma.
  bool binned = true;
  double bins_per_sigma = 4;
  int max_bins = 1000;
  // Normalisation and nuisances (relative Gaussian uncertainties of efficiency and sigma; 0 fixes them).
  double lumi = 445;  // pb^-1
  double eff_rel_unc = 0.05, sigma_rel_unc = 0.05;
  double cl = 0.95;   // one-sided upper limits
  // Global significance: Gross-Vitells reference level c0 (in q0 = Z^2).
  double gv_reference_q0 = 1.0;
  FitOptions fit;

  /// Empty when valid, else a message naming the first bad field.
  std::string validate() const;
};

/// Input values of both observables [GeV^2]; sorted ascending by `prepare()`.
struct Spectrum {
  std::vector<double> m2_gg, m2_recoil;
  /// Sorts both, throws InputError on non-finite values (naming the observable and index).
  void prepare(const std::string& source = "input");
  const std::vector<double>& values(Observable o) const { return o == Observable::m2_gg ? m2_gg : m2_recoil; }
};

/// Reads /candidates (core/candidates.hpp) of an umbra-events file.
Spectrum read_candidates(const std::string& path);
/// Reads one column of numbers (a header line is skipped) as the given observable.
Spectrum read_values_csv(const std::string& path, Observable as);

/// The window of one job.
struct Window {
  double mass = 0;
  Observable observable = Observable::m2_gg;
  double lo = 0, hi = 0;  // GeV^2
  int order = 0;
  CrystalBallShape shape;
  double efficiency = 0;
};
/// Window for `mass` and `variant`; throws InputError if the table does not cover `mass`.
Window make_window(double mass, const Variant& variant, const SignalTable& table, const ScanOptions& opt);
/// Windows of every (mass, variant) job, index m * n_variants + v, on a prepared spectrum; throws
/// InputError naming the observable and mass index when a window holds no values.
std::vector<Window> make_windows(const Spectrum& spectrum, const std::vector<double>& masses, const SignalTable& table,
                                 const ScanOptions& opt);
/// The default mass grid of `opt` (or opt.masses).
std::vector<double> mass_grid(const SignalTable& table, const ScanOptions& opt);

/// The window's histogram as the binned fit sees it: bins of sigma / bins_per_sigma (at least
/// n_params + 2, at most max_bins) and the background basis integrals for opt.basis.
struct WindowHistogram {
  std::vector<double> edges, counts, basis_integrals;
  std::size_t first = 0, last = 0;  // the window's values: spectrum.values(obs)[first, last)
  BinnedView view(const Window& w, const ScanOptions& opt) const;
};
WindowHistogram make_histogram(const Spectrum& spectrum, const Window& window, const ScanOptions& opt);
/// make_histogram into the caller's arrays (edges: bins + 1, counts: bins, basis: (order + 1) x
/// bins, with bins = histogram_bins(window, opt); basis may be null: not computed); returns the
/// window's values [first, last).
std::pair<std::size_t, std::size_t> fill_histogram(const Spectrum& spectrum, const Window& window,
                                                   const ScanOptions& opt, double* edges, double* counts,
                                                   double* basis);
/// The number of bins make_histogram gives the window (windows with the same observable, range
/// and bin count have identical edges and counts: the batched packing shares them).
int histogram_bins(const Window& window, const ScanOptions& opt);

/// Everything one job produces (one hypothesis x one variant).
struct JobResult {
  Window window;
  std::int64_t n_events = 0;
  int n_bins = 0;
  double n_sig = 0, n_sig_err = 0;
  double nll_sb = 0, nll_b = 0, significance = 0;
  double limit_obs = 0;                 // power-constrained upper limit on N: > 0, >= limit_exp[1]
  double limit_obs_unconstrained = 0;   // the q~mu limit itself (< 0 when N_hat is very negative)
  double sigma_asimov = 0;              // sigma of N_hat from the Asimov data set
  double limit_exp[5] = {0, 0, 0, 0, 0};  // expected: -2 (= -1, the power constraint), -1, median, +1, +2 sigma
  double chi2_ndf = 0;
  FitStatus status = FitStatus::ok;     // worst over the job's fits
  int fits = 0, failed_fits = 0, retried_fits = 0;
};

/// Runs one job on a prepared spectrum (the building block of run_scan; tests use it on toys).
JobResult analyse_window(const Spectrum& spectrum, const Window& window, const ScanOptions& opt);

/// Power-constrained limit: keeps limit_obs as limit_obs_unconstrained and raises limit_obs and
/// the -2/-1 sigma expected limits to sigma_asimov (z - 1) (both engines call it per job).
void apply_power_constraint(JobResult& r, double z);

/// SoA results: per mass (index m) and per (mass, variant) (index m * n_variants + v).
struct ScanResult {
  std::vector<double> mass;
  std::vector<int> observable;
  std::vector<double> efficiency;
  // Reported per mass: the smallest significance and the least stringent observed limit over the
  // variants; yield, expected limits and chi2/ndf from the nominal variant (variants[0]).
  std::vector<double> n_sig, n_sig_err, significance, limit_obs;
  std::vector<double> limit_exp_m2, limit_exp_m1, limit_exp_median, limit_exp_p1, limit_exp_p2;
  std::vector<double> xsec_obs, xsec_exp_median;  // pb
  std::vector<double> g_obs, g_exp_median, g_exp_m1, g_exp_p1, g_exp_m2, g_exp_p2;  // GeV^-1
  std::vector<double> chi2_ndf;
  std::vector<int> status;  // worst FitStatus over the variants
  std::vector<Variant> variants;
  std::vector<JobResult> jobs;  // n_mass * n_variants

  // Look-elsewhere effect from the reported significance curve (Gross-Vitells).
  double max_significance = 0, mass_at_max = 0;
  double p_local = 1, p_global = 1, z_global = 0;
  int upcrossings = 0;  // of the reference level gv_reference_q0
  double gv_reference_q0 = 1;
  // From background-only toys (umbra scan --global-toys N; 0: not run).
  int global_toys = 0;
  double p_global_toys = 1, z_global_toys = 0;
};

struct ScanSummary {
  std::int64_t masses = 0, variants = 0, jobs = 0, fits = 0, failed_fits = 0, retried_fits = 0;
  std::int64_t empty_windows = 0;
  int threads = 1;
  double wall_seconds = 0;
  std::string brief() const;
};

/// Called from one thread now and then with (jobs done, jobs total); must not touch results.
using ProgressFn = std::function<void(std::int64_t, std::int64_t)>;

/// Runs every job on all OpenMP threads. Throws OptionsError (bad options) or InputError (table
/// not covering the grid, non-finite input values).
ScanResult run_scan(Spectrum spectrum, const SignalTable& table, const ScanOptions& opt,
                    ScanSummary* summary = nullptr, const ProgressFn& progress = {});

/// Gross-Vitells: p_global ~= p_local + N(c0) exp(-(c - c0)/2) with c = Z_max^2 and N(c0) the
/// upcrossings of q0 = c0 by the significance curve (reference/belle2.md "Statistics").
void global_significance(ScanResult& r, double reference_q0);

/// Fills the per-mass columns of `r` from its jobs (smallest significance and least stringent
/// limit over the variants; yield, expected limits and chi2/ndf of the nominal variant; cross-section
/// and coupling conversions), adds the fit counts to `sum`, and computes the global significance.
/// Shared by run_scan and the batched engine.
void assemble_per_mass(ScanResult& r, const ScanOptions& opt, ScanSummary& sum);

/// Global significance from toys: the largest local significance of `n_toys` background-only
/// toy scans (toy spectra from `make_toy(toy_index)`), compared with the observed maximum.
struct ToyGlobal {
  std::vector<double> max_z;      // per toy
  std::vector<int> upcrossings;   // per toy, of the reference level gv_reference_q0
  double p_global = 1, z_global = 0;
  double mean_upcrossings = 0;
};
ToyGlobal global_significance_toys(double observed_max_z, int n_toys,
                                   const std::function<Spectrum(int)>& make_toy, const SignalTable& table,
                                   const ScanOptions& opt);

}  // namespace umbra::scan
