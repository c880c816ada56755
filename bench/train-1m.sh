#!/usr/bin/env bash
# Training at scale (issue 11: rows/s per epoch and peak memory at 1,000,000 rows): `harness train` on
# the deterministic synthetic heart site of bench/scale.sh (make-heart-site.py, seed 7, 13 features),
# one model (--cv holdout: 60% of the rows fitted, 20% watched by early stopping, 20% held out),
# CPU, default settings otherwise (batch 32, one libtorch thread), early stopping off (patience
# above the limit). RUNS interleaved pairs of runs with --epochs 1 and --epochs EPOCHS, each under
# /usr/bin/time -v. Prints the EPOCHS run's wall time and peak RSS (medians), and the time per epoch
# as the slope between the two, (T(EPOCHS) - T(1)) / (EPOCHS - 1), so loading the site, building
# the tensors, calibration, export and the development metrics cancel out (as bench/epoch-time.sh
# does): training.json records only the whole run's seconds, and the console no per-epoch times.
# An epoch is one shuffled pass over the fit rows in mini-batches plus the loss and AUROC of the
# early-stopping rows; rows/s per epoch counts the fit rows (training.json's folds[0].fit.rows).
#
#   bench/train-1m.sh                       # 1,000,000 rows, 1 pair, EPOCHS=3
#   ROWS=100000 RUNS=3 EPOCHS=5 bench/train-1m.sh
#   WORK=/tmp/bench bench/train-1m.sh       # keep (and reuse) the site and the runs there
#
# The PyTorch reference: where /usr/bin/python3 has torch, the same MLP (median imputation and
# standardisation, 32-16 ReLU with dropout 0.2, 2 logits; AdamW 0.001 with weight decay 0.01 on
# weights only; label smoothing 0.1; batch 32; one thread) trains in eager mode on as many fit rows
# of the same site for EPOCHS epochs, each also scoring the early-stopping rows' loss (not their
# AUROC), and its median epoch time is printed beside Harness's. Where torch is absent it says so.
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/lib.sh
runs="${RUNS:-1}"
rows="${ROWS:-1000000}"
epochs="${EPOCHS:-3}"
work="${WORK:-$(mktemp -d)}"
mkdir -p "$work"
[ "$epochs" -ge 2 ] || { echo "error: EPOCHS must be at least 2 (the slope is taken from --epochs 1)" >&2; exit 1; }
need_gnu_time
build_cli
site="$work/big-$rows"
heart_site "$site" "$rows"

echo "cores: $(nproc); load average before: $(load_average)"
: > "$work/train-samples"
for round in $(seq "$runs"); do
  for e in 1 "$epochs"; do
    timed "$work/time.txt" "${cli[@]}" train --site "$site" --positive-class disease --device cpu --cv holdout \
      --epochs "$e" --patience 100000 --out "$work/train-$e" --force > "$work/console-train-$e.txt"
    echo "round $round, --epochs $e: $wall s, $rss MiB" >&2
    echo "$e $wall $rss" >> "$work/train-samples"
  done
done
echo "load average after: $(load_average)"
read -r fit stopping recorded seconds <<<"$(/usr/bin/python3 - "$work/train-$epochs/training.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = r["folds"][0]
print(f["fit"]["rows"], f["early_stopping"]["rows"], len(r["epochs"]), r["seconds"])
PY
)"
[ "$recorded" = "$epochs" ] || { echo "error: training.json records $recorded epochs, not $epochs" >&2; exit 1; }
t1=$(awk '$1 == 1 { print $2 }' "$work/train-samples" | median)
read -r t_lo t_mid t_hi <<<"$(awk -v e="$epochs" '$1 == e { print $2 }' "$work/train-samples" | spread)"
rss_mid=$(awk -v e="$epochs" '$1 == e { print $3 }' "$work/train-samples" | median)
per_epoch=$(awk -v a="$t_mid" -v b="$t1" -v e="$epochs" 'BEGIN { printf "%.3f", (a - b) / (e - 1) }')
rate=$(awk -v f="$fit" -v t="$per_epoch" 'BEGIN { if (t > 0) printf "%.0f", f / t; else print "-" }')
printf '%d rows (%d fitted, %d watched by early stopping), median of %d run(s):\n' "$rows" "$fit" "$stopping" "$runs"
printf '  --epochs %d: wall %.2f s (min %.2f, max %.2f), peak RSS %.0f MiB; training.json: %.2f s\n' "$epochs" "$t_mid" "$t_lo" "$t_hi" "$rss_mid" "$seconds"
printf '  --epochs 1: wall %.2f s\n' "$t1"
if awk -v t="$per_epoch" 'BEGIN { exit !(t > 0) }'; then
  printf '  per epoch: %.3f s, %s fit rows/s (%.2f us per fit row)\n' "$per_epoch" "$rate" "$(awk -v t="$per_epoch" -v f="$fit" 'BEGIN { print t * 1e6 / f }')"
