#pragma once
// Writing the scan's tables (host/src/scan/scan_io.cpp). Every writer writes "<path>.tmp-<pid>"
// and renames it into place, so `path` never holds a half-written file.
//   HDF5: /scan (one row per mass) and /scan/variants (one row per mass x variant), 1-D columns,
//         attributes for the options and the global significance.
//   CSV:  the per-mass table with a header line; "<stem>_variants.csv" beside it for the variants.
//   JSON: HEPData-style {independent_variables, dependent_variables} tables.

#include <string>

#include "umbra/scan/scan.hpp"

namespace umbra::scan {

void write_hdf5(const std::string& path, const ScanResult& r, const ScanOptions& opt);
void write_csv(const std::string& path, const ScanResult& r);
void write_hepdata_json(const std::string& path, const ScanResult& r, const ScanOptions& opt);

}  // namespace umbra::scan
