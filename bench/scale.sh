#!/usr/bin/env bash
# Speed and scale of `harness validate` against its floors (issue 11). For each size in ROWS_LIST, a
# deterministic synthetic heart site (bench/make-heart-site.py, seed 7: id, label and 13 features),
# then RUNS interleaved rounds of:
#   - the parse floor: bench/ParseFloor reading the manifest single-threaded into an id and a label
#     string and 13 doubles per row, with CsvHelper 34, Sep and Sylvan (seconds measured inside the
#     program around opening and parsing the file: no process start-up);
#   - ONNX Runtime alone: bench/ParseFloor scoring every row on the CPU in batches of 4096 with one
#     session (the file parsed beforehand, untimed);
#   - the whole `harness validate --bootstrap 0 --device cpu` (predictions.csv, results.json and the
#     PDF written), its wall time taken from outside, start-up included, and its peak RSS.
# Per size it prints min/median/max of each, the floor (the median of the fastest reader), the ratio
# validate / floor (the median of the per-round ratios, each round's validate over that round's parse
# by the fastest reader, with their min and max), validate's median peak RSS (/usr/bin/time -v
# "Maximum resident set size") and rows/s (rows / median wall), and the load average before and
# after. Every sample goes to WORK/scale-samples.tsv, the summary (one line a size) to WORK/scale.tsv.
#
#   bench/scale.sh                                   # 100,000, 1,000,000 and 10,000,000 rows, 3 rounds
#   ROWS_LIST="100000 1000000" RUNS=5 bench/scale.sh
#   WORK=/tmp/bench bench/scale.sh                   # keep (and reuse) the sites, model and outputs there
#
# The model is trained once on sites/heart/cleveland + hungary (default settings; the feature order of
# the generated site is the model's, and ParseFloor matches columns to the card's feature_names by
# name anyway). A site takes about 80 bytes a row (10,000,000 rows: 0.8 GB, and predictions.csv
# about half as much again); 10,000,000 rows take several minutes a round. Validate's wall time
# includes its fixed cost (bench/startup.sh), which dominates the ratio at 100,000 rows. Wall times
# on a shared machine are noisy: compare rounds made under similar load, and read the medians.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs="${RUNS:-3}"
rows_list="${ROWS_LIST:-100000 1000000 10000000}"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
need_gnu_time
build_cli
build_floor
model="$work/model"
demo_model "$model"
libraries=(csvhelper sep sylvan)
samples="$work/scale-samples.tsv" summary="$work/scale.tsv"
printf 'rows\tround\tmeasure\tseconds\tpeak_rss_mib\n' > "$samples"
printf 'rows\trounds\tfloor_library\tfloor_median_s\tscore_median_s\tvalidate_min_s\tvalidate_median_s\tvalidate_max_s\tratio_median\tratio_min\tratio_max\tvalidate_rss_median_mib\tvalidate_rows_per_s\tload_before\tload_after\n' > "$summary"
echo "cores: $(nproc); load average at the start: $(load_average)"

# floor_run ROWS ROUND MEASURE ARGS...: one ParseFloor run; records its own seconds (the third word of
# "parse LIB SECONDS s N rows checksum X" / "score SECONDS s ...": the second) and checks the row count.
floor_run() {
  local n="$1" round="$2" measure="$3" line seconds; shift 3
  timed "$work/time.txt" "${floor[@]}" "$@" > "$work/floor.txt"
  line=$(cat "$work/floor.txt")
  seconds=$(awk '{ print ($1 == "parse" ? $3 : $2) }' <<<"$line")
  [ "$(awk '{ for (i = 1; i < NF; i++) if ($(i + 1) == "rows") print $i }' <<<"$line")" = "$n" ] \
    || { echo "error: expected $n rows: $line" >&2; exit 1; }
  [ "$1" = parse ] && echo "$2 $(awk '{ print $NF }' <<<"$line")" >> "$work/checksums-$n"
  printf '%s\t%s\t%s\t%s\t%s\n' "$n" "$round" "$measure" "$seconds" "$rss" >> "$samples"
  echo -n " $measure $seconds s;" >&2
}

