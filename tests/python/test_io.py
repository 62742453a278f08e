"""umbra-events files from Python: bit-exact round trip, slices, EventFile, h5py interop and
refusals of bad files carrying the C++ message (file, dataset, event, index)."""

import os
import shutil

import h5py
import numpy as np
import pytest

import umbra


def bits(a):
    return a.view(f"u{a.dtype.itemsize}")


def assert_bit_equal(a, b):
    for ga, gb in ((a.digits, b.digits), (a.hits, b.hits), (a.mc, b.mc)):
        np.testing.assert_array_equal(ga.event_offsets, gb.event_offsets)
        for name, dtype in type(ga).dtypes:
            x, y = ga.column(name), gb.column(name)
            assert x.dtype == y.dtype == np.dtype(dtype)
            np.testing.assert_array_equal(bits(x), bits(y), err_msg=f"{ga.path}/{name}")


def test_round_trip_is_bit_exact(sample, sample_file):
    back = umbra.read_events(str(sample_file))
    assert back.n_events == sample.n_events == 5
    assert_bit_equal(sample, back)
    # nothing but the target file: the writer's temporary was renamed into place
    assert os.listdir(sample_file.parent) == [sample_file.name]


def test_read_a_slice_rebases_offsets(sample, sample_file):
    part = umbra.read_events(str(sample_file), first=1, count=3)
    assert part.n_events == 3
    o = sample.digits.event_offsets
    np.testing.assert_array_equal(part.digits.event_offsets, o[1:5] - o[1])
    np.testing.assert_array_equal(part.digits.energy, sample.digits.energy[o[1]:o[4]])
    assert umbra.read_events(str(sample_file), first=5).n_events == 0
    with pytest.raises(umbra.InputError, match="past the end"):
        umbra.read_events(str(sample_file), first=3, count=3)


def test_event_file_summary(sample, sample_file):
    with umbra.EventFile(str(sample_file)) as f:
        assert f.n_events == len(f) == 5
        assert set(f.groups()) == {"/ecl/digits", "/tracker/hits", "/mc/particles"}
        s = f.stats("/ecl/digits")
        counts = np.diff(sample.digits.event_offsets)
        assert s["total"] == counts.sum()
        assert (s["min_per_event"], s["max_per_event"]) == (counts.min(), counts.max())
        assert s["mean_per_event"] == pytest.approx(counts.mean())
        assert f.stats("/mc/particles")["total"] == 15
        f.validate()
        assert_bit_equal(f.read(), sample)
    with pytest.raises(umbra.Error, match="closed"):
        f.n_events


def test_h5py_reads_the_file(sample, sample_file, tmp_path):
    path = tmp_path / "meta.h5"
    umbra.write_events(str(path), sample, attributes={"generator": "pytest", "seed": 3})
    with h5py.File(path, "r") as h:
        assert h.attrs["format"] in ("umbra-events", b"umbra-events")
        assert int(h.attrs["version"]) == 1 and int(h.attrs["n_events"]) == 5
        assert float(h.attrs["seed"]) == 3.0
        assert h["/ecl/digits/energy"].dtype == np.float32
        np.testing.assert_array_equal(h["/ecl/digits/energy"][:], sample.digits.energy)
        np.testing.assert_array_equal(h["/tracker/hits/event_offsets"][:], sample.hits.event_offsets)
        np.testing.assert_array_equal(h["/mc/particles/mother"][:], sample.mc.mother)


def corrupt(src, dst, dataset, index, value):
    """A copy of src with one value changed through h5py (the C++ reader must refuse it)."""
    shutil.copyfile(src, dst)
    with h5py.File(dst, "r+") as h:
        h[dataset][index] = value


@pytest.mark.parametrize("dataset,index,value", [
    ("/ecl/digits/cell_id", 1, 9000),
    ("/ecl/digits/energy", 0, np.nan),
    ("/tracker/hits/layer", 0, 77),
    ("/tracker/hits/event_offsets", 2, 10_000),
])
def test_bad_file_raises_input_error_naming_the_dataset(sample_file, tmp_path, dataset, index, value):
    bad = tmp_path / "bad.h5"
    corrupt(sample_file, bad, dataset, index, value)
    with pytest.raises(umbra.InputError) as info:
        umbra.EventFile(str(bad)).validate()
    msg = str(info.value)
    assert dataset in msg and "bad.h5" in msg
    assert info.value.dataset == dataset and str(bad) == info.value.file
    with pytest.raises(ValueError, match=dataset):  # InputError is a ValueError too
        umbra.read_events(str(bad))


def test_missing_and_non_hdf5_files(tmp_path):
    with pytest.raises(umbra.InputError, match="does_not_exist.h5"):
        umbra.read_events(str(tmp_path / "does_not_exist.h5"))
    junk = tmp_path / "junk.h5"
    junk.write_text("not hdf5")
    with pytest.raises(umbra.InputError, match="not an HDF5 file"):
        umbra.EventFile(str(junk))
    bad_format = tmp_path / "other.h5"
    with h5py.File(bad_format, "w") as h:
        h.attrs["format"] = "something-else"
    with pytest.raises(umbra.InputError, match="format"):
        umbra.read_events(str(bad_format))


def test_write_refusals_leave_no_file(sample, tmp_path):
    target = tmp_path / "out.h5"
    with pytest.raises(umbra.OptionsError, match="attribute 'x'"):
        umbra.write_events(str(target), sample, attributes={"x": [1, 2]})
    assert os.listdir(tmp_path) == []
    with pytest.raises(umbra.Error):
        umbra.write_events(str(tmp_path / "no_such_dir" / "out.h5"), sample)
