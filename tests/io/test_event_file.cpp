// "umbra-events" v1: round trip bit for bit, chunked reads, atomic writes, and every refusal
// naming the dataset (and event/index where there is one).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <limits>

#include "io/hdf5_edit.hpp"
#include "io/random_events.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

using namespace umbra;
namespace fs = std::filesystem;

namespace {

class EventFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("umbra_io_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string path(const std::string& name) const { return (dir_ / name).string(); }

  // A valid file of 20 events where event 3 has >= 2 digits and hits.
  std::string valid_file() {
    const std::string p = path("valid.h5");
    EventBatch b = test::random_events(20, 7);
    io::write_events(p, b);
    return p;
  }

  fs::path dir_;
};

template <class T>
bool bit_equal(const std::vector<T>& a, const std::vector<T>& b) {
  return a.size() == b.size() && (a.empty() || std::memcmp(a.data(), b.data(), a.size() * sizeof(T)) == 0);
}

template <class Group>
void expect_group_equal(const Group& a, const Group& b) {
  EXPECT_EQ(a.event_offsets, b.event_offsets);
  std::vector<std::pair<std::string, bool>> same;
  auto ca = io::columns_of(a);
  auto cb = io::columns_of(b);
  ASSERT_EQ(ca.size(), cb.size());
  for (std::size_t i = 0; i < ca.size(); ++i)
    std::visit(
        [&](const auto* va) {
          using V = std::decay_t<decltype(*va)>;
          const auto* vb = std::get<const V*>(cb[i].data);
          EXPECT_TRUE(bit_equal(*va, *vb)) << "column " << ca[i].name;
        },
        ca[i].data);
}

// Expects an InputError whose message names `dataset` (and contains `also` when given).
template <class F>
void expect_refusal(F&& f, const std::string& dataset, const std::string& also = "") {
  try {
    f();
    ADD_FAILURE() << "no error; expected one naming " << dataset;
  } catch (const InputError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("dataset '" + dataset + "'"), std::string::npos) << msg;
    if (!also.empty()) {
      EXPECT_NE(msg.find(also), std::string::npos) << msg;
    }
  }
}

// A reconstruction-output-like group, as later issues define them.
struct TestShowers : Offsets {
  std::vector<float> energy;
  std::vector<std::int32_t> n_crystals;
  template <class F>
  void for_each_column(F&& f) const { f("energy", energy), f("n_crystals", n_crystals); }
  template <class F>
  void for_each_column(F&& f) { f("energy", energy), f("n_crystals", n_crystals); }
};

void open_and_read_all(const std::string& p) {
  io::EventFileReader r(p);
  r.validate_all(7);
}

}  // namespace

TEST_F(EventFileTest, RoundTripIsBitExactAcrossChunks) {
  const EventBatch all = test::random_events(250, 42);
  const std::string p = path("rt.h5");
  {
    io::EventFileWriter w(p);
    // Written in three uneven appends, read back in other chunks.
    for (auto [first, n] : {std::pair<int, int>{0, 100}, {100, 1}, {101, 149}}) {
      EventBatch part;
      for (int e = first; e < first + n; ++e) {
        for (auto i = all.digits.begin(e); i < all.digits.end(e); ++i)
          part.digits.push_back(all.digits.cell_id[i], all.digits.energy[i], all.digits.time[i]);
        part.digits.close_event();
        auto copy_range = [&](const auto& src, auto& dst) {
          auto cs = io::columns_of(src);
          auto cd = io::columns_of(dst);
          for (std::size_t c = 0; c < cs.size(); ++c)
            std::visit(
                [&](const auto* vs) {
                  using V = std::decay_t<decltype(*vs)>;
                  auto* vd = std::get<V*>(cd[c].data);
                  vd->insert(vd->end(), vs->begin() + src.begin(e), vs->begin() + src.end(e));
                },
                cs[c].data);
          dst.close_event();
        };
        copy_range(all.hits, part.hits);
        copy_range(all.mc, part.mc);
      }
      w.append(part);
    }
    w.set_attribute("generator", "random_events");
    w.commit();
  }
  io::EventFileReader r(p);
  ASSERT_EQ(r.n_events(), 250u);
  const EventBatch back = r.read(0, 250);
  expect_group_equal(all.digits, back.digits);
  expect_group_equal(all.hits, back.hits);
  expect_group_equal(all.mc, back.mc);
  // A chunk in the middle is rebased to offset 0.
  const EventBatch mid = r.read(100, 50);
  EXPECT_EQ(mid.digits.n_events(), 50u);
  EXPECT_EQ(mid.digits.event_offsets.front(), 0u);
  EXPECT_EQ(mid.digits.size(), all.digits.end(149) - all.digits.begin(100));
  EXPECT_EQ(mid.digits.cell_id.front(), all.digits.cell_id[all.digits.begin(100)]);
  const io::GroupStats s = r.stats(io::group::ecl_digits);
  EXPECT_EQ(s.total, all.digits.size());
  EXPECT_NEAR(s.mean_per_event, double(all.digits.size()) / 250, 1e-12);
}

