#!/usr/bin/env bash
# Signals and images on this machine: per modality (ecg, image), the training epoch time, validation
# throughput and peak memory, on cohorts written by `harness synth` (fixed seed: the same files every run).
#   bench/modalities.sh            REPEAT=3 runs of each measurement; WORK=/tmp/harness-modalities
# Epoch time is the slope of training.json's seconds between --epochs 2 and --epochs 12 (no early stop:
# --min-epochs equals --epochs), medians of REPEAT each, so decoding, export and start-up cancel out.
# Throughput: `validate --bootstrap 0` of a 2,000-example site, examples per wall second (CLI start-up,
# decoding, scoring, metrics and the report included), median of REPEAT; peak RSS from GNU time.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
need_gnu_time
REPEAT="${REPEAT:-3}"
WORK="${WORK:-/tmp/harness-modalities}"
mkdir -p "$WORK"
build_cli

declare -A SYNTH=([ecg]="--rows 150" [image]="--rows 300")
declare -A TRAIN=(
  [ecg]="--positive-class af --sampling-rate 250 --augment noise:0.01,scale:0.8-1.2,shift:125,wander:0.1@0.05-0.5,powerline:0.02@50 --mixup 0.2 --cutmix 1"
  [image]="--positive-class lesion --augment flip:0.5,rotate:10,jitter:0.1/0.1,crop:4 --cutmix 1")

for kind in ecg image; do
  [ -d "$WORK/$kind" ] || "${cli[@]}" synth "$kind" --out "$WORK/$kind" --sites 3 ${SYNTH[$kind]} --seed 7 >/dev/null
  [ -d "$WORK/$kind-big" ] || "${cli[@]}" synth "$kind" --out "$WORK/$kind-big" --sites 1 --rows 2000 --seed 8 >/dev/null
  declare -A seconds=()
  for epochs in 2 12; do
    for i in $(seq "$REPEAT"); do
      timed "$WORK/time.log" "${cli[@]}" train --site "$WORK/$kind/north" --site "$WORK/$kind/south" --site "$WORK/$kind/east" \
        --out "$WORK/run-$kind" --force --device cpu --cv holdout --epochs "$epochs" --min-epochs "$epochs" ${TRAIN[$kind]} >/dev/null
      /usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['seconds'])" "$WORK/run-$kind/training.json" >> "$WORK/$kind-$epochs.txt"
      [ "$epochs" = 12 ] && echo "$rss" >> "$WORK/$kind-train-rss.txt"
    done
  done
  rows=$(/usr/bin/python3 -c "import json,sys; f=json.load(open(sys.argv[1]))['folds'][0]['fit']; print(f['rows'])" "$WORK/run-$kind/training.json")
  slope=$(awk -v a="$(median < "$WORK/$kind-2.txt")" -v b="$(median < "$WORK/$kind-12.txt")" 'BEGIN { printf "%.3f", (b - a) / 10 }')
  for i in $(seq "$REPEAT"); do
    timed "$WORK/time.log" "${cli[@]}" validate --model "$WORK/run-$kind/model.onnx" --site "$WORK/$kind-big/north" \
      --out "$WORK/val-$kind" --force --device cpu --bootstrap 0 >/dev/null
    echo "$wall" >> "$WORK/$kind-validate.txt"
    echo "$rss" >> "$WORK/$kind-validate-rss.txt"
  done
  n=$(/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['sites'][0]['n'])" "$WORK/val-$kind/results.json")
  read -r vmin vmed vmax < <(spread < "$WORK/$kind-validate.txt")
  echo "$kind: epoch $slope s for $rows fit rows ($(awk -v s="$slope" -v r="$rows" 'BEGIN { printf "%.0f", r / s }') examples/s; training peak RSS $(median < "$WORK/$kind-train-rss.txt") MiB);" \
    "validate $n examples in $vmed s (min $vmin, max $vmax): $(awk -v n="$n" -v t="$vmed" 'BEGIN { printf "%.0f", n / t }') examples/s, peak RSS $(median < "$WORK/$kind-validate-rss.txt") MiB; load $(load_average)"
  rm -f "$WORK/$kind"-*.txt
done
