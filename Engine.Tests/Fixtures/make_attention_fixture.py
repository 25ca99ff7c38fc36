"""Writes attention_fixture.json: small PyTorch reference cases for the Transformer layers.

Run: /usr/bin/python3 Engine.Tests/Fixtures/make_attention_fixture.py   (torch 1.13, CPU)

Cases (all batch_first, float32, dropout 0):
  mha_self   nn.MultiheadAttention(8, 2): self-attention with a key padding mask.
  mha_cross  nn.MultiheadAttention(8, 2): query (2, 3, 8) over separate key and value (2, 5, 8), padding mask.
  encoder    nn.TransformerEncoderLayer(8, 2, 16, activation='gelu', norm_first=True), src_key_padding_mask,
             plus gradients of sum(output * seed) w.r.t. the input and every parameter.
  decoder    nn.TransformerDecoderLayer(8, 2, 16, activation='gelu', norm_first=True), causal tgt_mask and a
             memory key padding mask.
  gelu       F.gelu (exact erf form) on a grid.
Masks are written in the engine's convention: 1 = real token, 0 = padding (PyTorch's bool mask is the opposite).
The modules run in train mode with dropout 0 so PyTorch takes its ordinary (not the fused inference) path.
"""
import json
import os

import torch
import torch.nn as nn
import torch.nn.functional as F


def t2j(t):
    t = t.detach().to(torch.float32).contiguous()
    # 9 significant digits round-trip a float32 exactly.
    return {"shape": list(t.shape), "data": [float("%.9g" % x) for x in t.reshape(-1).tolist()]}


def params(module):
    return {name: t2j(p) for name, p in module.state_dict().items()}


def main():
    torch.manual_seed(1234)
    g = torch.Generator().manual_seed(99)
    out = {"torch": torch.__version__}

    mha = nn.MultiheadAttention(8, 2, batch_first=True)
    # Non-zero biases so a wrong slice of in_proj_bias cannot pass.
    with torch.no_grad():
        mha.in_proj_bias.uniform_(-0.3, 0.3, generator=g)
        mha.out_proj.bias.uniform_(-0.3, 0.3, generator=g)
    x = torch.randn(2, 4, 8, generator=g)
    keep = torch.tensor([[1, 1, 1, 1], [1, 1, 0, 0]], dtype=torch.float32)
    y, _ = mha(x, x, x, key_padding_mask=keep == 0, need_weights=False)
    out["mha_self"] = {"params": params(mha), "x": t2j(x), "mask": t2j(keep), "output": t2j(y)}

    q = torch.randn(2, 3, 8, generator=g)
    k = torch.randn(2, 5, 8, generator=g)
    v = torch.randn(2, 5, 8, generator=g)
    keep = torch.tensor([[1, 1, 1, 0, 1], [1, 0, 1, 1, 0]], dtype=torch.float32)
    y, _ = mha(q, k, v, key_padding_mask=keep == 0, need_weights=False)
    out["mha_cross"] = {"params": params(mha), "query": t2j(q), "key": t2j(k), "value": t2j(v), "mask": t2j(keep),
                        "output": t2j(y)}

    enc = nn.TransformerEncoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True)
    with torch.no_grad():
        for name, p in enc.named_parameters():
            if "norm" in name or name.endswith("bias"):
                p.uniform_(-0.5, 0.5, generator=g).add_(1.0 if name.startswith("norm") and name.endswith("weight") else 0.0)
    enc.train()
    x = torch.randn(2, 4, 8, generator=g, requires_grad=True)
    keep = torch.tensor([[1, 1, 1, 1], [1, 1, 1, 0]], dtype=torch.float32)
    y = enc(x, src_key_padding_mask=keep == 0)
    seed = torch.randn(y.shape, generator=g)
    (y * seed).sum().backward()
    out["encoder"] = {"params": params(enc), "x": t2j(x), "mask": t2j(keep), "output": t2j(y), "seed": t2j(seed),
                      "grad_x": t2j(x.grad), "grads": {n: t2j(p.grad) for n, p in enc.named_parameters()}}

    dec = nn.TransformerDecoderLayer(8, 2, 16, dropout=0.0, activation="gelu", norm_first=True, batch_first=True)
    with torch.no_grad():
        for name, p in dec.named_parameters():
            if name.endswith("bias"):
                p.uniform_(-0.5, 0.5, generator=g)
    dec.train()
    tgt = torch.randn(2, 4, 8, generator=g)
    memory = torch.randn(2, 5, 8, generator=g)
    mem_keep = torch.tensor([[1, 1, 1, 1, 1], [1, 1, 1, 0, 0]], dtype=torch.float32)
    causal = nn.Transformer.generate_square_subsequent_mask(4)
    y = dec(tgt, memory, tgt_mask=causal, memory_key_padding_mask=mem_keep == 0)
    out["decoder"] = {"params": params(dec), "x": t2j(tgt), "memory": t2j(memory), "memory_mask": t2j(mem_keep),
                      "output": t2j(y)}

    grid = torch.linspace(-9, 9, 721)
    out["gelu"] = {"x": t2j(grid), "output": t2j(F.gelu(grid))}

    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "attention_fixture.json")
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(out, f, separators=(",", ":"))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)
    print(f"wrote {path} ({os.path.getsize(path)} bytes)")


if __name__ == "__main__":
    main()
