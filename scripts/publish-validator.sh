#!/usr/bin/env bash
# Publishes harness-validator, the validation-only command line (validate, report, verify) a hospital
# installs: self-contained for linux-x64 (no .NET needed on the target), ONNX Runtime's CPU provider,
# no TorchSharp or libtorch, ReadyToRun (the project's setting; -- -p:PublishReadyToRun=false for IL). Usage:
#   scripts/publish-validator.sh [--cuda] [OUT_DIR] [-- EXTRA DOTNET PUBLISH ARGUMENTS]
#     OUT_DIR  where the program goes (default dist/harness-validator, or dist/harness-validator-cuda);
#              emptied first, so a CUDA build never leaves its provider in a CPU one or back
#     --cuda   ONNX Runtime's Linux build with the CUDA 13 execution provider (-p:ValidatorCuda=true);
#              the host then needs the NVIDIA driver, CUDA 13 and cuDNN 9, as for 'harness validate'
# Then run OUT_DIR/harness-validator validate --model model.onnx --site SITE --out OUT.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

cuda=false
out=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --cuda) cuda=true ;;
    --) shift; extra=("$@"); break ;;
    -*) echo "error: unknown option '$1' (see the top of $0)" >&2; exit 1 ;;
    *) [ -z "$out" ] || { echo "error: one output folder only" >&2; exit 1; }; out="$1" ;;
  esac
  shift
done
if [ -z "$out" ]; then
  out="$repo/dist/harness-validator"
  [ "$cuda" = false ] || out="$repo/dist/harness-validator-cuda"
fi

if ! command -v dotnet >/dev/null 2>&1; then
  echo "error: the .NET 10 SDK ('dotnet') is not on PATH; it is needed to publish (not to run) harness-validator." >&2
  exit 1
fi

rm -rf "$out"
# The project sets the runtime (linux-x64). Naming it here with -r would also re-restore the libraries
# it references for that runtime, and the next plain 'dotnet build' would restore them back.
dotnet publish "$repo/src/ValidatorCli/Harness.ValidatorCli.csproj" \
  -c Release --self-contained -p:ValidatorCuda="$cuda" \
  -o "$out" --nologo ${extra[@]+"${extra[@]}"}

echo "Published $(du -sh "$out" | cut -f1) to $out (CUDA provider: $cuda)."
