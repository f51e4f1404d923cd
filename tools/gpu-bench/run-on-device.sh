#!/usr/bin/env bash
# Runs the `generate` and `pipeline` benchmarks with ONNX Runtime's CUDA provider on a GPU machine that has CUDA 13
# and cuDNN 9 (here: the device machine's PyTorch wheels) but no .NET, Node or network. Needs the parts that
# tools/gpu-bench/pack.sh wrote to .gpu/parts. Figures and logs go to $OUT (default /tmp/fleet-gpu-out).
#
#   tools/gpu-bench/run-on-device.sh     (STEPS="generate labels-int8 labels-float captions-float" RUNS=3 IMAGES=1000 by default)
#   STEPS=issue16 tools/gpu-bench/run-on-device.sh   (issue #16: GPU-resident uint8 classifier vs int8 on the CPU cores,
#                                                     GPU busy and decode rate per step, captions at batch 1/16/128,
#                                                     ONNX Runtime's profile of one labels run; summary.txt at the end)
set -uo pipefail
repo=$(cd "$(dirname "$0")/../.." && pwd)
cd "$repo"
out=${OUT:-/tmp/fleet-gpu-out}
root=/tmp/fleet-gpu
mkdir -p "$out" "$root"
started=$SECONDS
log() { echo "[$(date -u +%H:%M:%S), $((SECONDS - started)) s] $*" | tee -a "$out/run.log"; }

log "unpacking $(cat .gpu/parts/fleet-gpu.tar.xz.* | wc -c) bytes"
# xz where the machine has it, else Python's lzma (always there).
unxz() {
  if command -v xz > /dev/null; then xz -d -T0
  else python3 -c 'import lzma,shutil,sys; shutil.copyfileobj(lzma.open(sys.stdin.buffer), sys.stdout.buffer)'; fi
}
cat .gpu/parts/fleet-gpu.tar.xz.* | unxz | tar -xf - -C "$root" || exit 1
cp -an "$root/models/." models/

# CUDA 13 and cuDNN 9 from the Python environment's nvidia-* wheels, and the driver's libcuda.
site=$(python3 -c 'import site; print(site.getsitepackages()[0])')
cuda_libs=$(find "$site/nvidia" -name 'lib*.so*' -printf '%h\n' 2>/dev/null | sort -u | paste -sd:)
export LD_LIBRARY_PATH="$root/bench:$cuda_libs:/usr/local/nvidia/lib64:/usr/local/nvidia/lib:${LD_LIBRARY_PATH:-}"
export DOTNET_ROOT="$root/dotnet" PATH="$root/dotnet:$root:$PATH" DOTNET_CLI_TELEMETRY_OPTOUT=1
export FLEET_MODEL_MIRROR="$root/mirror" FLEET_DATA_MIRROR="$root/data" FLEET_TOOLS_ROOT="$root"
# Ask for CUDA: the engine still falls back to the CPU with a warning, so every JSON line names its provider.
export Fleet__Inference__Device=Cuda

{
  nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm --format=csv
  nproc; free -g | head -2; node --version; dotnet --list-runtimes
  echo "unresolved libraries of the CUDA provider:"; ldd "$root/bench/libonnxruntime_providers_cuda.so" | grep 'not found' || echo none
} > "$out/machine.txt" 2>&1
cat "$out/machine.txt"

bench() {
  local name=$1 limit=$2; shift 2
  log "$name: fleet-bench $* (limit $limit s)"
  echo "== $name" >> "$out/bench.log"
  # GPU busy of this step alone: its own nvidia-smi sampler (every 200 ms), mean and max in the summary.
  nvidia-smi --query-gpu=utilization.gpu,memory.used --format=csv,noheader,nounits -lms 200 > "$out/gpu-$name.csv" 2>/dev/null &
  local step_sampler=$!
  timeout "$limit" dotnet "$root/bench/fleet-bench.dll" "$@" > "$out/$name.json" 2>> "$out/bench.log"
  local rc=$?
  kill "$step_sampler" 2>/dev/null
  log "$name: rc=$rc $(cut -c1-700 "$out/$name.json")"
}

# GPU utilisation (share of time a kernel ran) every 500 ms, to line up with run.log's step times.
nvidia-smi --query-gpu=timestamp,utilization.gpu,memory.used --format=csv,noheader -lms 500 > "$out/gpu-utilization.csv" 2>&1 &
sampler=$!

# The steps to run (default: all). At most 4, since a device call brings back 8 files.
runs=${RUNS:-3} images=${IMAGES:-1000}
steps=${STEPS:-generate labels-int8 labels-float captions-float}
# Issue #16's device run: each figure beside its CPU counterpart on the same host.
[ "$steps" = issue16 ] && steps="labels-auto labels-rgb8 labels-int8-cpu labels-float labels-rgb8-heuristic labels-rgb8-copystream profile-rgb8 generate-128"
for step in $steps; do
  case $step in
    generate) bench generate 120 generate --runs "$runs" ;;
    # The catalog's default classifier: int8 QLinear ops, which the CUDA provider leaves to the CPU.
    labels-int8) bench labels-int8 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-int8 ;;
    # A job that names no classifier ("auto"): the silo should pick the GPU-resident model here (its log says which).
    labels-auto) bench labels-auto 240 pipeline --runs 1 --images "$images" --no-captions --classifier auto ;;
    # The same network in float32, which runs on the GPU.
    labels-float) bench labels-float 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-float ;;
    labels-float-b64) bench labels-float-b64 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-float --set Fleet:Inference:BatchSize=64 ;;
    captions-float) bench captions-float "${CAPTIONS_LIMIT:-150}" pipeline --runs 1 --images "$images" --classifier mobilenetv2-12-float ;;
    # The GPU-resident classifier: uint8 crops in CUDA pinned buffers through IOBinding, normalisation in the graph.
    labels-rgb8) bench labels-rgb8 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-float-rgb8 ;;
    # What a CPU silo runs: the int8 model on the CPU provider, all cores, same host and photos.
    labels-int8-cpu) Fleet__Inference__Device=Cpu bench labels-int8-cpu 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-int8 ;;
    # CUDA provider options, one change each against labels-rgb8 (defaults are ONNX Runtime's).
    labels-rgb8-heuristic) bench labels-rgb8-heuristic 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-float-rgb8 --set Fleet:Inference:Cuda:CudnnConvAlgoSearch=HEURISTIC ;;
    labels-rgb8-copystream) bench labels-rgb8-copystream 240 pipeline --runs "$runs" --images "$images" --no-captions --classifier mobilenetv2-12-float-rgb8 --set Fleet:Inference:Cuda:DoCopyInDefaultStream=false ;;
    # Where the time per batch goes: ONNX Runtime's per-node trace (kernels, Memcpy nodes, provider of each node).
    profile-rgb8)
      bench profile-rgb8 150 pipeline --runs 1 --images 200 --no-captions --classifier mobilenetv2-12-float-rgb8 --set "Fleet:Inference:ProfilePrefix=$root/ort-profile"
      python3 "$repo/tools/gpu-bench/summarize-profile.py" "$root"/ort-profile*.json > "$out/profile-summary.txt" 2>&1
      cat "$out/profile-summary.txt" ;;
    generate-128) bench generate-128 180 generate --runs "$runs" --batches 1 16 128 ;;
    *) log "unknown step $step" ;;
  esac
done
kill "$sampler" 2>/dev/null
python3 "$repo/tools/gpu-bench/summarize-run.py" "$out" > "$out/summary.txt" 2>&1
cat "$out/summary.txt"
log "done"
