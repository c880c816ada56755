#!/usr/bin/env bash
# Which trainer regularisers change external performance on the heart sites: trains on Cleveland +
# Hungary with each setting below (defaults otherwise: 5-fold cross-validation, refit on every row,
# temperature scaling, label smoothing 0.1, weight decay 0.01, dropout 0.2) for SEEDS seeds, validates on the held-out
# Switzerland and VA Long Beach (--bootstrap 0: point estimates), and prints the mean over seeds of
# each site's AUROC, calibration slope and ECE. A small, noisy experiment: 3 seeds by default.
#
#   bench/regularisers.sh            # seeds 1 2 3
#   SEEDS="1 2 3 4 5" bench/regularisers.sh
set -euo pipefail
cd "$(dirname "$0")/.."
seeds="${SEEDS:-1 2 3}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./harness --help >/dev/null
cli=(dotnet "$PWD/src/Cli/bin/Release/net10.0/harness.dll")
declare -a names=("defaults" "no temperature" "no smoothing" "no smoothing, no temp." "no weight decay" "noise:0.1" "missing:0.2" "mixup 0.4"
  "noise+missing+mixup" "holdout (one model)")
declare -a flags=("" "--calibration none" "--label-smoothing 0" "--label-smoothing 0 --calibration none" "--weight-decay 0"
  "--augment noise:0.1" "--augment missing:0.2" "--mixup 0.4" "--augment noise:0.1,missing:0.2 --mixup 0.4" "--cv holdout")
printf "%-22s %-14s %7s %7s %7s\n" "setting" "site" "AUROC" "slope" "ECE"
for i in "${!names[@]}"; do
  : > "$work/rows"
  for seed in $seeds; do
    # shellcheck disable=SC2086
    "${cli[@]}" train --site sites/heart/cleveland --site sites/heart/hungary --positive-class disease --device cpu \
      --seed "$seed" ${flags[$i]} --out "$work/m" --force >/dev/null
    "${cli[@]}" validate --model "$work/m/model.onnx" --site sites/heart/switzerland --site sites/heart/va-long-beach \
      --bootstrap 0 --device cpu --out "$work/v" --force >/dev/null
    /usr/bin/python3 - "$work/v/results.json" >> "$work/rows" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for s in r["sites"]:
    m = s["metrics"]
    print(s["name"], m["auroc"]["value"], m["calibration_slope"]["value"], m["ece"]["value"])
PY
  done
  awk -v name="${names[$i]}" '{ n[$1]++; a[$1]+=$2; s[$1]+=$3; e[$1]+=$4 }
    END { for (k in n) printf "%-22s %-14s %7.3f %7.3f %7.3f\n", name, k, a[k]/n[k], s[k]/n[k], e[k]/n[k] }' "$work/rows" | sort -k2
done
