#!/usr/bin/env python3
"""Summarises ONNX Runtime profiles (SessionOptions.EnableProfiling, Fleet:Inference:ProfilePrefix): time per op type
and per provider over all runs, the Memcpy nodes (host<->device copies inside the graph), and any node not on the
CUDA provider, so the breakdown of a batch's time (kernels, copies, host work) can be read off.

usage: summarize-profile.py PROFILE.json [...]
"""
import collections
import json
import sys


def main():
    by_op = collections.Counter()
    by_provider = collections.Counter()
    runs = []
    off_cuda = set()
    for path in sys.argv[1:]:
        with open(path, encoding="utf-8") as f:
            events = json.load(f)
        for e in events:
            if e.get("cat") == "Session" and e.get("name") == "model_run":
                runs.append(e["dur"])
            if e.get("cat") != "Node" or not e.get("name", "").endswith("_kernel_time"):
                continue
            args = e.get("args", {})
            op, provider = args.get("op_name", "?"), args.get("provider", "?")
            by_op[op] += e["dur"]
            by_provider[provider] += e["dur"]
            if provider != "CUDAExecutionProvider":
                off_cuda.add(f"{e['name'][:-len('_kernel_time')]} ({op}, {provider})")
    total = sum(by_op.values())
    print(f"profiles: {len(sys.argv) - 1}; model runs: {len(runs)}; mean run {sum(runs) / max(len(runs), 1) / 1000:.2f} ms; "
          f"node time {total / 1000:.1f} ms = {total / max(sum(runs), 1):.0%} of run time (the rest: session overhead, copies of inputs/outputs, waits)")
    print("by provider (ms):", {p: round(d / 1000, 1) for p, d in by_provider.most_common()})
    print("top op types (ms, share of node time):")
    for op, d in by_op.most_common(12):
        print(f"  {op:28s} {d / 1000:9.1f}  {d / max(total, 1):6.1%}")
    print(f"nodes not on CUDA ({len(off_cuda)}): " + (", ".join(sorted(off_cuda)[:20]) or "none"))


if __name__ == "__main__":
    main()
