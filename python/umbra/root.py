"""ROOT interop through uproot (no ROOT installation needed): an umbra-events batch as a TTree
with one entry per event and one jagged branch per column, named <group>_<column> with
counters n<group> (e.g. ecl_digits_energy, necl_digits). Groups: ecl_digits, tracker_hits,
mc_particles. Integer and float widths are kept, so a round trip is exact."""

import numpy as np

from ._core import Events, InputError, read_events, write_events
from ._groups import GROUP_TYPES

_ATTR = {"/ecl/digits": "digits", "/tracker/hits": "hits", "/mc/particles": "mc"}  # the Events groups
# TTree branch prefix of each group: the file path with slashes as underscores.
PREFIX = {path: path.strip("/").replace("/", "_") for path in _ATTR}


def to_root(events_or_path, out_path, tree="events"):
    """Writes an Events batch (or an umbra-events file) to `out_path` as TTree `tree`."""
    import awkward as ak
    import uproot

    events = read_events(str(events_or_path)) if not isinstance(events_or_path, Events) else events_or_path
    branches = {}
    for path in _ATTR:
        cls = GROUP_TYPES[path]
        group = getattr(events, _ATTR[path])
        counts = np.diff(group.event_offsets.astype(np.int64))
        branches[PREFIX[path]] = ak.zip(
            {name: ak.unflatten(group.column(name), counts) for name, _ in cls.dtypes}, depth_limit=2)
    with uproot.recreate(str(out_path)) as f:
        # mktree: uproot >= 5.7 writes RNTuples through f[name] = data; analysts want a TTree
        f.mktree(tree, branches, counter_name=lambda counted: "n" + counted,
                 field_name=lambda outer, inner: f"{outer}_{inner}" if outer else inner)
    return str(out_path)


def from_root(path, tree="events", out_path=None):
    """Reads a TTree written by to_root (or any tree with the same branch names) into Events;
    writes them to the umbra-events file `out_path` too when given. Branches absent from the
    tree refuse with umbra.InputError naming them."""
    import awkward as ak
    import uproot

    with uproot.open(str(path)) as f:
        if tree not in f:
            raise InputError(f"no TTree '{tree}' in '{path}'")
        t = f[tree]
        groups = {}
        for gpath in _ATTR:
            cls = GROUP_TYPES[gpath]
            names = [f"{PREFIX[gpath]}_{name}" for name, _ in cls.dtypes]
            present = [n for n in names if n in t]
            if not present:
                continue  # the group is absent: empty events
            if len(present) != len(names):
                missing = sorted(set(names) - set(present))
                raise InputError(f"branches {missing} missing from TTree '{tree}' in '{path}'")
            arrays = t.arrays(names, library="ak")
            counts = ak.num(arrays[names[0]], axis=1).to_numpy()
            columns = {name: ak.flatten(arrays[b]).to_numpy() for (name, _), b in zip(cls.dtypes, names)}
            groups[_ATTR[gpath]] = cls.from_arrays(counts=counts, **columns)
        events = Events(**groups, n_events=t.num_entries)
    if out_path is not None:
        write_events(str(out_path), events)
    return events
