#!/usr/bin/python3
"""Trains the small GPT-2 caption model on Flickr8k token ids written by the Tokenize step.

Loss is on the caption tokens only (the prompt is given). The 50,257-token head dominates the cost on
2 cores, so training uses a sampled softmax: every token that appears as a training target, plus a
fresh uniform sample of the other tokens with a log-count correction, which estimates the full
softmax; dev/test perplexity is always computed with the full softmax. The learning rate follows a
cosine over the wall-clock budget (--max-minutes), and the trainer checkpoints (HF folder format) so a
stop at the limit still leaves the best model to export.
"""
import argparse
import json
import math
import os
import random
import time

import torch
import torch.nn.functional as F

from gpt2 import GPT2LMHeadModel, hf_config, save_hf_checkpoint, load_hf_checkpoint

EOS = 50256


def read_split(path):
    rows = []
    with open(path) as f:
        for line in f:
            prompt, target = line.rstrip("\n").split("\t")
            rows.append(([int(t) for t in prompt.split()], [int(t) for t in target.split()]))
    return rows


def make_batch(rows, max_len):
    """Right-padded ids, plus the flat indices of positions that predict a caption token and those tokens."""
    seqs = [(p + t)[:max_len] for p, t in rows]
    width = max(len(s) for s in seqs)
    ids = torch.full((len(seqs), width), EOS, dtype=torch.long)
    pred_index, targets = [], []
    for r, ((p, t), s) in enumerate(zip(rows, seqs)):
        ids[r, : len(s)] = torch.tensor(s)
        for j in range(len(p), len(s)):
            pred_index.append(r * width + j - 1)
            targets.append(s[j])
    return ids, torch.tensor(pred_index), torch.tensor(targets)


def caption_hidden(model, rows, max_len):
    device = model.transformer.wte.weight.device
    ids, pred_index, targets = (t.to(device) for t in make_batch(rows, max_len))
    h, _ = model.hidden(ids)
    return h.reshape(-1, h.shape[-1])[pred_index], targets


