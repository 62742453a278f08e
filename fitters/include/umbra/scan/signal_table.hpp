#pragma once
// Signal shape and efficiency as functions of the ALP mass, interpolated linearly from a table
// made from simulation (issue 10 writes it). CSV columns, one row per mass, header line optional:
//   mass [GeV], efficiency, sigma [GeV^2, core width in the observable used at that mass],
//   alpha, n [, alpha2, n2]   (alpha2/n2 present and alpha2 > 0: double-sided Crystal Ball)
// Host-only (std::vector); per-fit code receives the interpolated CrystalBallShape by value.

#include <iosfwd>
#include <string>
#include <vector>

namespace umbra::scan {

struct SignalPoint {
  double mass = 0, efficiency = 0, sigma = 0, alpha = 1, n = 3;
  double alpha2 = 0, n2 = 3;  // alpha2 <= 0: single-sided
};

class SignalTable {
 public:
  SignalTable() = default;
  /// Throws umbra::InputError (naming `source` and the row) on unsorted masses, efficiency outside
  /// (0, 1], sigma <= 0, alpha <= 0 or n <= 1, or fewer than 2 rows.
  explicit SignalTable(std::vector<SignalPoint> rows, const std::string& source = "signal table");
  static SignalTable read_csv(const std::string& path);
  /// The same from a stream; `source` names it in errors.
  static SignalTable parse_csv(std::istream& in, const std::string& source);
  /// A smooth placeholder until the calibration of issue 10 exists (approximate numbers, see the
  /// .cpp): efficiency 0.25-0.35, sigma_m ~ 8 MeV + 0.2% m for M^2_gg and a photon-energy-driven
  /// recoil width above `switch_mass`, single-sided CB below and double-sided above.
  static SignalTable default_table(double switch_mass = 6.85);

  bool covers(double mass) const;
  /// Linear interpolation; throws InputError if `mass` is outside the table.
  SignalPoint at(double mass) const;
  const std::vector<SignalPoint>& rows() const { return rows_; }
  const std::string& source() const { return source_; }

 private:
  std::vector<SignalPoint> rows_;
  std::string source_;
};

}  // namespace umbra::scan
