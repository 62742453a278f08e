// umbra.scan: the mass-scan orchestrator (scan::run_scan) with the CLI's options. The result's
// per-mass columns come back as numpy views onto the C++ ScanResult (kept alive by the arrays).
#include <nanobind/stl/string.h>
#include <nanobind/stl/vector.h>

#include <memory>

#include "array_view.hpp"
#include "backends.hpp"
#include "bindings.hpp"
#include "umbra/core/error.hpp"
#include "umbra/scan/scan.hpp"
#include "umbra/scan/scan_io.hpp"

namespace umbra::python {
namespace {

using namespace umbra::scan;

nb::dict result_dict(std::unique_ptr<ScanResult> r) {
  ScanResult& s = *r;
  nb::capsule owner = owning_capsule(std::move(r));
  nb::dict d;
#define UMBRA_COLUMN(name) d[#name] = array_view(s.name, owner);
  UMBRA_COLUMN(mass) UMBRA_COLUMN(observable) UMBRA_COLUMN(efficiency) UMBRA_COLUMN(n_sig) UMBRA_COLUMN(n_sig_err)
  UMBRA_COLUMN(significance) UMBRA_COLUMN(limit_obs) UMBRA_COLUMN(limit_exp_m2) UMBRA_COLUMN(limit_exp_m1)
  UMBRA_COLUMN(limit_exp_median) UMBRA_COLUMN(limit_exp_p1) UMBRA_COLUMN(limit_exp_p2) UMBRA_COLUMN(xsec_obs)
  UMBRA_COLUMN(xsec_exp_median) UMBRA_COLUMN(g_obs) UMBRA_COLUMN(g_exp_median) UMBRA_COLUMN(g_exp_m1)
  UMBRA_COLUMN(g_exp_p1) UMBRA_COLUMN(g_exp_m2) UMBRA_COLUMN(g_exp_p2) UMBRA_COLUMN(chi2_ndf) UMBRA_COLUMN(status)
#undef UMBRA_COLUMN
  d["max_significance"] = s.max_significance, d["mass_at_max"] = s.mass_at_max;
  d["p_local"] = s.p_local, d["p_global"] = s.p_global, d["z_global"] = s.z_global;
  d["upcrossings"] = s.upcrossings, d["n_variants"] = s.variants.size();
  return d;
}

using Values = nb::ndarray<const double, nb::ndim<1>, nb::c_contig, nb::device::cpu>;

nb::dict run(Values m2_gg, Values m2_recoil, const std::string& input,
             const std::string& observable, const std::string& eff_table, const std::string& basis, bool unbinned,
             bool nominal_only, nb::dict numbers, std::vector<double> masses, const std::string& output,
             const std::string& backend) {
  if (parse_backend(backend) != Backend::Cpu) throw OptionsError("backend 'cuda': the scan runs on the CPU backend only");
  ScanOptions o;
  if (observable != "auto" && observable != "m2_gg" && observable != "m2_recoil")
    throw OptionsError("scan: observable '" + observable + "': expected auto, m2_gg or m2_recoil");
  if (basis != "chebyshev" && basis != "bernstein")
    throw OptionsError("scan: basis '" + basis + "': expected chebyshev or bernstein");
  o.observable = observable == "m2_gg"       ? ObservableChoice::m2_gg
                 : observable == "m2_recoil" ? ObservableChoice::m2_recoil
                                             : ObservableChoice::automatic;
  o.basis = basis == "bernstein" ? Basis::bernstein : Basis::chebyshev;
  o.binned = !unbinned;
  if (nominal_only) o.variants = {Variant{}};
  o.masses = std::move(masses);
  // Numeric options by their C++ names (the façade maps the CLI's names onto these).
  for (auto [k, v] : numbers) {
    const std::string key = nb::cast<std::string>(k);
    const double x = nb::cast<double>(v);
    if (key == "mass_min") o.mass_min = x;
    else if (key == "mass_max") o.mass_max = x;
    else if (key == "step_fraction") o.step_fraction = x;
    else if (key == "switch_mass") o.switch_mass = x;
    else if (key == "bins_per_sigma") o.bins_per_sigma = x;
    else if (key == "lumi") o.lumi = x;
    else if (key == "eff_rel_unc") o.eff_rel_unc = x;
    else if (key == "sigma_rel_unc") o.sigma_rel_unc = x;
    else if (key == "cl") o.cl = x;
    else throw OptionsError("scan: unknown option '" + key + "'");
  }
  if (const std::string why = o.validate(); !why.empty()) throw OptionsError("scan: " + why);
  const SignalTable table = eff_table.empty() ? SignalTable::default_table(o.switch_mass) : SignalTable::read_csv(eff_table);
  Spectrum spectrum;
  if (!input.empty()) {
    const bool csv = input.size() > 4 && (input.ends_with(".csv") || input.ends_with(".txt"));
    spectrum = csv ? read_values_csv(input, observable == "m2_recoil" ? Observable::m2_recoil : Observable::m2_gg)
                   : read_candidates(input);
  } else {
    spectrum.m2_gg.assign(m2_gg.data(), m2_gg.data() + m2_gg.shape(0));
    spectrum.m2_recoil.assign(m2_recoil.data(), m2_recoil.data() + m2_recoil.shape(0));
  }
  auto r = std::make_unique<ScanResult>();
  ScanSummary summary;
  {
    nb::gil_scoped_release release;
    *r = run_scan(std::move(spectrum), table, o, &summary);
    if (!output.empty()) {
      const std::string stem = output.ends_with(".h5") ? output.substr(0, output.size() - 3) : output;
      write_hdf5(output, *r, o);
      write_csv(stem + ".csv", *r);
      write_hepdata_json(stem + ".json", *r, o);
    }
  }
  nb::dict d = result_dict(std::move(r));
  d["brief"] = summary.brief();
  d["fits"] = summary.fits, d["failed_fits"] = summary.failed_fits;
  return d;
}

}  // namespace

void bind_scan(nb::module_& m) {
  m.def("_scan", &run, nb::arg("m2_gg"), nb::arg("m2_recoil"), nb::arg("input"), nb::arg("observable"),
        nb::arg("eff_table"), nb::arg("basis"), nb::arg("unbinned"), nb::arg("nominal_only"), nb::arg("numbers"),
        nb::arg("masses"), nb::arg("output"), nb::arg("backend"));
}

}  // namespace umbra::python
