"""PyTorch peer for Engine.Bench/ConvBenchmarks.cs: conv / conv-transpose forward+backward at the
conv-autoencoder layer shapes (batch 128), timed on 1 and 2 threads.

Run: /work/shared/tools/peer-env /usr/bin/python3 Engine.Bench/peers/conv_peer.py [--reps 30]
Prints one line per (workload, threads, pass): median and best milliseconds per call.
"""
import argparse
import statistics
import time

import torch
import torch.nn.functional as F
from threadpoolctl import threadpool_limits

BATCH = 128

# name, transposed, c_in, c_out, input size, stride, padding, output padding (same names as ConvQuick)
WORKLOADS = [
    ("conv-1x32-28", False, 1, 32, 28, 2, 1, 0),
    ("conv-32x64-14", False, 32, 64, 14, 2, 1, 0),
    ("convT-64x32-7", True, 64, 32, 7, 2, 1, 1),
    ("convT-32x1-14", True, 32, 1, 14, 2, 1, 1),
]


def make(transposed, c_in, c_out, size, stride, padding, output_padding):
    g = torch.Generator().manual_seed(1)
    x = torch.randn(BATCH, c_in, size, size, generator=g, requires_grad=True)
    w_shape = (c_in, c_out, 3, 3) if transposed else (c_out, c_in, 3, 3)
    w = (torch.randn(*w_shape, generator=g) * 0.1).requires_grad_(True)
    b = torch.zeros(c_out, requires_grad=True)

    def forward():
        if transposed:
            return F.conv_transpose2d(x, w, b, stride=stride, padding=padding, output_padding=output_padding)
        return F.conv2d(x, w, b, stride=stride, padding=padding)

    with torch.no_grad():
        y_shape = forward().shape
    grad_out = torch.randn(*y_shape, generator=g)

    def fwd():
        with torch.no_grad():
            forward()

    def fwd_bwd():
        x.grad = None
        w.grad = None
        b.grad = None
        forward().backward(grad_out)

    return fwd, fwd_bwd


def time_ms(fn, reps):
    """Median and best wall-clock ms per call, and median process CPU ms per call (robust on a busy machine)."""
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
    parser.add_argument("--reps", type=int, default=30)
    args = parser.parse_args()
    print(f"torch {torch.__version__}, batch {BATCH}")
    for threads in (1, 2):
        torch.set_num_threads(threads)
        with threadpool_limits(threads):
            for name, *shape in WORKLOADS:
                fwd, fwd_bwd = make(*shape)
                for label, fn in (("fwd", fwd), ("fwd+bwd", fwd_bwd)):
                    med, best, cpu = time_ms(fn, args.reps)
                    print(f"{name:15s} threads={threads} {label:8s} median {med:8.3f} ms  best {best:8.3f} ms"
                          f"  cpu {cpu:8.3f} ms")


if __name__ == "__main__":
    main()
