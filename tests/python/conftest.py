"""Shared fixtures: a small, fully known batch of events built from numpy arrays."""

import numpy as np
import pytest

import umbra


def make_sample(n_events=5, seed=3):
    """Events with every group filled: digits with distinct cells per event, tracker hits of all
    three detectors, MC particles with mother links. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    d_counts = rng.integers(0, 6, n_events)
    cells = np.concatenate([rng.choice(np.arange(1, 8737), c, replace=False) for c in d_counts])
    digits = umbra.EclDigits.from_arrays(
        counts=d_counts, cell_id=cells,
        energy=rng.uniform(0.01, 2.0, d_counts.sum()), time=rng.normal(0, 5, d_counts.sum()))

    h_counts = rng.integers(0, 8, n_events)
    n = h_counts.sum()
    det = rng.integers(1, 4, n)
    layer = np.where(det == 1, rng.integers(0, 2, n), np.where(det == 2, rng.integers(0, 4, n), rng.integers(0, 56, n)))
    hits = umbra.TrackerHits.from_arrays(
        counts=h_counts, detector=det, layer=layer,
        x=rng.normal(0, 10, n), y=rng.normal(0, 10, n), z=rng.normal(0, 20, n),
        wire=np.where(det == 3, rng.integers(0, 160, n), -1),
        drift_length=np.where(det == 3, rng.uniform(0, 0.8, n), 0.0),
        sigma_rphi=np.full(n, 0.01), sigma_z=np.full(n, 0.02), track_id=rng.integers(-1, 3, n))

    m_counts = np.full(n_events, 3)
    m = m_counts.sum()
    mc = umbra.McParticles.from_arrays(
        counts=m_counts, pdg=np.tile([22, 9000036, 22], n_events),
        px=rng.normal(size=m), py=rng.normal(size=m), pz=rng.normal(size=m), e=rng.uniform(1, 5, m),
        vx=np.zeros(m), vy=np.zeros(m), vz=np.zeros(m), mother=np.tile([-1, -1, 1], n_events))
    return umbra.Events(digits=digits, hits=hits, mc=mc)


@pytest.fixture
def sample():
    return make_sample()


@pytest.fixture
def sample_file(tmp_path, sample):
    path = tmp_path / "sample.h5"
    umbra.write_events(str(path), sample)
    return path
