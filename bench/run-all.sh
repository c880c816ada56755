#!/usr/bin/env bash
# Issue 11's benchmark run: bench/scale.sh, bench/startup.sh, bench/demo-load.sh and bench/train-1m.sh
# in sequence, sharing one WORK folder (so the 1,000,000-row site and the model are made once), each
# one's output shown and kept in WORK/NAME.txt; then one summary of the numbers the issue's "Done
# when" asks for: validate / parse floor at each size with peak RSS and rows/s, demo wall time idle
# vs under load, validate's start-up on a 10-row site, and training rows/s and peak RSS at 1,000,000 rows.
#
#   bench/run-all.sh                          # every script with its defaults (scale: 100k, 1M, 10M rows)
#   ROWS_LIST="100000 1000000" bench/run-all.sh
#   RUNS=3 WORK=/tmp/bench bench/run-all.sh   # RUNS, if set, applies to every script; WORK is kept if given
#
# With ROWS_LIST="100000 1000000" it took 11 minutes on this 2-core machine under heavy load; the
# default 10,000,000 rows add several minutes a round and about 1.5 GB of disk in WORK. Nothing else
# should run meanwhile: each script prints the load average before and after, and the timings are
# only as good as the quiet.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
for script in scale startup demo-load train-1m; do
  echo "== bench/$script.sh ($(date -u +%H:%M:%S) UTC)"
  WORK="$work" "bench/$script.sh" 2>&1 | tee "$work/$script.txt"
done

tsv() { awk -F'\t' -v c="$2" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == c) k = i; next } { print $k }' "$work/$1"; }
echo
echo "== Summary ($(nproc) cores; load average now: $(load_average))"
echo "validate --bootstrap 0 (whole run: predictions.csv, results.json, PDF) against the fastest single-threaded parse into doubles:"
printf '  %10s  %-9s %8s %10s  %-22s %9s %10s\n' "rows" "floor" "floor s" "validate s" "validate / floor" "peak RSS" "rows/s"
awk -F'\t' 'NR > 1 { printf "  %10s  %-9s %8.3f %10.2f  %-22s %5.0f MiB %10s\n", $1, $3, $4, $7, sprintf("%.2fx (%.2fx-%.2fx)", $9, $10, $11), $12, $13 }' "$work/scale.tsv"
echo "demo wall time: idle $(tsv demo-load.tsv idle_median_s) s, with 2 busy processes $(tsv demo-load.tsv loaded_median_s) s: $(tsv demo-load.tsv ratio)x (medians)"
awk -F'\t' 'NR > 1 { printf "start-up, 10-row site: %-24s median %.3f s (min %.3f, max %.3f)\n", $1, $3, $2, $4 }' "$work/startup.tsv"
awk -F'\t' 'NR > 1 { printf "training, %d rows (%d fitted, --cv holdout, batch 32, 1 thread): %s s per epoch, %s fit rows/s; --epochs %d: %.2f s, peak RSS %.0f MiB; PyTorch epoch: %s\n",
  $1, $2, $6, $7, $3, $4, $5, ($8 == "-" ? "absent" : $8 " s") }' "$work/train.tsv"
[ -n "${WORK:-}" ] || rm -rf "$work"