@torch.no_grad()
def perplexity(model, rows, max_len, batch_size=64):
    """Full-softmax perplexity over caption tokens (EOS included), prompt given."""
    model.eval()
    total, count = 0.0, 0
    for i in range(0, len(rows), batch_size):
        h, targets = caption_hidden(model, rows[i : i + batch_size], max_len)
        logp = F.log_softmax(model.logits(h), dim=-1)
        total += -logp.gather(1, targets[:, None]).sum().item()
        count += targets.numel()
    model.train()
    return math.exp(total / count), total / count


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default=os.path.expanduser("~/.cache/fleet/caption-lm/data"))
    ap.add_argument("--out", default=os.path.expanduser("~/.cache/fleet/caption-lm/run"))
    ap.add_argument("--n-layer", type=int, default=4)
    ap.add_argument("--n-head", type=int, default=4)
    ap.add_argument("--n-embd", type=int, default=128)
    ap.add_argument("--n-positions", type=int, default=128)
    ap.add_argument("--max-len", type=int, default=64)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--lr", type=float, default=2e-3)
    ap.add_argument("--dropout", type=float, default=0.1)
    ap.add_argument("--negatives", type=int, default=2048, help="sampled non-target tokens per step")
    ap.add_argument("--max-minutes", type=float, default=60.0)
    ap.add_argument("--max-epochs", type=int, default=20)
    ap.add_argument("--eval-every-minutes", type=float, default=6.0)
    ap.add_argument("--dev-subset", type=int, default=1000)
    ap.add_argument("--threads", type=int, default=1, help="1 beats 2 on a shared 2-core machine (no OpenMP spin)")
    ap.add_argument("--seed", type=int, default=1234)
    ap.add_argument("--device", default="cpu", help="cuda trains with the full softmax (no sampling needed)")
    ap.add_argument("--init", help="HF checkpoint folder to start from (fine-tune; from_onnx.py recovers one from a committed model)")
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    random.seed(args.seed)
    torch.set_num_threads(args.threads)
    train = read_split(os.path.join(args.data, "train.ids.tsv"))
    dev = read_split(os.path.join(args.data, "dev.ids.tsv"))
    test = read_split(os.path.join(args.data, "test.ids.tsv"))
    dev_subset = random.Random(7).sample(dev, min(args.dev_subset, len(dev)))

    if args.init:
        model, cfg = load_hf_checkpoint(args.init)
        cfg = dict(cfg, resid_pdrop=args.dropout, embd_pdrop=args.dropout, attn_pdrop=args.dropout)
        model.config = cfg
        model = model.to(args.device)
    else:
        cfg = hf_config(args.n_layer, args.n_head, args.n_embd, args.n_positions, dropout=args.dropout)
        model = GPT2LMHeadModel(cfg).to(args.device)
    full_softmax = args.device != "cpu"
    torch.backends.cuda.matmul.allow_tf32 = True
    vocab = cfg["vocab_size"]

    # Sampled softmax: all train targets always; the rest sampled with correction log(n_rest / n_sampled).
    seen = sorted({t for _, tgt in train for t in tgt})
    seen_t = torch.tensor(seen, device=args.device)
    is_seen = torch.zeros(vocab, dtype=torch.bool, device=args.device)
    is_seen[seen_t] = True
    rest = torch.nonzero(~is_seen).squeeze(1)
    to_local = torch.full((vocab,), -1, dtype=torch.long, device=args.device)
    to_local[seen_t] = torch.arange(len(seen), device=args.device)
    correction = math.log(len(rest) / args.negatives)
    print(f"train {len(train)} dev {len(dev)} test {len(test)}; target vocabulary {len(seen)}, rest {len(rest)}", flush=True)
    n_params = sum(p.numel() for p in model.parameters())
    print(f"params {n_params} ({n_params * 4 / 1e6:.1f} MB fp32)", flush=True)

    decay = [p for n, p in model.named_parameters() if p.dim() >= 2 and "wpe" not in n]
    no_decay = [p for n, p in model.named_parameters() if not (p.dim() >= 2 and "wpe" not in n)]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=args.lr, betas=(0.9, 0.98))
    budget = args.max_minutes * 60
    start = time.time()
    last_eval = start
    best = float("inf")
    step, tokens = 0, 0
    history = []
    os.makedirs(args.out, exist_ok=True)

    def evaluate(tag):
        nonlocal best, last_eval
        ppl, nll = perplexity(model, dev_subset, args.max_len)
        elapsed = (time.time() - start) / 60
        history.append({"step": step, "minutes": round(elapsed, 2), "dev_ppl": ppl})
        print(f"[{tag}] step {step} {elapsed:.1f} min dev ppl {ppl:.2f}", flush=True)
        if ppl < best:
            best = ppl
            save_hf_checkpoint(model, os.path.join(args.out, "best"))
        save_hf_checkpoint(model, os.path.join(args.out, "last"))
        last_eval = time.time()

    done = False
    for epoch in range(args.max_epochs):
        order = list(range(len(train)))
        random.shuffle(order)
        # Batches of similar length waste less padding.
        chunks = [order[i : i + args.batch_size * 50] for i in range(0, len(order), args.batch_size * 50)]
        batches = []
        for c in chunks:
            c.sort(key=lambda i: len(train[i][0]) + len(train[i][1]))
            batches += [c[i : i + args.batch_size] for i in range(0, len(c), args.batch_size)]
        random.shuffle(batches)
        for b in batches:
            frac = (time.time() - start) / budget
            if frac >= 1.0:
                done = True
                break
            warm = min(1.0, (step + 1) / 200)
            lr = args.lr * warm * (0.1 + 0.9 * 0.5 * (1 + math.cos(math.pi * frac)))
            for g in opt.param_groups:
                g["lr"] = lr
            h, targets = caption_hidden(model, [train[i] for i in b], args.max_len)
            if full_softmax:
                loss = F.cross_entropy(model.logits(h), targets)
            else:
                negatives = rest[torch.randint(len(rest), (args.negatives,), device=args.device)]
                head = model.transformer.wte.weight[torch.cat([seen_t, negatives])]
                logits = torch.matmul(h, head.t())
                logits = torch.cat([logits[:, : len(seen)], logits[:, len(seen):] + correction], dim=1)
                loss = F.cross_entropy(logits, to_local[targets])
            opt.zero_grad(set_to_none=True)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
            step += 1
            tokens += targets.numel()
            if step % 50 == 0:
                el = time.time() - start
                print(f"epoch {epoch} step {step} loss {loss.item():.3f} lr {lr:.2e} {tokens / el:.0f} caption tok/s {el / 60:.1f} min", flush=True)
            if time.time() - last_eval > args.eval_every_minutes * 60:
                evaluate(f"epoch {epoch}")
        if done:
            break
        evaluate(f"end of epoch {epoch}")

    evaluate("final")
    best_model, _ = load_hf_checkpoint(os.path.join(args.out, "best"))
    best_model = best_model.to(args.device)
    best_model.eval()
    test_ppl, test_nll = perplexity(best_model, test, args.max_len)
    dev_ppl, _ = perplexity(best_model, dev, args.max_len)
    metrics = {"test_perplexity": test_ppl, "test_nll": test_nll, "dev_perplexity": dev_ppl, "steps": step,
               "minutes": (time.time() - start) / 60, "train_captions": len(train), "epochs_started": epoch + 1,
               "args": vars(args), "history": history}
    with open(os.path.join(args.out, "metrics.json"), "w") as f:
        json.dump(metrics, f, indent=2)
    print(f"test ppl {test_ppl:.2f} dev ppl {dev_ppl:.2f}", flush=True)


if __name__ == "__main__":
    main()
