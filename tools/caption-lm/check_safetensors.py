#!/usr/bin/python3
"""Proves export.py's safetensors path: rewrites a pytorch_model.bin checkpoint folder as model.safetensors with
openai-community/gpt2's naming (no "transformer." prefix, no lm_head), written by hand in the safetensors format,
then checks that load_hf_checkpoint reads back identical weights.

  /usr/bin/python3 tools/caption-lm/check_safetensors.py <checkpoint folder> <scratch folder>
"""
import json
import os
import shutil
import struct
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2 import load_hf_checkpoint  # noqa: E402


def write_safetensors(tensors, path):
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    raw = json.dumps(header).encode()
    raw += b" " * (-len(raw) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(raw)) + raw + b"".join(blobs))


def main():
    source, scratch = sys.argv[1], sys.argv[2]
    os.makedirs(scratch, exist_ok=True)
    state = torch.load(os.path.join(source, "pytorch_model.bin"), map_location="cpu")
    renamed = {k[len("transformer."):]: v.float() for k, v in state.items() if k.startswith("transformer.")}
    write_safetensors(renamed, os.path.join(scratch, "model.safetensors"))
    shutil.copy(os.path.join(source, "config.json"), scratch)
    a, _ = load_hf_checkpoint(source)
    b, _ = load_hf_checkpoint(scratch)
    sa, sb = a.state_dict(), b.state_dict()
    assert sa.keys() == sb.keys()
    for k in sa:
        assert torch.equal(sa[k], sb[k]), k
    print(f"safetensors path OK: {len(sa)} tensors identical")


if __name__ == "__main__":
    main()
