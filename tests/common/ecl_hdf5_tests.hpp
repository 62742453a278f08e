#pragma once
// Hand-made digit maps through the "umbra-events" HDF5 format: written with io::write_events,
// read back with io::EventFileReader (which validates values), clustered by the runner; the
// showers written as /ecl/showers and read back. Bad values are refused by the reader, naming
// the event and index, before any clustering.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "common/ecl_digit_maps.hpp"
#include "common/ecl_hand_made_maps.hpp"
#include "io/hdf5_edit.hpp"
#include "umbra/core/error.hpp"
#include "umbra/ecl/showers.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::test {

template <class Runner>
class EclHdf5Test : public ::testing::Test {
 protected:
  static const ecl::EclGeometry& geo() {
    static const ecl::EclGeometry g;
    return g;
  }
  std::string path(const std::string& name) const {
    return (std::filesystem::temp_directory_path() /
            ("umbra_ecl_" + name + "_" + std::to_string(::getpid()) + ".h5")).string();
  }
  /// A batch with the hand-made maps of ecl_hand_made_maps.hpp: isolated digit, two touching
  /// regions, two maxima, barrel-endcap boundary, phi wrap-around, an empty event, and a digit
  /// just below / at each threshold.
  static EventBatch hand_made() {
    EventBatch b;
    b.digits = hand_made_digits(hand_made_events(geo().view()));
    for (std::uint64_t e = 0; e < b.digits.n_events(); ++e) b.hits.close_event(), b.mc.close_event();
    return b;
  }
};
TYPED_TEST_SUITE_P(EclHdf5Test);

TYPED_TEST_P(EclHdf5Test, HandMadeMapsThroughTheFileFormat) {
  const EventBatch b = this->hand_made();
  const std::string in = this->path("in"), out = this->path("out");
  io::write_events(in, b);
  const auto evs = hand_made_events(this->geo().view());
  const io::EventFileReader reader(in);
  ASSERT_EQ(reader.n_events(), evs.size());
  const EventBatch back = reader.read(0, reader.n_events());
  const auto direct = TypeParam::run(this->geo(), b.digits, {});
  const auto r = TypeParam::run(this->geo(), back.digits, {});  // issue-5 default options
  expect_same_result(r, direct, 0.0);
  EXPECT_EQ(check_hand_made_showers(evs, r.showers), "");
  std::vector<std::int32_t> regions;
  for (const auto& e : evs) regions.insert(regions.end(), e.digit_region.begin(), e.digit_region.end());
  EXPECT_EQ(r.digit_region, regions);

  // Write /ecl/showers and read it back column by column.
  {
    io::EventFileWriter w(out);
    w.append(back);
    w.append_group(ecl::showers_group, r.showers);
    w.commit();
  }
  const io::EventFileReader rr(out);
  ASSERT_TRUE(rr.has_group(ecl::showers_group));
  ecl::EclShowers s;
  rr.read_group(ecl::showers_group, 0, rr.n_events(), s);
  EXPECT_EQ(check_hand_made_showers(evs, s), "");
  ecl::ClusteringResult copy = r;
  copy.showers = s;
  expect_same_result(copy, r, 0.0);
  std::filesystem::remove(in), std::filesystem::remove(out);
}

// cell_id out of range and NaN energies are refused on reading, naming dataset, event and index.
TYPED_TEST_P(EclHdf5Test, ReaderRefusesBadDigitsBeforeClustering) {
  const EventBatch b = this->hand_made();
  const std::string p = this->path("bad");
  for (int kind = 0; kind < 2; ++kind) {
    io::write_events(p, b);
    if (kind == 0) poke<std::uint16_t>(p, "/ecl/digits/cell_id", 5, 9000);
    else poke<float>(p, "/ecl/digits/energy", 5, std::nanf(""));
    const io::EventFileReader reader(p);
    try {
      const EventBatch bad = reader.read(0, reader.n_events());
      (void)TypeParam::run(this->geo(), bad.digits, {});
      FAIL() << "bad digits were not refused";
    } catch (const InputError& e) {
      EXPECT_EQ(e.where().dataset, kind == 0 ? "/ecl/digits/cell_id" : "/ecl/digits/energy") << e.what();
      EXPECT_EQ(e.where().event, 2) << e.what();  // digit 5 is the first of event 2
      EXPECT_EQ(e.where().index, 5) << e.what();
    }
  }
  std::filesystem::remove(p);
}

REGISTER_TYPED_TEST_SUITE_P(EclHdf5Test, HandMadeMapsThroughTheFileFormat, ReaderRefusesBadDigitsBeforeClustering);

}  // namespace umbra::test
