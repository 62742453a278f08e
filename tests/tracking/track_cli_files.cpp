// Helper of the `umbra reconstruct --tracks` CLI test:
//   track_cli_files write FILE N   - N single-muon events (truth + simulated tracker hits, no ECL digits)
//   track_cli_files check FILE N   - FILE has /tracks with N events, one fitted (status ok) track each,
//                                    and the input groups copied
#include <cstdio>
#include <cstdlib>
#include <string>

#include "tracking/track_samples.hpp"
#include "umbra/io/event_file.hpp"
#include "umbra/track/tracks.hpp"

int main(int argc, char** argv) {
  using namespace umbra;
  if (argc != 4) return std::fprintf(stderr, "usage: track_cli_files write|check FILE N\n"), 2;
  const std::string mode = argv[1], path = argv[2];
  const int n = std::atoi(argv[3]);
  const auto geo = tracker::belle2_tracker();
  if (mode == "write") {
    EventBatch b;
    b.mc = test::muon_gun(n, 0.5, 3.0, 40.0, 130.0, 5);
    b.hits = test::simulate_hits(geo, b.mc, {}, 6);
    for (int e = 0; e < n; ++e) b.digits.close_event();
    io::write_events(path, b);
    return 0;
  }
  const io::EventFileReader r(path);
  track::Tracks t;
  r.read_group("/tracks", 0, r.n_events(), t);
  const EventBatch in = r.read(0, r.n_events());
  int ok = 0;
  for (auto s : t.status) ok += s == 0;
  std::printf("events %llu, tracks %llu, ok %d, hits %llu\n", (unsigned long long)t.n_events(),
              (unsigned long long)t.size(), ok, (unsigned long long)in.hits.size());
  const bool good = r.n_events() == std::uint64_t(n) && t.n_events() == std::uint64_t(n) &&
                    t.size() == std::uint64_t(n) && ok == n && in.mc.size() == std::uint64_t(n) && in.hits.size() > 0;
  if (!good) std::fprintf(stderr, "unexpected /tracks content\n");
  return good ? 0 : 1;
}
