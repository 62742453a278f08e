// Binned window fit with Ceres: least squares on Poisson deviance residuals (sum r^2 = 2 NLL
// relative to the saturated model), so Ceres' covariance (J^T J)^-1 is the inverse Fisher
// information. Lives in host/ because Ceres is a host-only, PRIVATE dependency of libumbra; the
// model itself is the UMBRA_HD code of fitters/include/umbra/scan/model.hpp.
#include <ceres/ceres.h>

#include <Eigen/Dense>
#include <cmath>
#include <limits>
#include <vector>

#include "umbra/scan/fit.hpp"

namespace umbra::scan {

const char* to_string(FitStatus s) {
  switch (s) {
    case FitStatus::ok: return "ok";
    case FitStatus::ok_after_retry: return "ok_after_retry";
    case FitStatus::failed: return "failed";
    case FitStatus::empty_window: return "empty_window";
  }
  return "unknown";
}

std::string FitOptions::validate() const {
  if (max_iterations < 1) return "FitOptions.max_iterations must be >= 1";
  if (max_retries < 0) return "FitOptions.max_retries must be >= 0";
  if (!(function_tolerance > 0)) return "FitOptions.function_tolerance must be > 0";
  if (!(gradient_tolerance > 0)) return "FitOptions.gradient_tolerance must be > 0";
  if (!(parameter_tolerance > 0)) return "FitOptions.parameter_tolerance must be > 0";
  return {};
}

void linear_background_start(const BinnedView& v, double* p) {
  const int nb = v.n_bins, nk = v.order + 1;
  Eigen::MatrixXd ata = Eigen::MatrixXd::Zero(nk, nk);
  Eigen::VectorXd atb = Eigen::VectorXd::Zero(nk);
  for (int i = 0; i < nb; ++i) {
    const double w = 1.0 / std::max(v.counts[i], 1.0);  // Neyman weights, floored for empty bins
    for (int a = 0; a < nk; ++a) {
      const double xa = v.basis_integrals[a * nb + i];
      atb[a] += w * xa * v.counts[i];
      for (int b = 0; b < nk; ++b) ata(a, b) += w * xa * v.basis_integrals[b * nb + i];
    }
  }
  const Eigen::VectorXd c = ata.ldlt().solve(atb);
  for (int k = 0; k < nk; ++k) p[p_background + k] = std::isfinite(c[k]) ? c[k] : 0.0;
}

namespace {

class DevianceCost final : public ceres::CostFunction {
 public:
  explicit DevianceCost(const BinnedView& v) : v_(v) {
    set_num_residuals(v.n_bins + 2);
    *mutable_parameter_block_sizes() = {1, 2, v.order + 1};
    nu_.resize(v.n_bins);
    dnu_.resize(std::size_t(v.n_bins) * v.n_params());
    tmp_.resize(2 * (v.n_bins + 1));
  }

  bool Evaluate(double const* const* blocks, double* res, double** jac) const override {
    const int nb = v_.n_bins, nk = v_.order + 1;
    double p[max_params];
    p[p_yield] = blocks[0][0];
    p[p_theta_eff] = blocks[1][0];
    p[p_theta_res] = blocks[1][1];
    for (int k = 0; k < nk; ++k) p[p_background + k] = blocks[2][k];
    expected_counts(v_, p, nu_.data(), jac ? dnu_.data() : nullptr, tmp_.data());
    for (int i = 0; i < nb; ++i) {
      double dr = 0;
      res[i] = deviance_residual(v_.counts[i], nu_[i], &dr);
      if (!std::isfinite(res[i])) return false;
      if (!jac) continue;
      if (jac[0]) jac[0][i] = dr * dnu_[p_yield * nb + i];
      if (jac[1]) {
        jac[1][2 * i] = dr * dnu_[p_theta_eff * nb + i];
        jac[1][2 * i + 1] = dr * dnu_[p_theta_res * nb + i];
      }
      if (jac[2])
        for (int k = 0; k < nk; ++k) jac[2][i * nk + k] = dr * dnu_[(p_background + k) * nb + i];
    }
    // Gaussian constraints: r = theta, so r^2/2 = -ln N(theta; 0, 1) + const.
    res[nb] = p[p_theta_eff];
    res[nb + 1] = p[p_theta_res];
    if (jac) {
      if (jac[0]) jac[0][nb] = jac[0][nb + 1] = 0;
      if (jac[1]) {
        jac[1][2 * nb] = 1, jac[1][2 * nb + 1] = 0;
        jac[1][2 * (nb + 1)] = 0, jac[1][2 * (nb + 1) + 1] = 1;
      }
      if (jac[2])
        for (int k = 0; k < nk; ++k) jac[2][nb * nk + k] = jac[2][(nb + 1) * nk + k] = 0;
    }
    return true;
  }

