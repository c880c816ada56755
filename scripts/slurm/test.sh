#!/usr/bin/env bash
# End-to-end test of the Slurm scripts beside this file, on a real (local, one-node) Slurm cluster:
#  1. a job array validates the four heart sites (one task each), a dependent job merges them, and the
#     merged report exists with all four sites;
#  2. a validation cancelled mid-run (scancel) and
#  3. one killed at its time limit (sbatch --time=1) each end with Harness's clean "terminated
#     (SIGTERM)" line, leaving neither its --out folder nor a staging folder.
# Uses the cluster SLURM_CONF names when one answers, else starts one (start-local-cluster.sh, root,
# installs Debian's Slurm packages if needed) and stops it at the end. Takes about 2-3 minutes, most
# of it waiting for Slurm's time-limit check. SKIP_TIME_LIMIT=1 leaves out step 3 (about a minute
# less). HARNESS: the command the jobs run (default: this repository's ./harness); MODEL: a model to
# validate (default: one trained here on cleveland + hungary). KEEP=1 keeps the work folder.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
work="$(mktemp -d /tmp/harness-slurm-test.XXXXXX)"
started_cluster=false

cleanup() {
  if [ "$started_cluster" = true ]; then "$here/stop-local-cluster.sh" || true; fi
  if [ "${KEEP:-0}" = 1 ]; then echo "Work folder kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

fail() { echo "FAIL: $*" >&2; exit 1; }

if [ -n "${SLURM_CONF:-}" ] && sinfo -h >/dev/null 2>&1; then
  echo "Using the Slurm cluster of $SLURM_CONF"
else
  export STATE_DIR="$work/cluster"
  eval "$("$here/start-local-cluster.sh")"
  started_cluster=true
  echo "Started a local Slurm cluster ($SLURM_CONF)"
fi
export HARNESS="${HARNESS:-$repo/harness}"

# Waits until job $1 (an array: all its tasks) has left the queue; fails after $2 seconds.
wait_for() {
  local job="$1" limit="$2" waited=0
  while squeue -h -j "$job" 2>/dev/null | grep -q .; do
    [ "$waited" -lt $((limit * 2)) ] || fail "job $job still queued or running after $limit s: $(squeue -j "$job")"
    sleep 0.5
    waited=$((waited + 1))
  done
}
# The state of every task of job $1, one a line (COMPLETED, FAILED, CANCELLED, TIMEOUT, ...).
states() { scontrol show job "$1" | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }

model="${MODEL:-}"
if [ -z "$model" ]; then
  echo "Training a model on cleveland and hungary..."
  "$repo/harness" train --site "$repo/sites/heart/cleveland" --site "$repo/sites/heart/hungary" \
    --positive-class disease --device cpu --out "$work/model" >"$work/train.log" 2>&1 || { cat "$work/train.log"; fail "training failed"; }
  model="$work/model/model.onnx"
fi

# 1. The array and the merge.
clock=$SECONDS
read -r array merge < <("$here/submit.sh" "$model" "$work/run" \
  "$repo/sites/heart/cleveland" "$repo/sites/heart/hungary" "$repo/sites/heart/switzerland" "$repo/sites/heart/va-long-beach" \
  -- --device cpu --bootstrap 500)
echo "Submitted array job $array (4 sites) and merge job $merge"
wait_for "$merge" 300
[ "$(states "$array" | sort -u)" = COMPLETED ] || { tail -n 5 "$work"/run/slurm/*.out; fail "array tasks: $(states "$array" | tr '\n' ' ')"; }
[ "$(states "$merge")" = COMPLETED ] || { cat "$work"/run/slurm/merge-*.out; fail "merge job: $(states "$merge")"; }
for site in cleveland hungary switzerland va-long-beach; do
  [ -f "$work/run/$site/results.json" ] || fail "no results.json for $site"
done
[ -s "$work/run/merged/report.pdf" ] || fail "no merged report.pdf"
sites_merged="$(/usr/bin/python3 -c 'import json, sys; print(" ".join(s["name"] for s in json.load(open(sys.argv[1]))["sites"]))' "$work/run/merged/results.json")"
[ "$sites_merged" = "cleveland hungary switzerland va-long-beach" ] || fail "merged sites: $sites_merged"
grep -q "Merged 4 runs" "$work"/run/slurm/merge-*.out || fail "the merge log does not say 'Merged 4 runs'"
echo "ok: array of 4 + merge in $((SECONDS - clock)) s; $work/run/merged/report.pdf has sites $sites_merged"

# 2 and 3. Killed by the scheduler: a validation long enough to be killed (several minutes: 100,000
# bootstrap resamples of a 1,515-row site, cleveland's rows five times over with unique ids, and of
# each of its 14 subgroup levels), cancelled once its staging folder exists, or at a 1-minute limit.
mkdir -p "$work/long"
awk -F, -v OFS=, 'NR == 1 { header = $0; next } { rows[NR] = $0 }
  END { print header; for (copy = 1; copy <= 5; copy++) for (r = 2; r <= NR; r++) { $0 = rows[r]; $1 = $1 "-" copy; print } }' \
  "$repo/sites/heart/cleveland/manifest.csv" >"$work/long/manifest.csv"
echo "$work/long" >"$work/one-site.txt"
long=(--device cpu --bootstrap 100000 --subgroup sex --subgroup cp --subgroup age:40,50,60,70 --subgroup thal)
mkdir -p "$work/cancelled" "$work/timeout"
cancelled="$(sbatch --parsable --array=0 --output="$work/cancelled/%A_%a.out" \
  "$here/validate-array.sbatch" "$model" "$work/one-site.txt" "$work/cancelled" "${long[@]}")"
timeout_job=""
if [ "${SKIP_TIME_LIMIT:-0}" != 1 ]; then
  timeout_job="$(sbatch --parsable --array=0 --time=1 --output="$work/timeout/%A_%a.out" \
    "$here/validate-array.sbatch" "$model" "$work/one-site.txt" "$work/timeout" "${long[@]}")"
fi

waited=0
until compgen -G "$work/cancelled/.long.partial-*" >/dev/null; do
  [ "$waited" -lt 240 ] || fail "job $cancelled never started writing: $(squeue -j "$cancelled")"
  sleep 0.5
  waited=$((waited + 1))
done
sleep 2 # well inside the run: its bootstrap takes minutes
scancel "$cancelled"
wait_for "$cancelled" 60

# A killed validation: the task's state, Harness's own last line, no --out folder, no staging folder.
check_killed() {
  local job="$1" folder="$2" state="$3" log
  log="$(cat "$folder"/*.out)"
  [ "$(states "$job")" = "$state" ] || fail "job $job: $(states "$job"), not $state"
  grep -q "^terminated (SIGTERM): no output folder was created.$" <<<"$log" || fail "job $job's log does not end as a SIGTERM should: $log"
  ! grep -q -i "internal error\|exception" <<<"$log" || fail "job $job's log: $log"
  [ ! -e "$folder/long" ] || fail "job $job left $folder/long"
  ! compgen -G "$folder/.long.partial-*" >/dev/null || fail "job $job left a staging folder: $(ls -a "$folder")"
  echo "ok: job $job $state: Harness said 'terminated (SIGTERM)', removed its staging folder, wrote no --out"
}
check_killed "$cancelled" "$work/cancelled" CANCELLED

if [ -n "$timeout_job" ]; then
  wait_for "$timeout_job" 240
  check_killed "$timeout_job" "$work/timeout" TIMEOUT
fi
echo "Slurm test passed in $SECONDS s."
