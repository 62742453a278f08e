#include "umbra/analysis/alp_calibration.hpp"

#include <ceres/ceres.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "umbra/analysis/embedded_data.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/scan/crystal_ball.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::analysis {

std::string AlpCalibrationOptions::validate() const {
  for (double m : masses)
    if (!(m > 0 && m < constants::sqrt_s)) return "masses must be in (0, sqrt(s))";
  if (!std::is_sorted(masses.begin(), masses.end())) return "masses must be ascending";
  if (events_per_mass < 200) return "events_per_mass must be >= 200";
  if (!(coupling > 0)) return "coupling must be > 0";
  if (!(beam_background >= 0)) return "beam_background must be >= 0";
  if (std::string m = selection.validate(); !m.empty()) return "selection: " + m;
  if (std::string m = clustering.validate(); !m.empty()) return "clustering: " + m;
  return {};
}

std::vector<double> default_alp_mass_grid() {
  return {0.2, 0.3, 0.4, 0.5, 0.65, 0.8, 1.0, 1.25, 1.5, 2.0, 2.5, 3.0,
          3.5, 4.0, 4.5, 5.0, 5.5, 6.0, 6.5, 6.85, 7.5, 8.25, 9.0, 9.7};
}

std::string AlpCalibrationSummary::brief() const {
  std::ostringstream s;
  s << "alp calibration: " << points.size() << " masses in " << seconds << " s";
  for (const auto& p : points)
    s << "\n  m " << p.mass << " GeV: generated " << p.generated << ", selected " << p.selected << ", matched "
      << p.matched << ", CB mean/m^2 " << (p.fitted_mean / (p.mass * p.mass)) << (p.fit_ok ? "" : " (fit failed)");
  return s.str();
}

namespace {

// Binned Poisson deviance residuals of a Crystal Ball over [lo, hi]; parameters:
// [N, mean, sigma, alpha_lo, n_lo, alpha_hi, n_hi] (the last two only when double-sided).
struct CbResiduals {
  const std::vector<double>* counts;
  double lo, width;
  bool double_sided;

  bool operator()(double const* const* p, double* r) const {
    scan::CrystalBallShape s{p[0][1], p[0][2], p[0][3], p[0][4], double_sided ? p[0][5] : 0.0,
                             double_sided ? p[0][6] : 3.0};
    const double hi = lo + width * counts->size();
    const double norm = scan::cb_primitive(s, (hi - s.mean) / s.sigma) - scan::cb_primitive(s, (lo - s.mean) / s.sigma);
    if (!(norm > 0)) return false;
    double g0 = scan::cb_primitive(s, (lo - s.mean) / s.sigma);
    for (std::size_t b = 0; b < counts->size(); ++b) {
      const double g1 = scan::cb_primitive(s, (lo + width * (b + 1) - s.mean) / s.sigma);
      const double mu = std::max(p[0][0] * (g1 - g0) / norm, 1e-12), n = (*counts)[b];
      const double dev = 2 * (mu - n + (n > 0 ? n * std::log(n / mu) : 0.0));
      r[b] = (n >= mu ? 1 : -1) * std::sqrt(std::max(dev, 0.0));
      g0 = g1;
    }
    return true;
  }
};

double quantile(std::vector<double> v, double q) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, std::size_t(q * (v.size() - 1)))];
}

}  // namespace

CbFit fit_crystal_ball(std::vector<double> values, bool double_sided) {
  CbFit out;
  if (values.size() < 50) return out;
  const double med = quantile(values, 0.5);
  const double core = 0.5 * (quantile(values, 0.8413) - quantile(values, 0.1587));  // robust sigma
  if (!(core > 0)) return out;
  const double lo = med - 8 * core, hi = med + 8 * core;
  const int n_bins = 80;
  std::vector<double> counts(n_bins, 0.0);
  double inside = 0;
  for (double v : values)
    if (v >= lo && v < hi) counts[std::size_t((v - lo) / (hi - lo) * n_bins)] += 1, inside += 1;

  std::vector<double> p = {inside, med, 0.8 * core, 1.2, 4.0, 1.5, 4.0};
  ceres::Problem problem;
  auto* cost = new ceres::DynamicNumericDiffCostFunction<CbResiduals>(
      new CbResiduals{&counts, lo, (hi - lo) / n_bins, double_sided});
  cost->AddParameterBlock(7);
  cost->SetNumResiduals(n_bins);
  problem.AddResidualBlock(cost, nullptr, p.data());
  const double lower[7] = {1, lo, 0.05 * core, 0.3, 1.05, 0.3, 1.05};
  const double upper[7] = {10 * inside, hi, 5 * core, 5.0, 60.0, 5.0, 60.0};
  for (int i = 0; i < 7; ++i) {
    problem.SetParameterLowerBound(p.data(), i, lower[i]);
    problem.SetParameterUpperBound(p.data(), i, upper[i]);
  }
  ceres::Solver::Options so;
  so.max_num_iterations = 200;
  so.function_tolerance = 1e-10;
  so.logging_type = ceres::SILENT;
  ceres::Solver::Summary summary;
  ceres::Solve(so, &problem, &summary);
  out.ok = summary.IsSolutionUsable();
  out.mean = p[1];
  out.shape.sigma = p[2];
  out.shape.alpha = p[3], out.shape.n = p[4];
  out.shape.alpha2 = double_sided ? p[5] : 0.0;
  out.shape.n2 = double_sided ? p[6] : 3.0;
  return out;
}