 private:
  BinnedView v_;
  mutable std::vector<double> nu_, dnu_, tmp_;
};

struct Attempt {
  double cost = std::numeric_limits<double>::infinity();
  bool converged = false;
  int iterations = 0;
  double params[max_params] = {};
};

Attempt solve_once(const BinnedView& v, const FitRequest& req, const FitOptions& opt, const double* start,
                   bool want_errors, std::vector<double>* errors) {
  Attempt a;
  const int np = v.n_params();
  std::copy(start, start + np, a.params);
  if (req.mode == FitMode::background_only) a.params[p_yield] = 0;
  if (req.mode == FitMode::fixed_yield) a.params[p_yield] = req.yield;
  const bool nuis_free = req.mode != FitMode::background_only && (v.eff_rel_unc > 0 || v.sigma_rel_unc > 0);
  if (!nuis_free) a.params[p_theta_eff] = a.params[p_theta_res] = 0;
  double nuis[2] = {a.params[p_theta_eff], a.params[p_theta_res]};

  DevianceCost cost(v);
  ceres::Problem::Options po;
  po.cost_function_ownership = ceres::DO_NOT_TAKE_OWNERSHIP;
  ceres::Problem problem(po);
  problem.AddResidualBlock(&cost, nullptr, {&a.params[p_yield], nuis, &a.params[p_background]});
  if (req.mode != FitMode::signal_plus_background) problem.SetParameterBlockConstant(&a.params[p_yield]);
  if (!nuis_free) {
    problem.SetParameterBlockConstant(nuis);
  } else if (v.eff_rel_unc <= 0 || v.sigma_rel_unc <= 0) {
    problem.SetManifold(nuis, new ceres::SubsetManifold(2, {v.eff_rel_unc <= 0 ? 0 : 1}));
  }
  ceres::Solver::Options so;
  so.linear_solver_type = ceres::DENSE_QR;
  so.num_threads = 1;
  so.logging_type = ceres::SILENT;
  so.max_num_iterations = opt.max_iterations;
  so.function_tolerance = opt.function_tolerance;
  so.gradient_tolerance = opt.gradient_tolerance;
  so.parameter_tolerance = opt.parameter_tolerance;
  ceres::Solver::Summary sum;
  ceres::Solve(so, &problem, &sum);
  a.params[p_theta_eff] = nuis[0];
  a.params[p_theta_res] = nuis[1];
  a.cost = sum.final_cost;
  a.iterations = int(sum.iterations.size());
  a.converged = sum.termination_type == ceres::CONVERGENCE && std::isfinite(sum.final_cost);
  if (a.converged && want_errors && errors) {
    errors->assign(np, 0.0);
    ceres::Covariance::Options co;
    co.algorithm_type = ceres::DENSE_SVD;
    co.null_space_rank = -1;  // pseudo-inverse: a constant block contributes nothing
    ceres::Covariance cov(co);
    std::vector<std::pair<const double*, const double*>> blocks = {{&a.params[p_yield], &a.params[p_yield]},
                                                                   {nuis, nuis},
                                                                   {&a.params[p_background], &a.params[p_background]}};
    if (cov.Compute(blocks, &problem)) {
      const int nk = v.order + 1;
      double c0 = 0, c1[4], c2[max_poly_order * max_poly_order + 2 * max_poly_order + 1];
      cov.GetCovarianceBlock(&a.params[p_yield], &a.params[p_yield], &c0);
      cov.GetCovarianceBlock(nuis, nuis, c1);
      cov.GetCovarianceBlock(&a.params[p_background], &a.params[p_background], c2);
      (*errors)[p_yield] = std::sqrt(std::max(c0, 0.0));
      (*errors)[p_theta_eff] = std::sqrt(std::max(c1[0], 0.0));
      (*errors)[p_theta_res] = std::sqrt(std::max(c1[3], 0.0));
      for (int k = 0; k < nk; ++k) (*errors)[p_background + k] = std::sqrt(std::max(c2[k * nk + k], 0.0));
    }
  }
  return a;
}

}  // namespace

FitResult fit_binned(const BinnedView& v, const FitRequest& req, const FitOptions& opt) {
  FitResult r;
  const int np = v.n_params();
  double base[max_params] = {};
  if (req.start) {
    std::copy(req.start, req.start + np, base);
  } else {
    linear_background_start(v, base);
  }
  std::vector<double> errors;
  Attempt best;
  int attempts = 0, iterations = 0;
  // Alternative starts after a failure: first a fresh minimisation from where the best attempt
  // ended (sparse windows converge slowly along the steep positivity continuation of bin_term),
  // then the linear background estimate with the yield kicked by +- a Poisson-sized excess, then a
  // flat background with no signal. batched::fit_window follows the same sequence.
  double total = 0;
  for (int i = 0; i < v.n_bins; ++i) total += v.counts[i];
  for (int attempt = 0; attempt <= opt.max_retries; ++attempt) {
    double start[max_params];
    std::copy(base, base + max_params, start);
    if (attempt == 1) std::copy(best.params, best.params + max_params, start);
    if (attempt >= 2) {
      std::fill(start, start + max_params, 0.0);
      linear_background_start(v, start);
      const double kick = 3 * std::sqrt(std::max(total, 1.0)) / 10;
      start[p_yield] = attempt == 2 ? kick : attempt == 3 ? -kick : 0.0;
      if (attempt >= 4) {
        std::fill(start + p_background, start + max_params, 0.0);
        start[p_background] = total;
      }
    }
    Attempt a = solve_once(v, req, opt, start, opt.compute_errors, &errors);
    ++attempts;
    iterations += a.iterations;
    if (a.converged) {
      best = a;
      r.status = attempt == 0 ? FitStatus::ok : FitStatus::ok_after_retry;
      break;
    }
    if (a.cost < best.cost || !std::isfinite(best.cost)) best = a;
  }
  if (!best.converged) r.status = FitStatus::failed;
  r.attempts = attempts;
  r.iterations = iterations;
  r.nll = best.cost;  // Ceres cost = sum r^2 / 2 = NLL relative to saturated
  r.params.assign(best.params, best.params + np);
  r.errors = errors.empty() ? std::vector<double>(np, 0.0) : errors;
  r.deviance = 2 * best.cost - best.params[p_theta_eff] * best.params[p_theta_eff] -
               best.params[p_theta_res] * best.params[p_theta_res];
  int free_params = v.order + 1;
  if (req.mode == FitMode::signal_plus_background) free_params += 1;
  r.ndf = v.n_bins - free_params;
  return r;
}

}  // namespace umbra::scan
