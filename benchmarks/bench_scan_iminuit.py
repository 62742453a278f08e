#!/usr/bin/env python3
"""Reference timing for the scan's window fits with iminuit (single-threaded), issue 8.

Writes a 1e6-event M^2_gg toy spectrum (falling exponential + flat, as bench_scan_spectrum.hpp),
asks `umbra scan --dump-fit` for the window histogram at a few masses, and times the same S+B fit
(start: umbra's background-only result, as BM_SingleFit does) with MIGRAD on a numpy NLL, and the
full window job's fit count extrapolated to the 2,000 x 9 scan.
Usage: bench_scan_iminuit.py UMBRA_EXECUTABLE [repeats]
"""
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from iminuit import Minuit

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "python"))
from check_scan_iminuit import BinnedModel  # noqa: E402  (the independent numpy model)


def main():
    umbra = sys.argv[1] if len(sys.argv) > 1 else "umbra"
    repeats = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    rng = np.random.default_rng(42)
    n = 1_000_000
    x = np.where(rng.uniform(size=n) < 0.7, np.fmod(rng.exponential(8.0, n), 60.0), rng.uniform(0, 60, n))
    with tempfile.TemporaryDirectory() as d:
        csv = Path(d) / "spectrum.csv"
        np.savetxt(csv, x, fmt="%.9g")
        for mass in (0.3, 1.0, 5.0):
            out = Path(d) / f"fit_{mass}.json"
            subprocess.run([umbra, "scan", "--input", str(csv), "--observable", "m2_gg", "--dump-fit", str(out),
                            "--dump-mass", str(mass)], check=True)
            dump = json.loads(out.read_text())
            model = BinnedModel(dump)
            start = np.array(dump["background_only"]["params"])
            times, nfcn = [], []
            for _ in range(repeats):
                t0 = time.perf_counter()
                m = Minuit(lambda p: model.nll(p), start)
                m.errordef = Minuit.LIKELIHOOD
                m.migrad()
                m.hesse()
                times.append(time.perf_counter() - t0)
                nfcn.append(m.nfcn)
            t = np.median(times)
            print(f"mass {mass} GeV: {len(dump['counts'])} bins, iminuit S+B fit + HESSE {t * 1e3:.2f} ms "
                  f"(median of {repeats}, {int(np.median(nfcn))} NLL calls), valid={m.valid}, "
                  f"NLL {m.fval:.6f} vs umbra {dump['signal_plus_background']['nll']:.6f}")
    print("full scan estimate with iminuit, one core: 2000 x 9 jobs x ~5 fits x the per-fit time above")


if __name__ == "__main__":
    main()
