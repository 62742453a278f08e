"""umbra.plot: every function returns a Figure and writes a non-empty PNG, headless."""

import numpy as np
import pytest

from matplotlib.figure import Figure

import umbra.plot as uplot


def png_ok(path):
    data = path.read_bytes()
    return len(data) > 1000 and data[:8] == b"\x89PNG\r\n\x1a\n"


def test_reference_limit_is_the_published_curve():
    m, g = uplot.reference_limit()
    assert len(m) == len(g) > 10
    assert m[0] == pytest.approx(0.19596) and g[0] == pytest.approx(1.049e-3)
    assert np.all(np.diff(m) > 0) and np.all((g > 1e-5) & (g < 0.1))


def test_spectrum_with_fit_overlay(tmp_path):
    rng = np.random.default_rng(1)
    values = np.concatenate([rng.uniform(0, 10, 2000), rng.normal(5, 0.2, 200)])
    fit = lambda x: 40 + 200 * 0.2 / 0.2 / np.sqrt(2 * np.pi) * np.exp(-0.5 * ((x - 5) / 0.2) ** 2)
    fig = uplot.spectrum(values, bins=50, range=(0, 10), fit=fit, background=lambda x: 40 + 0 * x,
                         path=tmp_path / "spectrum.png")
    assert isinstance(fig, Figure) and png_ok(tmp_path / "spectrum.png")
    ax = fig.axes[0]
    assert len(ax.lines) >= 2  # background and fit curves drawn
    counts, _ = np.histogram(values, bins=50, range=(0, 10))
    assert counts.sum() == 2200


def test_significance_brazil_and_coupling(tmp_path):
    m = np.linspace(0.2, 9.7, 60)
    med = 10 + m
    z = np.sin(m)
    f1 = uplot.significance(m, z, global_z=0.4, path=tmp_path / "z.png")
    f2 = uplot.brazil(m, med, (med * 0.7, med * 1.4), (med * 0.5, med * 2), observed=med * 1.1,
                      path=tmp_path / "brazil.png")
    f3 = uplot.coupling_limit(m, 1e-3 * np.sqrt(med / 10), expected=(1e-3 * np.ones(60),) * 5,
                              path=tmp_path / "g.png")
    for f, name in ((f1, "z.png"), (f2, "brazil.png"), (f3, "g.png")):
        assert isinstance(f, Figure) and png_ok(tmp_path / name)
    assert f3.axes[0].get_yscale() == "log"
    labels = [line.get_label() for line in f3.axes[0].lines]
    assert any("Belle II" in s for s in labels)
    with pytest.raises(ValueError, match="reference"):
        uplot.coupling_limit(m, med, reference="babar")


def test_scan_summary_from_a_mapping(tmp_path):
    m = np.linspace(0.2, 9.7, 30)
    r = {"mass": m, "significance": np.cos(m), "limit_obs": 12 + m}
    for k, s in (("median", 1.0), ("m1", 0.7), ("p1", 1.4), ("m2", 0.5), ("p2", 2.0)):
        r[f"limit_exp_{k}"] = s * (10 + m)
        r[f"g_exp_{k}"] = s * 1e-3 * np.ones_like(m)
    r["g_obs"] = 1.1e-3 * np.ones_like(m)
    fig = uplot.scan_summary(r, path=tmp_path / "scan.png")
    assert isinstance(fig, Figure) and len(fig.axes) == 3 and png_ok(tmp_path / "scan.png")
