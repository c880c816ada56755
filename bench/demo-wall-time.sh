#!/usr/bin/env bash
# Wall time of the whole demo (train -> ONNX -> validate -> PDF), median of N warm runs.
# The launcher's one-off Release build is excluded by a first, untimed run.
#   bench/demo-wall-time.sh [N=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
out="$(mktemp -d)/demo"
./harness demo --out "$out" --device cpu >/dev/null
times=()
for _ in $(seq "$runs"); do
  start=$(date +%s.%N)
  ./harness demo --out "$out" --force --device cpu >/dev/null
  times+=("$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')")
done
printf '%s\n' "${times[@]}" | sort -n | awk -v n="$runs" '{ t[NR] = $1 } END {
  printf "demo wall time over %d runs: median %.2f s (min %.2f, max %.2f)\n", n, (n % 2 ? t[(n + 1) / 2] : (t[n / 2] + t[n / 2 + 1]) / 2), t[1], t[n] }'
rm -rf "$(dirname "$out")"