std::vector<scan::SignalPoint> calibrate_alp(const AlpCalibrationOptions& opt, AlpCalibrationSummary* summary) {
  if (const std::string m = opt.validate(); !m.empty()) throw OptionsError("alp calibration: " + m);
  const auto t0 = std::chrono::steady_clock::now();
  const std::vector<double> masses = opt.masses.empty() ? default_alp_mass_grid() : opt.masses;
  const ecl::EclGeometry geo;
  AlpCalibrationSummary sum;
  std::vector<scan::SignalPoint> table;
  for (std::size_t k = 0; k < masses.size(); ++k) {
    const double m = masses[k];
    const bool recoil = m >= opt.switch_mass;
    sim::SimulationOptions so;
    so.process = "alp";
    so.mass = m;
    so.coupling = opt.coupling;
    so.beam_background = opt.beam_background;
    so.tracker = false;  // signal has no tracks; the veto needs none
    so.seed = opt.seed + 7919 * k;
    const EventBatch b = sim::simulate(so, 0, opt.events_per_mass);
    const auto reco = cpu::cluster_ecl(geo, b.digits, opt.clustering);
    AlpSelectionSummary ss;
    std::vector<std::uint64_t> recoil_shower;
    const Candidates c = select_alp(reco.showers, nullptr, opt.selection, &ss, nullptr, &recoil_shower);

    // Truth match: the generated recoil photon is the primary photon (mother -1) of each event.
    AlpCalibrationPoint pt;
    pt.mass = m;
    pt.generated = opt.events_per_mass;
    pt.selected = ss.failed[int(AlpCut::passed)];
    std::vector<double> values;
    const auto& s = reco.showers;
    for (std::uint64_t e = 0; e < c.n_events(); ++e) {
      double ux = 0, uy = 0, uz = 0;
      for (auto i = b.mc.begin(e); i < b.mc.end(e); ++i)
        if (b.mc.pdg[i] == 22 && b.mc.mother[i] == -1) {
          const double p = std::sqrt(double(b.mc.px[i]) * b.mc.px[i] + double(b.mc.py[i]) * b.mc.py[i] +
                                     double(b.mc.pz[i]) * b.mc.pz[i]);
          ux = b.mc.px[i] / p, uy = b.mc.py[i] / p, uz = b.mc.pz[i] / p;
        }
      for (auto i = c.begin(e); i < c.end(e); ++i) {
        const std::uint64_t sh = recoil_shower[i];
        const double th = s.theta[sh], ph = s.phi[sh];
        const double cosang = std::sin(th) * std::cos(ph) * ux + std::sin(th) * std::sin(ph) * uy + std::cos(th) * uz;
        if (cosang > std::cos(0.05)) {
          values.push_back(recoil ? c.m2_recoil[i] : c.m2_gg[i]);
          ++pt.matched;
          break;
        }
      }
    }
    const CbFit fit = fit_crystal_ball(values, recoil);
    pt.fit_ok = fit.ok;
    pt.fitted_mean = fit.mean;
    sum.points.push_back(pt);
    if (!fit.ok || pt.matched < 50)
      throw Error("alp calibration: too few matched candidates or a failed fit at m = " + std::to_string(m) +
                  " GeV (matched " + std::to_string(pt.matched) + ")");
    scan::SignalPoint sp = fit.shape;
    sp.mass = m;
    sp.efficiency = double(pt.matched) / double(pt.generated);
    table.push_back(sp);
  }
  sum.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  if (summary) *summary = sum;
  return table;
}

void write_signal_table(const std::vector<scan::SignalPoint>& table, const std::string& path) {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error("cannot write signal table", {path});
    out << "mass,efficiency,sigma,alpha,n,alpha2,n2\n";
    char line[256];
    for (const auto& p : table) {
      std::snprintf(line, sizeof line, "%.6g,%.6f,%.6g,%.5f,%.5f,%.5f,%.5f\n", p.mass, p.efficiency, p.sigma, p.alpha,
                    p.n, p.alpha2, p.n2);
      out << line;
    }
  }
  std::filesystem::rename(tmp, path);
}

scan::SignalTable default_alp_signal_table() {
  const std::string text = embedded::alp_signal_table_csv;
  if (std::count(text.begin(), text.end(), '\n') < 3) return scan::SignalTable::default_table();
  std::istringstream in(text);
  return scan::SignalTable::parse_csv(in, "embedded data/calibration/alp_signal_table.csv");
}

}  // namespace umbra::analysis
