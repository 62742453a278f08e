// Host-only parts of the vertex finder: option validation, status names, summary text.
#include <cmath>
#include <cstdio>
#include <string>

#include "umbra/vertex/summary.hpp"

namespace umbra::vertex {

namespace {
std::string window_error(const char* name, const MassWindow& w) {
  if (!w.enabled) return {};
  if (!std::isfinite(w.lo) || !std::isfinite(w.hi) || w.lo < 0 || w.hi <= w.lo)
    return std::string(name) + ": window must satisfy 0 <= lo < hi (got [" + std::to_string(w.lo) + ", " +
           std::to_string(w.hi) + "])";
  return {};
}
}  // namespace

std::string Options::validate() const {
  for (double b : beam_spot)
    if (!std::isfinite(b)) return "beam_spot: must be finite";
  if (!(max_doca > 0)) return "max_doca: must be > 0 cm (got " + std::to_string(max_doca) + ")";
  if (!(start_radius_margin >= 0)) return "start_radius_margin: must be >= 0 cm";
  if (std::isnan(max_start_chi2)) return "max_start_chi2: must be a number (<= 0: off)";
  if (!(min_radius >= 0)) return "min_radius: must be >= 0 cm (got " + std::to_string(min_radius) + ")";
  if (!(max_radius > min_radius)) return "max_radius: must be > min_radius (got " + std::to_string(max_radius) + ")";
  if (!(max_chi2 > 0)) return "max_chi2: must be > 0 (got " + std::to_string(max_chi2) + ")";
  if (!(min_cos_pointing >= -1 && min_cos_pointing <= 1)) return "min_cos_pointing: must be in [-1, 1]";
  if (!(min_significance >= 0)) return "min_significance: must be >= 0";
  for (const auto& e : {window_error("ks", ks), window_error("lambda", lambda), window_error("gamma", gamma)})
    if (!e.empty()) return e;
  if (!(b_field > 0)) return "b_field: must be > 0 T";
  if (fit.max_iterations < 1 || fit.max_iterations > 100) return "fit.max_iterations: must be in [1, 100]";
  if (!(fit.tolerance > 0)) return "fit.tolerance: must be > 0 cm";
  if (!(fit.max_step > 0)) return "fit.max_step: must be > 0 cm";
  return {};
}

const char* to_string(PairStatus s) {
  switch (s) {
    case PairStatus::accepted: return "accepted";
    case PairStatus::bad_covariance: return "bad covariance";
    case PairStatus::no_crossing: return "no crossing";
    case PairStatus::failed_doca: return "doca";
    case PairStatus::failed_start_radius: return "start radius";
    case PairStatus::failed_start_chi2: return "start chi2";
    case PairStatus::fit_failed: return "fit failed";
    case PairStatus::failed_chi2: return "chi2";
    case PairStatus::failed_radius: return "radius";
    case PairStatus::failed_pointing: return "pointing";
    case PairStatus::failed_significance: return "significance";
    case PairStatus::failed_mass: return "mass";
    case PairStatus::count: break;
  }
  return "unknown";
}

std::string Summary::brief() const {
  char buf[128];
  std::snprintf(buf, sizeof buf, "vertex: %llu events, %llu tracks, %llu pairs -> %llu vertices (",
                (unsigned long long)events, (unsigned long long)tracks, (unsigned long long)pairs,
                (unsigned long long)vertices);
  std::string s = buf;
  bool first = true;
  for (int i = 1; i < int(PairStatus::count); ++i) {
    if (by_status[i] == 0) continue;
    s += (first ? "" : ", ") + std::string(to_string(PairStatus(i))) + " " + std::to_string(by_status[i]);
    first = false;
  }
  std::snprintf(buf, sizeof buf, ") %.3g ms", seconds * 1e3);
  return s + (first ? "none rejected" : "") + buf;
}

}  // namespace umbra::vertex
