"""Plots for the mass scan (matplotlib; safe without a display: figures are made through the
object API, never pyplot's global state). Every function takes plain arrays, returns the
matplotlib Figure, and writes it when `path` is given.

    fig = umbra.plot.coupling_limit(mass, g_obs, expected=(med, m1, p1, m2, p2),
                                    reference="belle2", path="limit.png")

Scan results (a mapping or an object with the ScanResult field names: mass, significance,
limit_obs, limit_exp_median, ..., g_obs, g_exp_median, ...) go through `scan_summary`.
"""

import csv
from importlib import resources

import numpy as np
from matplotlib.figure import Figure

_GREEN, _YELLOW = "#00cc00", "#ffcc00"  # the conventional Brazil-band colours


def _figure(ax, figsize=(6.4, 4.4)):
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def _finish(fig, path):
    if path is not None:
        fig.savefig(path, dpi=120)
    return fig


def reference_limit():
    """Belle II's published observed 95% CL limit on g_agammagamma [GeV^-1] vs m_a [GeV]
    (PRL 125, 161806 (2020); source comment lines kept in umbra/data/)."""
    text = resources.files("umbra").joinpath("data/belle2_alp_limit_observed.csv").read_text()
    rows = [r for r in csv.reader(line for line in text.splitlines() if line and not line.startswith("#"))]
    values = np.array([[float(v) for v in r] for r in rows[1:]])
    return values[:, 0], values[:, 1]


def spectrum(values=None, bins=50, range=None, *, counts=None, edges=None, fit=None, background=None,
             xlabel=r"$M^2_{\gamma\gamma}$ [GeV$^2$]", label="data", ax=None, path=None):
    """Data points with Poisson (sqrt N) errors and optional fit curves.

    values: unbinned values (histogrammed with bins/range), or give counts + edges directly.
    fit, background: (x, y) curves in events per bin, or callables y(x) evaluated on a fine grid."""
    if values is not None:
        counts, edges = np.histogram(np.asarray(values), bins=bins, range=range)
    counts, edges = np.asarray(counts, dtype=float), np.asarray(edges, dtype=float)
    fig, ax = _figure(ax)
    centres = 0.5 * (edges[1:] + edges[:-1])
    ax.errorbar(centres, counts, yerr=np.sqrt(counts), xerr=0.5 * np.diff(edges), fmt="o", ms=3, color="k",
                label=label)
    x = np.linspace(edges[0], edges[-1], 400)
    for curve, style, name in ((background, dict(color="tab:blue", ls="--"), "background"),
                               (fit, dict(color="tab:red"), "signal + background")):
        if curve is None:
            continue
        cx, cy = (x, curve(x)) if callable(curve) else (np.asarray(curve[0]), np.asarray(curve[1]))
        ax.plot(cx, cy, label=name, **style)
    ax.set_xlabel(xlabel)
    ax.set_ylabel("events / bin")
    ax.set_xlim(edges[0], edges[-1])
    ax.set_ylim(bottom=0)
    ax.legend()
    return _finish(fig, path)


def significance(mass, z, *, global_z=None, lines=(3, 5), xlabel=r"$m_a$ [GeV]", ax=None, path=None):
    """Local significance Z vs mass with reference lines (and the global Z in the legend)."""
    fig, ax = _figure(ax)
    label = "local" if global_z is None else f"local (global max Z = {global_z:.2f})"
    ax.plot(mass, z, color="k", lw=1, label=label)
    for level in lines:
        ax.axhline(level, color="tab:red", ls=":", lw=1)
        ax.text(np.min(mass), level, f" {level}$\\sigma$", va="bottom", color="tab:red")
    ax.set_xlabel(xlabel)
    ax.set_ylabel("local significance $Z$ [$\\sigma$]")
    ax.legend()
    return _finish(fig, path)


def brazil(mass, median, one_sigma, two_sigma, observed=None, *, ylabel="95% CL upper limit on $N_{sig}$",
           xlabel=r"$m_a$ [GeV]", logy=False, ax=None, path=None):
    """Expected limit (median, +-1 sigma green, +-2 sigma yellow) and the observed limit.
    one_sigma, two_sigma: (low, high) pairs of arrays."""
    fig, ax = _figure(ax)
    ax.fill_between(mass, two_sigma[0], two_sigma[1], color=_YELLOW, lw=0, label=r"expected $\pm 2\sigma$")
    ax.fill_between(mass, one_sigma[0], one_sigma[1], color=_GREEN, lw=0, label=r"expected $\pm 1\sigma$")
    ax.plot(mass, median, color="k", ls="--", lw=1, label="expected (median)")
    if observed is not None:
        ax.plot(mass, observed, color="k", lw=1.2, label="observed")
    if logy:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return _finish(fig, path)


def coupling_limit(mass, g_observed, *, expected=None, reference="belle2", reference_label=None,
                   xlabel=r"$m_a$ [GeV]", ylabel=r"$g_{a\gamma\gamma}$ [GeV$^{-1}$] (95% CL)", ax=None,
                   path=None):
    """Coupling limit vs mass on log axes. expected: (median, m1, p1, m2, p2) arrays for bands;
    reference: "belle2" (the published observed curve), an (mass, g) pair, or None."""
    fig, ax = _figure(ax)
    if expected is not None:
        med, m1, p1, m2, p2 = expected
        brazil(mass, med, (m1, p1), (m2, p2), ax=ax)
    ax.plot(mass, g_observed, color="k", lw=1.2, label="observed (umbra)")
    if reference is not None:
        if isinstance(reference, str):
            if reference != "belle2":
                raise ValueError(f"reference '{reference}': expected 'belle2', an (mass, g) pair or None")
            rx, ry = reference_limit()
            reference_label = reference_label or "Belle II 2020 (PRL 125, 161806)"
        else:
            rx, ry = reference
        ax.plot(rx, ry, color="tab:blue", lw=1, marker=".", ms=3, label=reference_label or "reference")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend()
    return _finish(fig, path)


def _field(result, name):
    value = result[name] if isinstance(result, dict) else getattr(result, name)
    return np.asarray(value)


def scan_summary(result, *, reference="belle2", path=None):
    """Three panels from a scan result: local significance, yield limits (Brazil) and coupling
    limits with the reference curve."""
    fig = Figure(figsize=(6.4, 11), layout="constrained")
    ax_z, ax_n, ax_g = fig.subplots(3, 1)
    m = _field(result, "mass")
    significance(m, _field(result, "significance"), ax=ax_z)
    brazil(m, _field(result, "limit_exp_median"), (_field(result, "limit_exp_m1"), _field(result, "limit_exp_p1")),
           (_field(result, "limit_exp_m2"), _field(result, "limit_exp_p2")), _field(result, "limit_obs"), ax=ax_n)
    coupling_limit(m, _field(result, "g_obs"),
                   expected=tuple(_field(result, f"g_exp_{k}") for k in ("median", "m1", "p1", "m2", "p2")),
                   reference=reference, ax=ax_g)
    return _finish(fig, path)
