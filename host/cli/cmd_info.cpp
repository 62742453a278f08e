// `umbra info FILE`: format, version, event count and per-group totals with min/mean/max per event.
// The whole file is validated (in chunks), so a bad file exits non-zero with the dataset named.
#include <cstdio>
#include <iostream>
#include <memory>

#include "commands.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::cli {

void add_info_command(CLI::App& app) {
  struct Args {
    std::string file;
    std::uint64_t batch = 10000;
  };
  auto args = std::make_shared<Args>();
  CLI::App* cmd = app.add_subcommand("info", "Validate an umbra-events file and summarise its contents");
  cmd->add_option("file", args->file, "umbra-events HDF5 file")->required();
  cmd->add_option("--batch", args->batch, "Events per validation chunk")->check(CLI::PositiveNumber)->capture_default_str();
  cmd->callback([args] {
    const io::EventFileReader reader(args->file);
    reader.validate_all(args->batch);
    std::printf("file     %s\nformat   %s\nversion  %d\nevents   %llu\n", args->file.c_str(), io::format_name,
                io::format_version, static_cast<unsigned long long>(reader.n_events()));
    std::printf("%-22s %12s %10s %10s %10s\n", "group", "total", "min/evt", "mean/evt", "max/evt");
    for (const auto& g : reader.groups()) {
      const io::GroupStats s = reader.stats(g);
      std::printf("%-22s %12llu %10llu %10.2f %10llu\n", g.c_str(), static_cast<unsigned long long>(s.total),
                  static_cast<unsigned long long>(s.min_per_event), s.mean_per_event,
                  static_cast<unsigned long long>(s.max_per_event));
    }
  });
}

}  // namespace umbra::cli
