#!/usr/bin/env python3
"""Plots of an ALP search output folder (umbra search alp -o DIR): the M^2_gg spectrum with the
fits at a few masses overlaid, the local significance, the Brazil-band cross-section limits and the
coupling limit against the published Belle II curve. Usage: alp_plots.py DIR UMBRA_EXECUTABLE."""

import csv
import json
import os
import subprocess
import sys

import h5py
import numpy as np


def read_scan_csv(path):
    with open(path) as f:
        rows = list(csv.DictReader(line for line in f if not line.startswith("#")))
    def column(k):
        try:
            return np.array([float(r[k]) for r in rows])
        except ValueError:  # text columns (observable, status)
            return np.array([r[k] for r in rows])

    return {k: column(k) for k in rows[0]}


def main(out, umbra):
    from umbra import plot  # the package from the build tree (PYTHONPATH) or pip install

    scan = read_scan_csv(os.path.join(out, "scan.csv"))
    with h5py.File(os.path.join(out, "candidates.h5"), "r") as f:
        m2_gg = f["/candidates/m2_gg"][:]

    # Spectrum with the fits of three masses (the scan's own windows and fits, via --dump-fit).
    fig = plot.spectrum(m2_gg, bins=120, range=(0, 40), label="selected candidates")
    ax = fig.axes[0]
    for mass, colour in ((0.5, "tab:red"), (2.0, "tab:green"), (4.5, "tab:purple")):
        dump = os.path.join(out, f"fit_{mass:g}.json")
        subprocess.run([umbra, "scan", "--input", os.path.join(out, "candidates.h5"), "--eff-table",
                        os.path.join(out, "signal_table.csv"), "--dump-fit", dump, "--dump-mass", str(mass), "-q"],
                       check=True)
        d = json.load(open(dump))
        edges = np.array(d["edges"])
        # Overlay in the spectrum's bin width (events per 1/3 GeV^2).
        scale = (40 / 120) / np.diff(edges)
        centres = 0.5 * (edges[1:] + edges[:-1])
        ax.plot(centres, np.array(d["expected_signal_plus_background"]) * scale, color=colour, lw=1.2,
                label=f"S+B fit, $m_a$ = {mass:g} GeV")
        ax.plot(centres, np.array(d["expected_background"]) * scale, color=colour, lw=1, ls="--")
    ax.set_yscale("log")
    ax.set_ylim(bottom=0.5)
    ax.legend(fontsize=7)
    fig.savefig(os.path.join(out, "spectrum.png"), dpi=120)

    m = scan["mass"]
    plot.significance(m, scan["significance"], path=os.path.join(out, "significance.png"))
    plot.brazil(m, scan["limit_exp_median"], (scan["limit_exp_m1"], scan["limit_exp_p1"]), (scan["limit_exp_m2"], scan["limit_exp_p2"]),
                scan["limit_obs"], logy=True, path=os.path.join(out, "yield_limit.png"))
    plot.coupling_limit(m, scan["g_obs"], expected=tuple(scan[f"g_exp_{k}"] for k in ("median", "m1", "p1", "m2", "p2")),
                        reference="belle2", path=os.path.join(out, "coupling_limit.png"))
    print(f"plots in {out}/: spectrum.png significance.png yield_limit.png coupling_limit.png")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
