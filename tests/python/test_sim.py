"""umbra.simulate on the Python side: the numbers tests/sim assert in C++ (single-photon energy
sums, ALP mass from its daughters, the ALP cross-section), determinism and option refusals."""

import numpy as np
import pytest

import umbra


def event_sums(group, column):
    o = group.event_offsets.astype(np.int64)
    return np.add.reduceat(np.append(group.column(column).astype(np.float64), 0.0), o[:-1])[: group.n_events] * (
        np.diff(o) > 0)


def test_single_photon_energy_sum_scale_and_resolution():
    # tests/sim/test_ecl_response.cpp SinglePhotonScaleAndResolution at 1 GeV, same options and seed
    ev = umbra.simulate("gun", 4000, gun_pdg=22, gun_energy=1.0, gun_theta_min=np.degrees(0.8),
                        gun_theta_max=np.degrees(2.2), beam_background=0, tracker=False, seed=7)
    s = event_sums(ev.digits, "energy")
    assert 0.96 < s.mean() < 0.995
    assert s.std() / s.mean() == pytest.approx(0.0204, rel=0.12)  # reference/belle2.md at 1 GeV


def test_alp_mass_from_daughters_and_cross_section():
    m = 0.5
    ev = umbra.simulate("alp", 2000, mass=m, coupling=1e-3, ecl=False, tracker=False, seed=42)
    mc = ev.mc
    assert np.all(np.diff(mc.event_offsets) == 4)  # gamma a -> gamma (gamma gamma)
    assert np.all(mc.pdg[1::4] == 9000005) and np.all(mc.mother[2::4] == 1) and np.all(mc.mother[3::4] == 1)
    p = {k: mc.column(k).astype(np.float64) for k in ("px", "py", "pz", "e")}
    d = {k: p[k][2::4] + p[k][3::4] for k in p}
    mass = np.sqrt(d["e"] ** 2 - d["px"] ** 2 - d["py"] ** 2 - d["pz"] ** 2)
    np.testing.assert_allclose(mass, m, rtol=1e-3)
    assert umbra.cross_section("alp", mass=0.5, coupling=1e-3) == pytest.approx(0.1176, abs=0.0005)


def test_same_seed_same_events_and_batches_compose():
    a = umbra.simulate("gg", 30, seed=9, beam_background=0.5)
    b = umbra.simulate("gg", 30, seed=9, beam_background=0.5)
    np.testing.assert_array_equal(a.digits.energy, b.digits.energy)
    second = umbra.simulate("gg", 10, first=20, seed=9, beam_background=0.5)
    o = a.digits.event_offsets
    np.testing.assert_array_equal(second.digits.cell_id, a.digits.cell_id[o[20]:o[30]])
    assert not np.array_equal(umbra.simulate("gg", 30, seed=10).digits.energy[:20], a.digits.energy[:20])


def test_lumi_output_and_summary(tmp_path):
    sigma = umbra.cross_section("alp", mass=1.0, coupling=1e-2)
    ev, summary = umbra.simulate("alp", lumi=50, mass=1.0, coupling=1e-2, return_summary=True,
                                 output=tmp_path / "alp.h5", tracker=False)
    assert ev.n_events == round(sigma * 50) == summary["n_events"] and summary["generator_failures"] == 0
    with umbra.EventFile(str(tmp_path / "alp.h5")) as f:
        assert f.n_events == ev.n_events


def test_bad_options_raise_with_the_field_named():
    with pytest.raises(umbra.OptionsError, match="mass"):
        umbra.simulate("alp", 10, mass=-1)
    with pytest.raises(umbra.OptionsError, match="process"):
        umbra.simulate("axion", 10)
    with pytest.raises(umbra.OptionsError, match="decay_mode"):
        umbra.simulate("scalar", 10, decay_mode="tautau")
    with pytest.raises(umbra.OptionsError, match="events=N or lumi"):
        umbra.simulate("alp")
    with pytest.raises(umbra.OptionsError, match="backend 'cuda'"):
        umbra.simulate("alp", 10, backend="cuda")
    with pytest.raises(TypeError, match="unknown option 'mas'"):
        umbra.simulate("alp", 10, mas=1.0)
