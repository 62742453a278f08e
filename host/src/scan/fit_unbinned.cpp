// Unbinned window fit with Ceres' GradientProblem (L-BFGS) on the extended unbinned NLL of
// unbinned_model.hpp; uncertainties from the inverse of a Hessian built by central differences of
// the analytic gradient. Host-only for the same reason as fit_binned.cpp.
#include <ceres/ceres.h>

#include <Eigen/Dense>
#include <cmath>
#include <vector>

#include "umbra/scan/fit.hpp"

namespace umbra::scan {
namespace {

// Maps the free parameters (Ceres' vector) onto the full model.hpp layout.
struct FreeMap {
  int idx[max_params];
  int n = 0;
  double full[max_params] = {};
};

FreeMap make_map(const UnbinnedView& v, const FitRequest& req, const double* start) {
  FreeMap m;
  const int np = v.n_params();
  std::copy(start, start + np, m.full);
  if (req.mode == FitMode::background_only) m.full[p_yield] = 0;
  if (req.mode == FitMode::fixed_yield) m.full[p_yield] = req.yield;
  const bool nuis = req.mode != FitMode::background_only;
  for (int j = 0; j < np; ++j) {
    if (j == p_yield && req.mode != FitMode::signal_plus_background) continue;
    if (j == p_theta_eff && !(nuis && v.eff_rel_unc > 0)) { m.full[j] = 0; continue; }
    if (j == p_theta_res && !(nuis && v.sigma_rel_unc > 0)) { m.full[j] = 0; continue; }
    m.idx[m.n++] = j;
  }
  return m;
}

class UnbinnedNll final : public ceres::FirstOrderFunction {
 public:
  UnbinnedNll(const UnbinnedView& v, const FreeMap& m) : v_(v), m_(m) {}
  int NumParameters() const override { return m_.n; }
  bool Evaluate(const double* x, double* cost, double* grad) const override {
    double p[max_params], g[max_params];
    std::copy(m_.full, m_.full + max_params, p);
    for (int j = 0; j < m_.n; ++j) p[m_.idx[j]] = x[j];
    if (!unbinned_nll(v_, p, cost, grad ? g : nullptr)) return false;
    if (grad)
      for (int j = 0; j < m_.n; ++j) grad[j] = g[m_.idx[j]];
    return std::isfinite(*cost);
  }

 private:
  UnbinnedView v_;
  FreeMap m_;
};

}  // namespace

FitResult fit_unbinned(const UnbinnedView& v, const FitRequest& req, const FitOptions& opt) {
  FitResult r;
  const int np = v.n_params();
  std::vector<double> start(max_params, 0.0);
  if (req.start) {
    std::copy(req.start, req.start + np, start.begin());
  } else {
    // Flat background with all the events, no signal.
    start[p_background] = double(v.n_values);
    if (v.basis == Basis::bernstein)
      for (int k = 0; k <= v.order; ++k) start[p_background + k] = double(v.n_values) / (v.order + 1);
  }
  const FreeMap map = make_map(v, req, start.data());
  auto* fn = new UnbinnedNll(v, map);
  ceres::GradientProblem problem(fn);  // takes ownership
  std::vector<double> x(map.n);
  for (int j = 0; j < map.n; ++j) x[j] = map.full[map.idx[j]];

  ceres::GradientProblemSolver::Options so;
  so.line_search_direction_type = ceres::LBFGS;
  so.max_num_iterations = std::max(opt.max_iterations, 2000);
  so.function_tolerance = opt.function_tolerance;
  so.gradient_tolerance = opt.gradient_tolerance;
  so.parameter_tolerance = opt.parameter_tolerance;
  so.logging_type = ceres::SILENT;
  int attempts = 0, iterations = 0;
  bool converged = false;
  ceres::GradientProblemSolver::Summary sum;
  for (int attempt = 0; attempt <= opt.max_retries && !converged; ++attempt) {
    if (attempt > 0)  // restart from where L-BFGS stopped: its memory, not the point, is what went stale
      so.line_search_direction_type = attempt % 2 ? ceres::NONLINEAR_CONJUGATE_GRADIENT : ceres::LBFGS;
    ceres::Solve(so, problem, x.data(), &sum);
    ++attempts;
    iterations += int(sum.iterations.size());
    converged = sum.termination_type == ceres::CONVERGENCE && std::isfinite(sum.final_cost);
    if (converged) r.status = attempt == 0 ? FitStatus::ok : FitStatus::ok_after_retry;
  }
  if (!converged) r.status = FitStatus::failed;
  r.attempts = attempts;
  r.iterations = iterations;
  r.params.assign(map.full, map.full + np);
  for (int j = 0; j < map.n; ++j) r.params[map.idx[j]] = x[j];
  r.nll = sum.final_cost;
  r.errors.assign(np, 0.0);
  if (opt.compute_errors && converged) {
    // Hessian by central differences of the analytic gradient, steps scaled to each parameter.
    const int n = map.n;
    Eigen::MatrixXd h(n, n);
    std::vector<double> gp(n), gm(n), xp(x);
    double c;
    for (int j = 0; j < n; ++j) {
      const double step = 1e-5 * std::max(std::abs(x[j]), 1.0);
      xp = x, xp[j] = x[j] + step;
      fn->Evaluate(xp.data(), &c, gp.data());
      xp[j] = x[j] - step;
      fn->Evaluate(xp.data(), &c, gm.data());
      for (int i = 0; i < n; ++i) h(i, j) = (gp[i] - gm[i]) / (2 * step);
    }
    const Eigen::MatrixXd hs = 0.5 * (h + h.transpose());
    const Eigen::MatrixXd cov = hs.inverse();
    for (int j = 0; j < n; ++j) r.errors[map.idx[j]] = std::sqrt(std::max(cov(j, j), 0.0));
  }
  r.ndf = 0;
  return r;
}

}  // namespace umbra::scan
