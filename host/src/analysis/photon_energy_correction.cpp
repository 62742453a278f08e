#include "umbra/analysis/photon_energy_correction.hpp"

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <vector>

#include "umbra/analysis/embedded_data.hpp"
#include "umbra/core/error.hpp"
#include "umbra/core/units.hpp"
#include "umbra/cpu/ecl_clustering.hpp"
#include "umbra/sim/simulate.hpp"

namespace umbra::analysis {

std::string PhotonCalibrationOptions::validate() const {
  if (photons_per_point < 50) return "photons_per_point must be >= 50";
  if (!(e_min > 0 && e_max > e_min)) return "need 0 < e_min < e_max";
  if (n_points < 2 || n_points > PhotonEnergyCorrection::max_points)
    return "n_points must be in 2.." + std::to_string(PhotonEnergyCorrection::max_points);
  return {};
}

void PhotonEnergyCorrection::write_csv(const std::string& path) const {
  const std::string tmp = path + ".tmp";
  {
    std::ofstream out(tmp);
    if (!out) throw Error("cannot write photon energy correction", {path});
    out << "# median E_reco/E_true of simulated single photons vs E_reco (umbra calibrate photons)\n";
    out << "e_reco_gev,ratio_forward,ratio_barrel,ratio_backward\n";
    char line[128];
    for (int k = 0; k < n_points; ++k) {
      std::snprintf(line, sizeof line, "%.6g,%.6f,%.6f,%.6f\n", std::exp(log_e[k]), ratio[0][k], ratio[1][k],
                    ratio[2][k]);
      out << line;
    }
  }
  std::filesystem::rename(tmp, path);
}

PhotonEnergyCorrection PhotonEnergyCorrection::read_csv(const std::string& path) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open photon energy correction table", {path});
  return parse_csv(in, path);
}

PhotonEnergyCorrection PhotonEnergyCorrection::parse_csv(std::istream& in, const std::string& path) {
  PhotonEnergyCorrection c;
  std::string line;
  int row = 0;
  while (std::getline(in, line)) {
    ++row;
    if (line.empty() || line[0] == '#' || line[0] == 'e') continue;
    std::replace(line.begin(), line.end(), ',', ' ');
    std::istringstream s(line);
    double e, r0, r1, r2;
    if (!(s >> e >> r0 >> r1 >> r2) || !(e > 0) || !(r0 > 0) || !(r1 > 0) || !(r2 > 0))
      throw InputError("row needs 4 positive numbers (e_reco, ratio fwd, barrel, bwd)", {path, "", -1, row});
    if (c.n_points == max_points) throw InputError("more than " + std::to_string(max_points) + " rows", {path});
    if (c.n_points > 0 && std::log(e) <= c.log_e[c.n_points - 1])
      throw InputError("energies must increase", {path, "", -1, row});
    c.log_e[c.n_points] = float(std::log(e));
    c.ratio[0][c.n_points] = float(r0), c.ratio[1][c.n_points] = float(r1), c.ratio[2][c.n_points] = float(r2);
    ++c.n_points;
  }
  if (c.n_points < 2) throw InputError("needs at least 2 rows", {path});
  return c;
}

namespace {
double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + v.size() / 2, v.end());
  return v[v.size() / 2];
}
}  // namespace

PhotonEnergyCorrection calibrate_photon_energy(const PhotonCalibrationOptions& opt) {
  if (const std::string m = opt.validate(); !m.empty()) throw OptionsError("photon calibration: " + m);
  const ecl::EclGeometry geo;
  // Polar ranges well inside each region (reference/belle2.md "ECL").
  const double theta_lo[3] = {14.0 * units::deg, 40.0 * units::deg, 133.0 * units::deg};
  const double theta_hi[3] = {29.0 * units::deg, 120.0 * units::deg, 150.0 * units::deg};
  PhotonEnergyCorrection c;
  c.n_points = opt.n_points;
  std::vector<double> log_reco(opt.n_points, 0.0);
  for (int k = 0; k < opt.n_points; ++k) {
    const double e_true = opt.e_min * std::pow(opt.e_max / opt.e_min, double(k) / (opt.n_points - 1));
    for (int r = 0; r < 3; ++r) {
      sim::SimulationOptions so;
      so.process = "gun";
      so.gun_pdg = 22;
      so.gun_energy = e_true;
      so.gun_theta_min = theta_lo[r], so.gun_theta_max = theta_hi[r];
      so.beam_background = 0;
      so.tracker = false;
      so.seed = opt.seed + 1000 * k + r;
      const EventBatch b = sim::simulate(so, 0, opt.photons_per_point);
      const auto res = cpu::cluster_ecl(geo, b.digits);
      std::vector<double> ratios, recos;
      const auto& s = res.showers;
      for (std::uint64_t e = 0; e < s.n_events(); ++e) {
        float best = 0;
        for (auto i = s.begin(e); i < s.end(e); ++i) best = std::max(best, s.energy[i]);
        if (best > 0.5 * e_true) ratios.push_back(best / e_true), recos.push_back(best);
      }
      c.ratio[r][k] = float(median(ratios));
      if (r == 1) log_reco[k] = std::log(median(recos));
    }
  }
  for (int k = 0; k < opt.n_points; ++k) c.log_e[k] = float(log_reco[k]);
  return c;
}

PhotonEnergyCorrection default_photon_energy_correction() {
  // A table with no data rows (only while bootstrapping it with `umbra calibrate photons`) means none.
  const std::string text = embedded::photon_energy_correction_csv;
  if (std::count(text.begin(), text.end(), '\n') < 3) return PhotonEnergyCorrection::none();
  std::istringstream in(text);
  return PhotonEnergyCorrection::parse_csv(in, "embedded data/calibration/photon_energy_correction.csv");
}

}  // namespace umbra::analysis
