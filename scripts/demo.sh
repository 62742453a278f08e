#!/usr/bin/env bash
# The default job: installs dependencies, builds, and runs the ALP -> gamma gamma search end to end
# on simulated data (gamma gamma gamma + gamma gamma + e e + P gamma backgrounds at 10 pb^-1 with
# nominal beam background, a coarse mass grid), writing tables and plots into out/ (~10 min on 2 cores).
#   bash scripts/demo.sh            default configuration
#   bash scripts/demo.sh --full     the published configuration: 445 pb^-1, fine grid (hours on 2 cores)
# Extra arguments after the optional --full go to `umbra search alp`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
umbra=${UMBRA_BUILD_DIR:-build}/host/cli/umbra
out=${UMBRA_OUT:-out}
args=(--lumi 10 --step 4 -o "$out")
if [ "${1:-}" = "--full" ]; then
  shift
  args=(--lumi 445 -o "$out")
fi
mkdir -p "$out"
"$umbra" search alp "${args[@]}" "$@" | tee "$out/search.log"
"$umbra" info "$out/candidates.h5"
PYTHONPATH="${UMBRA_BUILD_DIR:-build}/python${PYTHONPATH:+:$PYTHONPATH}" python3 scripts/alp_plots.py "$out" "$umbra"
echo "demo: tables (scan.csv, scan.json, scan.h5, processes.csv) and plots (*.png) in $out/"
