// simulate(): events in fixed chunks of consecutive event numbers, chunks in parallel (OpenMP),
// each chunk into its own batch, batches concatenated in event order. Every random number is
// keyed by (seed, event number, item), so the output does not depend on the thread count.
#include "umbra/sim/simulate.hpp"

#include <algorithm>
#include <chrono>
#include <type_traits>
#include <memory>
#include <sstream>

#include "process.hpp"
#include "umbra/core/error.hpp"

namespace umbra::sim {
namespace {

constexpr std::uint64_t chunk_events = 256;

// Independent key streams for the steps (splitmix64 of the seed and a step tag).
std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t tag) {
  std::uint64_t z = seed + 0x9E3779B97F4A7C15ull * (tag + 1);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

const ecl::EclGeometry& shared_ecl_geometry() {
  static const ecl::EclGeometry geometry;
  return geometry;
}
const tracker::TrackerGeometry& shared_tracker_geometry() {
  static const tracker::TrackerGeometry geometry = tracker::belle2_tracker();
  return geometry;
}

template <class Group>
void concatenate(Group& into, const Group& from) {
  const std::uint64_t base = into.size();
  std::size_t i = 0;
  std::vector<const void*> sources;
  from.for_each_column([&](const char*, const auto& v) { sources.push_back(&v); });
  into.for_each_column([&](const char*, auto& v) {
    using V = std::decay_t<decltype(v)>;
    const V& s = *static_cast<const V*>(sources[i++]);
    v.insert(v.end(), s.begin(), s.end());
  });
  for (auto it = from.event_offsets.begin() + 1; it != from.event_offsets.end(); ++it)
    into.event_offsets.push_back(base + *it);
}

struct ChunkResult {
  EventBatch batch;
  std::uint64_t failures = 0, overflows = 0;
};

}  // namespace

void append_mc(const GenEvent& g, McParticles& mc) {
  for (int i = 0; i < g.n; ++i) {
    const GenParticle& p = g.part[i];
    mc.pdg.push_back(p.pdg);
    mc.px.push_back(float(p.p.px)), mc.py.push_back(float(p.p.py)), mc.pz.push_back(float(p.p.pz));
    mc.e.push_back(float(p.p.e));
    mc.vx.push_back(float(p.vx)), mc.vy.push_back(float(p.vy)), mc.vz.push_back(float(p.vz));
    mc.mother.push_back(p.mother);
  }
  mc.close_event();
}

std::string SimulationSummary::brief() const {
  std::ostringstream s;
  s << "simulated " << n_events << " events: " << n_particles << " particles, " << n_digits << " ECL digits, "
    << n_hits << " tracker hits, " << generator_failures << " generator failures, " << digit_overflows
    << " digit overflows, " << seconds << " s";
  return s.str();
}

EventBatch simulate(const SimulationOptions& options, std::uint64_t first_event, std::uint64_t n_events,
                    SimulationSummary* summary) {
  if (const std::string bad = options.validate(); !bad.empty()) throw OptionsError(bad);
  const auto start = std::chrono::steady_clock::now();
  const ProcessGenerator generator = detail::make_generator(options);
  EclResponse ecl_step{shared_ecl_geometry().view(), options.ecl_response, derive_seed(options.seed, 1),
                       derive_seed(options.seed, 2), derive_seed(options.seed, 3)};
  ecl_step.options.beam_background = options.beam_background;
  const std::uint64_t tracker_seed = derive_seed(options.seed, 4);
  (void)shared_ecl_geometry(), (void)shared_tracker_geometry();  // built before the threads start

  const std::uint64_t n_chunks = (n_events + chunk_events - 1) / chunk_events;
  std::vector<ChunkResult> chunks(n_chunks);
#pragma omp parallel
  {
    auto acc = std::make_unique<DigitAccumulator>();
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t c = 0; c < std::int64_t(n_chunks); ++c) {
      ChunkResult& out = chunks[c];
      const std::uint64_t begin = first_event + std::uint64_t(c) * chunk_events;
      const std::uint64_t end = std::min(first_event + n_events, begin + chunk_events);
      for (std::uint64_t ev = begin; ev < end; ++ev) {
        Philox rng(options.seed, ev, 0);
        GenEvent g;
        generator(rng, g);
        if (g.status != GenStatus::Ok) ++out.failures;
        append_mc(g, out.batch.mc);
        if (options.ecl) {
          ecl_step(g, ev, *acc);
          if (acc->overflow) ++out.overflows;
          for (int k = 0; k < acc->n; ++k) out.batch.digits.push_back(acc->cell[k], acc->energy[k], acc->time[k]);
        }
        out.batch.digits.close_event();
        if (options.tracker)
          simulate_tracker_event(shared_tracker_geometry(), out.batch.mc, out.batch.mc.n_events() - 1, tracker_seed, ev,
                                 options.tracker_response, out.batch.hits);
        out.batch.hits.close_event();
      }
    }
  }

  EventBatch result;
  SimulationSummary s;
  for (const ChunkResult& c : chunks) {
    concatenate(result.mc, c.batch.mc);
    concatenate(result.digits, c.batch.digits);
    concatenate(result.hits, c.batch.hits);
    s.generator_failures += c.failures;
    s.digit_overflows += c.overflows;
  }
  if (summary) {
    s.n_events = n_events;
    s.n_particles = result.mc.size();
    s.n_digits = result.digits.size();
    s.n_hits = result.hits.size();
    s.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    *summary = s;
  }
  return result;
}

}  // namespace umbra::sim