TEST_F(EventFileTest, WriterLeavesNothingUnlessCommitted) {
  const std::string p = path("never.h5");
  {
    io::EventFileWriter w(p);
    w.append(test::random_events(5, 1));
  }  // destroyed without commit, as after an exception
  EXPECT_FALSE(fs::exists(p));
  for (const auto& entry : fs::directory_iterator(dir_)) ADD_FAILURE() << "left behind: " << entry.path();
}

TEST_F(EventFileTest, WriterRefusesBadEventsAndKeepsTargetAbsent) {
  const std::string p = path("bad.h5");
  EventBatch b = test::random_events(5, 3);
  b.digits.cell_id[0] = 9000;
  EXPECT_THROW(io::write_events(p, b), InputError);
  EXPECT_FALSE(fs::exists(p));
}

TEST_F(EventFileTest, RefusesNonHdf5File) {
  const std::string p = path("text.h5");
  std::ofstream(p) << "not hdf5";
  EXPECT_THROW(io::EventFileReader r(p), InputError);
  EXPECT_THROW(io::EventFileReader r(path("missing.h5")), InputError);
}

TEST_F(EventFileTest, RefusesMissingOrWrongAttributes) {
  std::string p = valid_file();
  test::remove_attribute(p, "format");
  expect_refusal([&] { io::EventFileReader r(p); }, "/", "format");
  p = valid_file();
  test::set_string_attribute(p, "format", "root-events");
  expect_refusal([&] { io::EventFileReader r(p); }, "/", "format");
  p = valid_file();
  test::set_int_attribute(p, "version", 2);
  expect_refusal([&] { io::EventFileReader r(p); }, "/", "version 2");
  p = valid_file();
  test::remove_attribute(p, "n_events");
  expect_refusal([&] { io::EventFileReader r(p); }, "/", "n_events");
  p = valid_file();
  test::set_int_attribute(p, "n_events", 21);
  expect_refusal([&] { io::EventFileReader r(p); }, "/ecl/digits/event_offsets", "n_events + 1");
}

TEST_F(EventFileTest, AcceptsStringAttributesAsH5pyWritesThem) {
  const std::string p = valid_file();
  test::set_string_attribute(p, "format", "umbra-events");  // variable-length string
  EXPECT_NO_THROW(open_and_read_all(p));
  for (H5T_str_t pad : {H5T_STR_NULLPAD, H5T_STR_NULLTERM, H5T_STR_SPACEPAD}) {
    test::set_fixed_string_attribute(p, "format", "umbra-events", pad);  // np.bytes_ and friends
    EXPECT_NO_THROW(open_and_read_all(p)) << "string pad " << pad;
  }
  test::set_fixed_string_attribute(p, "format", "umbra-event", H5T_STR_NULLPAD);
  expect_refusal([&] { io::EventFileReader r(p); }, "/", "'umbra-event'");
}

