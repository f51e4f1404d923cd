#!/usr/bin/env bash
# Trains the caption model on a CUDA machine: three settings side by side on one GPU (the model is
# tiny, so they share it well), keeps the one with the best Flickr8k dev perplexity, and leaves its
# checkpoint (split in 15 MB parts, cat them back together) and every run's metrics in OUT_DIR.
# Usage: train_on_gpu.sh <token-id data dir> <out dir> [minutes per run]
set -euo pipefail
data=$1 out=$2 minutes=${3:-4}
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
export PYTHONUNBUFFERED=1
nvidia-smi -L || true
python3 -c "import torch; print('torch', torch.__version__, torch.cuda.get_device_name(0))"

run() { # name batch lr dropout
  python3 "$here/train.py" --device cuda --threads 2 --data "$data" --out "$work/$1" --batch-size "$2" --lr "$3" \
    --dropout "$4" --max-minutes "$minutes" --max-epochs 60 --eval-every-minutes 100 > "$work/$1.log" 2>&1
}
run b64-lr2e-3 64 2e-3 0.1 &
run b64-lr3e-3-d15 64 3e-3 0.15 &
run b128-lr3e-3 128 3e-3 0.1 &
wait

best=""; best_ppl=1e9
for m in "$work"/*/metrics.json; do
  name=$(basename "$(dirname "$m")")
  ppl=$(python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(m['dev_perplexity'])" "$m")
  echo "$name dev ppl $ppl"
  cp "$m" "$out/metrics-$name.json"
  if python3 -c "import sys; sys.exit(0 if float(sys.argv[1]) < float(sys.argv[2]) else 1)" "$ppl" "$best_ppl"; then
    best=$name; best_ppl=$ppl
  fi
done
echo "best: $best ($best_ppl)"
tail -n 5 "$work/$best.log"
cp "$work/$best/best/config.json" "$out/config.json"
split -b 15M -d "$work/$best/best/pytorch_model.bin" "$out/pytorch_model.bin.part"
echo "$best" > "$out/best.txt"
