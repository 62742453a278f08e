// Helper of the `umbra reconstruct --ecl` CLI test on hand-made digit maps:
//   ecl_cli_files write FILE   - an umbra-events file whose /ecl/digits hold the maps of
//                                tests/common/ecl_hand_made_maps.hpp (one event each)
//   ecl_cli_files check FILE   - FILE's /ecl/showers give the documented answers at the
//                                issue-5 default options
#include <cstdio>
#include <string>

#include "common/ecl_hand_made_maps.hpp"
#include "umbra/io/event_file.hpp"

int main(int argc, char** argv) {
  using namespace umbra;
  if (argc != 3) return std::fprintf(stderr, "usage: ecl_cli_files write|check FILE\n"), 2;
  const std::string mode = argv[1], path = argv[2];
  const ecl::EclGeometry geo;
  const auto evs = test::hand_made_events(geo.view());
  if (mode == "write") {
    EventBatch b;
    b.digits = test::hand_made_digits(evs);
    for (std::size_t e = 0; e < evs.size(); ++e) b.hits.close_event(), b.mc.close_event();
    io::write_events(path, b);
    return 0;
  }
  const io::EventFileReader r(path);
  ecl::EclShowers s;
  r.read_group(ecl::showers_group, 0, r.n_events(), s);
  const std::string msg = test::check_hand_made_showers(evs, s);
  std::printf("%llu events, %llu showers%s%s\n", (unsigned long long)s.n_events(), (unsigned long long)s.size(),
              msg.empty() ? "" : ": ", msg.c_str());
  return msg.empty() ? 0 : 1;
}
