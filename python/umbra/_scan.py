"""umbra.scan: the mass scan (signal + background fits per mass hypothesis and systematic
variant; local/global significance; observed and expected 95% CL limits on yield,
cross-section and coupling) with the options of `umbra scan`."""

import numpy as np

from ._core import _scan

_NUMBERS = {"mass_min": "mass_min", "mass_max": "mass_max", "step": "step_fraction", "switch_mass": "switch_mass",
            "bins_per_sigma": "bins_per_sigma", "lumi": "lumi", "eff_unc": "eff_rel_unc",
            "sigma_unc": "sigma_rel_unc", "cl": "cl"}


def scan(input=None, *, m2_gg=None, m2_recoil=None, observable="auto", eff_table=None, masses=None,
         basis="chebyshev", unbinned=False, nominal_only=False, output=None, backend="cpu", **numbers):
    """Runs the scan on `input` (an umbra-events file with /candidates, or a one-column .csv) or
    on arrays m2_gg / m2_recoil [GeV^2].

    Keywords as the CLI: mass_min, mass_max, step (grid step in units of the mass resolution),
    masses (explicit grid), switch_mass, basis, bins_per_sigma, unbinned, nominal_only, eff_unc,
    sigma_unc, lumi [pb^-1], eff_table (csv), cl, output (.h5, with .csv and .json beside it).
    Returns a dict: per-mass numpy arrays (views onto the C++ result: mass, significance,
    limit_obs, limit_exp_*, g_obs, g_exp_*, xsec_*, ...) and scalars (max_significance,
    z_global, ...). umbra.plot.scan_summary(result) draws it. Bad options raise umbra.OptionsError."""
    unknown = sorted(set(numbers) - set(_NUMBERS))
    if unknown:
        raise TypeError(f"scan(): unknown options {unknown}")
    if (input is None) == (m2_gg is None and m2_recoil is None):
        from ._core import OptionsError
        raise OptionsError("scan: give input=path or m2_gg/m2_recoil arrays")
    values = lambda a: np.ascontiguousarray([] if a is None else a, dtype=np.float64).ravel()
    return _scan(values(m2_gg), values(m2_recoil), "" if input is None else str(input), observable,
                 "" if eff_table is None else str(eff_table), basis, unbinned, nominal_only,
                 {_NUMBERS[k]: float(v) for k, v in numbers.items()}, [] if masses is None else [float(m) for m in masses],
                 "" if output is None else str(output), backend)
