#include "commands.hpp"

namespace umbra::cli {
void add_info_command(CLI::App& app) { app.add_subcommand("info", "Summarise an umbra-events file (being written)"); }
}  // namespace umbra::cli
