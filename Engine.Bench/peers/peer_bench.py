#!/usr/bin/env python3
"""Side-by-side GEMM speed: our Gemm.Multiply (Engine.Bench quick mode) vs PyTorch and numpy (OpenBLAS).

Run from the repository root:
    /work/shared/tools/peer-env /usr/bin/python3 Engine.Bench/peers/peer_bench.py [--rounds 3] [--threads 1 2]
        [--clock wall|cpu]

--clock cpu times process CPU time instead of wall time (both sides): on an oversubscribed machine it shows the
work each library needs per call, independent of how long the scheduler kept it waiting. It is meaningful for
one thread only (it sums all threads, spin-waiting included).

Every round runs, for each thread count, PyTorch, numpy and our quick mode one after the other, so machine noise
(other processes, frequency changes) hits all three alike; each library's result per workload is the median over
rounds of its in-process medians. The peer BLAS must be OpenBLAS with a sane single-thread speed: against the
netlib reference BLAS the ratios would be meaningless, so the script refuses to report.
"""
import argparse
import os
import re
import statistics
import subprocess
import sys
import time

import numpy as np
import threadpoolctl
import torch

REPS = 9
REP_SECONDS = 0.03
SQUARES = [64, 128, 256, 512, 1024, 2048]
AUTOENCODER_LAYERS = [(128, 784, 512), (128, 512, 128), (128, 512, 784)]  # (batch, in, out), as QuickWorkloads.cs


def workloads():
    """(name, m, k, n, transpose_a, transpose_b), mirroring Engine.Bench/Quick/QuickWorkloads.cs."""
    out = [(f"gemm-{s}", s, s, s, False, False) for s in SQUARES]
    for batch, fin, fout in AUTOENCODER_LAYERS:
        out.append((f"gemm-{batch}x{fin}x{fout}", batch, fin, fout, False, False))
        out.append((f"gemm-{batch}x{fout}x{fin}-tB", batch, fout, fin, False, True))
        out.append((f"gemm-{fin}x{batch}x{fout}-tA", fin, batch, fout, True, False))
    return out


CLOCK = time.perf_counter


def median_ms(run):
    """Warm up, then the median of REPS batches of calls, each batch at least REP_SECONDS long (by CLOCK)."""
    start, calls = time.perf_counter(), 0
    while calls < 3 or time.perf_counter() - start < 0.1:
        run()
        calls += 1
    per_call = (time.perf_counter() - start) / calls
    batch = max(1, int(REP_SECONDS / per_call))
    samples = []
    for _ in range(REPS):
        t0 = CLOCK()
        for _ in range(batch):
            run()
        samples.append((CLOCK() - t0) * 1e3 / batch)
    return statistics.median(samples)


def operands(m, k, n, ta, tb, rng):
    """Row-major a (m, k) or (k, m), b (k, n) or (n, k), as our kernel stores them."""
    a = rng.uniform(-0.5, 0.5, (k, m) if ta else (m, k)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, (n, k) if tb else (k, n)).astype(np.float32)
    return a, b


def run_torch(threads):
    torch.set_num_threads(threads)
    results = {}
    with threadpoolctl.threadpool_limits(threads), torch.no_grad():
        rng = np.random.default_rng(42)
        for name, m, k, n, ta, tb in workloads():
            a, b = operands(m, k, n, ta, tb, rng)
            ta_, tb_ = torch.from_numpy(a), torch.from_numpy(b)
            opa, opb = (ta_.t() if ta else ta_), (tb_.t() if tb else tb_)
            c = torch.empty(m, n)
            results[name] = median_ms(lambda: torch.mm(opa, opb, out=c))
    return results


def run_numpy(threads):
    results = {}
    with threadpoolctl.threadpool_limits(threads):
        rng = np.random.default_rng(42)
        for name, m, k, n, ta, tb in workloads():
            a, b = operands(m, k, n, ta, tb, rng)
            opa, opb = (a.T if ta else a), (b.T if tb else b)
            c = np.empty((m, n), dtype=np.float32)
            results[name] = median_ms(lambda: np.matmul(opa, opb, out=c))
    return results


