// Writes a valid umbra-events file and one damaged copy per kind of refusal into a folder, for the
// CLI tests (`umbra info` must exit non-zero naming the dataset on each bad file).
#include <cstdio>
#include <filesystem>
#include <limits>

#include "io/hdf5_edit.hpp"
#include "io/random_events.hpp"
#include "umbra/io/event_file.hpp"

using namespace umbra;

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_fixture_files DIR\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  std::filesystem::create_directories(dir);
  auto make = [&](const std::string& name) {
    const std::string p = (dir / name).string();
    io::write_events(p, test::random_events(20, 5));
    return p;
  };
  make("valid.h5");
  test::poke<std::uint16_t>(make("bad_cell_id.h5"), "/ecl/digits/cell_id", 1, 9000);
  test::poke<float>(make("bad_energy_nan.h5"), "/ecl/digits/energy", 1, std::numeric_limits<float>::quiet_NaN());
  test::poke<std::uint64_t>(make("bad_offsets.h5"), "/tracker/hits/event_offsets", 0, 3);
  test::set_string_attribute(make("bad_format.h5"), "format", "something-else");
  test::remove_link(make("bad_missing_dataset.h5"), "/mc/particles/pdg");
  test::poke<std::uint8_t>(make("bad_layer.h5"), "/tracker/hits/layer", 0, 99);
  const std::string dtype = make("bad_dtype.h5");
  const auto t = test::read_all<float>(dtype, "/ecl/digits/time");
  test::replace(dtype, "/ecl/digits/time", std::vector<std::int32_t>(t.size(), 0));  // integers in a float column
  return 0;
}