else
  echo "  per epoch: lost in the noise (slope $per_epoch s): run more rows, EPOCHS or RUNS"
  rate=-
fi
printf 'rows\tfit_rows\tepochs\twall_median_s\tpeak_rss_median_mib\tepoch_s\tfit_rows_per_s\ttorch_epoch_s\n' > "$work/train.tsv"

torch_epoch=""
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  torch_epoch=$(/usr/bin/python3 - "$site/manifest.csv" "$fit" "$stopping" "$epochs" <<'PY'
import sys, time
import numpy as np
import torch

path, fit, stopping, epochs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
torch.set_num_threads(1)
torch.manual_seed(42)
with open(path) as f:
    header = f.readline().strip().split(",")
features = [c for c in header if c not in ("id", "label", "patient_id", "date") and not c.startswith("group:")]
columns = [header.index(c) for c in features]
x = np.loadtxt(path, delimiter=",", skiprows=1, usecols=columns, dtype=np.float32)
y = np.loadtxt(path, delimiter=",", skiprows=1, usecols=[header.index("label")], dtype=str) == "disease"
order = np.random.default_rng(42).permutation(len(x))
fit_rows, stop_rows = order[:fit], order[fit:fit + stopping]
x_fit, y_fit = torch.from_numpy(x[fit_rows]), torch.from_numpy(y[fit_rows].astype(np.int64))
x_stop, y_stop = torch.from_numpy(x[stop_rows]), torch.from_numpy(y[stop_rows].astype(np.int64))
median = torch.nanmedian(x_fit, dim=0).values
imputed = torch.where(torch.isnan(x_fit), median, x_fit)
mean, sd = imputed.mean(0), imputed.std(0).clamp_min(1e-6)


class Model(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.mlp = torch.nn.Sequential(
            torch.nn.Linear(len(features), 32), torch.nn.ReLU(), torch.nn.Dropout(0.2),
            torch.nn.Linear(32, 16), torch.nn.ReLU(), torch.nn.Dropout(0.2), torch.nn.Linear(16, 2))

    def forward(self, raw):
        return self.mlp((torch.where(torch.isnan(raw), median, raw) - mean) / sd)


model = Model()
params = list(model.parameters())
optimiser = torch.optim.AdamW([{"params": [p for p in params if p.dim() >= 2], "weight_decay": 0.01},
                               {"params": [p for p in params if p.dim() < 2], "weight_decay": 0.0}], lr=0.001)
loss = torch.nn.CrossEntropyLoss(label_smoothing=0.1)
times = []
for _ in range(epochs):
    start = time.perf_counter()
    model.train()
    shuffled = torch.randperm(fit)
    for s in range(0, fit, 32):
        batch = shuffled[s:s + 32]
        optimiser.zero_grad()
        value = loss(model(x_fit.index_select(0, batch)), y_fit.index_select(0, batch))
        value.backward()
        optimiser.step()
    model.eval()
    with torch.no_grad():
        torch.nn.functional.cross_entropy(model(x_stop), y_stop).item()
    times.append(time.perf_counter() - start)
print(f"{sorted(times)[len(times) // 2]:.3f}")
PY
)
  printf '  PyTorch %s eager, same MLP and rows, one thread: %.3f s per epoch (median of %d); Harness / PyTorch: %.2fx\n' \
    "$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')" "$torch_epoch" "$epochs" "$(awk -v a="$per_epoch" -v b="$torch_epoch" 'BEGIN { print a / b }')"
else
  echo "  PyTorch reference: absent (/usr/bin/python3 cannot import torch); not compared"
fi
printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$rows" "$fit" "$epochs" "$t_mid" "$rss_mid" "$per_epoch" "$rate" "${torch_epoch:--}" >> "$work/train.tsv"
[ -n "${WORK:-}" ] || rm -rf "$work"
