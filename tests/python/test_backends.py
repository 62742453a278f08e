"""Backends built, the device count, the backend keyword, and the digit-kinematics step (the
numbers tests/common/digit_kinematics_tests.hpp asserts, on the Python side)."""

import numpy as np
import pytest

import umbra


def test_backends_listed():
    b = umbra.backends()
    assert b[0] == "cpu" and set(b) <= {"cpu", "cuda"}
    n = umbra.cuda_device_count()
    assert isinstance(n, int) and n >= 0
    assert isinstance(umbra.cuda_device_description(), str)
    assert umbra.thread_count() >= 1


def test_backend_keyword_refusals():
    d = umbra.EclDigits.from_arrays(counts=[1], cell_id=[1200], energy=[0.5], time=[0.0])
    with pytest.raises(umbra.OptionsError, match="backend 'gpu'.*'cpu' or 'cuda'"):
        umbra.digit_kinematics(d, backend="gpu")
    if "cuda" not in umbra.backends() or umbra.cuda_device_count() == 0:
        with pytest.raises(umbra.OptionsError, match="backend 'cuda'"):
            umbra.digit_kinematics(d, backend="cuda")


def run_backends():
    return ["cpu"] + (["cuda"] if "cuda" in umbra.backends() and umbra.cuda_device_count() > 0 else [])


@pytest.mark.parametrize("backend", run_backends())
def test_digit_kinematics_known_answers(backend):
    geo = umbra.ecl_geometry()
    d = umbra.EclDigits.from_arrays(counts=[1, 0, 2], cell_id=[1200, 4000, 4001], energy=[0.5, 1.0, 1.0],
                                    time=[0, 0, 0])
    r = umbra.digit_kinematics(d, backend=backend)
    assert r["event_energy"].dtype == np.float64 and list(r["event_energy"]) == [0.5, 0.0, 2.0]
    assert r["x"][0] == geo["centre_x"][1199] and r["z"][0] == geo["centre_z"][1199]
    assert r["event_cx"][2] == pytest.approx(0.5 * (geo["centre_x"][3999] + geo["centre_x"][4000]), abs=1e-4)
    assert r["event_cy"][2] == pytest.approx(0.5 * (geo["centre_y"][3999] + geo["centre_y"][4000]), abs=1e-4)
    assert not r["x"].flags.owndata  # views onto the C++ result


def test_digit_kinematics_on_a_batch_matches_numpy(sample):
    r = umbra.digit_kinematics(sample.digits)
    geo = umbra.ecl_geometry()
    k = sample.digits.cell_id.astype(np.int64) - 1
    np.testing.assert_array_equal(r["x"], geo["centre_x"][k])
    o = sample.digits.event_offsets.astype(np.int64)
    sums = [sample.digits.energy[o[i]:o[i + 1]].astype(np.float64).sum() for i in range(sample.n_events)]
    np.testing.assert_allclose(r["event_energy"], sums, rtol=1e-12)
    # the crystal table: 8736 crystals, centres about 1.25-2 m from the IP (reference/belle2.md)
    r_centre = np.hypot(np.hypot(geo["centre_x"], geo["centre_y"]), geo["centre_z"])
    assert geo["centre_x"].shape == (8736,) and 100 < r_centre.min() and r_centre.max() < 250
