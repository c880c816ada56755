#!/usr/bin/env bash
# Packs the built Harness CLI and the .NET runtime into .device/ (ignored by git), for a GPU machine
# that has a CUDA build of PyTorch but no .NET. TorchSharp's CUDA package is not served here, so the
# CLI trains there on the machine's own libtorch, loaded from HARNESS_LIBTORCH_DIR
# (src/Trainer/Training/LibTorchFolder.cs). Adapted from ../shared/gpu/pack-for-device.sh, which
# expects natives under runtimes/linux-x64/native; this build copies them beside harness.dll.
# Usage, from the repository root:  scripts/gpu/pack.sh   (then scripts/gpu/check.sh there; any other
# command there: source .device/env.sh && dotnet .device/app/harness.dll train --device cuda ...)
set -euo pipefail
root=$(git rev-parse --show-toplevel); cd "$root"
./harness --help >/dev/null   # builds Release when sources changed
app_src=src/Cli/bin/Release/net10.0
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
out=.device; rm -rf "$out"; mkdir -p "$out/app"
grep -qx '/.device/' .git/info/exclude 2>/dev/null || echo '/.device/' >> .git/info/exclude
find "$app_src" -maxdepth 1 -type f \( -name '*.dll' -o -name '*.json' \) -exec cp {} "$out/app/" \;
cp -r "$app_src/fonts" "$out/app/"
# Every native but libtorch's own (the machine's PyTorch brings them) and ONNX Runtime's CUDA and
# TensorRT providers (284 MB; validation there runs on ONNX Runtime's CPU provider).
for f in "$app_src"/*.so*; do
  case "$(basename "$f")" in
    libtorch*|libc10*|libgomp*|libshm.so|libaoti*|libbackend_with_compiler.so|libjitbackend_test.so|libnnapi_backend.so) ;;
    libonnxruntime_providers_cuda.so|libonnxruntime_providers_tensorrt.so) ;;
    *) cp "$f" "$out/app/" ;;
  esac
done
tar -C "$dotnet_root" -cf - dotnet host shared/Microsoft.NETCore.App | xz -T0 -6 > "$out/dotnet-runtime.tar.xz"
tar -C "$out" -cf - app | xz -T0 -6 > "$out/app.tar.xz" && rm -rf "$out/app"
cat > "$out/env.sh" <<'SH'
# sourced on the GPU machine from the repository root
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
mkdir -p /tmp/dotnet && tar -C /tmp/dotnet -xJf "$here/dotnet-runtime.tar.xz"
tar -C "$here" -xJf "$here/app.tar.xz"
export DOTNET_ROOT=/tmp/dotnet PATH=/tmp/dotnet:$PATH DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
HARNESS_LIBTORCH_DIR=$(python3 -c 'import torch, os; print(os.path.join(os.path.dirname(torch.__file__), "lib"))')
export HARNESS_LIBTORCH_DIR
SH
du -sh "$out" | awk '{print "packed " $1 " into .device (the device tool carries at most 64 MiB)"}'
