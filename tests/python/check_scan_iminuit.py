"""Cross-check of umbra's binned scan fit against an independent minimiser (iminuit).

`umbra scan --dump-fit` writes one window's histogram and its Ceres fits as JSON; here the same
extended binned Poisson NLL is written again from the formulas (numpy/scipy: Crystal Ball via erf
and the power-law tails, Chebyshev integrals via numpy.polynomial) and minimised with MIGRAD from a
generic start. NLL minima and parameters must agree within 1e-4 relative (a parameter's scale is
max(|value|, its uncertainty), so that parameters near zero are compared on their own scale).
Registered in CTest by tests/scan/CMakeLists.txt (UMBRA_CLI = the umbra executable).
"""
import json
import os
import subprocess

import numpy as np
import pytest
from iminuit import Minuit
from numpy.polynomial import chebyshev as C
from scipy import integrate
from scipy.special import erf

UMBRA = os.environ.get("UMBRA_CLI", "umbra")


@np.errstate(divide="ignore", invalid="ignore")  # np.where evaluates the tails everywhere
def cb_unnormalised(t, a, n, a2, n2):
    t = np.asarray(t, dtype=float)
    g = np.exp(-0.5 * t * t)
    lo = t < -a
    g = np.where(lo, (n / a) ** n * np.exp(-0.5 * a * a) * np.abs(n / a - a - t) ** (-n), g)
    if a2 > 0:
        hi = t > a2
        g = np.where(hi, (n2 / a2) ** n2 * np.exp(-0.5 * a2 * a2) * np.abs(n2 / a2 - a2 + t) ** (-n2), g)
    return g


def cb_cdf(t, a, n, a2, n2):
    """Integral of the unnormalised shape from -inf to t."""
    t = np.asarray(t, dtype=float)
    A = (n / a) ** n * np.exp(-0.5 * a * a)
    B = n / a - a
    left_total = A * (B + a) ** (1 - n) / (n - 1)
    core = lambda x: np.sqrt(np.pi / 2) * (erf(x / np.sqrt(2)) - erf(-a / np.sqrt(2)))
    out = np.where(t <= -a, A * np.abs(B - t) ** (1 - n) / (n - 1), left_total + core(t))
    if a2 > 0:
        A2 = (n2 / a2) ** n2 * np.exp(-0.5 * a2 * a2)
        B2 = n2 / a2 - a2
        right = lambda x: A2 / (n2 - 1) * ((B2 + a2) ** (1 - n2) - np.abs(B2 + x) ** (1 - n2))
        out = np.where(t > a2, left_total + core(a2) + right(t), out)
    return out


class BinnedModel:
    def __init__(self, d):
        self.edges = np.array(d["edges"])
        self.counts = np.array(d["counts"])
        self.lo, self.hi, self.order = d["lo"], d["hi"], d["order"]
        s = d["shape"]
        self.mean, self.sigma0 = s["mean"], s["sigma"]
        self.tail = (s["alpha_lo"], s["n_lo"], s["alpha_hi"], s["n_hi"])
        self.reff, self.rsig = d["eff_rel_unc"], d["sigma_rel_unc"]
        assert d["basis"] == "chebyshev"
        u = 2 * (self.edges - self.lo) / (self.hi - self.lo) - 1
        # Chebyshev T_k integrated over each bin in x, divided by the window width (so c_0 = events).
        self.basis = np.array([np.diff(C.chebval(u, C.chebint(np.eye(self.order + 1)[k]))) / 2
                               for k in range(self.order + 1)])

    def expected(self, p):
        n_sig, th_eff, th_res = p[0], p[1], p[2]
        sigma = self.sigma0 * max(1 + self.rsig * th_res, 0.2)
        t = (self.edges - self.mean) / sigma
        g = cb_cdf(t, *self.tail)
        frac = np.diff(g) / (g[-1] - g[0])
        return n_sig * (1 + self.reff * th_eff) * frac + np.asarray(p[3:]) @ self.basis

    def nll(self, p):
        nu = np.maximum(self.expected(p), 1e-12)
        n = self.counts
        safe = np.where(n > 0, n, 1.0)
        return float(np.sum(nu - n + np.where(n > 0, n * np.log(safe / nu), 0.0)) + 0.5 * (p[1] ** 2 + p[2] ** 2))


