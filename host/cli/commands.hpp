#pragma once
// Each subcommand of `umbra` lives in its own cmd_<name>.cpp and registers itself on the app here.
// A command's callback throws umbra::Error (or a subclass) on failure; main() turns it into a
// message on stderr and a non-zero exit code.

#include <CLI/CLI.hpp>

namespace umbra::cli {

void add_info_command(CLI::App& app);
void add_simulate_command(CLI::App& app);
void add_scan_command(CLI::App& app);
void add_reconstruct_command(CLI::App& app);
void add_select_command(CLI::App& app);
void add_calibrate_command(CLI::App& app);
void add_search_command(CLI::App& app);

}  // namespace umbra::cli
