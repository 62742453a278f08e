// Signal table: CSV parsing, validation and linear interpolation in mass.
#include "umbra/scan/signal_table.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <sstream>

#include "umbra/core/error.hpp"
#include "umbra/core/units.hpp"

namespace umbra::scan {

SignalTable::SignalTable(std::vector<SignalPoint> rows, const std::string& source)
    : rows_(std::move(rows)), source_(source) {
  auto bad = [&](std::size_t i, const std::string& why) {
    throw InputError("signal table row " + std::to_string(i + 1) + ": " + why, ErrorContext{source_, "", -1, std::int64_t(i)});
  };
  if (rows_.size() < 2) throw InputError("signal table needs at least 2 rows, has " + std::to_string(rows_.size()), {source_});
  for (std::size_t i = 0; i < rows_.size(); ++i) {
    const SignalPoint& r = rows_[i];
    for (double x : {r.mass, r.efficiency, r.sigma, r.alpha, r.n, r.alpha2, r.n2})
      if (!std::isfinite(x)) bad(i, "non-finite value");
    if (i > 0 && !(r.mass > rows_[i - 1].mass)) bad(i, "masses must increase");
    if (!(r.efficiency > 0 && r.efficiency <= 1)) bad(i, "efficiency must be in (0, 1]");
    if (!(r.sigma > 0)) bad(i, "sigma must be > 0");
    if (!(r.alpha > 0)) bad(i, "alpha must be > 0");
    if (!(r.n > 1)) bad(i, "n must be > 1 (normalisable tail)");
    if (r.alpha2 > 0 && !(r.n2 > 1)) bad(i, "n2 must be > 1 (normalisable tail)");
  }
}

SignalTable SignalTable::read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open signal table", {path});
  return parse_csv(in, path);
}

SignalTable SignalTable::parse_csv(std::istream& in, const std::string& path) {
  std::vector<SignalPoint> rows;
  std::string line;
  int line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    if (line.empty() || line[0] == '#') continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream ss(line);
    std::vector<double> v;
    std::string tok;
    bool numeric = true;
    while (ss >> tok) {
      char* end = nullptr;
      const double x = std::strtod(tok.c_str(), &end);
      if (end == tok.c_str() || *end != '\0') numeric = false;
      v.push_back(x);
    }
    if (!numeric) {
      if (rows.empty() && line_no == 1) continue;  // header line
      throw InputError("signal table line " + std::to_string(line_no) + " is not numeric", {path});
    }
    if (v.size() != 5 && v.size() != 7)
      throw InputError("signal table line " + std::to_string(line_no) +
                           " needs 5 or 7 columns (mass, efficiency, sigma, alpha, n[, alpha2, n2]), has " +
                           std::to_string(v.size()),
                       {path});
    SignalPoint p{v[0], v[1], v[2], v[3], v[4]};
    if (v.size() == 7) p.alpha2 = v[5], p.n2 = v[6];
    rows.push_back(p);
  }
  return SignalTable(std::move(rows), path);
}

SignalTable SignalTable::default_table(double switch_mass) {
  // Approximate placeholder shapes (to be replaced by issue 10's calibration):
  //  - M^2_gg: sigma_m = 8 MeV + 0.2% m (a few-% photon energy resolution, reference/belle2.md "ECL"),
  //    sigma(M^2) = 2 m sigma_m; single-sided CB with a low tail (energy leakage).
  //  - M^2_recoil = s - 2 sqrt(s) E_gamma: sigma(M^2) = 2 sqrt(s) sigma_E with sigma_E/E ~ 2.5%
  //    at the recoil photon energy, floored at 0.1 GeV^2; double-sided CB.
  std::vector<SignalPoint> rows;
  const double s = constants::sqrt_s * constants::sqrt_s;
  for (int k = 2; k <= 200; ++k) {  // 0.10 .. 10.00 GeV in 50 MeV steps
    const double m = 0.05 * k;
    SignalPoint p;
    p.mass = m;
    p.efficiency = 0.25 + 0.1 * std::exp(-std::pow((m - 3.0) / 3.0, 2));
    if (m < switch_mass) {
      const double sigma_m = 0.008 + 0.002 * m;
      p.sigma = 2 * m * sigma_m;
      p.alpha = 1.0, p.n = 3.0;
    } else {
      const double e_gamma = (s - m * m) / (2 * constants::sqrt_s);
      p.sigma = std::max(2 * constants::sqrt_s * 0.025 * e_gamma, 0.1);
      p.alpha = 1.2, p.n = 4.0, p.alpha2 = 1.5, p.n2 = 5.0;
    }
    rows.push_back(p);
  }
  return SignalTable(std::move(rows), "default signal table");
}

bool SignalTable::covers(double mass) const {
  return !rows_.empty() && mass >= rows_.front().mass && mass <= rows_.back().mass;
}

SignalPoint SignalTable::at(double mass) const {
  if (!covers(mass))
    throw InputError("signal table does not cover mass " + std::to_string(mass) + " GeV (table range " +
                         (rows_.empty() ? std::string("empty") :
                          std::to_string(rows_.front().mass) + "-" + std::to_string(rows_.back().mass)) +
                         " GeV)",
                     {source_});
  auto it = std::upper_bound(rows_.begin(), rows_.end(), mass, [](double m, const SignalPoint& p) { return m < p.mass; });
  if (it == rows_.end()) return rows_.back();
  const SignalPoint& b = *it;
  const SignalPoint& a = *(it - 1);
  const double f = (mass - a.mass) / (b.mass - a.mass);
  auto lerp = [f](double x, double y) { return x + f * (y - x); };
  SignalPoint p;
  p.mass = mass;
  p.efficiency = lerp(a.efficiency, b.efficiency);
  p.sigma = lerp(a.sigma, b.sigma);
  p.alpha = lerp(a.alpha, b.alpha);
  p.n = lerp(a.n, b.n);
  // A switch between single- and double-sided shapes is not interpolated: take the nearer row.
  if ((a.alpha2 > 0) == (b.alpha2 > 0)) {
    p.alpha2 = lerp(a.alpha2, b.alpha2), p.n2 = lerp(a.n2, b.n2);
  } else {
    const SignalPoint& near = f < 0.5 ? a : b;
    p.alpha2 = near.alpha2, p.n2 = near.n2;
  }
  return p;
}

}  // namespace umbra::scan
