#!/usr/bin/env bash
# The PDF report: render time (harness report from saved results, median of N), pages and bytes,
# for the demo's results (4 sites) and for 30 sites (the four heart sites copied under 30 names,
# validated together with --bootstrap 200). The render time includes starting the CLI.
#   bench/report-render.sh [N=5]
set -euo pipefail
cd "$(dirname "$0")/.."
runs="${1:-5}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
./harness demo --out "$work/demo" --device cpu >/dev/null || true # exit 3/4 would be a verdict, not a failure
heart=(cleveland hungary switzerland va-long-beach)
sites=()
for i in $(seq -w 1 30); do
  src="sites/heart/${heart[$(( (10#$i - 1) % 4 ))]}"
  mkdir -p "$work/sites/site-$i-${src##*/}"
  cp "$src/manifest.csv" "$work/sites/site-$i-${src##*/}/"
  sites+=(--site "$work/sites/site-$i-${src##*/}")
done
./harness validate --model "$work/demo/train/model.onnx" "${sites[@]}" --bootstrap 200 --device cpu --out "$work/thirty" >/dev/null || true

median() { sort -n | awk '{ t[NR] = $1 } END { printf "median %.2f s (min %.2f, max %.2f)", (NR % 2 ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2), t[1], t[NR] }'; }
for name in demo/validate thirty; do
  results="$work/$name/results.json"
  times=()
  for r in $(seq "$runs"); do
    start=$(date +%s.%N)
    ./harness report --results "$results" --out "$work/render-$r.pdf" >/dev/null
    times+=("$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN { print a - b }')")
  done
  pages=$(pdfinfo "$work/render-1.pdf" | awk '/^Pages:/ { print $2 }')
  bytes=$(stat -c %s "$work/render-1.pdf")
  sites_n=$(python3 -c "import json,sys; print(len(json.load(open(sys.argv[1]))['sites']))" "$results")
  echo "$sites_n sites: $pages pages, $bytes bytes; render $(printf '%s\n' "${times[@]}" | median) over $runs runs"
  rm -f "$work"/render-*.pdf
done
