#pragma once
// Calibration tables of the default configuration, committed under data/calibration/ and embedded
// in libumbra at build time (cmake/embed_data.cmake), so the executable needs no data files.
namespace umbra::analysis::embedded {
extern const char* const photon_energy_correction_csv;
extern const char* const alp_signal_table_csv;
}  // namespace umbra::analysis::embedded
