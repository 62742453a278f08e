#!/usr/bin/env bash
# Configures and builds umbra (Release) into ${UMBRA_BUILD_DIR:-build}. CUDA backend whenever nvcc
# is found (pass -DUMBRA_ENABLE_CUDA=OFF to skip it). Extra arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
build_dir=${UMBRA_BUILD_DIR:-build}
generator=()
command -v ninja >/dev/null && generator=(-G Ninja)
if [ ! -f "$build_dir/CMakeCache.txt" ]; then
  cmake -S . -B "$build_dir" "${generator[@]}" -DCMAKE_BUILD_TYPE=Release "$@"
elif [ $# -gt 0 ]; then
  cmake "$build_dir" "$@"
fi
cmake --build "$build_dir" --parallel "${UMBRA_JOBS:-$(nproc)}"