// Hand-written files (numpy's default int64 and float64) read as the same events when every value
// fits the column's type; a value that does not fit is refused by index, never clipped.
TEST_F(EventFileTest, ReadsOtherIntegerAndFloatWidthsWhenValuesFit) {
  const std::string ref = valid_file();
  const EventBatch expected = io::EventFileReader(ref).read(0, 20);
  std::string p = valid_file();
  auto energy = test::read_all<float>(p, "/ecl/digits/energy");
  test::replace(p, "/ecl/digits/energy", std::vector<double>(energy.begin(), energy.end()));
  auto off = test::read_all<std::uint64_t>(p, "/tracker/hits/event_offsets");
  test::replace(p, "/tracker/hits/event_offsets", std::vector<std::int64_t>(off.begin(), off.end()));
  auto cells = test::read_all<std::uint16_t>(p, "/ecl/digits/cell_id");
  test::replace(p, "/ecl/digits/cell_id", std::vector<std::int64_t>(cells.begin(), cells.end()));
  const EventBatch got = io::EventFileReader(p).read(0, 20);
  EXPECT_EQ(got.digits.cell_id, expected.digits.cell_id);
  EXPECT_EQ(got.digits.energy, expected.digits.energy);
  EXPECT_EQ(got.hits.event_offsets, expected.hits.event_offsets);

  std::vector<std::int64_t> too_big(cells.begin(), cells.end());
  too_big[3] = 70000;  // would clip to 65535 in a plain HDF5 conversion
  test::replace(p, "/ecl/digits/cell_id", too_big);
  expect_refusal([&] { io::EventFileReader(p).read(0, 20); }, "/ecl/digits/cell_id", "index 3");
  p = valid_file();
  std::vector<std::int64_t> negative(off.begin(), off.end());
  negative[1] = -1;
  test::replace(p, "/tracker/hits/event_offsets", negative);
  expect_refusal([&] { io::EventFileReader r(p); }, "/tracker/hits/event_offsets", "does not fit");
}

TEST_F(EventFileTest, RefusesWrongDtypeAndMissingDatasets) {
  std::string p = valid_file();
  auto energy = test::read_all<float>(p, "/ecl/digits/energy");
  test::replace(p, "/ecl/digits/energy", std::vector<std::int32_t>(energy.size(), 1));
  expect_refusal([&] { io::EventFileReader r(p); }, "/ecl/digits/energy", "int32, expected float32");
  p = valid_file();
  auto off = test::read_all<std::uint64_t>(p, "/tracker/hits/event_offsets");
  test::replace(p, "/tracker/hits/event_offsets", std::vector<double>(off.begin(), off.end()));
  expect_refusal([&] { io::EventFileReader r(p); }, "/tracker/hits/event_offsets", "expected uint64");
  p = valid_file();
  test::remove_link(p, "/mc/particles/mother");
  expect_refusal([&] { io::EventFileReader r(p); }, "/mc/particles/mother", "missing");
  p = valid_file();
  auto cells = test::read_all<std::uint16_t>(p, "/ecl/digits/cell_id");
  cells.pop_back();
  test::replace(p, "/ecl/digits/cell_id", cells);
  expect_refusal([&] { io::EventFileReader r(p); }, "/ecl/digits/cell_id", "entries");
}

TEST_F(EventFileTest, RefusesBadOffsets) {
  std::string p = valid_file();
  test::poke<std::uint64_t>(p, "/ecl/digits/event_offsets", 0, 1);
  expect_refusal([&] { io::EventFileReader r(p); }, "/ecl/digits/event_offsets", "expected 0");
  p = valid_file();
  auto off = test::read_all<std::uint64_t>(p, "/ecl/digits/event_offsets");
  test::poke<std::uint64_t>(p, "/ecl/digits/event_offsets", 5, off[4] > 0 ? off[4] - 1 : 0);
  test::poke<std::uint64_t>(p, "/ecl/digits/event_offsets", 4, off[4] + 1000);
  expect_refusal([&] { io::EventFileReader r(p); }, "/ecl/digits/event_offsets", "decrease");
  p = valid_file();
  test::poke<std::uint64_t>(p, "/ecl/digits/event_offsets", 20, off[20] - 1);
  expect_refusal([&] { io::EventFileReader r(p); }, "/ecl/digits/cell_id", "ends at");
}

