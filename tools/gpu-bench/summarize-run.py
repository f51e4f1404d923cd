#!/usr/bin/env python3
"""One table from a run-on-device.sh output folder: per step, the provider, fleet steady / whole-job and bare img/s
(medians), decode capacity (the bare loops' decoders: threads x images per busy second), GPU busy mean/max during
the step, and the caption tokens/s per batch. Decode-bound reads as bare close to decode capacity with GPU busy low.

usage: summarize-run.py OUT_DIR
"""
import glob
import json
import os
import sys


def median(spread):
    return spread.get("median") if isinstance(spread, dict) else None


def gpu_busy(path):
    values = []
    if os.path.exists(path):
        for line in open(path, encoding="utf-8"):
            try:
                values.append(float(line.split(",")[0]))
            except ValueError:
                pass
    return (sum(values) / len(values), max(values)) if values else (None, None)


def fmt(x, digits=0):
    return "-" if x is None else f"{x:,.{digits}f}"


def main():
    out = sys.argv[1]
    print(f"{'step':24s} {'classifier':28s} {'provider':22s} {'steady':>8s} {'job':>8s} {'bare':>8s} {'decode cap':>10s} {'GPU busy mean/max':>18s}")
    for path in sorted(glob.glob(os.path.join(out, "*.json"))):
        name = os.path.basename(path)[:-5]
        try:
            data = json.loads(open(path, encoding="utf-8").read().strip().splitlines()[-1])
        except (ValueError, IndexError):
            print(f"{name:24s} (no JSON: see bench.log)")
            continue
        mean, peak = gpu_busy(os.path.join(out, f"gpu-{name}.csv"))
        busy = f"{fmt(mean, 1)} % / {fmt(peak)} %"
        if data.get("scenario") == "pipeline":
            labels = data.get("labelsOnly", {})
            decode = data.get("decode", {})
            print(f"{name:24s} {data.get('classifier', '?'):28s} {data.get('executionProviders', {}).get('classifier', '?'):22s} "
                  f"{fmt(median(labels.get('fleetSteadyImagesPerSecond'))):>8s} {fmt(median(labels.get('fleetJobImagesPerSecond'))):>8s} "
                  f"{fmt(median(labels.get('bareImagesPerSecond'))):>8s} {fmt(decode.get('capacityImagesPerSecond')):>10s} {busy:>18s}")
        elif data.get("scenario") == "generate":
            rates = {k: fmt(median(v)) for k, v in data.get("tokensPerSecond", {}).items()}
            print(f"{name:24s} {data.get('model', '?'):28s} {data.get('executionProvider', '?'):22s} tokens/s {rates}  GPU {busy}")


if __name__ == "__main__":
    main()
