"""umbra.reconstruct: ECL clustering (/ecl/showers), the bulk Kalman track fit (/tracks) and the
displaced-vertex finder (/vertices), each on the chosen backend ("cpu" or "cuda")."""

from ._core import Events, OptionsError, _cluster_ecl, _find_vertices, _fit_tracks, read_events, write_events


class Reconstruction:
    """Results of umbra.reconstruct: group objects (numpy views onto C++ columns) and summaries."""

    def __init__(self, events):
        self.events = events
        self.showers = self.digit_region = self.tracks = self.hit_weight = self.vertices = None
        self.summary = {}

    def groups(self):
        """{path: group} of the outputs present (what write() adds to the file)."""
        out = {}
        if self.showers is not None:
            out["/ecl/showers"] = self.showers
        if self.tracks is not None:
            out["/tracks"] = self.tracks
        if self.vertices is not None:
            out["/vertices"] = self.vertices
        return out

    def write(self, path):
        """Writes the input events plus the output groups to one umbra-events file (atomic)."""
        write_events(str(path), self.events, groups=self.groups())

    def __repr__(self):
        return f"Reconstruction({', '.join(f'{k}={v!r}' for k, v in self.groups().items())})"


def reconstruct(events, *, showers=True, tracks=True, vertices=True, backend="cpu", clustering=None,
                hypothesis="pion", min_hits=5, material=True, displaced_only=False, output=None):
    """Runs the reconstruction on `events` (an Events batch or an umbra-events file path).

    showers: ECL clustering of the digits; clustering: {option: value} of ecl::ClusteringOptions
    (seed_energy, growth_energy, digit_energy [GeV], seed_max_abs_time [ns], local_maximum_energy,
    max_local_maxima, min_shower_energy, max_iterations);
    tracks: Kalman fit of the tracker hits grouped by track_id (hypothesis, min_hits, material);
    vertices: two-track vertices of the fitted tracks (displaced_only drops the K_S/Lambda/
    conversion windows). Every step runs on `backend`. Returns a Reconstruction; writes events +
    outputs to `output` if given."""
    if not isinstance(events, Events):
        events = read_events(str(events))
    if vertices and not tracks:
        raise OptionsError("vertices need tracks=True")
    r = Reconstruction(events)
    if showers:
        r.showers, r.digit_region, r.summary["showers"] = _cluster_ecl(events.digits, backend, dict(clustering or {}))
    if tracks:
        r.tracks, r.hit_weight, r.summary["tracks"] = _fit_tracks(events.hits, backend, hypothesis, min_hits,
                                                                  material)
    if vertices:
        # The vertex fit takes the fit's material inside the vertex radius back out of the tracks.
        r.vertices, r.summary["vertices"] = _find_vertices(r.tracks, backend, displaced_only,
                                                           hypothesis if material else "")
    if output is not None:
        r.write(output)
    return r
