#pragma once
// The vertex-finder test body, written once and instantiated per backend (tests/vertexing for the
// CPU runner, tests/cuda for the CUDA runner). A runner is a type with
//   static vertex::Result run(const track::Tracks&, const vertex::Options&);
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "common/vertex_truth.hpp"
#include "umbra/cpu/vertex_finder.hpp"
#include "umbra/geometry/tracker_geometry.hpp"
#include "umbra/vertex/inner_material.hpp"
#include "umbra/vertex/track_params.hpp"

namespace umbra::test {

template <class Runner>
class VertexFinderTest : public ::testing::Test {};
TYPED_TEST_SUITE_P(VertexFinderTest);

// Pairs are every positive with every negative track; the displaced pair is found at its truth
// position with unit pulls; prompt pairs (vertex < 1 cm) are not kept; offsets and indices agree.
TYPED_TEST_P(VertexFinderTest, FindsDisplacedScalarVertices) {
  std::vector<double> truth;
  const int n = 2000;
  const auto tracks = scalar_batch(n, 2.0, 21, &truth);
  const auto r = TypeParam::run(tracks, vertex::Options::displaced());
  // Per event: positives {0, 2, 4}, negatives {1, 3}: 6 pairs.
  EXPECT_EQ(r.summary.pairs, 6u * n);
  ASSERT_EQ(r.vertices.n_events(), std::uint64_t(n));
  int found = 0, fake = 0, fake_pointing = 0;
  double s[3] = {0, 0, 0}, s2[3] = {0, 0, 0}, m = 0, m2 = 0;
  for (int e = 0; e < n; ++e)
    for (std::uint64_t i = r.vertices.begin(e); i < r.vertices.end(e); ++i) {
      if (r.vertices.track_pos[i] != 0 || r.vertices.track_neg[i] != 1) {
        ++fake;
        fake_pointing += r.vertices.cos_pointing[i] > 0.999f;
        continue;
      }
      ++found;
      const float* v[3] = {&r.vertices.x[i], &r.vertices.y[i], &r.vertices.z[i]};
      const float var[3] = {r.vertices.cov_xx[i], r.vertices.cov_yy[i], r.vertices.cov_zz[i]};
      for (int k = 0; k < 3; ++k) {
        const double p = (*v[k] - truth[3 * e + k]) / std::sqrt(var[k]);
        s[k] += p, s2[k] += p * p;
      }
      m += r.vertices.mass_mumu[i], m2 += double(r.vertices.mass_mumu[i]) * r.vertices.mass_mumu[i];
      EXPECT_GT(r.vertices.cos_pointing[i], 0.99f);
      EXPECT_GT(r.vertices.radius[i], 0.5f);
    }
  // Efficiency: a pair at 1.0-1.5 cm may fit inside 1 cm; everything else must be found.
  EXPECT_GE(found, 0.98 * n);
  // Fakes: a prompt track crossing a displaced one beyond 1 cm with chi2 < 50 (measured 8.7%);
  // the decays come from the beam spot, and a pointing cut removes nearly all of them.
  EXPECT_LE(fake, 0.12 * n);
  EXPECT_LE(fake_pointing, 0.01 * n);
  for (int k = 0; k < 3; ++k) {
    const double mean = s[k] / found, rms = std::sqrt(s2[k] / found - mean * mean);
    EXPECT_NEAR(mean, 0.0, 0.1) << k;
    EXPECT_NEAR(rms, 1.0, 0.1) << k;
  }
  const double mm = m / found, sm = std::sqrt(m2 / found - mm * mm);
  EXPECT_NEAR(mm, 2.0, 0.005);
  EXPECT_LT(sm, 0.02);
  std::printf("S(2 GeV) -> mu mu: %d/%d found, %d fakes (%d with cos_pointing > 0.999), mass %.4f +- %.4f GeV; %s\n", found, n, fake, fake_pointing, mm, sm,
              r.summary.brief().c_str());
}

// The V0 defaults keep only masses inside the K_S / Lambda / gamma windows.
TYPED_TEST_P(VertexFinderTest, DefaultMassWindowsSelectV0s) {
  track::Tracks t;
  Philox rng(5, 0);
  for (int e = 0; e < 400; ++e) {
    TruthTrack a, b;
    const bool ks = e % 2 == 0;
    displaced_pair(ks ? 0.497611 : 2.0, ks ? constants::m_pion : constants::m_muon, 2.0, rng.uniform(5, 40),
                   rng.uniform(-0.5, 0.5), rng, a, b);
    for (const TruthTrack* x : {&a, &b}) {
      const Vec<5> p = perigee_of(*x);
      const Mat<5, 5> c = track_covariance(p, 0.3);
      append_track(t, smear(p, c, rng), c, x->charge);
    }
    t.close_event();
  }
  const auto r = TypeParam::run(t, vertex::Options{});
  int ks_found = 0, other = 0;
  for (int e = 0; e < 400; ++e) (e % 2 == 0 ? ks_found : other) += int(r.vertices.count(e));
  EXPECT_GE(ks_found, 190);  // of 200
  EXPECT_EQ(other, 0);
  EXPECT_GE(r.summary.count(vertex::PairStatus::failed_mass), 190u);
  for (std::uint64_t i = 0; i < r.vertices.size(); ++i) EXPECT_NEAR(r.vertices.mass_pipi[i], 0.4976, 0.03);
}

// Same rows as the CPU backend, element by element (float outputs of double arithmetic), without
// and with the track fit's inner material taken out of the tracks (vertex/inner_material.hpp).
TYPED_TEST_P(VertexFinderTest, AgreesWithCpuBackend) {
  const auto tracks = scalar_batch(3000, 0.5, 33, nullptr);
  for (const bool material : {false, true}) {
    SCOPED_TRACE(material ? "with track material" : "without track material");
    auto o = vertex::Options::displaced();
    if (material) o.track_material = vertex::track_material(tracker::belle2_tracker(), track::Hypothesis::muon);
    const auto ref = cpu::find_vertices(vertex::view_tracks(tracks), o);
    const auto r = TypeParam::run(tracks, o);
    ASSERT_EQ(r.vertices.event_offsets, ref.vertices.event_offsets);
    ASSERT_EQ(r.vertices.track_pos, ref.vertices.track_pos);
    ASSERT_EQ(r.vertices.track_neg, ref.vertices.track_neg);
    for (int s = 0; s < int(vertex::PairStatus::count); ++s)
      EXPECT_EQ(r.summary.by_status[s], ref.summary.by_status[s]);
    int col = 0;
    ref.vertices.for_each_column([&](const char* name, const auto& a) {
      int k = 0;
      r.vertices.for_each_column([&](const char*, const auto& b) {
        if (k++ != col) return;
        for (std::size_t i = 0; i < a.size(); ++i)
          ASSERT_NEAR(double(b[i]), double(a[i]), 1e-4 * (1 + std::fabs(double(a[i])))) << name << " row " << i;
      });
      ++col;
    });
  }
}

REGISTER_TYPED_TEST_SUITE_P(VertexFinderTest, FindsDisplacedScalarVertices, DefaultMassWindowsSelectV0s,
                            AgreesWithCpuBackend);

}  // namespace umbra::test
