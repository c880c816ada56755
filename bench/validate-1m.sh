#!/usr/bin/env bash
# Cost of the intervals on a large site: `harness validate` on a deterministic synthetic
# 1,000,000-row heart site, with --bootstrap 0 (analytic intervals only) and with the default
# --bootstrap 2000, each run RUNS times interleaved; prints the median wall time and the median
# peak RSS (/usr/bin/time -v "Maximum resident set size") of each, and their ratios.
#
#   bench/validate-1m.sh                 # 3 runs of each, 1,000,000 rows
#   RUNS=5 ROWS=200000 bench/validate-1m.sh
#   WORK=/tmp/bench bench/validate-1m.sh # keep (and reuse) the site, model and outputs there
#
# The site comes from bench/make-heart-site.py (/usr/bin/python3 + numpy; seed 7: same bytes every
# time; about 70 MB). The model is trained once on sites/heart/cleveland + sites/heart/hungary;
# scoring and metrics run on the CPU (--device cpu). The launcher's Release build happens before
# any timing. Wall times on a shared machine are noisy: the script prints the load average before
# and after; compare runs made under similar load, and read the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
site_name=big site_args=()
source bench/lib-1m.sh

for i in $(seq "$runs"); do
  for b in 0 2000; do timed_run "b$b" "$i" --model "$model/model.onnx" --site "$site" --bootstrap "$b"; done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
read -r w0 r0 <<<"$(medians b0)"
read -r w1 r1 <<<"$(medians b2000)"
awk -v w0="$w0" -v w1="$w1" -v r0="$r0" -v r1="$r1" -v n="$runs" -v rows="$rows" 'BEGIN {
  printf "%d rows, median of %d runs:\n", rows, n
  printf "  --bootstrap 0:    %8.2f s  %6.0f MiB peak RSS\n", w0, r0
  printf "  --bootstrap 2000: %8.2f s  %6.0f MiB peak RSS\n", w1, r1
  printf "  ratio (2000 / 0): %8.2fx wall, %.2fx RSS\n", w1 / w0, r1 / r0 }'
[ -n "${WORK:-}" ] || rm -rf "$work"
