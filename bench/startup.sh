#!/usr/bin/env bash
# Validate's fixed cost (issue 11: under 0.5 s for a tiny site): wall time of `harness validate` on a
# 10-row site (the header and first 10 rows of sites/heart/switzerland/manifest.csv: the 13 features
# the demo's model reads; chol and ca missing in all ten), with the default options (2,000 bootstrap
# resamples) and with --bootstrap 0, beside `harness --help` (start-up and command-line parsing only)
# and an empty .NET program (`ParseFloor.dll --version`, which prints nothing: the runtime's own
# start-up). RUNS interleaved rounds of the four; prints min/median/max of each and its median peak
# RSS (/usr/bin/time -v). The model is trained once on sites/heart/cleveland + hungary, untimed.
#
#   bench/startup.sh              # 7 rounds
#   RUNS=15 bench/startup.sh
#   WORK=/tmp/bench bench/startup.sh  # keep the site, model and outputs there
#
# Each run is a new process, so each pays the runtime's start-up and the JIT of what it runs. Timed
# runs call the built CLI directly (dotnet .../harness.dll), not the launcher. The results are also
# in WORK/startup.tsv (one line a measure: min, median, max seconds, median peak RSS MiB).
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs="${RUNS:-7}"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
need_gnu_time
build_cli
build_floor
model="$work/model"
demo_model "$model"
site="$work/tiny"
mkdir -p "$site"
head -n 11 sites/heart/switzerland/manifest.csv > "$site/manifest.csv"

names=("validate (defaults)" "validate --bootstrap 0" "harness --help" "empty .NET program")
command_of() { # sets cmd to measure $1's command line
  case "$1" in
    0) cmd=("${cli[@]}" validate --model "$model/model.onnx" --site "$site" --device cpu --out "$work/out-defaults" --force) ;;
    1) cmd=("${cli[@]}" validate --model "$model/model.onnx" --site "$site" --bootstrap 0 --device cpu --out "$work/out-b0" --force) ;;
    2) cmd=("${cli[@]}" --help) ;;
    3) cmd=("${floor[@]}" --version) ;;
  esac
}
echo "cores: $(nproc); load average before: $(load_average)"
: > "$work/startup-samples"
for round in $(seq "$runs"); do
  for i in "${!names[@]}"; do
    command_of "$i"
    timed "$work/time.txt" "${cmd[@]}" > "$work/console.txt" 2>&1 || { cat "$work/console.txt" >&2; exit 1; }
    echo "$i $wall $rss" >> "$work/startup-samples"
  done
done
echo "load average after: $(load_average)"
echo "10-row site, rounds: $runs (wall seconds; a new process each run):"
printf '  %-24s %7s %7s %7s   %s\n' "" "min" "median" "max" "median peak RSS"
printf 'measure\tmin_s\tmedian_s\tmax_s\trss_median_mib\n' > "$work/startup.tsv"
for i in "${!names[@]}"; do
  read -r lo mid hi <<<"$(awk -v i="$i" '$1 == i { print $2 }' "$work/startup-samples" | spread)"
  rss_mid=$(awk -v i="$i" '$1 == i { print $3 }' "$work/startup-samples" | median)
  printf '  %-24s %7.3f %7.3f %7.3f   %6.0f MiB\n' "${names[$i]}" "$lo" "$mid" "$hi" "$rss_mid"
  printf '%s\t%s\t%s\t%s\t%s\n' "${names[$i]}" "$lo" "$mid" "$hi" "$rss_mid" >> "$work/startup.tsv"
done
[ -n "${WORK:-}" ] || rm -rf "$work"
