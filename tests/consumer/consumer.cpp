// Uses the installed library: geometry, the CPU backend and the event-file writer/reader.
#include <cstdio>
#include <filesystem>

#include "umbra/cpu/digit_kinematics.hpp"
#include "umbra/geometry/ecl_geometry.hpp"
#include "umbra/io/event_file.hpp"

int main() {
  const umbra::ecl::EclGeometry geo;
  umbra::EventBatch batch;
  batch.digits.push_back(4000, 1.0f, 0.0f);
  batch.digits.close_event();
  batch.hits.close_event();
  batch.mc.close_event();
  const auto k = umbra::cpu::digit_kinematics(geo, batch.digits);
  const auto path = (std::filesystem::temp_directory_path() / "umbra_consumer.h5").string();
  umbra::io::write_events(path, batch);
  const umbra::io::EventFileReader reader(path);
  std::filesystem::remove(path);
  const bool ok = reader.n_events() == 1 && k.event_energy[0] == 1.0;
  std::printf("consumer: %s (events %llu, energy %.3f GeV)\n", ok ? "ok" : "FAILED",
              static_cast<unsigned long long>(reader.n_events()), k.event_energy[0]);
  return ok ? 0 : 1;
}
