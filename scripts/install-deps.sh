#!/usr/bin/env bash
# Installs everything umbra needs to build and test, from Debian packages and PyPI.
# Idempotent: packages already present are skipped; safe to run on every CI start.
set -euo pipefail

debian_packages=(
  build-essential cmake ninja-build pkg-config
  libeigen3-dev libceres-dev libhdf5-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  libcli11-dev nlohmann-json3-dev libomp-dev
  python3-dev
)

missing=()
for p in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  echo "install-deps: installing ${missing[*]}"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "install-deps: Debian packages already present"
fi

# Python side: test-only and plotting dependencies (iminuit/scipy are the independent minimisers
# the scan tests compare against).
python_packages=(numpy scipy iminuit h5py matplotlib pytest nanobind scikit_build_core uproot awkward)
py_missing=()
for p in "${python_packages[@]}"; do
  python3 -c "import $p" 2>/dev/null || py_missing+=("$p")
done
if [ ${#py_missing[@]} -gt 0 ]; then
  echo "install-deps: pip installing ${py_missing[*]}"
  python3 -m pip install -q "${py_missing[@]}"
else
  echo "install-deps: Python packages already present"
fi
