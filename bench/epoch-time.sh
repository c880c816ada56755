#!/usr/bin/env bash
# Training time per epoch on the demo's training sites (Cleveland + Hungary, CPU): the slope of
# wall time between --epochs 20 and --epochs 120 with early stopping disabled (patience above the
# limit), medians of RUNS runs each, so loading, export and metrics cancel out. One model is
# trained (--cv holdout here; builds before --cv trained one model anyway), and its fit rows are
# read from training.json, so builds with different splits compare per fit row too.
#   bench/epoch-time.sh [CLI_DLL]    # default: this checkout's Release build; RUNS=3
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${RUNS:-3}"
if [ $# -ge 1 ]; then dll="$1"; else ./harness --help >/dev/null; dll="$PWD/src/Cli/bin/Release/net10.0/harness.dll"; fi
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
cv=()
dotnet "$dll" train --help | grep -q -- "--cv" && cv=(--cv holdout)
median() { sort -n | awk '{ t[NR] = $1 } END { print (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2) }'; }
time_of() {
  for _ in $(seq "$runs"); do
    start=$(date +%s.%N)
    dotnet "$dll" train --site sites/heart/cleveland --site sites/heart/hungary --positive-class disease --device cpu \
      --epochs "$1" --patience 100000 "${cv[@]}" --out "$work/m" --force >/dev/null
    awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }'
  done | median
}
short=$(time_of 20); long=$(time_of 120)
fit=$(/usr/bin/python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(r['folds'][0]['fit']['rows'] if 'folds' in r else r['split']['train_rows'])" "$work/m/training.json")
awk -v s="$short" -v l="$long" -v f="$fit" 'BEGIN { e = (l - s) / 100; printf "per epoch: %.2f ms (%d fit rows: %.2f us per row); wall 20 epochs %.2f s, 120 epochs %.2f s\n", e * 1000, f, e * 1e6 / f, s, l }'
