"""Python-side conveniences on the C++ group classes: building from numpy arrays (with safe dtype
conversion), per-event slices, and awkward/pandas conversions (optional packages)."""

import numpy as np

from ._core import EclDigits, EclShowers, Events, InputError, McParticles, TrackerHits, Tracks, Vertices

# Every bound group type by its standard path; the first three make up an Events batch.
GROUP_TYPES = {cls.path: cls for cls in (EclDigits, TrackerHits, McParticles, EclShowers, Tracks, Vertices)}
_EVENT_GROUPS = {"digits": EclDigits, "hits": TrackerHits, "mc": McParticles}


def _column(cls, name, values, dtype):
    """values as a contiguous array of `dtype`; refuses casts that would change a value."""
    a = np.asarray(values)
    if a.ndim != 1:
        raise InputError(f"column must be 1-D, got shape {a.shape} in dataset '{cls.path}/{name}'")
    if a.dtype == dtype:
        return np.ascontiguousarray(a)
    out = a.astype(dtype)
    lossless = np.issubdtype(np.dtype(dtype), np.floating) or np.array_equal(out, a)
    if a.size and not lossless:
        raise InputError(f"values of dtype {a.dtype} do not fit {dtype} in dataset '{cls.path}/{name}'")
    return np.ascontiguousarray(out)


def make_group(cls, event_offsets=None, *, counts=None, **columns):
    """A new `cls` group (EclDigits, TrackerHits, McParticles) holding copies of the given columns.

    Give either `event_offsets` (n_events + 1 entries from 0) or per-event `counts`. Every column
    of cls.dtypes is required; dtypes convert when no value changes (int64 -> uint16 for cell ids,
    float64 -> float32), otherwise umbra.InputError."""
    if (event_offsets is None) == (counts is None):
        raise InputError(f"give exactly one of event_offsets or counts for group '{cls.path}'")
    if counts is not None:
        event_offsets = np.concatenate([[0], np.cumsum(np.asarray(counts, dtype=np.int64))])
    names = [n for n, _ in cls.dtypes]
    unknown = sorted(set(columns) - set(names))
    if unknown:
        raise InputError(f"unknown columns {unknown} for group '{cls.path}' (has {names})")
    offsets = _column(cls, "event_offsets", event_offsets, np.uint64)
    arrays = {n: _column(cls, n, columns[n], d) for n, d in cls.dtypes if n in columns}
    return cls._from_arrays(offsets, arrays)


def _event(group, i):
    """Columns of event i as views (slices of the group's arrays)."""
    n = group.n_events
    if not -n <= i < n:
        raise IndexError(f"event {i} out of range for {n} events")
    o = group.event_offsets
    b, e = int(o[i % n]), int(o[i % n + 1])
    return {name: group.column(name)[b:e] for name, _ in group.dtypes}


def _counts(group):
    return np.diff(group.event_offsets).astype(np.int64)


def _to_awkward(group):
    """An awkward Array of n_events records with one jagged field per column (copies nothing
    beyond what awkward needs for the offsets)."""
    import awkward as ak

    offsets = ak.index.Index64(group.event_offsets.astype(np.int64))
    contents = {name: ak.contents.NumpyArray(group.column(name)) for name, _ in group.dtypes}
    record = ak.contents.RecordArray(list(contents.values()), list(contents.keys()))
    return ak.Array(ak.contents.ListOffsetArray(offsets, record))


def _to_pandas(group):
    """A pandas DataFrame with an (event, item) MultiIndex, one column per dataset."""
    import pandas as pd

    counts = _counts(group)
    event = np.repeat(np.arange(group.n_events), counts)
    item = np.arange(group.size) - np.repeat(group.event_offsets[:-1].astype(np.int64), counts)
    index = pd.MultiIndex.from_arrays([event, item], names=["event", "item"])
    return pd.DataFrame({name: group.column(name) for name, _ in group.dtypes}, index=index)


for _cls in GROUP_TYPES.values():
    _cls.from_arrays = classmethod(make_group)
    _cls.event = _event
    _cls.counts = _counts
    _cls.to_awkward = _to_awkward
    _cls.to_pandas = _to_pandas


def _events_event(events, i):
    return {name: _event(getattr(events, name), i) for name in _EVENT_GROUPS}


def _events_to_awkward(events):
    import awkward as ak

    return ak.zip({name: _to_awkward(getattr(events, name)) for name in _EVENT_GROUPS}, depth_limit=1)


Events.event = _events_event
Events.to_awkward = _events_to_awkward
