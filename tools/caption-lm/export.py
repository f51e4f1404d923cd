#!/usr/bin/python3
"""Exports a Hugging Face GPT-2 checkpoint folder to one ONNX decoder graph with Optimum's
decoder_with_past names, plus a config json, a golden file (fixed ids -> PyTorch logits) and, for
our own model, a model card.

  # our caption model (trained by train.py):
  /usr/bin/python3 tools/caption-lm/export.py --hf-checkpoint ~/.cache/fleet/caption-lm/run/best \
      --out models/fleet-caption-gpt2-small --metrics ~/.cache/fleet/caption-lm/run/metrics.json
  # the real gpt2 / distilgpt2 (folder with config.json + pytorch_model.bin or model.safetensors):
  /usr/bin/python3 tools/caption-lm/export.py --hf-checkpoint <gpt2 folder> --out models/gpt2 --name gpt2
  # the tiny random GPT-2 used by fast tests:
  /usr/bin/python3 tools/caption-lm/export.py --random 2,2,32 --out models/fleet-caption-gpt2-tiny-random

Graph: input_ids [b,s] int64, attention_mask [b,past+s] int64, position_ids [b,s] int64,
past_key_values.{i}.key|value [b,heads,past,head_dim] float -> logits [b,s,vocab],
present.{i}.key|value [b,heads,past+s,head_dim]. A zero-length past runs the prompt.

One more input beside Optimum's, logit_token_ids [k] int64: the token ids to compute logits for, so
logits are [b,s,k] (0..vocab-1 gives Optimum's full logits). Grounded decoding allows a few thousand
tokens, and the tied 50,257-row head is most of a small model's work per token (docs/captions.md). It
is a plain input, not an initializer-backed default: ONNX Runtime warns on every load about those and
gives up constant folding around them.
"""
import argparse
import hashlib
import json
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gpt2 import GPT2LMHeadModel, hf_config, load_hf_checkpoint, save_hf_checkpoint  # noqa: E402

PROMPT_TEMPLATE = "labels: {labels}. caption:"
EOS = 50256
# GPT-2 BPE ids of the start of a training prompt (fixed, so the golden file needs no tokenizer).
GOLDEN_IDS = [23912, 1424, 25, 1605, 30596, 10932, 3813, 5277, 11, 4424, 306, 12]


class DecoderWithPast(torch.nn.Module):
    def __init__(self, model):
        super().__init__()
        self.model = model
        self.n_layer = model.config["n_layer"]

    def forward(self, input_ids, attention_mask, position_ids, logit_token_ids, *past_flat):
        past = [(past_flat[2 * i], past_flat[2 * i + 1]) for i in range(self.n_layer)]
        h, presents = self.model.hidden(input_ids, position_ids, attention_mask, past)
        head = self.model.transformer.wte.weight.index_select(0, logit_token_ids)
        out = [torch.matmul(h, head.t())]
        for k, v in presents:
            out += [k, v]
        return tuple(out)


LOGIT_TOKEN_IDS = "logit_token_ids"


