// `umbra`: batch executable. Exit codes: 0 success, 1 internal/runtime failure, 2 bad input or options.
#include <cstdio>
#include <exception>
#include <iostream>

#include "commands.hpp"
#include "umbra/core/error.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "umbra: Belle II dark-sector reconstruction and fits in bulk, on CPU and CUDA.\n"
      "Units: cm, GeV, ns, tesla. Run `umbra <command> --help` for a command's options.",
      "umbra"};
  app.require_subcommand(1);
  app.set_version_flag("--version", "umbra 0.1.0");
  umbra::cli::add_info_command(app);
  umbra::cli::add_simulate_command(app);
  umbra::cli::add_scan_command(app);
  umbra::cli::add_reconstruct_command(app);
  umbra::cli::add_select_command(app);
  umbra::cli::add_calibrate_command(app);
  umbra::cli::add_search_command(app);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const umbra::InputError& e) {
    std::cerr << "umbra: input error: " << e.what() << "\n";
    return 2;
  } catch (const umbra::OptionsError& e) {
    std::cerr << "umbra: bad option: " << e.what() << "\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "umbra: error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
