// Scan input (/candidates of an umbra-events file, or a one-column CSV) and output tables
// (HDF5 via the C API, CSV, HEPData-style JSON), each written to a temporary name and renamed.
#include "umbra/scan/scan_io.hpp"

#include <hdf5.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <iomanip>
#include <nlohmann/json.hpp>
#include <sstream>

#include "umbra/core/candidates.hpp"
#include "umbra/core/error.hpp"
#include "umbra/io/event_file.hpp"

namespace umbra::scan {

Spectrum read_candidates(const std::string& path) {
  const io::EventFileReader reader(path);
  if (!reader.has_group(group::candidates))
    throw InputError("no /candidates group (run the selection first)", {path, group::candidates});
  Candidates c;
  reader.read_group(group::candidates, 0, reader.n_events(), c);
  Spectrum s{std::move(c.m2_gg), std::move(c.m2_recoil)};
  s.prepare(path);
  return s;
}

Spectrum read_values_csv(const std::string& path, Observable as) {
  std::ifstream in(path);
  if (!in) throw InputError("cannot open input", {path});
  std::vector<double> v;
  std::string line;
  std::int64_t line_no = 0;
  while (std::getline(in, line)) {
    ++line_no;
    const auto b = line.find_first_not_of(" \t\r");
    if (b == std::string::npos || line[b] == '#') continue;
    const std::string tok = line.substr(b, line.find_last_not_of(" \t\r,") - b + 1);
    char* end = nullptr;
    const double x = std::strtod(tok.c_str(), &end);
    if (end == tok.c_str() || *end != '\0') {
      if (v.empty() && line_no == 1) continue;  // header
      throw InputError("line " + std::to_string(line_no) + " is not a number: '" + tok + "'", {path, "", -1, line_no});
    }
    v.push_back(x);
  }
  Spectrum s;
  (as == Observable::m2_gg ? s.m2_gg : s.m2_recoil) = std::move(v);
  s.prepare(path);
  return s;
}

namespace {

std::string temp_name(const std::string& path) { return path + ".tmp-" + std::to_string(::getpid()); }

void commit(const std::string& tmp, const std::string& path) {
  if (std::rename(tmp.c_str(), path.c_str()) != 0) {
    std::remove(tmp.c_str());
    throw Error("cannot rename " + tmp + " to " + path, {path});
  }
}

template <class T>
std::vector<T> per_job(const ScanResult& r, T (*get)(const JobResult&)) {
  std::vector<T> v;
  v.reserve(r.jobs.size());
  for (const JobResult& j : r.jobs) v.push_back(get(j));
  return v;
}

struct H5 {
  hid_t id;
  herr_t (*close)(hid_t);
  ~H5() {
    if (id >= 0) close(id);
  }
};

void write_column(hid_t group, const char* name, const std::vector<double>& v) {
  const hsize_t n = v.size();
  H5 space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  H5 ds{H5Dcreate2(group, name, H5T_NATIVE_DOUBLE, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0 || H5Dwrite(ds.id, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error(std::string("cannot write dataset ") + name);
}
void write_column(hid_t group, const char* name, const std::vector<int>& v) {
  const hsize_t n = v.size();
  H5 space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  H5 ds{H5Dcreate2(group, name, H5T_NATIVE_INT32, space.id, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Dclose};
  if (ds.id < 0 || H5Dwrite(ds.id, H5T_NATIVE_INT32, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0)
    throw Error(std::string("cannot write dataset ") + name);
}
void write_attr(hid_t obj, const char* name, double x) {
  H5 space{H5Screate(H5S_SCALAR), H5Sclose};
  H5 a{H5Acreate2(obj, name, H5T_NATIVE_DOUBLE, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  H5Awrite(a.id, H5T_NATIVE_DOUBLE, &x);
}
void write_attr(hid_t obj, const char* name, const std::string& s) {
  H5 type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type.id, std::max<std::size_t>(s.size(), 1));
  H5 space{H5Screate(H5S_SCALAR), H5Sclose};
  H5 a{H5Acreate2(obj, name, type.id, space.id, H5P_DEFAULT, H5P_DEFAULT), H5Aclose};
  H5Awrite(a.id, type.id, s.c_str());
}

// The per-mass columns, shared by the HDF5 and CSV writers (name, values, unit).
struct NamedColumn {
  const char* name;
  const std::vector<double>* values;
  const char* unit;
};
std::vector<NamedColumn> mass_columns(const ScanResult& r) {
  return {{"mass", &r.mass, "GeV"},
          {"efficiency", &r.efficiency, ""},
          {"n_sig", &r.n_sig, "events"},
          {"n_sig_err", &r.n_sig_err, "events"},
          {"significance", &r.significance, "sigma (smallest over variants)"},
          {"limit_obs", &r.limit_obs, "events (least stringent over variants)"},
          {"limit_exp_m2", &r.limit_exp_m2, "events"},
          {"limit_exp_m1", &r.limit_exp_m1, "events"},
          {"limit_exp_median", &r.limit_exp_median, "events"},
          {"limit_exp_p1", &r.limit_exp_p1, "events"},
          {"limit_exp_p2", &r.limit_exp_p2, "events"},
          {"xsec_obs", &r.xsec_obs, "pb"},
          {"xsec_exp_median", &r.xsec_exp_median, "pb"},
          {"g_obs", &r.g_obs, "GeV^-1"},
          {"g_exp_median", &r.g_exp_median, "GeV^-1"},
          {"g_exp_m2", &r.g_exp_m2, "GeV^-1"},
          {"g_exp_m1", &r.g_exp_m1, "GeV^-1"},
          {"g_exp_p1", &r.g_exp_p1, "GeV^-1"},
          {"g_exp_p2", &r.g_exp_p2, "GeV^-1"},
          {"chi2_ndf", &r.chi2_ndf, ""}};
}

struct VariantColumns {
  std::vector<double> mass, range_delta, window_lo, window_hi, n_sig, n_sig_err, significance, limit_obs, exp_median,
      exp_m1, exp_p1, exp_m2, exp_p2, chi2_ndf, nll_sb, nll_b, limit_unconstrained;
  std::vector<int> variant, order_delta, order, n_bins, n_events, status, fits, failed, retried, observable;
};
VariantColumns variant_columns(const ScanResult& r) {
  VariantColumns c;
  const std::size_t nv = r.variants.size();
  for (std::size_t j = 0; j < r.jobs.size(); ++j) {
    const JobResult& x = r.jobs[j];
    const Variant& v = r.variants[j % nv];
    c.mass.push_back(x.window.mass), c.variant.push_back(int(j % nv));
    c.range_delta.push_back(v.range_delta_sigma), c.order_delta.push_back(v.order_delta);
    c.observable.push_back(int(x.window.observable));
    c.window_lo.push_back(x.window.lo), c.window_hi.push_back(x.window.hi), c.order.push_back(x.window.order);
    c.n_bins.push_back(x.n_bins), c.n_events.push_back(int(x.n_events));
    c.n_sig.push_back(x.n_sig), c.n_sig_err.push_back(x.n_sig_err), c.significance.push_back(x.significance);
    c.limit_obs.push_back(x.limit_obs), c.exp_median.push_back(x.limit_exp[2]);
    c.limit_unconstrained.push_back(x.limit_obs_unconstrained);
    c.exp_m2.push_back(x.limit_exp[0]), c.exp_m1.push_back(x.limit_exp[1]);
    c.exp_p1.push_back(x.limit_exp[3]), c.exp_p2.push_back(x.limit_exp[4]);
    c.chi2_ndf.push_back(x.chi2_ndf), c.nll_sb.push_back(x.nll_sb), c.nll_b.push_back(x.nll_b);
    c.status.push_back(int(x.status)), c.fits.push_back(x.fits), c.failed.push_back(x.failed_fits);
    c.retried.push_back(x.retried_fits);
  }
  return c;
}

}  // namespace

void write_hdf5(const std::string& path, const ScanResult& r, const ScanOptions& opt) {
  const std::string tmp = temp_name(path);
  {
    H5 file{H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose};
    if (file.id < 0) throw Error("cannot create " + tmp, {path});
    write_attr(file.id, "format", std::string("umbra-scan"));
    write_attr(file.id, "version", 1.0);
    H5 scan{H5Gcreate2(file.id, "/scan", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
    for (const NamedColumn& c : mass_columns(r)) write_column(scan.id, c.name, *c.values);
    write_column(scan.id, "observable", r.observable);
    write_column(scan.id, "status", r.status);
    write_attr(scan.id, "lumi_inv_pb", opt.lumi);
    write_attr(scan.id, "cl", opt.cl);
    write_attr(scan.id, "eff_rel_unc", opt.eff_rel_unc);
    write_attr(scan.id, "sigma_rel_unc", opt.sigma_rel_unc);
    write_attr(scan.id, "observable_codes", std::string("0 = m2_gg, 1 = m2_recoil"));
    write_attr(scan.id, "status_codes", std::string("0 ok, 1 ok_after_retry, 2 failed, 3 empty_window"));
    write_attr(scan.id, "max_significance", r.max_significance);
    write_attr(scan.id, "mass_at_max", r.mass_at_max);
    write_attr(scan.id, "p_local", r.p_local);
    write_attr(scan.id, "p_global_gross_vitells", r.p_global);
    write_attr(scan.id, "z_global_gross_vitells", r.z_global);
    write_attr(scan.id, "upcrossings", double(r.upcrossings));
    write_attr(scan.id, "gv_reference_q0", r.gv_reference_q0);
    write_attr(scan.id, "global_toys", double(r.global_toys));
    write_attr(scan.id, "p_global_toys", r.p_global_toys);
    write_attr(scan.id, "z_global_toys", r.z_global_toys);
    const VariantColumns c = variant_columns(r);
    H5 var{H5Gcreate2(file.id, "/scan/variants", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
    write_column(var.id, "mass", c.mass), write_column(var.id, "variant", c.variant);
    write_column(var.id, "range_delta_sigma", c.range_delta), write_column(var.id, "order_delta", c.order_delta);
    write_column(var.id, "observable", c.observable);
    write_column(var.id, "window_lo", c.window_lo), write_column(var.id, "window_hi", c.window_hi);
    write_column(var.id, "order", c.order), write_column(var.id, "n_bins", c.n_bins);
    write_column(var.id, "n_events", c.n_events), write_column(var.id, "n_sig", c.n_sig);
    write_column(var.id, "n_sig_err", c.n_sig_err), write_column(var.id, "significance", c.significance);
    write_column(var.id, "limit_obs", c.limit_obs), write_column(var.id, "limit_exp_median", c.exp_median);
    write_column(var.id, "limit_exp_m2", c.exp_m2), write_column(var.id, "limit_exp_m1", c.exp_m1);
    write_column(var.id, "limit_exp_p1", c.exp_p1), write_column(var.id, "limit_exp_p2", c.exp_p2);
    write_column(var.id, "chi2_ndf", c.chi2_ndf), write_column(var.id, "nll_sb", c.nll_sb);
    write_column(var.id, "nll_b", c.nll_b), write_column(var.id, "status", c.status);
    write_column(var.id, "fits", c.fits), write_column(var.id, "failed_fits", c.failed);
    write_column(var.id, "retried_fits", c.retried);
    write_column(var.id, "limit_obs_unconstrained", c.limit_unconstrained);  // before the power constraint
  }
  commit(tmp, path);
}

void write_csv(const std::string& path, const ScanResult& r) {
  const std::string tmp = temp_name(path);
  {
    std::ofstream out(tmp);
    if (!out) throw Error("cannot create " + tmp, {path});
    out << std::setprecision(10);
    const auto cols = mass_columns(r);
    for (const NamedColumn& c : cols) out << c.name << ",";
    out << "observable,status\n";
    for (std::size_t m = 0; m < r.mass.size(); ++m) {
      for (const NamedColumn& c : cols) out << (*c.values)[m] << ",";
      out << to_string(Observable(r.observable[m])) << "," << to_string(FitStatus(r.status[m])) << "\n";
    }
    if (!out) throw Error("cannot write " + tmp, {path});
  }
  commit(tmp, path);

  const std::string vpath = (path.size() > 4 && path.substr(path.size() - 4) == ".csv" ? path.substr(0, path.size() - 4) : path) +
                            "_variants.csv";
  const std::string vtmp = temp_name(vpath);
  {
    std::ofstream out(vtmp);
    if (!out) throw Error("cannot create " + vtmp, {vpath});
    out << std::setprecision(10);
    out << "mass,variant,range_delta_sigma,order_delta,observable,window_lo,window_hi,order,n_bins,n_events,n_sig,"
           "n_sig_err,significance,limit_obs,limit_exp_median,limit_exp_m1,limit_exp_p1,chi2_ndf,status,fits,"
           "failed_fits,retried_fits,limit_obs_unconstrained\n";
    const VariantColumns c = variant_columns(r);
    for (std::size_t j = 0; j < c.mass.size(); ++j)
      out << c.mass[j] << "," << c.variant[j] << "," << c.range_delta[j] << "," << c.order_delta[j] << ","
          << to_string(Observable(c.observable[j])) << "," << c.window_lo[j] << "," << c.window_hi[j] << ","
          << c.order[j] << "," << c.n_bins[j] << "," << c.n_events[j] << "," << c.n_sig[j] << "," << c.n_sig_err[j]
          << "," << c.significance[j] << "," << c.limit_obs[j] << "," << c.exp_median[j] << "," << c.exp_m1[j] << ","
          << c.exp_p1[j] << "," << c.chi2_ndf[j] << "," << to_string(FitStatus(c.status[j])) << "," << c.fits[j]
          << "," << c.failed[j] << "," << c.retried[j] << "," << c.limit_unconstrained[j] << "\n";
  }
  commit(vtmp, vpath);
}

void write_hepdata_json(const std::string& path, const ScanResult& r, const ScanOptions& opt) {
  using nlohmann::json;
  auto values = [](const std::vector<double>& v) {
    json a = json::array();
    for (double x : v) a.push_back({{"value", std::isfinite(x) ? json(x) : json("-")}});
    return a;
  };
  auto with_band = [&](const std::vector<double>& med, const std::vector<double>& m1, const std::vector<double>& p1,
                       const std::vector<double>& m2, const std::vector<double>& p2) {
    json a = json::array();
    for (std::size_t i = 0; i < med.size(); ++i)
      a.push_back({{"value", med[i]},
                   {"errors", {{{"asymmetric", {{"minus", m1[i] - med[i]}, {"plus", p1[i] - med[i]}}}, {"label", "1 sigma"}},
                               {{"asymmetric", {{"minus", m2[i] - med[i]}, {"plus", p2[i] - med[i]}}}, {"label", "2 sigma"}}}}});
    return a;
  };
  const json quals = {{{"name", "SQRT(S)"}, {"units", "GEV"}, {"value", 10.58}},
                      {{"name", "LUMINOSITY"}, {"units", "PB-1"}, {"value", opt.lumi}},
                      {{"name", "CL"}, {"value", std::to_string(int(std::lround(opt.cl * 100))) + "%"}}};
  auto dep = [&](const std::string& name, const std::string& units, json vals) {
    return json{{"header", {{"name", name}, {"units", units}}}, {"qualifiers", quals}, {"values", std::move(vals)}};
  };
  std::vector<double> sig_m1, sig_p1, sig_m2, sig_p2;
  for (std::size_t m = 0; m < r.mass.size(); ++m) {
    const double k = r.xsec_exp_median[m] / (r.limit_exp_median[m] != 0 ? r.limit_exp_median[m] : 1);
    sig_m1.push_back(r.limit_exp_m1[m] * k), sig_p1.push_back(r.limit_exp_p1[m] * k);
    sig_m2.push_back(r.limit_exp_m2[m] * k), sig_p2.push_back(r.limit_exp_p2[m] * k);
  }
  json doc = {
      {"independent_variables", {{{"header", {{"name", "m_a"}, {"units", "GEV"}}}, {"values", values(r.mass)}}}},
      {"dependent_variables",
       {dep("Local significance (smallest over variants)", "", values(r.significance)),
        dep("Observed upper limit on sigma(e+e- -> gamma a) x BF(a -> gamma gamma)", "PB", values(r.xsec_obs)),
        dep("Expected upper limit on sigma(e+e- -> gamma a) x BF(a -> gamma gamma)", "PB",
            with_band(r.xsec_exp_median, sig_m1, sig_p1, sig_m2, sig_p2)),
        dep("Observed upper limit on g_agg", "GEV-1", values(r.g_obs)),
        dep("Expected upper limit on g_agg", "GEV-1",
            with_band(r.g_exp_median, r.g_exp_m1, r.g_exp_p1, r.g_exp_m2, r.g_exp_p2))}},
      {"global_significance",
       {{"max_local_significance", r.max_significance},
        {"mass_at_max", r.mass_at_max},
        {"p_local", r.p_local},
        {"p_global_gross_vitells", r.p_global},
        {"z_global_gross_vitells", r.z_global},
        {"upcrossings", r.upcrossings},
        {"reference_q0", r.gv_reference_q0},
        {"global_toys", r.global_toys},
        {"p_global_toys", r.p_global_toys},
        {"z_global_toys", r.z_global_toys}}}};
  const std::string tmp = temp_name(path);
  {
    std::ofstream out(tmp);
    if (!out) throw Error("cannot create " + tmp, {path});
    out << doc.dump(1) << "\n";
    if (!out) throw Error("cannot write " + tmp, {path});
  }
  commit(tmp, path);
}

}  // namespace umbra::scan