def io_names(n_layer):
    past = [f"past_key_values.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]
    present = [f"present.{i}.{kv}" for i in range(n_layer) for kv in ("key", "value")]
    return ["input_ids", "attention_mask", "position_ids", LOGIT_TOKEN_IDS] + past, ["logits"] + present


def export_onnx(model, path):
    cfg = model.config
    n_layer, n_head = cfg["n_layer"], cfg["n_head"]
    head_dim = cfg["n_embd"] // n_head
    inputs, outputs = io_names(n_layer)
    b, s, p = 2, 3, 4
    dummy = [torch.randint(0, 1000, (b, s)), torch.ones(b, p + s, dtype=torch.long),
             torch.arange(p, p + s).unsqueeze(0).expand(b, s).contiguous(), torch.tensor([5, 7, 11])]
    dummy += [torch.randn(b, n_head, p, head_dim) for _ in range(2 * n_layer)]
    axes = {"input_ids": {0: "batch_size", 1: "sequence_length"},
            "attention_mask": {0: "batch_size", 1: "past_sequence_length + sequence_length"},
            "position_ids": {0: "batch_size", 1: "sequence_length"},
            LOGIT_TOKEN_IDS: {0: "logit_tokens"},
            "logits": {0: "batch_size", 1: "sequence_length", 2: "logit_tokens"}}
    for name in inputs[4:]:
        axes[name] = {0: "batch_size", 2: "past_sequence_length"}
    for name in outputs[1:]:
        axes[name] = {0: "batch_size", 2: "past_sequence_length + sequence_length"}
    # No constant folding: it would fold wte.T into a second 50257-row initializer (the tied head stored twice).
    # eval() on the wrapper: the exporter restores the wrapper's mode afterwards, and a fresh module is in training mode.
    torch.onnx.export(DecoderWithPast(model).eval(), tuple(dummy), path, input_names=inputs, output_names=outputs,
                      dynamic_axes=axes, opset_version=14, do_constant_folding=False)
    import onnx
    m = onnx.load(path)
    onnx.checker.check_model(m)
    big = [i.name for i in m.graph.initializer if len(i.dims) == 2 and i.dims[0] == cfg["vocab_size"]]
    if len(big) != 1:
        raise RuntimeError(f"expected the tied embedding stored once, found {big}")


@torch.no_grad()
def golden(model):
    """Logits for fixed ids: the whole prompt with an empty past, and the same ids split 8 + 4 through the cache."""
    model.eval()  # no dropout
    n_layer, n_head, n_embd = model.config["n_layer"], model.config["n_head"], model.config["n_embd"]
    ids = torch.tensor([GOLDEN_IDS])
    n = ids.shape[1]
    empty = [(torch.zeros(1, n_head, 0, n_embd // n_head), torch.zeros(1, n_head, 0, n_embd // n_head)) for _ in range(n_layer)]
    h, _ = model.hidden(ids, torch.arange(n).unsqueeze(0), torch.ones(1, n, dtype=torch.long), empty)
    full = model.logits(h)[0]
    h1, presents = model.hidden(ids[:, :8], torch.arange(8).unsqueeze(0), torch.ones(1, 8, dtype=torch.long), empty)
    h2, _ = model.hidden(ids[:, 8:], torch.arange(8, n).unsqueeze(0), torch.ones(1, n, dtype=torch.long), presents)
    cached = model.logits(h2)[0]
    columns = list(range(0, 32)) + [262, 290, 3290, 13, EOS]
    return {
        "inputIds": GOLDEN_IDS,
        "splitAt": 8,
        "columns": columns,
        "logits": [[float(full[i, c]) for c in columns] for i in range(n)],
        "argmax": [int(x) for x in full.argmax(-1)],
        "cachedLogits": [[float(cached[i, c]) for c in columns] for i in range(n - 8)],
    }


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def model_card(name, cfg, size, metrics):
    ppl = f"{metrics['test_perplexity']:.2f}" if metrics else "n/a"
    dev = f"{metrics['dev_perplexity']:.2f}" if metrics else "n/a"
    steps = metrics.get("steps", "n/a") if metrics else "n/a"
    minutes = f"{metrics['minutes']:.0f}" if metrics else "n/a"
    device = metrics.get("args", {}).get("device", "cpu") if metrics else "cpu"
    trained_on = ("one NVIDIA H200 (full softmax; tools/caption-lm/train_on_gpu.sh, best of three settings by dev perplexity)"
                  if device != "cpu" else "2 CPU cores (sampled softmax over the target vocabulary plus 2,048 sampled other tokens)")
    return f"""# {name}

A small GPT-2 (same blocks, parameter names and Conv1D layout as Hugging Face `GPT2LMHeadModel`, tied
embeddings, the real GPT-2 BPE vocabulary of {cfg['vocab_size']} tokens) that writes one grounded sentence per image
from the classifier's labels (docs/captions.md). Fleet prompts it with the top labels, forces an opening worded from
their scores, and lets it continue:

    {PROMPT_TEMPLATE} <opening>
    e.g. "labels: tench, goldfish. caption: A tench"  ->  " is looking to the side."

The opening says how sure the classifier is ("A tench", "A tench or a goldfish", "What looks like a tench",
"Possibly a tench"); the continuation may name only what a label licenses. The decoder enforces that rule at every
step (Fleet.Inference.Captioning.Grounding); this model is trained so that what it prefers is already inside it.

## Size
- {cfg['n_layer']} layers, {cfg['n_head']} heads, {cfg['n_embd']} wide, {cfg['n_positions']} positions, vocabulary {cfg['vocab_size']}.
- ONNX (fp32, opset 14, one decoder graph with Optimum's decoder_with_past names, plus `logit_token_ids`: the
  vocabulary rows to compute logits for, so a step costs the batch's licensed tokens, not 50,257): {size:,} bytes.

## Data
Flickr8k captions. M. Hodosh, P. Young and J. Hockenmaier (2013), "Framing Image Description as a Ranking Task:
Data, Models and Evaluation Metrics", Journal of Artificial Intelligence Research 47, 853-899. The captions are for
research use; cite the authors. The data is not part of this repository.

Every training target obeys the grounding rule and is checked with the rule's own checker before it is written
(tools/caption-lm/Tokenize):
- **Flickr8k reduced to what a label licenses** (FlickrReduction.cs): the subject becomes an ImageNet class whose
  label licenses its head noun ("A black dog" -> a dog breed); chunks naming a thing no label would license
  ("through the grass", "a man") are dropped, chunks a class licenses ("with a ball") are kept and that class joins
  the prompt. Captions about people or plural subjects yield nothing.
- **Continuations by kind for every class** (KindContinuations.cs), 14 per ImageNet class, so fish, tools, food and
  buildings get sentences Flickr8k never shows; a fifth of them beside a scene label ("near the lakeshore").
- Each behind the opening the generator forces for scores drawn per confidence tier (GroundedCorpus.cs, using the
  generator's own CaptionFrame).

Dev and test are reduced Flickr8k only.

## Quality
Perplexity per caption token on the grounded targets (prompt and opening given, end-of-text included, full softmax):
- test split (reduced Flickr8k test captions): **{ppl}**
- dev split: {dev}

Grounded fraction, label naming, distinct sentence shapes and fluency against human Flickr8k captions are measured
on whole captions by `fleet-bench captions` (docs/captions.md, docs/benchmarks.md).

Trained {steps} steps in {minutes} minutes on {trained_on}; see train.py. It is a small model: captions are short
and say little beyond the labels, which is the point.

## Reproduce
    dotnet run --project tools/caption-lm/Tokenize -- ../shared/data/flickr8k-captions \\
        models/caption-lexicon/caption-lexicon.json ~/.cache/fleet/caption-lm/data
    # on a CUDA machine (about 5 minutes; writes the best run's checkpoint and metrics to <out>):
    tools/caption-lm/train_on_gpu.sh ~/.cache/fleet/caption-lm/data <out> 4
    # or on CPU, from the previous checkpoint (--init; 25 minutes on 2 cores with the sampled softmax):
    nice -n 19 /usr/bin/python3 tools/caption-lm/train.py --init <previous>/best --lr 5e-4 --max-minutes 25 \\
        --data ~/.cache/fleet/caption-lm/data --out ~/.cache/fleet/caption-lm/run
    /usr/bin/python3 tools/caption-lm/export.py --hf-checkpoint ~/.cache/fleet/caption-lm/run/best \\
        --out models/{name} --metrics ~/.cache/fleet/caption-lm/run/metrics.json

Torch 1.13 and onnx 1.12 from Debian (`apt-get install python3-torch python3-onnx libopenblas0-pthread`).
"""


def update_catalog(path, name, digest, size):
    """Rewrites sha256 and size of the entry called name in place, keeping the file's formatting."""
    import re
    with open(path) as f:
        text = f.read()
    at = text.find(f'"name": "{name}"')
    if at < 0:
        print(f"{path} has no entry '{name}'; add one (see models/catalog.json's other causal-lm entries)")
        return
    end = text.find('"name": "', at + 1)
    end = len(text) if end < 0 else end
    entry = re.sub(r'"sha256": "[0-9a-f]*"', f'"sha256": "{digest}"', text[at:end], count=1)
    entry = re.sub(r'"size": \d+', f'"size": {size}', entry, count=1)
    with open(path, "w") as f:
        f.write(text[:at] + entry + text[end:])
    print(f"updated {name} in {path}: sha256 {digest}, size {size}")


def main():
    ap = argparse.ArgumentParser()
    src = ap.add_mutually_exclusive_group(required=True)
    src.add_argument("--hf-checkpoint", help="folder with config.json + pytorch_model.bin or model.safetensors")
    src.add_argument("--random", help="n_layer,n_head,n_embd of a seeded random GPT-2 (the tiny test model)")
    ap.add_argument("--out", required=True)
    ap.add_argument("--name", help="model name (default: the --out folder name)")
    ap.add_argument("--metrics", help="metrics.json from train.py, for the model card")
    ap.add_argument("--no-card", action="store_true")
    ap.add_argument("--catalog", help="catalog.json whose entry for this name gets the new sha256 and size "
                                      "(default: catalog.json in the folder above --out, when it names the model)")
    args = ap.parse_args()

    name = args.name or os.path.basename(os.path.normpath(args.out))
    os.makedirs(args.out, exist_ok=True)
    if args.random:
        torch.manual_seed(20261128)
        n_layer, n_head, n_embd = (int(x) for x in args.random.split(","))
        model = GPT2LMHeadModel(hf_config(n_layer, n_head, n_embd, 128, dropout=0.0))
        # Larger weights than GPT-2's init, so greedy steps differ and tests see real token choices.
        with torch.no_grad():
            model.transformer.wte.weight.normal_(std=0.5)
        checkpoint = os.path.join(os.path.expanduser("~/.cache/fleet/caption-lm"), name + "-hf")
        save_hf_checkpoint(model, checkpoint)
        model, cfg = load_hf_checkpoint(checkpoint)  # through the HF path like any other checkpoint
    else:
        model, cfg = load_hf_checkpoint(args.hf_checkpoint)
    model.eval()

    onnx_path = os.path.join(args.out, name + ".onnx")
    export_onnx(model, onnx_path)
    size = os.path.getsize(onnx_path)
    digest = sha256(onnx_path)
    config = {"name": name, "nLayer": cfg["n_layer"], "nHead": cfg["n_head"], "nEmbd": cfg["n_embd"],
              "nPositions": cfg["n_positions"], "vocabSize": cfg["vocab_size"], "eos": cfg.get("eos_token_id", EOS),
              "promptTemplate": PROMPT_TEMPLATE, "file": os.path.basename(onnx_path), "size": size, "sha256": digest}
    with open(os.path.join(args.out, name + ".config.json"), "w") as f:
        json.dump(config, f, indent=2)
    with open(os.path.join(args.out, name + ".golden.json"), "w") as f:
        json.dump(golden(model), f)
    metrics = None
    if args.metrics:
        with open(args.metrics) as f:
            metrics = json.load(f)
    if not args.no_card and not args.random:
        with open(os.path.join(args.out, "MODEL_CARD.md"), "w") as f:
            f.write(model_card(name, cfg, size, metrics))
    catalog = args.catalog or os.path.join(os.path.dirname(os.path.abspath(os.path.normpath(args.out))), "catalog.json")
    if os.path.exists(catalog):
        update_catalog(catalog, name, digest, size)
    print(json.dumps(config, indent=2))


if __name__ == "__main__":
    main()