# values ROWS MEASURE FIELD: that column (4 seconds, 5 peak RSS) of every sample of MEASURE at ROWS.
values() { awk -F'\t' -v n="$1" -v m="$2" -v f="$3" '$1 == n && $3 == m { print $f }' "$samples"; }

for rows in $rows_list; do
  site="$work/big-$rows"
  heart_site "$site" "$rows"
  : > "$work/checksums-$rows"
  load_before=$(load_average)
  for round in $(seq "$runs"); do
    echo -n "$rows rows, round $round:" >&2
    for lib in "${libraries[@]}"; do floor_run "$rows" "$round" "parse $lib" parse "$lib" "$site/manifest.csv"; done
    floor_run "$rows" "$round" "score" score "$model/model.onnx" "$site/manifest.csv"
    timed "$work/time.txt" "${cli[@]}" validate --model "$model/model.onnx" --site "$site" --bootstrap 0 --device cpu \
      --out "$work/out-$rows" --force > "$work/console-$rows.txt"
    printf '%s\t%s\t%s\t%s\t%s\n' "$rows" "$round" "validate" "$wall" "$rss" >> "$samples"
    echo " validate $wall s, $rss MiB" >&2
  done
  load_after=$(load_average)
  [ "$(cut -d' ' -f2 "$work/checksums-$rows" | sort -u | wc -l)" = 1 ] \
    || { echo "error: the readers disagree on the checksum:" >&2; cat "$work/checksums-$rows" >&2; exit 1; }

  echo
  echo "$rows rows, rounds: $runs (load average before: $load_before; after: $load_after)"
  printf '  %-18s %9s %9s %9s   %s\n' "measure" "min s" "median s" "max s" "median peak RSS"
  for measure in "${libraries[@]/#/parse }" score validate; do
    read -r lo mid hi <<<"$(values "$rows" "$measure" 4 | spread)"
    printf '  %-18s %9.3f %9.3f %9.3f   %6.0f MiB\n' "$measure" "$lo" "$mid" "$hi" "$(values "$rows" "$measure" 5 | median)"
  done
  best="" best_median=""
  for lib in "${libraries[@]}"; do
    m=$(values "$rows" "parse $lib" 4 | median)
    if [ -z "$best" ] || awk -v a="$m" -v b="$best_median" 'BEGIN { exit !(a < b) }'; then best=$lib best_median=$m; fi
  done
  read -r ratio_lo ratio_mid ratio_hi <<<"$(awk -F'\t' -v n="$rows" -v p="parse $best" '
    $1 == n && $3 == p { parse[$2] = $4 } $1 == n && $3 == "validate" { validate[$2] = $4 }
    END { for (r in validate) print validate[r] / parse[r] }' "$samples" | spread)"
  score_median=$(values "$rows" score 4 | median)
  read -r v_lo v_mid v_hi <<<"$(values "$rows" validate 4 | spread)"
  v_rss=$(values "$rows" validate 5 | median)
  rate=$(awk -v n="$rows" -v t="$v_mid" 'BEGIN { printf "%.0f", n / t }')
  printf '  floor: %s, median %.3f s\n' "$best" "$best_median"
  printf '  validate / floor: median %.2fx (per round: min %.2fx, max %.2fx)\n' "$ratio_mid" "$ratio_lo" "$ratio_hi"
  printf '  validate: median %.2f s, %.0f MiB peak RSS, %s rows/s\n' "$v_mid" "$v_rss" "$rate"
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%.3f\t%.3f\t%.3f\t%s\t%s\t%s\t%s\n' "$rows" "$runs" "$best" "$best_median" "$score_median" \
    "$v_lo" "$v_mid" "$v_hi" "$ratio_mid" "$ratio_lo" "$ratio_hi" "$v_rss" "$rate" "$load_before" "$load_after" >> "$summary"
done
echo
echo "load average at the end: $(load_average)"
if [ -n "${WORK:-}" ]; then echo "samples: $samples; summary: $summary"; else rm -rf "$work"; fi
