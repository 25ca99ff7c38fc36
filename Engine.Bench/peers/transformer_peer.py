"""PyTorch peer for Engine.Bench/TransformerQuick.cs: self-attention and a pre-norm encoder layer at batch 64,
length 32, width 256, 4 heads, feed-forward 1024, dropout 0, timed on 1 and 2 threads.

Run: Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/transformer_peer.py [--reps 20] [--rounds 1]
Prints one line per (workload, threads): median and best wall-clock ms per call and median process-CPU ms.
The names match the quick-mode workloads (attn-fwd, attn-fwdbwd, encoder-layer-fwdbwd).
"""
import peer_env

peer_env.ensure()

import argparse
import os
import statistics
import time

import torch
import torch.nn as nn
from threadpoolctl import threadpool_limits

BATCH, LENGTH, WIDTH, HEADS, FFN = 64, 32, 256, 4, 1024


def make():
    torch.manual_seed(0)
    mha = nn.MultiheadAttention(WIDTH, HEADS, batch_first=True)
    enc = nn.TransformerEncoderLayer(WIDTH, HEADS, FFN, dropout=0.0, activation="gelu", norm_first=True,
                                     batch_first=True)
    # Train mode: the ordinary autograd path, as in training (the fused inference path only runs under no_grad).
    mha.train()
    enc.train()
    x = torch.rand(BATCH, LENGTH, WIDTH) * 2 - 1
    x.requires_grad_(True)
    seed = torch.rand(BATCH, LENGTH, WIDTH) * 2 - 1

    def attn_fwd():
        with torch.no_grad():
            mha(x, x, x, need_weights=False)

    def attn_fwdbwd():
        mha.zero_grad(set_to_none=True)
        x.grad = None
        mha(x, x, x, need_weights=False)[0].backward(seed)

    def encoder_fwdbwd():
        enc.zero_grad(set_to_none=True)
        x.grad = None
        enc(x).backward(seed)

    return [("attn-fwd", attn_fwd), ("attn-fwdbwd", attn_fwdbwd), ("encoder-layer-fwdbwd", encoder_fwdbwd)]


def time_ms(fn, reps):
    """Median and best wall-clock ms per call, and median process CPU ms per call (robust on a busy machine)."""
    for _ in range(3):
        fn()
    wall, cpu = [], []
    for _ in range(reps):
        c0, t0 = time.process_time(), time.perf_counter()
        fn()
        wall.append((time.perf_counter() - t0) * 1e3)
        cpu.append((time.process_time() - c0) * 1e3)
    return statistics.median(wall), min(wall), statistics.median(cpu)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--rounds", type=int, default=1)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, batch {BATCH}, length {LENGTH}, width {WIDTH}, heads {HEADS}, ffn {FFN}, "
          f"load {os.getloadavg()[0]:.1f}")
    workloads = make()
    for _ in range(args.rounds):
        for threads in (1, 2):
            torch.set_num_threads(threads)
            with threadpool_limits(threads):
                for name, fn in workloads:
                    med, best, cpu = time_ms(fn, args.reps)
                    print(f"name={name} threads={threads} median_ms={med:.3f} best_ms={best:.3f} cpu_ms={cpu:.3f}",
                          flush=True)


if __name__ == "__main__":
    main()
