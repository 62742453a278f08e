#!/usr/bin/env bash
# Packs what a lent GPU machine needs to run the gpu-labelled tests, the benchmarks and the CLI
# (that machine has CUDA but none of our dependencies, and no network): the CUDA test binaries,
# the benchmarks, `umbra`, and every shared library they load except glibc's own, into
# .gpu/bundle.tar.xz (ignored by git). Then, with the device tool:
#   run(command="bash scripts/gpu/check.sh", carry=[".gpu"])
# Binaries built on Debian 12 (glibc 2.36) run on the device image's newer glibc.
#   bash scripts/gpu/bundle.sh [build dir, default build]   (built with CUDA and benchmarks ON)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
mkdir -p "$stage/bin" "$stage/lib"
bins=("$build"/tests/cuda/test_*_cuda "$build"/benchmarks/bench_* "$build"/host/cli/umbra)
for b in "${bins[@]}"; do
  [ -x "$b" ] && [ -f "$b" ] || { echo "bundle: missing $b (build with CUDA and benchmarks ON)" >&2; exit 1; }
  cp "$b" "$stage/bin/"
done
# glibc's libraries come from the device image; everything else travels.
ldd "${bins[@]}" 2>/dev/null | awk '/=> \// {print $3}' | sort -u |
  grep -Ev '/(libc|libm|libdl|librt|libpthread|libresolv|ld-linux[^/]*)\.so' | while read -r lib; do
    cp -L "$lib" "$stage/lib/"
  done
strip --strip-unneeded "$stage"/bin/* "$stage"/lib/* 2>/dev/null || true
mkdir -p .gpu
tar -C "$stage" -cJf .gpu/bundle.tar.xz bin lib
ls -la .gpu/bundle.tar.xz