def run_ours(threads, repo, clock):
    cmd = ["dotnet", "run", "-c", "Release", "--project", "Engine.Bench", "--", "quick", "--threads", str(threads),
           "--clock", clock]
    text = subprocess.run(cmd, cwd=repo, check=True, capture_output=True, text=True).stdout
    results = {}
    for line in text.splitlines():
        match = re.match(r"name=(\S+) threads=(\d+) ms=([\d.]+) gflops=([\d.]+)", line)
        if match:
            results[match.group(1)] = float(match.group(3))
    return results


def check_peer_blas():
    """Refuses to continue unless numpy and torch call OpenBLAS and it runs at a plausible optimised speed."""
    a = torch.randn(256, 256)
    torch.mm(a, a)
    np.matmul(a.numpy(), a.numpy())
    blas = [i for i in threadpoolctl.threadpool_info() if i.get("user_api") == "blas"]
    if not blas or any(i.get("internal_api") != "openblas" for i in blas):
        sys.exit(f"peer BLAS is not OpenBLAS: {blas}; refusing to compare against it")
    with open("/proc/self/maps") as maps:
        libs = {line.split()[-1] for line in maps if "blas" in line}
    if any("/blas/" in lib for lib in libs):
        sys.exit(f"the netlib reference BLAS is loaded: {sorted(libs)}; refusing to compare against it")
    global CLOCK
    clock, CLOCK = CLOCK, time.process_time  # judge the build, not the machine's current load
    with threadpoolctl.threadpool_limits(1):
        x = np.random.default_rng(0).standard_normal((512, 512), dtype=np.float32)
        gflops = 2 * 512**3 / median_ms(lambda: x @ x) / 1e6
    CLOCK = clock
    if gflops < 20:
        sys.exit(f"peer OpenBLAS sgemm runs at {gflops:.1f} GFLOP/s on 1 thread at n=512; not an optimised build")
    return blas[0], gflops


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    args = parser.parse_args()
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    global CLOCK
    info, sanity = check_peer_blas()
    print(f"peer BLAS: OpenBLAS {info.get('version')} ({info.get('architecture')}, {info.get('filepath')}), "
          f"sgemm 512 on 1 thread: {sanity:.1f} GFLOP/s (CPU time); torch {torch.__version__}, numpy {np.__version__}",
          flush=True)
    CLOCK = time.process_time if args.clock == "cpu" else time.perf_counter
    print(f"clock: {args.clock}", flush=True)
    print(f"load average at start: {os.getloadavg()[0]:.1f}", flush=True)
    samples = {}  # (library, threads) -> name -> [ms per round]
    for r in range(args.rounds):
        for threads in args.threads:
            for library, run in (("torch", run_torch), ("numpy", run_numpy), ("ours", None)):
                result = run_ours(threads, repo, args.clock) if library == "ours" else run(threads)
                for name, ms in result.items():
                    samples.setdefault((library, threads), {}).setdefault(name, []).append(ms)
            print(f"round {r + 1}/{args.rounds}, {threads} thread(s) done", file=sys.stderr, flush=True)

    print(f"load average at end: {os.getloadavg()[0]:.1f}")
    print()
    print("| workload | threads | ours GFLOP/s | torch GFLOP/s | numpy GFLOP/s | ours/torch | ours/numpy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for threads in args.threads:
        for name, m, k, n, _, _ in workloads():
            flops = 2.0 * m * k * n
            g = {lib: flops / statistics.median(samples[(lib, threads)][name]) / 1e6 for lib in ("ours", "torch", "numpy")}
            print(f"| {name} | {threads} | {g['ours']:.1f} | {g['torch']:.1f} | {g['numpy']:.1f} | "
                  f"{g['ours'] / g['torch']:.2f} | {g['ours'] / g['numpy']:.2f} |")


if __name__ == "__main__":
    main()
