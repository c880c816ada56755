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
runs="${RUNS:-3}"
rows="${ROWS:-1000000}"
bootstraps="${BOOTSTRAPS:-0 2000}"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
[ -x /usr/bin/time ] || { echo "error: /usr/bin/time (GNU time) is needed for the peak RSS" >&2; exit 1; }

site="$work/dated-$rows"
if [ ! -f "$site/manifest.csv" ]; then
  echo "Generating $rows dated rows into $site ..." >&2
  /usr/bin/python3 bench/make-heart-site.py --rows "$rows" --seed 7 --from 2015-01-01 --to 2024-12-31 \
    --undated 0.01 --noise-per-year 0.03 --out "$site"
fi
./harness --help >/dev/null # builds the CLI (Release) if needed, untimed
# Timed runs call the built CLI directly: the launcher would rebuild inside a timed run if a source
# changed meanwhile.
cli=(dotnet "$PWD/src/Cli/bin/Release/net10.0/harness.dll")
model="$work/model"
if [ ! -f "$model/model.onnx" ]; then
  echo "Training the model ..." >&2
  ./harness train --site sites/heart/cleveland --site sites/heart/hungary --positive-class disease \
    --out "$model" --force --device cpu >/dev/null
fi

echo "cores: $(nproc); load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
for i in $(seq "$runs"); do
  for b in $bootstraps; do
    for by in none month; do
      name="$by-b$b"
      log="$work/time-$name-$i.txt"
      extra=()
      [ "$by" = none ] || extra=(--by "$by")
      start=$(date +%s.%N)
      /usr/bin/time -v -o "$log" "${cli[@]}" validate --model "$model/model.onnx" --site "$site" "${extra[@]}" \
        --out "$work/out-$name" --force --bootstrap "$b" --device cpu >"$work/console-$name.txt"
      end=$(date +%s.%N)
      wall=$(awk -v a="$end" -v b="$start" 'BEGIN { printf "%.2f", a - b }')
      rss=$(awk -F': ' '/Maximum resident set size/ { printf "%.0f", $2 / 1024 }' "$log")
      echo "run $i --by $by --bootstrap $b: $wall s, peak RSS $rss MiB"
      echo "$wall $rss" >> "$work/samples-$name"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
echo "$rows rows, median of $runs runs:"
for b in $bootstraps; do
  w0=$(tail -n "$runs" "$work/samples-none-b$b" | cut -d' ' -f1 | median)
  w1=$(tail -n "$runs" "$work/samples-month-b$b" | cut -d' ' -f1 | median)
  r0=$(tail -n "$runs" "$work/samples-none-b$b" | cut -d' ' -f2 | median)
  r1=$(tail -n "$runs" "$work/samples-month-b$b" | cut -d' ' -f2 | median)
  awk -v b="$b" -v w0="$w0" -v w1="$w1" -v r0="$r0" -v r1="$r1" 'BEGIN {
    printf "  --bootstrap %-5s without --by: %8.2f s  %6.0f MiB peak RSS\n", b, w0, r0
    printf "  --bootstrap %-5s --by month:   %8.2f s  %6.0f MiB peak RSS\n", b, w1, r1
    printf "  --bootstrap %-5s ratio:        %8.2fx wall, %.2fx RSS\n", b, w1 / w0, r1 / r0 }'
done
grep -A4 "trend per year" "$work/console-month-b${bootstraps##* }.txt" || true
[ -n "${WORK:-}" ] || rm -rf "$work"
