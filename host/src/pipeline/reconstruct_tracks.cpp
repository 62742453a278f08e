#include "umbra/pipeline/reconstruct_tracks.hpp"

#include "umbra/core/error.hpp"

namespace umbra::pipeline {

track::Hypothesis parse_hypothesis(const std::string& n) {
  if (n == "pi" || n == "pion") return track::Hypothesis::pion;
  if (n == "e" || n == "electron") return track::Hypothesis::electron;
  if (n == "mu" || n == "muon") return track::Hypothesis::muon;
  if (n == "K" || n == "kaon") return track::Hypothesis::kaon;
  if (n == "p" || n == "proton") return track::Hypothesis::proton;
  throw OptionsError("mass hypothesis must be pi, e, mu, K or p, not '" + n + "'");
}

}  // namespace umbra::pipeline
