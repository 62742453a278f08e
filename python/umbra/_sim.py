"""umbra.simulate / umbra.cross_section: the fast simulation with the options of
`umbra simulate` (angles in degrees, like the CLI; --events or --lumi)."""

import math

from ._core import OptionsError, SimulationOptions, _cross_section_pb, _simulate, write_events

_DEGREE_OPTIONS = ("gun_theta_min", "gun_theta_max", "gun_phi_min", "gun_phi_max", "theta_min", "theta_max")


def options(process="alp", **kwargs):
    """SimulationOptions from keyword arguments (C++ field names; angles in degrees;
    ecl_response / tracker_response as dicts). Unknown names raise TypeError."""
    o = SimulationOptions()
    o.process = process
    for name, value in kwargs.items():
        if name in ("ecl_response", "tracker_response"):
            sub = getattr(o, name)
            for k, v in dict(value).items():
                if not hasattr(sub, k):
                    raise TypeError(f"simulate(): unknown {name} option '{k}'")
                setattr(sub, k, v)
            setattr(o, name, sub)
            continue
        if name.startswith("_") or not hasattr(o, name) or name == "validate":
            raise TypeError(f"simulate(): unknown option '{name}'")
        setattr(o, name, math.radians(value) if name in _DEGREE_OPTIONS else value)
    return o


def cross_section(process="alp", **kwargs):
    """Cross-section [pb] of the process with these options (0 for the gun)."""
    return _cross_section_pb(options(process, **kwargs))


def simulate(process="alp", events=None, *, lumi=None, first=0, output=None, backend="cpu",
             return_summary=False, **kwargs):
    """Simulates `events` events (or round(sigma * lumi) for `lumi` in pb^-1) of one process.

    Keywords are the CLI's options with underscores: mass, coupling, splitting, dark_photon_ratio,
    lifetime, branching, decay_mode, meson, ggg_min_energy, gun_pdg, gun_energy, gun_theta_min/max
    and gun_phi_min/max [deg], gun_multiplicity, beam_background, ecl, tracker, seed, isr, ...
    Event e depends only on (options, seed, first + e). Returns Events (and the summary dict with
    return_summary=True); writes them to `output` too when given. Bad options raise
    umbra.OptionsError naming the field."""
    o = options(process, **kwargs)
    if (events is None) == (lumi is None):
        raise OptionsError("give events=N or lumi=L [pb^-1], not both")
    if lumi is not None:
        if not (lumi > 0 and math.isfinite(lumi)):
            raise OptionsError("lumi must be > 0 pb^-1")
        sigma = _cross_section_pb(o)
        if sigma <= 0:
            raise OptionsError(f"process '{process}' has no cross-section: give events=N")
        events = round(sigma * lumi)
    if events <= 0:
        raise OptionsError("the sample would hold zero events (raise events or lumi)")
    batch, summary = _simulate(o, first, int(events), backend)
    if output is not None:
        attrs = {"generator": "umbra.simulate (Python)", "processes": process, "seed": float(o.seed),
                 f"cross_section_pb.{process}": _cross_section_pb(o)}
        if lumi is not None:
            attrs["lumi_inv_pb"] = float(lumi)
        write_events(str(output), batch, attributes=attrs)
    return (batch, summary) if return_summary else batch
