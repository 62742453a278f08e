#!/usr/bin/env bash
# Runs on a lent GPU machine (see bundle.sh): every gpu-labelled test binary, the CUDA benchmarks
# with their CPU baselines in the same run, and the CLI on the CUDA backend. Everything goes to
# $OUT in at most 8 files (the device tool's limit); a short table is printed last.
#   bash scripts/gpu/check.sh [tests|bench|cli|sanitize ...]   (default: tests bench cli)
set -u
cd "$(dirname "$0")/../.."
OUT=${OUT:-/tmp/umbra-gpu-out}
mkdir -p "$OUT"
root=/tmp/umbra-gpu
mkdir -p "$root" && tar -xJf .gpu/bundle.tar.xz -C "$root" || { echo "check: no bundle" >&2; exit 1; }
export LD_LIBRARY_PATH=$root/lib
bin=$root/bin
parts=("$@")
[ ${#parts[@]} -eq 0 ] && parts=(tests bench cli)
summary=$OUT/summary.txt
nvidia-smi --query-gpu=name,driver_version,clocks.sm,clocks.max.sm,clocks.mem,temperature.gpu --format=csv | tee "$summary"
{ nproc | sed "s/^/host cores: /"; grep -m1 "model name" /proc/cpuinfo; } | tee -a "$summary"

run_tests() {
  for t in "$bin"/test_*_cuda; do
    local n; n=$(basename "$t")
    local s=$SECONDS
    timeout 90 "$t" --gtest_brief=1 >> "$OUT/tests.log" 2>&1
    local rc=$?
    echo "=== $n rc=$rc ($((SECONDS - s)) s)" >> "$OUT/tests.log"
    echo "test $n rc=$rc $((SECONDS - s)) s" | tee -a "$summary"
  done
}

# One benchmark binary with a filter; console output appended (the counters are all there).
bench() {
  local b=$1 filter=$2 s=$SECONDS
  [[ $b =~ ${UMBRA_BENCH:-.} ]] || return 0  # UMBRA_BENCH=regex: only the matching binaries
  timeout 150 "$bin/$b" --benchmark_filter="$filter" --benchmark_min_time=0.5 >> "$OUT/bench.log" 2>&1
  echo "bench $b rc=$? $((SECONDS - s)) s" | tee -a "$summary"
}
run_bench() {
  bench bench_tracking 'BM_FitCpu/|BM_FitCuda'
  bench bench_vertexing 'BM_VertexCpu/|BM_VertexCuda'
  bench bench_clustering 'BM_ClusteringCpu/|BM_ClusteringCuda'
  bench bench_digit_kinematics '.'
  bench bench_scan_batched 'Ceres|BatchedCpu|BatchedCuda'
}

# compute-sanitizer's memcheck over every CUDA test binary (out-of-bounds and misaligned accesses,
# leaks of device memory); a test fails the check with exit code 9.
run_sanitize() {
  local cs
  cs=$(command -v compute-sanitizer || echo /usr/local/cuda/bin/compute-sanitizer)
  for t in "$bin"/test_*_cuda; do
    local s=$SECONDS
    timeout 150 "$cs" --tool memcheck --leak-check full --error-exitcode 9 "$t" --gtest_brief=1 >> "$OUT/sanitize.log" 2>&1
    echo "memcheck $(basename "$t") rc=$? $((SECONDS - s)) s" | tee -a "$summary"
  done
}

run_cli() {
  local w=/tmp/umbra-cli s=$SECONDS
  mkdir -p $w
  {
    "$bin/umbra" simulate --process scalar --mass 0.5 --events 20000 -o $w/sim.h5 -q &&
      "$bin/umbra" reconstruct $w/sim.h5 -o $w/cpu.h5 --backend cpu &&
      "$bin/umbra" reconstruct $w/sim.h5 -o $w/cuda.h5 --backend cuda &&
      "$bin/umbra" info $w/cuda.h5
  } >> "$OUT/cli.log" 2>&1
  echo "cli reconstruct rc=$? $((SECONDS - s)) s" | tee -a "$summary"
  s=$SECONDS
  # a falling M^2_gg spectrum, 20000 values in [0.04, 50] GeV^2, fixed seed
  awk 'BEGIN { srand(7); for (i = 0; i < 20000; ++i) { x = -8 * log(1 - rand()); if (x > 0.04 && x < 50) print x } }' > $w/m2.csv
  {
    "$bin/umbra" scan --input $w/m2.csv --observable m2_gg --mass-max 7 -o $w/ceres.h5 &&
      "$bin/umbra" scan --input $w/m2.csv --observable m2_gg --mass-max 7 -o $w/cuda.h5 --engine batched --backend cuda &&
      paste -d '\n' $w/ceres.csv $w/cuda.csv | head -12
  } >> "$OUT/cli.log" 2>&1
  echo "cli scan rc=$? $((SECONDS - s)) s" | tee -a "$summary"
}

for p in "${parts[@]}"; do "run_$p"; done
grep -h -A3 -E "Failure|FAILED|rror" "$OUT"/tests.log 2>/dev/null | head -60
grep -h -E "ERROR SUMMARY|Invalid|LEAK" "$OUT"/sanitize.log 2>/dev/null | sort | uniq -c | head -20
grep -E "^BM_|cuda|agree|differ" "$OUT"/bench.log 2>/dev/null | cut -c1-200 | tail -40
cat "$summary"
