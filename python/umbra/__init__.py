"""umbra: Belle II dark-sector reconstruction and fits in bulk, on CPU and CUDA.

Events live in C++ structure-of-arrays groups; every column is a numpy *view* onto them (no copy,
the C++ object stays alive while any array does). Files are "umbra-events" HDF5 (readable by
h5py). C++ errors arrive as umbra.InputError / umbra.OptionsError (both ValueError) or
umbra.Error (RuntimeError) with the C++ message, which names file, dataset, event and index.

    import umbra
    events = umbra.read_events("sample.h5")
    events.digits.energy            # numpy float32 view, one entry per digit
    umbra.digit_kinematics(events.digits, backend="cpu")["event_energy"]

Plots: umbra.plot (matplotlib); ROOT files: umbra.root (uproot). Both import on demand.
"""

from ._core import (
    EclDigits,
    EclShowers,
    Error,
    EventFile,
    Events,
    InputError,
    McParticles,
    OptionsError,
    SimulationOptions,
    TrackerHits,
    Tracks,
    Vertices,
    backends,
    cuda_device_count,
    cuda_device_description,
    digit_kinematics,
    process_names,
    read_group,
    ecl_geometry,
    read_events,
    set_thread_count,
    thread_count,
    write_events,
)
from . import _groups  # noqa: F401  (adds from_arrays/to_awkward/to_pandas/event to the classes)
from ._groups import GROUP_TYPES, make_group
from ._reco import Reconstruction, reconstruct
from ._scan import scan
from ._sim import cross_section, simulate

__version__ = "0.1.0"

__all__ = [
    "EclDigits", "TrackerHits", "McParticles", "Events", "EventFile", "GROUP_TYPES",
    "Error", "InputError", "OptionsError",
    "backends", "cuda_device_count", "cuda_device_description", "thread_count", "set_thread_count",
    "read_events", "write_events", "read_group", "make_group", "digit_kinematics", "ecl_geometry",
    "EclShowers", "Tracks", "Vertices", "SimulationOptions", "simulate", "cross_section", "process_names",
    "reconstruct", "Reconstruction", "scan",
]
