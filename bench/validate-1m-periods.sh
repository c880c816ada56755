#!/usr/bin/env bash
# Cost of `validate --by month` on a large dated site: `harness validate` on a deterministic
# synthetic 1,000,000-row heart site dated 2015-01-01 to 2024-12-31 (120 months, about 8,300 rows
# each; 1% of rows undated; label noise growing 3 points a year), without --by and with --by month,
# each with --bootstrap 0 (analytic intervals only) and with the default --bootstrap 2000, each
# run RUNS times interleaved; prints the median wall time and the median peak RSS
# (/usr/bin/time -v "Maximum resident set size") of each, and the ratios --by month / without.
#
#   bench/validate-1m-periods.sh                     # 3 runs of each, 1,000,000 rows
#   RUNS=5 ROWS=200000 bench/validate-1m-periods.sh
#   WORK=/tmp/bench bench/validate-1m-periods.sh     # keep (and reuse) the site, model and outputs there
#   BOOTSTRAPS="0" bench/validate-1m-periods.sh      # only the analytic intervals
#
# The site comes from bench/make-heart-site.py --from 2015-01-01 --to 2024-12-31 (/usr/bin/python3 +
# numpy; seed 7: same bytes every time; about 90 MB). The model is trained once on
# sites/heart/cleveland + sites/heart/hungary; scoring and metrics run on the CPU (--device cpu).
# The launcher's Release build happens before any timing. Wall times on a shared machine are
# noisy: the script prints the load average before and after; compare runs made under similar
# load, and read the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
bootstraps="${BOOTSTRAPS:-0 2000}"
site_name=dated site_args=(--from 2015-01-01 --to 2024-12-31 --undated 0.01 --noise-per-year 0.03)
source bench/lib-1m.sh

for i in $(seq "$runs"); do
  for b in $bootstraps; do
    timed_run "none-b$b" "$i" --model "$model/model.onnx" --site "$site" --bootstrap "$b"
    timed_run "month-b$b" "$i" --model "$model/model.onnx" --site "$site" --bootstrap "$b" --by month
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "$rows rows, median of $runs runs:"
for b in $bootstraps; do
  read -r w0 r0 <<<"$(medians "none-b$b")"
  read -r w1 r1 <<<"$(medians "month-b$b")"
  awk -v b="$b" -v w0="$w0" -v w1="$w1" -v r0="$r0" -v r1="$r1" 'BEGIN {
    printf "  --bootstrap %-5s without --by: %8.2f s  %6.0f MiB peak RSS\n", b, w0, r0
    printf "  --bootstrap %-5s --by month:   %8.2f s  %6.0f MiB peak RSS\n", b, w1, r1
    printf "  --bootstrap %-5s ratio:        %8.2fx wall, %.2fx RSS\n", b, w1 / w0, r1 / r0 }'
done
grep -A4 "trend per year" "$work/console-month-b${bootstraps##* }.txt" || true
[ -n "${WORK:-}" ] || rm -rf "$work"
