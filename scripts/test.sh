#!/usr/bin/env bash
# The one command that installs the dependencies, builds everything and runs every test
# (C++ GoogleTest suites, CLI and install checks, Python tests) through CTest.
# CUDA tests (label `gpu`) run where a device is present and are reported as skipped elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
cd "${UMBRA_BUILD_DIR:-build}"
ctest --output-on-failure --parallel "${UMBRA_JOBS:-$(nproc)}" --timeout 900
