#!/usr/bin/env bash
# Packs what the GPU benchmark needs on a machine that has a GPU and CUDA 13 but no .NET, no Node and no network
# (the device machine): the published fleet-bench with ONNX Runtime's GPU build, the .NET runtime, Node + Azurite,
# the sample photos and the models. Writes .gpu/parts/fleet-gpu.tar.xz.NN (parts of PART_MB) under the repo root,
# so consecutive calls can carry one part each. See docs/benchmarks.md, "GPU (H200)".
#
#   tools/gpu-bench/pack.sh            # then carry .gpu/parts/... and run tools/gpu-bench/run-on-device.sh there
set -euo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
part_mb=${PART_MB:-60}
sm=${KEEP_SM:-90}
models=${FLEET_MODEL_MIRROR:-../shared/models}
data=${FLEET_DATA_MIRROR:-../shared/data}
stage=$(mktemp -d /tmp/fleet-gpu-stage.XXXXXX)
trap 'rm -rf "$stage"' EXIT

echo "== fleet-bench (linux-x64, framework-dependent)"
dotnet publish tools/Fleet.Bench -c Release -r linux-x64 --self-contained false -o "$stage/bench" -v quiet -nologo
# Not needed on the GPU run: the other decoders' native code (decode scenario only) and Windows binaries.
rm -f "$stage"/bench/libvips.so.* "$stage"/bench/*.dll.so "$stage"/bench/onnxruntime.dll "$stage"/bench/*.pdb
gpu_version=$(sed -n 's:.*<OnnxRuntimeGpuVersion>\(.*\)</OnnxRuntimeGpuVersion>.*:\1:p' Directory.Packages.props)
native=$(dotnet nuget locals global-packages -l | sed 's/^global-packages: //')microsoft.ml.onnxruntime.gpu.linux/$gpu_version/runtimes/linux-x64/native
[ -f "$native/libonnxruntime_providers_cuda.so" ] || dotnet restore src/Fleet.Silo -v quiet
# ONNX Runtime's GPU build replaces the CPU build the bench restores; its CUDA provider keeps sm_$sm code only.
cp "$native/libonnxruntime.so" "$native/libonnxruntime_providers_shared.so" "$stage/bench/"
python3 tools/gpu-bench/keep-one-sm.py "$native/libonnxruntime_providers_cuda.so" "$stage/bench/libonnxruntime_providers_cuda.so" "$sm"

echo "== .NET runtime"
dotnet_root=$(dirname "$(readlink -f "$(command -v dotnet)")")
runtime=$(dotnet --list-runtimes | awk '/Microsoft.NETCore.App 10\./ {v=$2} END {print v}')
mkdir -p "$stage/dotnet/shared"
cp -a "$dotnet_root/dotnet" "$dotnet_root/host" "$stage/dotnet/"
cp -a "$dotnet_root/shared/Microsoft.NETCore.App" "$dotnet_root/shared/Microsoft.AspNetCore.App" "$stage/dotnet/shared/"
find "$stage/dotnet/shared" -mindepth 2 -maxdepth 2 -type d ! -name "$runtime" -exec rm -rf {} +

echo "== Node + Azurite (the package and what it needs, without maps, typings and docs)"
[ -d node_modules/azurite ] || npm ci --no-audit --no-fund
cp "$(command -v node)" "$stage/node"
node tools/gpu-bench/azurite-files.js > "$stage/azurite-files.txt"
tar -cf - -T "$stage/azurite-files.txt" | tar -xf - -C "$stage"

echo "== photos and models"
mkdir -p "$stage/data" "$stage/mirror" "$stage/models"
cp -a "$data/imagenet-sample-100" "$stage/data/"
cp -a "$models/." "$stage/mirror/"
# The caption model lives in the repo; carried here too, so the calls can leave it out of the working tree.
cp -a models/. "$stage/models/"

mkdir -p .gpu/parts
rm -f .gpu/parts/fleet-gpu.tar.xz.*
echo "== compressing $(du -sh "$stage" | cut -f1) (xz -9)"
tar -C "$stage" -cf - bench dotnet node node_modules data mirror models | xz -9 -T0 | split -b "${part_mb}M" -d - .gpu/parts/fleet-gpu.tar.xz.
ls -la .gpu/parts
