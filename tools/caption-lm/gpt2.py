"""GPT-2 in plain PyTorch with the Hugging Face GPT2LMHeadModel parameter names and Conv1D layout.

Shared by train.py (training, HF-format checkpoints) and export.py (the ONNX decoder with past), so a
real `gpt2`/`distilgpt2` checkpoint and our own caption model go through the same code.
"""
import json
import math
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F


class Conv1D(nn.Module):
    """HF's Conv1D: a linear layer whose weight is stored [in, out] (the transpose of nn.Linear)."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(n_in, n_out).normal_(std=0.02))
        self.bias = nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return torch.matmul(x, self.weight) + self.bias


def gelu_new(x):
    # GPT-2's tanh approximation of GELU ("gelu_new" in HF).
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


class Attention(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.n_head = cfg["n_head"]
        self.n_embd = cfg["n_embd"]
        self.head_dim = self.n_embd // self.n_head
        self.c_attn = Conv1D(self.n_embd, 3 * self.n_embd)
        self.c_proj = Conv1D(self.n_embd, self.n_embd)
        self.attn_dropout = nn.Dropout(cfg.get("attn_pdrop", 0.1))
        self.resid_dropout = nn.Dropout(cfg.get("resid_pdrop", 0.1))

    def _heads(self, x):
        b, s, _ = x.shape
        return x.view(b, s, self.n_head, self.head_dim).transpose(1, 2)

    def forward(self, x, bias_mask, past_key, past_value):
        q, k, v = self.c_attn(x).split(self.n_embd, dim=2)
        q, k, v = self._heads(q), self._heads(k), self._heads(v)
        if past_key is not None:
            k = torch.cat([past_key, k], dim=2)
            v = torch.cat([past_value, v], dim=2)
        scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
        if bias_mask is not None:
            scores = scores + bias_mask
        probs = self.attn_dropout(torch.softmax(scores, dim=-1))
        out = torch.matmul(probs, v).transpose(1, 2)
        b, s = out.shape[0], out.shape[1]
        out = out.reshape(b, s, self.n_embd)
        return self.resid_dropout(self.c_proj(out)), k, v


class Mlp(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        inner = cfg.get("n_inner") or 4 * cfg["n_embd"]
        self.c_fc = Conv1D(cfg["n_embd"], inner)
        self.c_proj = Conv1D(inner, cfg["n_embd"])
        self.dropout = nn.Dropout(cfg.get("resid_pdrop", 0.1))

    def forward(self, x):
        return self.dropout(self.c_proj(gelu_new(self.c_fc(x))))


class Block(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        eps = cfg.get("layer_norm_epsilon", 1e-5)
        self.ln_1 = nn.LayerNorm(cfg["n_embd"], eps=eps)
        self.attn = Attention(cfg)
        self.ln_2 = nn.LayerNorm(cfg["n_embd"], eps=eps)
        self.mlp = Mlp(cfg)

    def forward(self, x, bias_mask, past_key, past_value):
        a, k, v = self.attn(self.ln_1(x), bias_mask, past_key, past_value)
        x = x + a
        x = x + self.mlp(self.ln_2(x))
        return x, k, v


class Transformer(nn.Module):
    def __init__(self, cfg):
        super().__init__()
        self.wte = nn.Embedding(cfg["vocab_size"], cfg["n_embd"])
        self.wpe = nn.Embedding(cfg["n_positions"], cfg["n_embd"])
        nn.init.normal_(self.wte.weight, std=0.02)
        nn.init.normal_(self.wpe.weight, std=0.01)
        self.drop = nn.Dropout(cfg.get("embd_pdrop", 0.1))
        self.h = nn.ModuleList([Block(cfg) for _ in range(cfg["n_layer"])])
        self.ln_f = nn.LayerNorm(cfg["n_embd"], eps=cfg.get("layer_norm_epsilon", 1e-5))


class GPT2LMHeadModel(nn.Module):
    """Parameter names match HF: transformer.wte/wpe/h.{i}.*/ln_f; the LM head is tied to wte."""

    def __init__(self, cfg):
        super().__init__()
        self.config = dict(cfg)
        self.transformer = Transformer(cfg)
        # GPT-2's scaled init of the residual projections.
        for name, p in self.named_parameters():
            if name.endswith("c_proj.weight"):
                nn.init.normal_(p, std=0.02 / math.sqrt(2 * cfg["n_layer"]))

    def hidden(self, input_ids, position_ids=None, attention_mask=None, past=None):
        """Final hidden states [b, s, d] and the new key/value cache (list of (k, v))."""
        t = self.transformer
        b, s = input_ids.shape
        if position_ids is None:
            position_ids = torch.arange(s, dtype=torch.long, device=input_ids.device).unsqueeze(0).expand(b, s)
        x = t.drop(t.wte(input_ids) + t.wpe(position_ids))
        past_len = 0 if past is None else past[0][0].shape[2]
        total = past_len + s
        # Causal mask: query i (absolute position past_len + i) sees key j when j <= past_len + i.
        key_pos = torch.arange(total, device=input_ids.device).unsqueeze(0)
        query_pos = torch.arange(s, device=input_ids.device).unsqueeze(1) + (total - s)
        allowed = (key_pos <= query_pos).unsqueeze(0).unsqueeze(0)
        if attention_mask is not None:
            allowed = allowed & (attention_mask[:, None, None, :] > 0)
        neg = torch.tensor(torch.finfo(torch.float32).min, dtype=torch.float32, device=input_ids.device)
        bias_mask = torch.where(allowed, torch.tensor(0.0, dtype=torch.float32, device=input_ids.device), neg)
        presents = []
        for i, block in enumerate(t.h):
            pk, pv = (None, None) if past is None else past[i]
            x, k, v = block(x, bias_mask, pk, pv)
            presents.append((k, v))
        return t.ln_f(x), presents

    def logits(self, h):
        # Tied head: the same wte parameter, so the ONNX file stores the embedding once.
        return torch.matmul(h, self.transformer.wte.weight.t())


def hf_config(n_layer, n_head, n_embd, n_positions, vocab_size=50257, dropout=0.1):
    return {
        "architectures": ["GPT2LMHeadModel"],
        "model_type": "gpt2",
        "vocab_size": vocab_size,
        "n_positions": n_positions,
        "n_ctx": n_positions,
        "n_embd": n_embd,
        "n_layer": n_layer,
        "n_head": n_head,
        "n_inner": None,
        "activation_function": "gelu_new",
        "layer_norm_epsilon": 1e-5,
        "resid_pdrop": dropout,
        "embd_pdrop": dropout,
        "attn_pdrop": dropout,
        "initializer_range": 0.02,
        "bos_token_id": 50256,
        "eos_token_id": 50256,
        "tie_word_embeddings": True,
    }


def save_hf_checkpoint(model, folder):
    """config.json + pytorch_model.bin with HF GPT2LMHeadModel names (lm_head.weight tied to wte)."""
    os.makedirs(folder, exist_ok=True)
    state = {k: v.detach().cpu().clone() for k, v in model.state_dict().items()}
    state["lm_head.weight"] = state["transformer.wte.weight"]
    tmp = os.path.join(folder, "pytorch_model.bin.tmp")
    torch.save(state, tmp)
    os.replace(tmp, os.path.join(folder, "pytorch_model.bin"))
    with open(os.path.join(folder, "config.json"), "w") as f:
        json.dump(model.config, f, indent=2)


_SAFETENSORS_DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64,
                       "I64": torch.int64, "I32": torch.int32, "U8": torch.uint8, "BOOL": torch.bool}


def read_safetensors(path):
    """Reads a .safetensors file without the safetensors package: u64 header length, JSON header, raw data."""
    with open(path, "rb") as f:
        (header_len,) = struct.unpack("<Q", f.read(8))
        header = json.loads(f.read(header_len))
        data = f.read()
    tensors = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        start, end = info["data_offsets"]
        dtype = _SAFETENSORS_DTYPES[info["dtype"]]
        t = torch.frombuffer(bytearray(data[start:end]), dtype=dtype) if end > start else torch.empty(0, dtype=dtype)
        tensors[name] = t.reshape(info["shape"]).clone()
    return tensors


def load_hf_checkpoint(folder):
    """Loads any HF GPT-2 folder (config.json + pytorch_model.bin or model.safetensors) into our module."""
    with open(os.path.join(folder, "config.json")) as f:
        cfg = json.load(f)
    cfg.setdefault("n_positions", cfg.get("n_ctx", 1024))
    st_path = os.path.join(folder, "model.safetensors")
    if os.path.exists(st_path):
        state = read_safetensors(st_path)
    else:
        state = torch.load(os.path.join(folder, "pytorch_model.bin"), map_location="cpu")
    # openai-community/gpt2 stores names without the "transformer." prefix; causal-mask buffers are not weights.
    fixed = {}
    for k, v in state.items():
        if k.startswith("lm_head.") or k.endswith(".attn.bias") or k.endswith(".attn.masked_bias"):
            continue
        fixed[k if k.startswith("transformer.") else "transformer." + k] = v.float()
    model = GPT2LMHeadModel(cfg)
    missing, unexpected = model.load_state_dict(fixed, strict=False)
    if missing or unexpected:
        raise ValueError(f"checkpoint does not match GPT-2: missing {missing}, unexpected {unexpected}")
    return model, cfg
