"""ROOT interop through uproot: TTree with jagged branches per group, exact round trip."""

import numpy as np
import pytest

import umbra

uproot = pytest.importorskip("uproot")
pytest.importorskip("awkward")
import umbra.root  # noqa: E402


def test_root_round_trip_is_exact(sample, sample_file, tmp_path):
    out = tmp_path / "events.root"
    umbra.root.to_root(sample_file, out)  # from a path
    with uproot.open(out) as f:
        t = f["events"]
        assert t.num_entries == sample.n_events
        assert t["ecl_digits_cell_id"].array(library="ak").layout.content.dtype == np.uint16
        np.testing.assert_array_equal(t["necl_digits"].array(library="np"), np.diff(sample.digits.event_offsets))
    back = umbra.root.from_root(out, out_path=tmp_path / "back.h5")
    again = umbra.read_events(str(tmp_path / "back.h5"))
    for ev in (back, again):
        for g_in, g_out in ((sample.digits, ev.digits), (sample.hits, ev.hits), (sample.mc, ev.mc)):
            np.testing.assert_array_equal(g_in.event_offsets, g_out.event_offsets)
            for name, _ in type(g_in).dtypes:
                a, b = g_in.column(name), g_out.column(name)
                assert a.dtype == b.dtype
                np.testing.assert_array_equal(a.view(f"u{a.dtype.itemsize}"), b.view(f"u{b.dtype.itemsize}"))


def test_from_root_refusals(sample, tmp_path):
    out = tmp_path / "e.root"
    umbra.root.to_root(sample, out)
    with pytest.raises(umbra.InputError, match="no TTree 'nope'"):
        umbra.root.from_root(out, tree="nope")
    partial = tmp_path / "partial.root"
    with uproot.recreate(partial) as f:
        f.mktree("events", {"ecl_digits_cell_id": np.array([1, 2], dtype=np.uint16)})
    with pytest.raises(umbra.InputError, match="ecl_digits_energy"):
        umbra.root.from_root(partial)
