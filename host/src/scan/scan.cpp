// The scan orchestrator: mass grid, windows and variants, one job per (mass x variant) on all
// OpenMP threads, per-mass aggregation and the look-elsewhere effect. Each job writes only its own
// slot of the result, and its fits run with one Ceres thread, so results do not depend on the
// thread count.
#include "umbra/scan/scan.hpp"

#include <omp.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <tuple>

#include "umbra/core/error.hpp"
#include "umbra/scan/statistics.hpp"

namespace umbra::scan {

const char* to_string(Observable o) { return o == Observable::m2_gg ? "m2_gg" : "m2_recoil"; }

std::vector<Variant> default_variants() {
  // reference/belle2.md "ALP -> gamma gamma analysis": fit range +-5 sigma, polynomial order +-1.
  std::vector<Variant> v = {{0, 0}};
  for (double r : {-5.0, 0.0, 5.0})
    for (int o : {-1, 0, 1})
      if (r != 0 || o != 0) v.push_back({r, o});
  return v;
}

std::string ScanOptions::validate() const {
  auto positive = [](double x) { return std::isfinite(x) && x > 0; };
  if (masses.empty()) {
    if (!positive(mass_min)) return "mass_min must be > 0";
    if (!(std::isfinite(mass_max) && mass_max >= mass_min)) return "mass_max must be >= mass_min";
    if (!positive(step_fraction)) return "step_fraction must be > 0";
  }
  for (double m : masses)
    if (!positive(m)) return "masses must all be finite and > 0";
  if (!positive(switch_mass)) return "switch_mass must be > 0";
  if (!positive(window_gg_low) || !positive(window_gg_high) || !positive(window_recoil))
    return "window_gg_low, window_gg_high and window_recoil must be > 0";
  if (!positive(m2_recoil_max)) return "m2_recoil_max must be > 0";
  for (int o : {order_low, order_mid, order_high})
    if (o < 0 || o > max_poly_order) return "order_low/mid/high must be in 0.." + std::to_string(max_poly_order);
  if (variants.empty()) return "variants must not be empty";
  for (const Variant& v : variants) {
    if (!std::isfinite(v.range_delta_sigma)) return "variants: range_delta_sigma must be finite";
    if (v.range_delta_sigma <= -std::min({window_gg_low, window_gg_high, window_recoil}))
      return "variants: range_delta_sigma would make a window empty";
    if (std::abs(v.order_delta) > max_poly_order) return "variants: order_delta out of range";
  }
  if (!positive(bins_per_sigma)) return "bins_per_sigma must be > 0";
  if (max_bins < 10) return "max_bins must be >= 10";
  if (!positive(lumi)) return "lumi must be > 0 (pb^-1), got " + std::to_string(lumi);
  if (!(eff_rel_unc >= 0 && eff_rel_unc < 1)) return "eff_rel_unc must be in [0, 1)";
  if (!(sigma_rel_unc >= 0 && sigma_rel_unc < 1)) return "sigma_rel_unc must be in [0, 1)";
  if (!(cl > 0.5 && cl < 1)) return "cl must be in (0.5, 1)";
  if (!(gv_reference_q0 >= 0)) return "gv_reference_q0 must be >= 0";
  if (std::string f = fit.validate(); !f.empty()) return "fit: " + f;
  return {};
}

void Spectrum::prepare(const std::string& source) {
  for (Observable o : {Observable::m2_gg, Observable::m2_recoil}) {
    auto& v = o == Observable::m2_gg ? m2_gg : m2_recoil;
    for (std::size_t i = 0; i < v.size(); ++i)
      if (!std::isfinite(v[i]))
        throw InputError(std::string("non-finite ") + to_string(o) + " value", {source, to_string(o), -1, std::int64_t(i)});
    if (!std::is_sorted(v.begin(), v.end())) std::sort(v.begin(), v.end());  // scans re-prepare their copy
  }
}

namespace {
Observable observable_at(double mass, const ScanOptions& opt) {
  if (opt.observable == ObservableChoice::m2_gg) return Observable::m2_gg;
  if (opt.observable == ObservableChoice::m2_recoil) return Observable::m2_recoil;
  return mass < opt.switch_mass ? Observable::m2_gg : Observable::m2_recoil;
}
}  // namespace

std::vector<double> mass_grid(const SignalTable& table, const ScanOptions& opt) {
  if (!opt.masses.empty()) return opt.masses;
  std::vector<double> grid;
  for (double m = opt.mass_min; m <= opt.mass_max * (1 + 1e-12);) {
    grid.push_back(m);
    const SignalPoint p = table.at(m);
    const double sigma_m = p.sigma / (2 * m);  // dM^2 = 2 m dm
    m += std::max(opt.step_fraction * sigma_m, 1e-6);
  }
  return grid;
}

Window make_window(double mass, const Variant& variant, const SignalTable& table, const ScanOptions& opt) {
  const SignalPoint p = table.at(mass);
  Window w;
  w.mass = mass;
  w.observable = observable_at(mass, opt);
  w.efficiency = p.efficiency;
  const double center = mass * mass, s = p.sigma, d = variant.range_delta_sigma;
  // reference/belle2.md "ALP -> gamma gamma analysis": -20..+30 sigma in M^2_gg, +-25 sigma in
  // M^2_recoil, constrained to M^2_gg > 0 and M^2_recoil < 100.5 GeV^2.
  if (w.observable == Observable::m2_gg) {
    w.lo = std::max(center - (opt.window_gg_low + d) * s, 0.0);
    w.hi = center + (opt.window_gg_high + d) * s;
  } else {
    w.lo = center - (opt.window_recoil + d) * s;
    w.hi = std::min(center + (opt.window_recoil + d) * s, opt.m2_recoil_max);
  }
  const int base = mass <= opt.order_boundary_low ? opt.order_low
                   : mass <= opt.order_boundary_high ? opt.order_mid : opt.order_high;
  w.order = std::clamp(base + variant.order_delta, 0, max_poly_order);
  w.shape = CrystalBallShape{center, s, p.alpha, p.n, p.alpha2, p.n2};
  return w;
}

namespace {

std::pair<std::size_t, std::size_t> window_range(const std::vector<double>& sorted, double lo, double hi) {
  const auto a = std::lower_bound(sorted.begin(), sorted.end(), lo);
  const auto b = std::lower_bound(a, sorted.end(), hi);
  return {std::size_t(a - sorted.begin()), std::size_t(b - sorted.begin())};
}

void worsen(FitStatus& s, FitStatus t) {
  if (int(t) > int(s) && t != FitStatus::empty_window) s = t;
}

}  // namespace

int histogram_bins(const Window& win, const ScanOptions& opt) {
  const int n_params = p_background + win.order + 1;
  const double width = win.shape.sigma / opt.bins_per_sigma;
  return std::clamp(int(std::ceil((win.hi - win.lo) / width)), n_params + 2, opt.max_bins);
}

namespace {
// First index in [from, end) whose value is >= x (std::lower_bound's answer), searched outwards
// from a guess: consecutive bins hold similar counts, so the previous bin's count predicts the
// next edge's position to ~sqrt(count), and the search touches a few nearby cache lines instead
// of ~18 far-apart probes over a window of ~1e5 values (the binary search was most of the packing).
std::size_t lower_bound_near(const std::vector<double>& v, std::size_t from, std::size_t end, std::size_t guess,
                             double x) {
  guess = std::clamp(guess, from, end);
  std::size_t lo, hi;  // the answer lies in [lo, hi]
  std::size_t step = 16;
  if (guess < end && v[guess] < x) {  // beyond the guess: v[lo - 1] < x
    lo = guess + 1, hi = lo;
    while (hi < end && v[hi] < x) {
      lo = hi + 1;
      hi = std::min(end, hi + step);
      step *= 2;
    }
  } else {  // at or before the guess: hi == end or v[hi] >= x
    hi = guess, lo = hi;
    while (lo > from && v[lo - 1] >= x) {
      hi = lo - 1;
      lo = lo - from > step ? lo - step : from;
      step *= 2;
    }
  }
  return std::size_t(std::lower_bound(v.begin() + std::ptrdiff_t(lo), v.begin() + std::ptrdiff_t(hi), x) - v.begin());
}
}  // namespace

std::pair<std::size_t, std::size_t> fill_histogram(const Spectrum& spectrum, const Window& win, const ScanOptions& opt,
                                                   double* edges, double* counts, double* basis) {
  const std::vector<double>& values = spectrum.values(win.observable);
  const auto [first, last] = window_range(values, win.lo, win.hi);
  // Counts from the sorted values by searching each edge within the window: no pass over all events.
  const int nb = histogram_bins(win, opt);
  for (int i = 0; i <= nb; ++i) edges[i] = win.lo + (win.hi - win.lo) * i / nb;
  edges[nb] = win.hi;
  std::size_t prev = first, guess_step = (last - first) / std::size_t(nb);
  for (int i = 0; i < nb; ++i) {
    const std::size_t next = i + 1 == nb ? last : lower_bound_near(values, prev, last, prev + guess_step, edges[i + 1]);
    counts[i] = double(next - prev);
    guess_step = next - prev;
    prev = next;
  }
  if (basis) fill_basis_integrals(opt.basis, win.order, nb, edges, basis);
  return {first, last};
}

WindowHistogram make_histogram(const Spectrum& spectrum, const Window& win, const ScanOptions& opt) {
  WindowHistogram h;
  const int nb = histogram_bins(win, opt);
  h.edges.resize(nb + 1), h.counts.resize(nb), h.basis_integrals.resize(std::size_t(nb) * (win.order + 1));
  std::tie(h.first, h.last) = fill_histogram(spectrum, win, opt, h.edges.data(), h.counts.data(), h.basis_integrals.data());
  return h;
}

BinnedView WindowHistogram::view(const Window& win, const ScanOptions& opt) const {
  BinnedView bv;
  bv.n_bins = int(counts.size()), bv.edges = edges.data(), bv.counts = counts.data();
  bv.basis_integrals = basis_integrals.data();
  bv.order = win.order, bv.shape = win.shape;
  bv.eff_rel_unc = opt.eff_rel_unc, bv.sigma_rel_unc = opt.sigma_rel_unc;
  return bv;
}

JobResult analyse_window(const Spectrum& spectrum, const Window& win, const ScanOptions& opt) {
  JobResult r;
  r.window = win;
  const std::vector<double>& values = spectrum.values(win.observable);
  const auto [first, last] = window_range(values, win.lo, win.hi);
  r.n_events = std::int64_t(last - first);
  if (r.n_events == 0 || !(win.hi > win.lo)) {
    std::ostringstream msg;
    msg << "empty fit window for m = " << win.mass << " GeV: no " << to_string(win.observable) << " values in ["
        << win.lo << ", " << win.hi << ") GeV^2";
    throw InputError(msg.str(), {"", to_string(win.observable)});
  }

  const WindowHistogram h = make_histogram(spectrum, win, opt);
  const int nb = int(h.counts.size());
  r.n_bins = nb;
  const BinnedView bv = h.view(win, opt);
  UnbinnedView uv;
  uv.values = values.data() + first, uv.n_values = r.n_events, uv.lo = win.lo, uv.hi = win.hi;
  uv.basis = opt.basis, uv.order = win.order, uv.shape = win.shape;
  uv.eff_rel_unc = opt.eff_rel_unc, uv.sigma_rel_unc = opt.sigma_rel_unc;

  auto fit = [&](FitMode mode, double yield, const double* start, bool errors) {
    FitOptions fo = opt.fit;
    fo.compute_errors = errors;
    const FitRequest req{mode, yield, start};
    FitResult f = opt.binned ? fit_binned(bv, req, fo) : fit_unbinned(uv, req, fo);
    ++r.fits;
    if (f.status == FitStatus::failed) ++r.failed_fits;
    if (f.status == FitStatus::ok_after_retry) ++r.retried_fits;
    worsen(r.status, f.status);
    return f;
  };

  std::vector<double> start(bv.n_params(), 0.0);
  linear_background_start(bv, start.data());
  const FitResult fb = fit(FitMode::background_only, 0, start.data(), false);
  const FitResult fsb = fit(FitMode::signal_plus_background, 0, fb.params.data(), true);
  r.n_sig = fsb.params[p_yield];
  r.n_sig_err = fsb.errors[p_yield];
  r.nll_sb = std::min(fsb.nll, fb.nll);  // S+B nests B-only: a worse S+B minimum is a failed fit
  r.nll_b = fb.nll;
  r.significance = local_significance(r.n_sig, r.nll_sb, r.nll_b);
  r.chi2_ndf = fsb.ndf > 0 ? fsb.deviance / fsb.ndf : 0.0;

  // Asimov data set of the background-only fit (nuisances at nominal): sigma of N from
  // q_mu,A at a test yield, sigma_A^2 = mu^2 / q_mu,A (reference/belle2.md "Statistics").
  const double z = normal_quantile(opt.cl);
  std::vector<double> asimov(nb), scratch(2 * (nb + 1));
  std::vector<double> pb(fb.params);
  pb[p_theta_eff] = pb[p_theta_res] = 0;
  expected_counts(bv, pb.data(), asimov.data(), nullptr, scratch.data());
  for (double& a : asimov) a = std::max(a, 0.0);
  BinnedView av = bv;
  av.counts = asimov.data();
  // The test yield only sets the scale of the Asimov fit; at least one event, so that a
  // degenerate S+B error (a fit on the positivity boundary of a sparse window) cannot shrink it to 0.
  const double mu_test =
      z * std::max(r.n_sig_err > 0 && std::isfinite(r.n_sig_err) ? r.n_sig_err : std::sqrt(double(r.n_events)), 1.0);
  {
    FitOptions fo = opt.fit;
    fo.compute_errors = false;
    const FitResult fa = fit_binned(av, {FitMode::fixed_yield, mu_test, pb.data()}, fo);
    ++r.fits;
    if (fa.status == FitStatus::failed) ++r.failed_fits;
    worsen(r.status, fa.status);
    const double qa = 2 * fa.nll;  // the Asimov minimum (N = 0, nominal background) has NLL = 0
    r.sigma_asimov = qa > 0 ? mu_test / std::sqrt(qa) : r.n_sig_err;
  }
  for (int k = 0; k < 5; ++k) r.limit_exp[k] = r.sigma_asimov * (z + (k - 2));

  // Observed limit from the profile likelihood, q~mu (Cowan et al.): for N_hat >= 0 solve
  // q_mu = 2 (NLL(mu) - NLL_min) = z^2 above N_hat; for N_hat < 0 the reference is L(0) and the
  // second branch of the q~mu p-value applies. Steps assume q is quadratic in mu (Newton on sqrt q).
  // The curvature error is unusable when the S+B minimum sits on the positivity boundary of a
  // sparse window (bin_term's continuation: sigma(N) ~ 0); then the profile likelihood gives it.
  const bool err_usable = usable_yield_error(r.n_sig_err, r.sigma_asimov);
  const double sigma = err_usable ? r.n_sig_err : r.sigma_asimov;
  std::vector<double> warm(fsb.params);
  if (r.n_sig >= 0) {
    double mu = r.n_sig + z * sigma;
    for (int it = 0; it < 12; ++it) {
      const FitResult fm = fit(FitMode::fixed_yield, mu, warm.data(), false);
      warm = fm.params;
      const double rq = std::sqrt(std::max(2 * (fm.nll - r.nll_sb), 1e-300));
      const double next = r.n_sig + (mu - r.n_sig) * z / rq;
      if (std::abs(rq - z) < 2e-3 * z) break;  // limit to ~0.1% of sigma(N)
      mu = next;
      // Within 5% the step is exact to second order (sqrt(q) ~ linear): no confirming fit.
      if (std::abs(rq - z) < 5e-2 * z) break;
    }
    r.limit_obs = mu;
    if (!err_usable) r.n_sig_err = (mu - r.n_sig) / z;  // upward profile-likelihood error (MINOS-like)
  } else {
    double mu = r.n_sig + z * r.sigma_asimov;
    if (mu > 0) {
      std::vector<double> w0(fb.params);
      for (int it = 0; it < 12; ++it) {
        const FitResult fm = fit(FitMode::fixed_yield, mu, w0.data(), false);
        w0 = fm.params;
        const double zm = qtilde_z(2 * (fm.nll - r.nll_b), mu, r.sigma_asimov);
        if (std::abs(zm - z) < 2e-3 * z) break;
        mu = std::max(mu + (z - zm) * r.sigma_asimov, 0.5 * mu);
      }
    }
    r.limit_obs = mu;  // <= 0: every positive yield excluded (asymptotic mu_up = N_hat + z sigma)
    if (!err_usable) r.n_sig_err = r.sigma_asimov;
  }
  apply_power_constraint(r, z);
  return r;
}

void apply_power_constraint(JobResult& r, double z) {
  // Power-constrained limits (Cowan, Cranmer, Gross, Vitells, arXiv:1105.3166): the q~mu limit
  // of reference/belle2.md "Statistics" is not reported below its -1 sigma expected value
  // sigma_A (z - 1) > 0, so observed limits and the expected bands are positive by construction;
  // the -2 sigma band of the reported limit is that threshold. The unconstrained limit is kept.
  const double floor = r.sigma_asimov * (z - 1);
  r.limit_obs_unconstrained = r.limit_obs;
  if (!(r.limit_obs >= floor)) r.limit_obs = floor;
  for (int k = 0; k < 2; ++k)
    if (!(r.limit_exp[k] >= floor)) r.limit_exp[k] = floor;
}

std::string ScanSummary::brief() const {
  std::ostringstream s;
  s << "scan: " << masses << " masses x " << variants << " variants = " << jobs << " jobs, " << fits << " fits ("
    << retried_fits << " retried, " << failed_fits << " failed), " << threads << " threads, " << wall_seconds << " s";
  return s.str();
}

std::vector<Window> make_windows(const Spectrum& spectrum, const std::vector<double>& masses, const SignalTable& table,
                                 const ScanOptions& opt) {
  const std::int64_t nm = std::int64_t(masses.size()), nv = std::int64_t(opt.variants.size());
  std::vector<Window> windows(nm * nv);
  for (std::int64_t m = 0; m < nm; ++m)
    for (std::int64_t v = 0; v < nv; ++v) {
      Window& w = windows[m * nv + v] = make_window(masses[m], opt.variants[v], table, opt);
      const auto& vals = spectrum.values(w.observable);
      const auto [a, b] = window_range(vals, w.lo, w.hi);
      if (a == b) {
        std::ostringstream msg;
        msg << "empty fit window for m = " << w.mass << " GeV (variant " << v << "): no " << to_string(w.observable)
            << " values in [" << w.lo << ", " << w.hi << ") GeV^2";
        throw InputError(msg.str(), {"", to_string(w.observable), -1, m});
      }
    }
  return windows;
}

ScanResult run_scan(Spectrum spectrum, const SignalTable& table, const ScanOptions& opt, ScanSummary* summary,
                    const ProgressFn& progress) {
  const auto t0 = std::chrono::steady_clock::now();
  if (std::string why = opt.validate(); !why.empty()) throw OptionsError("scan options: " + why);
  spectrum.prepare();
  ScanResult res;
  res.mass = mass_grid(table, opt);
  res.variants = opt.variants;
  const std::int64_t nm = std::int64_t(res.mass.size()), nv = std::int64_t(opt.variants.size()), nj = nm * nv;
  // Everything that can refuse the input happens here, before the parallel region.
  const std::vector<Window> windows = make_windows(spectrum, res.mass, table, opt);

  res.jobs.resize(nj);
  std::atomic<std::int64_t> done{0};
  auto last_report = std::chrono::steady_clock::now();
  std::vector<std::string> errors(nj);
#pragma omp parallel for schedule(dynamic, 1)
  for (std::int64_t j = 0; j < nj; ++j) {
    try {
      res.jobs[j] = analyse_window(spectrum, windows[j], opt);
    } catch (const std::exception& e) {
      errors[j] = e.what();
    }
    const std::int64_t d = ++done;
    if (progress && omp_get_thread_num() == 0) {
      const auto now = std::chrono::steady_clock::now();
      if (now - last_report > std::chrono::milliseconds(100) || d == nj) {
        last_report = now;
        progress(d, nj);
      }
    }
  }
  for (std::int64_t j = 0; j < nj; ++j)
    if (!errors[j].empty()) throw Error("scan job " + std::to_string(j) + " failed: " + errors[j]);
  if (progress) progress(nj, nj);

  ScanSummary sum;
  assemble_per_mass(res, opt, sum);
  sum.masses = nm, sum.variants = nv, sum.jobs = nj;
  sum.threads = omp_get_max_threads();
  sum.wall_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (summary) *summary = sum;
  return res;
}

/// Per-mass reporting of run_scan(): smallest significance and least stringent limit over the
/// variants, the nominal variant's yield, expected limits and chi2/ndf, conversions, Gross-Vitells.
void assemble_per_mass(ScanResult& res, const ScanOptions& opt, ScanSummary& sum) {
  const std::int64_t nm = std::int64_t(res.mass.size()), nv = std::int64_t(res.variants.size());
  auto resize = [nm](auto&... v) { (v.resize(nm), ...); };
  resize(res.observable, res.efficiency, res.n_sig, res.n_sig_err, res.significance, res.limit_obs, res.limit_exp_m2,
         res.limit_exp_m1, res.limit_exp_median, res.limit_exp_p1, res.limit_exp_p2, res.xsec_obs, res.xsec_exp_median,
         res.g_obs, res.g_exp_median, res.g_exp_m1, res.g_exp_p1, res.g_exp_m2, res.g_exp_p2, res.chi2_ndf, res.status);
  for (std::int64_t m = 0; m < nm; ++m) {
    const JobResult& nom = res.jobs[m * nv];
    const double mass = res.mass[m], eff = nom.window.efficiency;
    res.observable[m] = int(nom.window.observable);
    res.efficiency[m] = eff;
    res.n_sig[m] = nom.n_sig, res.n_sig_err[m] = nom.n_sig_err, res.chi2_ndf[m] = nom.chi2_ndf;
    double zmin = nom.significance, lmax = nom.limit_obs;
    FitStatus worst = nom.status;
    for (std::int64_t v = 0; v < nv; ++v) {
      const JobResult& j = res.jobs[m * nv + v];
      zmin = std::min(zmin, j.significance);
      lmax = std::max(lmax, j.limit_obs);
      worsen(worst, j.status);
      sum.fits += j.fits, sum.failed_fits += j.failed_fits, sum.retried_fits += j.retried_fits;
    }
    res.significance[m] = zmin, res.limit_obs[m] = lmax, res.status[m] = int(worst);
    res.limit_exp_m2[m] = nom.limit_exp[0], res.limit_exp_m1[m] = nom.limit_exp[1];
    res.limit_exp_median[m] = nom.limit_exp[2], res.limit_exp_p1[m] = nom.limit_exp[3];
    res.limit_exp_p2[m] = nom.limit_exp[4];
    auto xs = [&](double n) { return cross_section_pb(n, eff, opt.lumi); };
    auto g = [&](double n) { return coupling_from_cross_section(xs(n), mass); };
    res.xsec_obs[m] = xs(lmax), res.xsec_exp_median[m] = xs(nom.limit_exp[2]);
    res.g_obs[m] = g(lmax), res.g_exp_median[m] = g(nom.limit_exp[2]);
    res.g_exp_m1[m] = g(nom.limit_exp[1]), res.g_exp_p1[m] = g(nom.limit_exp[3]);
    res.g_exp_m2[m] = g(nom.limit_exp[0]), res.g_exp_p2[m] = g(nom.limit_exp[4]);
  }
  global_significance(res, opt.gv_reference_q0);
}

void global_significance(ScanResult& r, double c0) {
  r.gv_reference_q0 = c0;
  r.upcrossings = 0;
  r.max_significance = 0, r.mass_at_max = r.mass.empty() ? 0 : r.mass[0];
  double prev_q = -1;
  for (std::size_t m = 0; m < r.significance.size(); ++m) {
    const double zz = r.significance[m];
    const double q = zz > 0 ? zz * zz : 0.0;
    if (m > 0 && prev_q < c0 && q >= c0) ++r.upcrossings;
    prev_q = q;
    if (zz > r.max_significance) r.max_significance = zz, r.mass_at_max = r.mass[m];
  }
  r.p_local = normal_sf(r.max_significance);
  r.p_global = gross_vitells_p(r.max_significance, r.upcrossings, c0);
  r.z_global = r.p_global < 0.5 ? -normal_quantile(r.p_global) : 0.0;
}

}  // namespace umbra::scan
