#!/usr/bin/python3
"""Recovers a Hugging Face GPT-2 checkpoint folder from one of our exported ONNX decoders.

  /usr/bin/python3 tools/caption-lm/from_onnx.py models/fleet-caption-gpt2-small ~/.cache/fleet/caption-lm/small-hf

The exporter stores every weight once as an initializer named after the PyTorch parameter
("model.transformer.h.0.attn.c_attn.weight"), so the ONNX file is the checkpoint: train.py --init can
fine-tune a committed model without the training run's folder.
"""
import json
import os
import sys

import onnx
import torch
from onnx import numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2 import GPT2LMHeadModel, hf_config, save_hf_checkpoint  # noqa: E402


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    folder, out = sys.argv[1:]
    name = os.path.basename(os.path.normpath(folder))
    with open(os.path.join(folder, name + ".config.json")) as f:
        config = json.load(f)
    graph = onnx.load(os.path.join(folder, config["file"])).graph
    state = {i.name[len("model."):]: torch.from_numpy(numpy_helper.to_array(i).copy())
             for i in graph.initializer if i.name.startswith("model.")}
    cfg = hf_config(config["nLayer"], config["nHead"], config["nEmbd"], config["nPositions"], config["vocabSize"])
    model = GPT2LMHeadModel(cfg)
    missing, unexpected = model.load_state_dict(state, strict=False)
    if missing or unexpected:
        raise ValueError(f"{config['file']} does not hold a GPT-2: missing {missing}, unexpected {unexpected}")
    save_hf_checkpoint(model, out)
    print(f"{out}: {sum(p.numel() for p in model.parameters())} parameters from {config['file']}")


if __name__ == "__main__":
    sys.exit(main())
