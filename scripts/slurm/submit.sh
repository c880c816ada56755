#!/usr/bin/env bash
# Validates a model at several sites on a Slurm cluster: one array task per site, then a merge job
# that waits for all of them and writes one report.
#   scripts/slurm/submit.sh MODEL OUT_ROOT SITE [SITE ...] [-- VALIDATE OPTIONS...]
#   HARNESS=/opt/harness-validator/harness-validator scripts/slurm/submit.sh runs/heart/model.onnx runs/slurm sites/heart/*/
# Writes OUT_ROOT/<site>/ (each site's predictions.csv, results.json, report.pdf), OUT_ROOT/merged/
# (report.pdf, results.json) and OUT_ROOT/slurm/ (the site list and the jobs' logs). Prints the
# array's job id and the merge's. HARNESS defaults to this repository's ./harness (built here
# first, once). Slurm's own SBATCH_* variables set the rest, e.g. SBATCH_PARTITION,
# SBATCH_ACCOUNT, SBATCH_TIMELIMIT (they apply to both jobs).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

if [ $# -lt 3 ]; then
  echo "usage: $0 MODEL OUT_ROOT SITE [SITE ...] [-- VALIDATE OPTIONS...]" >&2
  exit 1
fi
model="$(realpath -e "$1")"
out_root="$(realpath -m "$2")"
shift 2
sites=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  sites+=("$(realpath -e "$1")")
  shift
done
[ $# -eq 0 ] || shift # the "--"
[ ${#sites[@]} -gt 0 ] || { echo "error: no site given." >&2; exit 1; }

duplicate="$(for s in "${sites[@]}"; do basename "$s"; done | sort | uniq -d | head -n 1)"
if [ -n "$duplicate" ]; then
  echo "error: two sites are named '$duplicate' (each writes OUT_ROOT/<folder name>); give them distinct folder names." >&2
  exit 1
fi

export HARNESS="${HARNESS:-$repo/harness}"
# Build (the launcher) or check (an installed validator) once here, not in every task at once.
"$HARNESS" --help >/dev/null

mkdir -p "$out_root/slurm"
printf '%s\n' "${sites[@]}" >"$out_root/slurm/sites.txt"
array="$(sbatch --parsable --array="0-$(( ${#sites[@]} - 1 ))" --output="$out_root/slurm/validate-%A_%a.out" \
  "$here/validate-array.sbatch" "$model" "$out_root/slurm/sites.txt" "$out_root" "$@")"
array="${array%%;*}" # "id;cluster" on multi-cluster setups
merge="$(sbatch --parsable --dependency="afterany:$array" --output="$out_root/slurm/merge-%j.out" \
  "$here/merge.sbatch" "$out_root/slurm/sites.txt" "$out_root")"
merge="${merge%%;*}"
echo "$array $merge"
