"""umbra.scan from Python on the orchestrator test's toy (tests/scan/test_scan_orchestrator.cpp:
falling background on M^2_gg in [0.3, 2.2] GeV^2, 30000 events, a narrow signal at m = 1 GeV)."""

import numpy as np
import pytest

import umbra

MASSES = [0.9, 0.95, 1.0, 1.05, 1.1]


def toy(n_signal, seed):
    rng = np.random.default_rng(seed)
    lo, hi = 0.3, 2.2
    n = rng.poisson(30000)
    u = rng.uniform(size=4 * n)
    keep = rng.uniform(0, 1.2, size=4 * n) < 1 - 0.5 * u + 0.2 * u * u  # accept-reject on the shape
    bg = lo + (hi - lo) * u[keep][:n]
    return np.concatenate([bg, rng.normal(1.0, 0.02, rng.poisson(n_signal)) if n_signal else []])


@pytest.fixture(scope="module")
def with_signal():
    return umbra.scan(m2_gg=toy(400, 1), masses=MASSES, nominal_only=True)


def test_injected_signal_is_found_at_its_mass(with_signal):
    r = with_signal
    np.testing.assert_allclose(r["mass"], MASSES)
    assert not r["significance"].flags.owndata  # views onto the C++ ScanResult
    i = int(np.argmax(r["significance"]))
    assert r["mass"][i] == pytest.approx(1.0) and r["significance"][i] > 5
    assert r["max_significance"] == pytest.approx(r["significance"][i])
    assert r["n_sig"][i] == pytest.approx(400, rel=0.3)
    assert r["failed_fits"] == 0


def test_limits_are_ordered_and_positive(with_signal):
    r = with_signal
    bands = [r[f"limit_exp_{k}"] for k in ("m2", "m1", "median", "p1", "p2")]
    for lower, upper in zip(bands, bands[1:]):
        assert np.all(lower <= upper)
    assert np.all(r["limit_obs"] > r["n_sig"]) and np.all(r["g_obs"] >= 0) and r["g_obs"][2] > 0
    assert r["limit_obs"][2] > r["limit_exp_p2"][2]  # the injected signal lifts the observed limit


def test_background_only_scan_writes_files_and_plots(tmp_path):
    r = umbra.scan(m2_gg=toy(0, 2), masses=MASSES, nominal_only=True, output=tmp_path / "scan.h5")
    assert np.all(np.abs(r["significance"]) < 4)
    assert {p.name for p in tmp_path.iterdir()} >= {"scan.h5", "scan.csv", "scan.json"}
    from umbra import plot

    fig = plot.scan_summary(r, path=tmp_path / "scan.png")
    assert len(fig.axes) == 3 and (tmp_path / "scan.png").stat().st_size > 1000


def test_scan_refusals():
    with pytest.raises(umbra.OptionsError, match="input=path or m2_gg"):
        umbra.scan()
    with pytest.raises(umbra.OptionsError, match="basis 'legendre'"):
        umbra.scan(m2_gg=[1.0], basis="legendre")
    with pytest.raises(TypeError, match="unknown options"):
        umbra.scan(m2_gg=[1.0], step_size=1)
    with pytest.raises(umbra.InputError):
        umbra.scan(m2_gg=[1.0, np.nan, 0.5], masses=[1.0])
