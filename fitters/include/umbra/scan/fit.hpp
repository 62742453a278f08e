#pragma once
// Host driver of one window fit (implemented with Ceres in host/src/scan/, which keeps Ceres out
// of every public header): the extended binned Poisson fit as least squares on deviance residuals
// (so Ceres' covariance estimate is the inverse Fisher information), and the extended unbinned
// fit as a Ceres GradientProblem (L-BFGS). Both use the model functions of model.hpp and
// unbinned_model.hpp. Fits never throw; they report a status.

#include <string>
#include <vector>

#include "umbra/scan/model.hpp"
#include "umbra/scan/unbinned_model.hpp"

namespace umbra::scan {

enum class FitMode : int {
  signal_plus_background = 0,  // N free
  background_only = 1,         // N fixed at 0
  fixed_yield = 2,             // N fixed at FitRequest::yield (profile-likelihood scans)
};

enum class FitStatus : int {
  ok = 0,              // converged at the first start
  ok_after_retry = 1,  // converged from an alternative start
  failed = 2,          // no start converged: the best attempt is kept and flagged
  empty_window = 3,    // nothing to fit (no events in the window)
};
const char* to_string(FitStatus s);

struct FitOptions {
  int max_iterations = 100;       // per attempt (LM needs < 20 on a good start; sparse windows more)
  int max_retries = 4;            // alternative starts after a failed attempt (see fit_binned)
  double function_tolerance = 1e-10;  // relative change of the NLL; ~1e-4 sigma on parameters
  double gradient_tolerance = 1e-10;
  double parameter_tolerance = 1e-10;
  bool compute_errors = true;     // covariance (inverse Fisher information) of the free parameters
  std::string validate() const;
};

struct FitRequest {
  FitMode mode = FitMode::signal_plus_background;
  double yield = 0;                 // for fixed_yield
  const double* start = nullptr;    // n_params start values (nullptr: a linear background estimate)
};

struct FitResult {
  double nll = 0;                   // at the minimum (binned: relative to saturated)
  std::vector<double> params;       // model.hpp layout
  std::vector<double> errors;       // sqrt(diag(covariance)); 0 for fixed parameters
  FitStatus status = FitStatus::failed;
  int attempts = 0, iterations = 0;
  double deviance = 0;              // binned: sum of squared bin deviance residuals (chi2-like)
  int ndf = 0;                      // bins minus free parameters

  bool converged() const { return status == FitStatus::ok || status == FitStatus::ok_after_retry; }
};

/// Background coefficients from weighted linear least squares of the counts on the basis
/// integrals (the default start): fills p[p_background..], leaves the rest untouched.
void linear_background_start(const BinnedView& v, double* p);

FitResult fit_binned(const BinnedView& v, const FitRequest& req, const FitOptions& opt = {});
FitResult fit_unbinned(const UnbinnedView& v, const FitRequest& req, const FitOptions& opt = {});

}  // namespace umbra::scan
