// simulate(): determinism (seed, thread count, batch split) and refusal of bad options.
#include <gtest/gtest.h>

#include "umbra/core/error.hpp"
#include "umbra/cpu/for_each.hpp"
#include "umbra/sim/simulate.hpp"

using namespace umbra;
using namespace umbra::sim;

namespace {

template <class Group>
void expect_same(const Group& a, const Group& b) {
  ASSERT_EQ(a.event_offsets, b.event_offsets);
  std::vector<const void*> cols;
  a.for_each_column([&](const char*, const auto& v) { cols.push_back(&v); });
  std::size_t i = 0;
  b.for_each_column([&](const char* name, const auto& v) {
    using V = std::decay_t<decltype(v)>;
    EXPECT_TRUE(*static_cast<const V*>(cols[i++]) == v) << name;
  });
}

void expect_same(const EventBatch& a, const EventBatch& b) {
  expect_same(a.mc, b.mc);
  expect_same(a.digits, b.digits);
  expect_same(a.hits, b.hits);
}

SimulationOptions alp() {
  SimulationOptions o;
  o.process = "alp";
  o.seed = 42;
  return o;
}

}  // namespace

TEST(Simulate, SameSeedSameEventsAndSeedMatters) {
  const EventBatch a = simulate(alp(), 0, 700), b = simulate(alp(), 0, 700);
  expect_same(a, b);
  SimulationOptions other = alp();
  other.seed = 43;
  EXPECT_NE(simulate(other, 0, 700).mc.px, a.mc.px);
}

TEST(Simulate, IndependentOfThreadsAndBatching) {
  umbra::cpu::set_thread_count(1);
  const EventBatch one = simulate(alp(), 100, 1000);
  umbra::cpu::set_thread_count(2);
  const EventBatch two = simulate(alp(), 100, 1000);
  umbra::cpu::set_thread_count(0);
  expect_same(one, two);
  // Events [100, 1100) in two uneven batches equal the single batch.
  EventBatch first = simulate(alp(), 100, 333), second = simulate(alp(), 433, 667);
  EXPECT_EQ(first.n_events() + second.n_events(), one.n_events());
  for (std::uint64_t e = 0; e < second.n_events(); ++e) {
    const std::uint64_t o = 333 + e;
    ASSERT_EQ(second.digits.count(e), one.digits.count(o));
    for (std::uint64_t i = 0; i < second.digits.count(e); ++i)
      EXPECT_EQ(second.digits.energy[second.digits.begin(e) + i], one.digits.energy[one.digits.begin(o) + i]);
  }
}

TEST(Simulate, EveryProcessRuns) {
  for (const std::string& p : process_names()) {
    SimulationOptions o;
    o.process = p;
    if (p == "zprime" || p == "emu" || p == "scalar") o.mass = 1.5;
    SimulationSummary s;
    const EventBatch b = simulate(o, 0, 300, &s);
    EXPECT_EQ(b.n_events(), 300u) << p;
    EXPECT_EQ(s.generator_failures, 0u) << p;
    EXPECT_EQ(s.digit_overflows, 0u) << p;
    EXPECT_GT(b.digits.size(), 300u * 150) << p;  // background digits at the nominal level
    if (p != "gun") {
      EXPECT_GT(cross_section_pb(o), 0.0) << p;
    }
  }
}

TEST(Simulate, BadOptionsRefusedWithNamedField) {
  auto refused = [](SimulationOptions o, const std::string& field) {
    try {
      simulate(o, 0, 10);
      ADD_FAILURE() << "accepted " << field;
    } catch (const OptionsError& e) {
      EXPECT_NE(std::string(e.what()).find(field), std::string::npos) << e.what();
    }
  };
  SimulationOptions o = alp();
  o.mass = -1;
  refused(o, "mass");
  o.mass = 10.6;
  refused(o, "mass");
  o = alp();
  o.process = "axion";
  refused(o, "process");
  o = alp();
  o.coupling = 0;
  refused(o, "coupling");
  o = alp();
  o.beam_background = -1;
  refused(o, "beam_background");
  o = alp();
  o.process = "scalar";
  o.decay_mode = "tautau";
  refused(o, "decay_mode");
  o = alp();
  o.process = "gun";
  o.gun_pdg = 999;
  refused(o, "gun_pdg");
  EXPECT_EQ(alp().validate(), "");
}
