"""Columns are numpy views onto the C++ vectors: no copy, and the C++ owner outlives the arrays."""

import gc

import numpy as np
import pytest

import umbra


def test_columns_are_views_not_copies(sample):
    e = sample.digits.energy
    assert e.dtype == np.float32 and e.shape == (sample.digits.size,)
    assert not e.flags.owndata and e.base is not None
    # two accesses see the same C++ buffer, and a write through one is seen by the other
    assert np.shares_memory(e, sample.digits.energy)
    e[0] = 42.0
    assert sample.digits.energy[0] == np.float32(42.0)
    assert sample.digits.column("energy").__array_interface__["data"][0] == e.__array_interface__["data"][0]


def test_every_group_and_column_has_its_file_dtype(sample):
    expected = {
        "EclDigits": {"cell_id": "uint16", "energy": "float32", "time": "float32"},
        "McParticles": {"pdg": "int32", "px": "float32", "mother": "int32"},
        "TrackerHits": {"detector": "uint8", "layer": "uint8", "wire": "int32", "track_id": "int32"},
    }
    for group in (sample.digits, sample.hits, sample.mc):
        dtypes = dict(type(group).dtypes)
        for name, dtype in expected[type(group).__name__].items():
            assert dtypes[name] == dtype
            assert getattr(group, name).dtype == np.dtype(dtype)
        assert group.event_offsets.dtype == np.uint64 and not group.event_offsets.flags.writeable


def test_arrays_keep_the_cpp_object_alive(sample_file):
    energy = umbra.read_events(str(sample_file)).digits.energy  # Events object unreachable now
    expected = umbra.read_events(str(sample_file)).digits.energy.copy()
    gc.collect()
    _ = [np.zeros(1000) for _ in range(100)]
    np.testing.assert_array_equal(energy, expected)


def test_offsets_counts_and_event_slices(sample):
    d = sample.digits
    counts = np.diff(d.event_offsets)
    assert sample.n_events == len(sample) == 5 and d.n_events == 5
    np.testing.assert_array_equal(d.counts(), counts)
    assert counts.sum() == d.size == len(d)
    ev = sample.event(2)["digits"]
    b, e = d.event_offsets[2], d.event_offsets[3]
    np.testing.assert_array_equal(ev["cell_id"], d.cell_id[b:e])
    assert np.shares_memory(ev["energy"], d.energy) or e == b
    with pytest.raises(IndexError):
        sample.event(5)


def test_building_from_arrays_converts_safe_dtypes_only():
    g = umbra.EclDigits.from_arrays(event_offsets=[0, 2, 3], cell_id=np.array([5, 6, 7], dtype=np.int64),
                                    energy=[0.1, 0.2, 0.3], time=[0.0, 1.0, 2.0])
    assert g.cell_id.dtype == np.uint16 and list(g.cell_id) == [5, 6, 7]
    assert g.energy[1] == np.float32(0.2)
    with pytest.raises(umbra.InputError, match="do not fit uint16.*'/ecl/digits/cell_id'"):
        umbra.EclDigits.from_arrays(counts=[1], cell_id=[1.5], energy=[0.1], time=[0.0])
    with pytest.raises(umbra.InputError, match="/ecl/digits/energy"):
        umbra.EclDigits.from_arrays(counts=[2], cell_id=[1, 2], energy=[0.1], time=[0.0, 0.0])
    with pytest.raises(umbra.InputError, match="/ecl/digits/time"):
        umbra.EclDigits.from_arrays(counts=[1], cell_id=[1], energy=[0.1])


def test_events_validate_values_with_the_cpp_message():
    bad = umbra.EclDigits.from_arrays(counts=[1, 2], cell_id=[10, 9000, 11], energy=[1, 1, 1], time=[0, 0, 0])
    with pytest.raises(umbra.InputError) as info:
        umbra.Events(digits=bad)
    assert "/ecl/digits/cell_id" in str(info.value)
    assert info.value.dataset == "/ecl/digits/cell_id" and info.value.event == 1 and info.value.index == 1
    assert isinstance(info.value, ValueError) and isinstance(info.value, umbra.Error)


def test_events_with_absent_groups_hold_empty_events():
    d = umbra.EclDigits.from_arrays(counts=[1, 0, 2], cell_id=[3, 4, 5], energy=[1, 2, 3], time=[0, 0, 0])
    ev = umbra.Events(digits=d)
    assert ev.n_events == 3 and ev.hits.n_events == 3 and ev.hits.size == 0
    assert ev.mc.pdg.shape == (0,)
    with pytest.raises(umbra.InputError, match="event"):
        umbra.Events(digits=d, mc=umbra.McParticles.from_arrays(
            counts=[0], pdg=[], px=[], py=[], pz=[], e=[], vx=[], vy=[], vz=[], mother=[]))


def test_awkward_conversion_matches_offsets(sample):
    ak = pytest.importorskip("awkward")
    arr = sample.digits.to_awkward()
    assert len(arr) == sample.n_events
    np.testing.assert_array_equal(ak.num(arr, axis=1), np.diff(sample.digits.event_offsets))
    np.testing.assert_array_equal(ak.flatten(arr.energy).to_numpy(), sample.digits.energy)
    both = sample.to_awkward()
    np.testing.assert_array_equal(ak.flatten(both.mc.pdg).to_numpy(), sample.mc.pdg)


def test_pandas_conversion_indexes_event_and_item(sample):
    pytest.importorskip("pandas")
    df = sample.digits.to_pandas()
    assert len(df) == sample.digits.size
    o = sample.digits.event_offsets
    e = int(np.argmax(np.diff(o)))
    np.testing.assert_array_equal(df.loc[e]["cell_id"].to_numpy(), sample.digits.cell_id[o[e]:o[e + 1]])