@pytest.fixture(scope="module")
def dumped(tmp_path_factory):
    rng = np.random.default_rng(20240611)
    lo, hi = 0.55, 1.65
    # falling background + a Crystal Ball-like peak at M^2 = 1 GeV^2 (sigma 0.02 GeV^2)
    x = lo + (hi - lo) * rng.power(0.7, 30000)[::-1]
    x = hi - (x - lo)
    sig = rng.normal(1.0, 0.02, 400)
    vals = np.concatenate([x, sig])
    path = tmp_path_factory.mktemp("scan") / "toy.csv"
    np.savetxt(path, vals, header="m2_gg", comments="")
    out = path.with_name("fit.json")
    subprocess.run([UMBRA, "scan", "--input", str(path), "--observable", "m2_gg", "--dump-fit", str(out),
                    "--dump-mass", "1.0"], check=True)
    with open(out) as f:
        return json.load(f)


def test_primitive_matches_quadrature(dumped):
    s = dumped["shape"]
    for tail in [(s["alpha_lo"], s["n_lo"], 0.0, 3.0), (1.3, 4.0, 1.6, 6.0)]:
        for a, b in [(-20, 30), (-3, 0.5), (0.2, 8)]:
            num, _ = integrate.quad(lambda t: cb_unnormalised(t, *tail), a, b, limit=200,
                                    points=[p for p in (-tail[0], tail[2]) if a < p < b])
            assert cb_cdf(b, *tail) - cb_cdf(a, *tail) == pytest.approx(num, rel=1e-9)


def minimise(model, fix_yield):
    n_par = 3 + model.order + 1
    start = np.zeros(n_par)
    start[3] = model.counts.sum()  # generic start: flat background, no signal
    m = Minuit(lambda p: model.nll(p), start)
    m.errordef = Minuit.LIKELIHOOD
    m.strategy = 2
    m.tol = 1e-6
    if fix_yield:
        m.fixed[0] = m.fixed[1] = m.fixed[2] = True
    for _ in range(3):
        m.migrad(ncall=200000)
        if m.valid:
            break
    assert m.valid
    return m


@pytest.mark.parametrize("which", ["background_only", "signal_plus_background"])
def test_nll_minimum_and_parameters_agree_with_iminuit(dumped, which):
    model = BinnedModel(dumped)
    ref = dumped[which]
    assert ref["status"] == "ok"
    m = minimise(model, fix_yield=(which == "background_only"))
    nll_min = m.fval
    # the NLL at umbra's parameters, evaluated by this independent code, and the minima
    assert model.nll(np.array(ref["params"])) == pytest.approx(ref["nll"], rel=1e-9)
    assert nll_min == pytest.approx(ref["nll"], rel=1e-4)
    errors = np.array(m.errors)
    worst = max(abs(a - b) / max(abs(b), e) for a, b, e, f in zip(ref["params"], m.values, errors, m.fixed) if not f)
    print(f"{which}: NLL umbra {ref['nll']:.10f} iminuit {nll_min:.10f} (rel {abs(nll_min / ref['nll'] - 1):.2e}); "
          f"largest parameter difference {worst:.2e} of its scale")
    for k, (a, b) in enumerate(zip(ref["params"], m.values)):
        if m.fixed[k]:
            continue
        scale = max(abs(b), errors[k])
        assert abs(a - b) <= 1e-4 * scale, f"parameter {k}: umbra {a} iminuit {b} (+- {errors[k]})"
    if which == "signal_plus_background":
        # Ceres' covariance (inverse Fisher information) vs MIGRAD's (inverse Hessian): same to a few %.
        assert ref["errors"][0] == pytest.approx(errors[0], rel=0.05)
        assert ref["params"][0] > 5 * ref["errors"][0]
