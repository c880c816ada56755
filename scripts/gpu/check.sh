#!/usr/bin/env bash
# CUDA evidence, run on a GPU machine from the repository root after scripts/gpu/pack.sh here
# (device tool: carry [".device"], command "bash scripts/gpu/check.sh"). Trains the tabular MLP,
# the ECG CNN and the image CNN on CUDA through the machine's PyTorch libtorch, the tabular and image
# models on that machine's CPU too (timing and agreement), validates on ONNX Runtime, and leaves
# the log, the training records and the image demo's report under $OUT.
set -uo pipefail
out=${OUT:-/tmp/gpu-check}; work=/tmp/gpu-work; rm -rf "$work"; mkdir -p "$out" "$work"
exec > >(tee "$out/check.log") 2>&1
step() { printf '\n== %s\n' "$*"; }
# timed ARGS...: harness ARGS (at most 200 s), then its exit status and wall time.
timed() { local t0=$EPOCHREALTIME rc; timeout 200 dotnet .device/app/harness.dll "$@"; rc=$?; printf -- '-- exit %s after %.1f s\n' "$rc" "$(echo "$EPOCHREALTIME - $t0" | python3 -c 'print(eval(input()))')"; return $rc; }

step machine
nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader
python3 -c 'import torch; print("PyTorch", torch.__version__, "CUDA", torch.version.cuda, "available", torch.cuda.is_available())'
source .device/env.sh
echo "dotnet $(dotnet --list-runtimes | head -1); HARNESS_LIBTORCH_DIR=$HARNESS_LIBTORCH_DIR"

step "symbols libLibTorchSharp (built on libtorch 2.10) needs that this libtorch lacks"
if command -v nm >/dev/null; then
  nm -D --defined-only "$HARNESS_LIBTORCH_DIR"/lib{c10,c10_cuda,torch_cpu,torch_cuda,torch}.so 2>/dev/null | awk '{print $3}' | sort -u > "$work/defined"
  nm -D --undefined-only .device/app/libLibTorchSharp.so | awk '{print $2}' | grep -v '@' | sort -u > "$work/needed"
  comm -23 "$work/needed" "$work/defined" | tee "$work/missing" | head -20; echo "missing: $(wc -l < "$work/missing") of $(wc -l < "$work/needed")"
else echo "nm is not installed"; fi

heart="--site sites/heart/cleveland --site sites/heart/hungary --positive-class disease"
step "tabular MLP, --device cuda";  timed train $heart --device cuda --out "$work/tab-cuda"
step "tabular MLP, --device cpu";   timed train $heart --device cpu --out "$work/tab-cpu"
step "validate the CUDA-trained model, --device cuda (ONNX Runtime's CUDA provider was not carried)"
timed validate --model "$work/tab-cuda/model.onnx" --site sites/heart/switzerland --device cuda --out "$work/val-cuda"
step "validate the CUDA-trained model, --device auto"
timed validate --model "$work/tab-cuda/model.onnx" --site sites/heart/switzerland --site sites/heart/va-long-beach --out "$work/val-auto"
step "ECG CNN demo, --device auto (training on CUDA, validation on the CPU provider)"
timed demo --modality ecg --device auto --sites "$work/ecg-sites" --out "$work/demo-ecg"
step "image CNN demo, --device auto"
timed demo --modality image --device auto --sites "$work/image-sites" --out "$work/demo-image-cuda"
step "image CNN demo, --device cpu ($(nproc) cores)"
timed demo --modality image --device cpu --sites "$work/image-sites-cpu" --out "$work/demo-image-cpu"

step evidence
(cd "$work" && find . -name training.json -o -name results.json | grep -v /sites/ | tar -czf "$out/records.tar.gz" -T -)
cp "$work/demo-image-cuda/validate/report.pdf" "$out/image-cuda-report.pdf" 2>/dev/null || find "$work/demo-image-cuda" -name '*.pdf' | head -3
ls -la "$out"