TEST_F(EventFileTest, RefusesBadDigitValuesNamingEventAndIndex) {
  std::string p = valid_file();
  const auto off = test::read_all<std::uint64_t>(p, "/ecl/digits/event_offsets");
  std::uint64_t e = 0;
  while (off[e + 1] - off[e] < 2) ++e;  // an event with at least two digits
  const std::uint64_t i = off[e] + 1;
  const std::string where = "event " + std::to_string(e) + ", index " + std::to_string(i);

  test::poke<std::uint16_t>(p, "/ecl/digits/cell_id", i, 0);
  expect_refusal([&] { open_and_read_all(p); }, "/ecl/digits/cell_id", where);
  p = valid_file();
  test::poke<std::uint16_t>(p, "/ecl/digits/cell_id", i, 8737);
  expect_refusal([&] { open_and_read_all(p); }, "/ecl/digits/cell_id", "outside 1..8736");
  p = valid_file();
  test::poke<std::uint16_t>(p, "/ecl/digits/cell_id", i, test::read_all<std::uint16_t>(p, "/ecl/digits/cell_id")[i - 1]);
  expect_refusal([&] { open_and_read_all(p); }, "/ecl/digits/cell_id", "duplicate");
  p = valid_file();
  test::poke<float>(p, "/ecl/digits/energy", i, std::numeric_limits<float>::quiet_NaN());
  expect_refusal([&] { open_and_read_all(p); }, "/ecl/digits/energy", where);
  p = valid_file();
  test::poke<float>(p, "/ecl/digits/energy", i, std::numeric_limits<float>::infinity());
  expect_refusal([&] { open_and_read_all(p); }, "/ecl/digits/energy", "not finite");
  p = valid_file();
  test::poke<float>(p, "/ecl/digits/energy", i, -0.01f);
  expect_refusal([&] { open_and_read_all(p); }, "/ecl/digits/energy", "negative");
}

TEST_F(EventFileTest, RefusesBadTrackerAndMcValues) {
  std::string p = valid_file();
  test::poke<std::uint8_t>(p, "/tracker/hits/detector", 3, 4);
  expect_refusal([&] { open_and_read_all(p); }, "/tracker/hits/detector", "index 3");
  p = valid_file();
  test::poke<std::uint8_t>(p, "/tracker/hits/detector", 3, 1);
  test::poke<std::uint8_t>(p, "/tracker/hits/layer", 3, 2);
  expect_refusal([&] { open_and_read_all(p); }, "/tracker/hits/layer", "out of range 0..1");
  p = valid_file();
  test::poke<std::uint8_t>(p, "/tracker/hits/detector", 3, 3);
  test::poke<std::uint8_t>(p, "/tracker/hits/layer", 3, 56);
  expect_refusal([&] { open_and_read_all(p); }, "/tracker/hits/layer", "out of range 0..55");
  p = valid_file();
  test::poke<float>(p, "/tracker/hits/x", 5, std::numeric_limits<float>::quiet_NaN());
  expect_refusal([&] { open_and_read_all(p); }, "/tracker/hits/x", "index 5");
  p = valid_file();
  test::poke<float>(p, "/mc/particles/pz", 2, std::numeric_limits<float>::infinity());
  expect_refusal([&] { open_and_read_all(p); }, "/mc/particles/pz", "index 2");
}

TEST_F(EventFileTest, ExtraGroupsRoundTripAndAreListed) {
  TestShowers s, back;
  for (int e = 0; e < 20; ++e) {
    for (int k = 0; k < e % 3; ++k) s.energy.push_back(0.1f * (e + k)), s.n_crystals.push_back(e + k);
    s.event_offsets.push_back(s.energy.size());
  }
  const std::string p = path("showers.h5");
  io::EventFileWriter w(p);
  w.append(test::random_events(20, 9));
  w.append_group("/ecl/showers", s);
  w.commit();
  io::EventFileReader r(p);
  EXPECT_TRUE(r.has_group("/ecl/showers"));
  r.read_group("/ecl/showers", 0, 20, back);
  EXPECT_EQ(back.event_offsets, s.event_offsets);
  EXPECT_EQ(back.energy, s.energy);
  EXPECT_EQ(back.n_crystals, s.n_crystals);
}

TEST_F(EventFileTest, CommitRefusesGroupsWithDifferentEventCounts) {
  TestShowers one;
  one.energy.push_back(1), one.n_crystals.push_back(1), one.event_offsets.push_back(1);
  const std::string p = path("mismatch.h5");
  io::EventFileWriter w(p);
  w.append(test::random_events(3, 9));
  w.append_group("/extra", one);
  EXPECT_THROW(w.commit(), Error);
  EXPECT_FALSE(fs::exists(p));
}
