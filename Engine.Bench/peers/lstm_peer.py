"""PyTorch peer for Engine.Bench/LstmBenchmarks.cs (and LstmQuick): torch.nn.LSTM, one layer, batch 64, sequence 20,
input 64, hidden 256, batch_first. "lstm-fwd" is inference (torch.no_grad); "lstm-fwdbwd" is forward plus
backward from a gradient on the output sequence into the input and all weights. 1 and 2 threads.

Run: /work/shared/tools/peer-env /usr/bin/python3 Engine.Bench/peers/lstm_peer.py [--reps 50]
Prints one line per (workload, threads): median and best wall-clock milliseconds per call, median CPU ms.
"""
import argparse
import statistics
import time

import torch
from threadpoolctl import threadpool_limits

BATCH, STEPS, INPUT, HIDDEN = 64, 20, 64, 256


def make():
    g = torch.Generator().manual_seed(1)
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(INPUT, HIDDEN, batch_first=True)
    x = torch.rand(BATCH, STEPS, INPUT, generator=g).mul_(2).sub_(1).requires_grad_()
    grad_out = torch.rand(BATCH, STEPS, HIDDEN, generator=g).mul_(2).sub_(1)

    def fwd():
        with torch.no_grad():
            lstm(x)

    def fwd_bwd():
        x.grad = None
        lstm.zero_grad(set_to_none=False)
        out, _ = lstm(x)
        out.backward(grad_out)

    return fwd, fwd_bwd


def time_ms(fn, reps):
    for _ in range(5):
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
    parser.add_argument("--reps", type=int, default=50)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, B={BATCH} T={STEPS} I={INPUT} H={HIDDEN}")
    fwd, fwd_bwd = make()
    for threads in (1, 2):
        torch.set_num_threads(threads)
        with threadpool_limits(threads):
            for name, fn in (("lstm-fwd", fwd), ("lstm-fwdbwd", fwd_bwd)):
                med, best, cpu = time_ms(fn, args.reps)
                print(f"{name:12s} threads={threads} median {med:8.3f} ms  best {best:8.3f} ms  cpu {cpu:8.3f} ms")


if __name__ == "__main__":
    main()
