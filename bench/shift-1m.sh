#!/usr/bin/env bash
# Cost of the shift statistics on a large site: `harness validate --bootstrap 0` on the synthetic
# 1,000,000-row heart site of bench/validate-1m.sh, with the trained model as it is (its card
# carries the training distribution, so every batch feeds the shift accumulator) and with the same
# model less its training_distribution key (resealed: the accumulator then does nothing and the
# site gets a one-line reason), each run RUNS times interleaved; prints the median wall time and
# the median peak RSS (/usr/bin/time -v "Maximum resident set size") of each, and their ratios.
#
#   bench/shift-1m.sh                  # 3 runs of each, 1,000,000 rows
#   RUNS=5 ROWS=200000 bench/shift-1m.sh
#   WORK=/tmp/bench bench/shift-1m.sh  # keep (and reuse) the site, models and outputs there
#
# Needs /usr/bin/python3 with numpy (the site) and onnx (the stripped copy of the model). Scoring
# runs on the CPU (--device cpu). Wall times on a shared machine are noisy: compare medians of runs
# made under similar load (the script prints the load average before and after).
set -euo pipefail
cd "$(dirname "$0")/.."
site_name=big site_args=()
source bench/lib-1m.sh
# The same model without its training distribution, sealed again as the exporter seals
# (src/Core/ModelCards/ModelDigest.cs: SHA-256 of the file with the digest's value blanked).
/usr/bin/python3 - "$model/model.onnx" "$work/model-without-distribution.onnx" <<'PY'
import hashlib, sys
import onnx
m = onnx.load(sys.argv[1])
kept = [p for p in m.metadata_props if p.key != "training_distribution"]
assert len(kept) == len(m.metadata_props) - 1, "the model has no training_distribution"
placeholder = "sha256:" + "0" * 64
del m.metadata_props[:]
for p in kept:
    m.metadata_props.add(key=p.key, value=placeholder if p.key == "harness_digest" else p.value)
data = m.SerializeToString()
assert data.count(placeholder.encode()) == 1
data = data.replace(placeholder.encode(), ("sha256:" + hashlib.sha256(data).hexdigest()).encode())
open(sys.argv[2], "wb").write(data)
PY

for i in $(seq "$runs"); do
  timed_run with "$i" --model "$model/model.onnx" --site "$site" --bootstrap 0
  timed_run without "$i" --model "$work/model-without-distribution.onnx" --site "$site" --bootstrap 0
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -q '"shift": {' "$work/out-with/results.json" || { echo "error: no shift statistics in the run with them" >&2; exit 1; }
grep -q '"reason": "the model card carries no training distribution' "$work/out-without/results.json" \
  || { echo "error: the run without a distribution did not say so" >&2; exit 1; }
read -r w1 r1 <<<"$(medians with)"
read -r w0 r0 <<<"$(medians without)"
awk -v w0="$w0" -v w1="$w1" -v r0="$r0" -v r1="$r1" -v n="$runs" -v rows="$rows" 'BEGIN {
  printf "%d rows, --bootstrap 0, median of %d runs:\n", rows, n
  printf "  without shift: %8.2f s  %6.0f MiB peak RSS\n", w0, r0
  printf "  with shift:    %8.2f s  %6.0f MiB peak RSS\n", w1, r1
  printf "  ratio:         %8.2fx wall, %.2fx RSS\n", w1 / w0, r1 / r0 }'
[ -n "${WORK:-}" ] || rm -rf "$work"
