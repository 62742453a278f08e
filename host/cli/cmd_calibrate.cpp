// `umbra calibrate photons|alp`: the calibration tables of the default configuration, measured on
// the fast simulation (data/calibration/*.csv are their committed outputs).
#include <cstdio>
#include <memory>

#include "commands.hpp"
#include "umbra/analysis/alp_calibration.hpp"
#include "umbra/analysis/photon_energy_correction.hpp"
#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"

namespace umbra::cli {

void add_calibrate_command(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand("calibrate", "Measure calibration tables on the fast simulation");
  cmd->require_subcommand(1);

  auto ph = std::make_shared<analysis::PhotonCalibrationOptions>();
  auto ph_out = std::make_shared<std::string>();
  CLI::App* photons = cmd->add_subcommand("photons", "Photon energy (leakage) correction vs energy and ECL region");
  photons->add_option("-o,--output", *ph_out, "CSV table to write")->required();
  photons->add_option("--photons", ph->photons_per_point, "Photons per energy and region")->capture_default_str();
  photons->add_option("--points", ph->n_points, "Energies (log-spaced)")->capture_default_str();
  photons->add_option("--seed", ph->seed, "Random seed")->capture_default_str();
  photons->callback([ph, ph_out] {
    const auto c = analysis::calibrate_photon_energy(*ph);
    c.write_csv(*ph_out);
    std::printf("photon energy correction (%d energies, 3 regions) -> %s\n", c.n_points, ph_out->c_str());
  });

  auto al = std::make_shared<analysis::AlpCalibrationOptions>();
  auto al_out = std::make_shared<std::string>();
  CLI::App* alp = cmd->add_subcommand("alp", "ALP signal efficiency and Crystal Ball shape vs mass (scan signal table)");
  alp->add_option("-o,--output", *al_out, "CSV signal table to write")->required();
  alp->add_option("--events", al->events_per_mass, "Simulated signal events per mass")->capture_default_str();
  alp->add_option("--masses", al->masses, "Masses [GeV] (default: a grid of 24 from 0.2 to 9.7)");
  alp->add_option("--switch-mass", al->switch_mass, "M^2_recoil is the observable from this mass up [GeV]")
      ->capture_default_str();
  alp->add_option("--beam-background", al->beam_background, "Beam background factor")->capture_default_str();
  alp->add_option("--seed", al->seed, "Random seed")->capture_default_str();
  alp->callback([al, al_out] {
    analysis::AlpCalibrationSummary s;
    const auto table = analysis::calibrate_alp(*al, &s);
    analysis::write_signal_table(table, *al_out);
    std::printf("%s\nALP signal table (%zu masses) -> %s\n", s.brief().c_str(), table.size(), al_out->c_str());
  });
}

}  // namespace umbra::cli
