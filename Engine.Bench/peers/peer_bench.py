#!/usr/bin/env python3
"""Side-by-side speed of every quick-mode workload: ours (Engine.Bench quick mode) vs PyTorch 1.13 (and numpy for
the GEMMs), on the same shapes, under the same names (Engine.Bench/Quick/QuickWorkloads.cs):

  gemm-*            c = op(a) · op(b): squares 64…2048 and the autoencoder layer products (forward, -tB = input
                    gradient a·bᵀ, -tA = weight gradient aᵀ·b); torch.mm and numpy.matmul (OpenBLAS).
  conv-*, convT-*   3×3, stride 2, padding 1 (output padding 1 for convT), batch 128 (ConvQuick.cs); the plain name
                    is forward + backward into input, weight and bias, "-fwd" the forward alone (no_grad).
  lstm-fwd          torch.nn.LSTM(64, 256, batch_first) on (64, 20, 64), no_grad (LstmQuick.cs).
  lstm-fwdbwd       the same with autograd: backward from a gradient on the output sequence into input and weights.
  ae-step           one training step of nn.Sequential 784-512-128-32-128-512-784 (ReLU, linear code, sigmoid
                    output), MSE, Adam lr 1e-3, batch 128 (AutoencoderStep.cs).
  attn-*, encoder-layer-fwdbwd  nn.MultiheadAttention / pre-norm nn.TransformerEncoderLayer (GELU, feed-forward
                    1024, dropout 0), batch 64, length 32, width 256, 4 heads (TransformerQuick.cs, transformer_peer.py).

Run from the repository root (build first: `dotnet build -c Release Engine.Bench`):
    Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/peer_bench.py [--rounds 3] [--threads 1 2]
        [--isa avx512 avx2 vector128] [--clock wall|cpu] [--filter TEXT] [--no-tiering] [--write-docs]

--isa runs the comparison once per instruction-set path, each side held to that path (default: every path this
machine runs natively):
  avx512     ours on the machine's AVX-512 kernels; torch/numpy with OpenBLAS's own choice of kernel (SkylakeX or
             Cooperlake) and oneDNN's.
  avx2       ours with DOTNET_EnableAVX512=0 (the AVX2 kernels); OpenBLAS held to its AVX2 kernels with
             OPENBLAS_CORETYPE=Haswell, oneDNN (torch's convolutions) with ONEDNN_MAX_CPU_ISA=AVX2, ATen with
             ATEN_CPU_CAPABILITY=avx2.
  vector128  ours with DOTNET_EnableAVX2=0 (the 128-bit kernels, the x86 stand-in for ARM64 NEON); OpenBLAS
             OPENBLAS_CORETYPE=Nehalem (SSE), oneDNN ONEDNN_MAX_CPU_ISA=SSE41, ATen ATEN_CPU_CAPABILITY=default.
             Reported for information: issue 13 sets no target for it.
The peer's knobs are read when its libraries load, so each (ISA, thread count) runs the peers in a child process of
this script (`--peer-worker`) with that environment. Each ISA also measures its own peak (`Engine.Bench peak`: a
multiply-add loop on registers, one core), which the "% of peak" verdict divides by.

--write-docs replaces, for each ISA measured, the block between `<!-- generated:peer-bench-ISA -->` and
`<!-- /generated:peer-bench-ISA -->` in docs/performance.md with the machine, the date, the command, the table and
the verdict on every target of issue 13, all computed here from this run (so the page never holds a hand-typed
number).

Every round runs, for each ISA and thread count, our quick mode (a subprocess) and then the peers, so machine noise
hits all sides alike; each result is the median over rounds of the in-process medians (9 batches of calls of
≥ 30 ms after a warm-up, as QuickRunner.cs does). The table gives milliseconds per call and the speed ratio
peer ms / our ms (above 1: ours is faster).

--clock cpu times process CPU time instead of wall time (both sides): on an oversubscribed machine it shows the
work each library needs per call, independent of how long the scheduler kept it waiting. It is meaningful for one
thread only (it sums all threads, spin-waiting included).

The peer BLAS must be OpenBLAS with a sane single-thread speed: against the netlib reference BLAS the ratios would
be meaningless, so the script refuses to report.
"""
import peer_env

peer_env.ensure()

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time

# numpy and torch are imported by the peer worker only (after its ISA knobs are in the environment).
np = threadpoolctl = torch = F = None


def import_peers():
    global np, threadpoolctl, torch, F
    import numpy as np
    import threadpoolctl
    import torch
    import torch.nn.functional as F


# Per ISA: our runtime knob, the path our quick mode must report, the peers' knobs, and whether issue 13 sets targets.
ISAS = {
    "avx512": dict(label="AVX-512", ours={}, path="Avx512", peer={}, targets=True),
    "avx2": dict(label="AVX2", ours={"DOTNET_EnableAVX512": "0"}, path="Avx2",
                 peer={"OPENBLAS_CORETYPE": "Haswell", "ONEDNN_MAX_CPU_ISA": "AVX2", "ATEN_CPU_CAPABILITY": "avx2"},
                 targets=True),
    "vector128": dict(label="Vector128 (x86 SSE, the stand-in for ARM64 NEON)", ours={"DOTNET_EnableAVX2": "0"},
                      path="Vector128",
                      peer={"OPENBLAS_CORETYPE": "Nehalem", "ONEDNN_MAX_CPU_ISA": "SSE41",
                            "ATEN_CPU_CAPABILITY": "default"},
                      targets=False),
}
# Knobs that must not leak from the caller's environment into a side that does not set them.
ALL_KNOBS = {k for isa in ISAS.values() for k in [*isa["ours"], *isa["peer"]]}

REPS = 9
REP_SECONDS = 0.03
SQUARES = [64, 128, 256, 512, 1024, 2048]
AUTOENCODER_LAYERS = [(128, 784, 512), (128, 512, 128), (128, 512, 784)]  # (batch, in, out)
CONV_BATCH = 128
# name, transposed, c_in, c_out, input size (3×3, stride 2, padding 1; output padding 1 when transposed)
CONV_LAYERS = [
    ("conv-1x32-28", False, 1, 32, 28),
    ("conv-32x64-14", False, 32, 64, 14),
    ("convT-64x32-7", True, 64, 32, 7),
    ("convT-32x1-14", True, 32, 1, 14),
]
LSTM_BATCH, LSTM_STEPS, LSTM_INPUT, LSTM_HIDDEN = 64, 20, 64, 256
AE_SIZES = [784, 512, 128, 32, 128, 512, 784]
AE_BATCH = 128

CLOCK = time.perf_counter


def median_ms(run):
    """Warm up, then the median of REPS batches of calls, each batch at least REP_SECONDS long (by CLOCK).
    (Our side warms up longer, past .NET tiered compilation: see QuickRunner.cs.)"""
    start, calls = time.perf_counter(), 0
    while calls < 3 or time.perf_counter() - start < 0.2:
        run()
        calls += 1
    start = time.perf_counter()
    for _ in range(3):
        run()
    per_call = (time.perf_counter() - start) / 3
    batch = max(1, int(REP_SECONDS / per_call))
    samples = []
    for _ in range(REPS):
        t0 = CLOCK()
        for _ in range(batch):
            run()
        samples.append((CLOCK() - t0) * 1e3 / batch)
    return statistics.median(samples)


def gemm_shapes():
    """(name, m, k, n, transpose_a, transpose_b), mirroring QuickWorkloads.cs."""
    out = [(f"gemm-{s}", s, s, s, False, False) for s in SQUARES]
    for batch, fin, fout in AUTOENCODER_LAYERS:
        out.append((f"gemm-{batch}x{fin}x{fout}", batch, fin, fout, False, False))
        out.append((f"gemm-{batch}x{fout}x{fin}-tB", batch, fout, fin, False, True))
        out.append((f"gemm-{fin}x{batch}x{fout}-tA", fin, batch, fout, True, False))
    return out


def gemm_operands(m, k, n, ta, tb, rng):
    """Row-major a (m, k) or (k, m), b (k, n) or (n, k), as our kernel stores them."""
    a = rng.uniform(-0.5, 0.5, (k, m) if ta else (m, k)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, (n, k) if tb else (k, n)).astype(np.float32)
    return a, b


def torch_gemms():
    rng = np.random.default_rng(42)
    for name, m, k, n, ta, tb in gemm_shapes():
        a, b = (torch.from_numpy(x) for x in gemm_operands(m, k, n, ta, tb, rng))
        opa, opb, c = (a.t() if ta else a), (b.t() if tb else b), torch.empty(m, n)
        yield name, (lambda opa=opa, opb=opb, c=c: torch.mm(opa, opb, out=c))


def numpy_gemms():
    rng = np.random.default_rng(42)
    for name, m, k, n, ta, tb in gemm_shapes():
        a, b = gemm_operands(m, k, n, ta, tb, rng)
        opa, opb, c = (a.T if ta else a), (b.T if tb else b), np.empty((m, n), dtype=np.float32)
        yield name, (lambda opa=opa, opb=opb, c=c: np.matmul(opa, opb, out=c))


def torch_convs():
    g = torch.Generator().manual_seed(1)
    for name, transposed, c_in, c_out, size in CONV_LAYERS:
        x = torch.rand(CONV_BATCH, c_in, size, size, generator=g).sub_(0.5).requires_grad_()
        w = torch.rand(*((c_in, c_out) if transposed else (c_out, c_in)), 3, 3, generator=g).sub_(0.5)
        w.requires_grad_()
        b = torch.rand(c_out, generator=g).sub_(0.5).requires_grad_()

        def forward(x=x, w=w, b=b, transposed=transposed):
            if transposed:
                return F.conv_transpose2d(x, w, b, stride=2, padding=1, output_padding=1)
            return F.conv2d(x, w, b, stride=2, padding=1)

        with torch.no_grad():
            grad_out = torch.rand(forward().shape, generator=g).sub_(0.5)

        def fwd_bwd(forward=forward, grad_out=grad_out, leaves=(x, w, b)):
            for t in leaves:
                t.grad = None
            forward().backward(grad_out)

        def fwd(forward=forward):
            with torch.no_grad():
                forward()

        yield name, fwd_bwd
        yield name + "-fwd", fwd


def torch_lstm():
    torch.manual_seed(1)
    lstm = torch.nn.LSTM(LSTM_INPUT, LSTM_HIDDEN, batch_first=True)
    x = torch.rand(LSTM_BATCH, LSTM_STEPS, LSTM_INPUT).mul_(2).sub_(1).requires_grad_()
    grad_out = torch.rand(LSTM_BATCH, LSTM_STEPS, LSTM_HIDDEN).mul_(2).sub_(1)

    def fwd():
        with torch.no_grad():
            lstm(x)

    def fwd_bwd():
        x.grad = None
        lstm.zero_grad(set_to_none=False)
        lstm(x)[0].backward(grad_out)

    yield "lstm-fwd", fwd
    yield "lstm-fwdbwd", fwd_bwd


def torch_ae_step():
    torch.manual_seed(1)
    layers = []
    for i, (fin, fout) in enumerate(zip(AE_SIZES, AE_SIZES[1:])):
        layers.append(torch.nn.Linear(fin, fout))
        if i == len(AE_SIZES) - 2:
            layers.append(torch.nn.Sigmoid())
        elif fout != min(AE_SIZES):  # the code layer is linear
            layers.append(torch.nn.ReLU())
    model = torch.nn.Sequential(*layers)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    batch = torch.rand(AE_BATCH, AE_SIZES[0])

    def step():
        optimizer.zero_grad()
        F.mse_loss(model(batch), batch).backward()
        optimizer.step()

    yield "ae-step", step


def torch_transformer():
    """attn-fwd, attn-fwdbwd, encoder-layer-fwdbwd: nn.MultiheadAttention and a pre-norm nn.TransformerEncoderLayer
    at batch 64, length 32, width 256, 4 heads (the definitions live in transformer_peer.py, beside this script)."""
    import transformer_peer
    yield from transformer_peer.make()


def run_peer(threads, workloads, selected):
    torch.set_num_threads(threads)
    results = {}
    with threadpoolctl.threadpool_limits(threads):
        for name, run in workloads():
            if name in selected:
                results[name] = median_ms(run)
    return results


def run_torch(threads, selected):
    def all_workloads():
        with torch.no_grad():
            yield from torch_gemms()
        yield from torch_convs()
        yield from torch_lstm()
        yield from torch_ae_step()
        yield from torch_transformer()

    return run_peer(threads, all_workloads, selected)


def run_numpy(threads, selected):
    return run_peer(threads, numpy_gemms, selected)


def env_for(knobs, extra=None):
    env = {k: v for k, v in os.environ.items() if k not in ALL_KNOBS}
    env.update(knobs)
    env.update(extra or {})
    return env


def bench_dll(repo):
    return os.path.join(repo, "Engine.Bench", "bin", "Release", "net10.0", "Engine.Bench.dll")


def run_ours(isa, threads, repo, clock, filter_text, no_tiering):
    """Our quick mode under the ISA's knob: ({name: (ms, GFLOP/s)}, the path it reports)."""
    extra = {"DOTNET_TieredCompilation": "0"} if no_tiering else None
    cmd = ["dotnet", bench_dll(repo), "quick", "--threads", str(threads), "--clock", clock, "--filter", filter_text]
    text = subprocess.run(cmd, cwd=repo, env=env_for(ISAS[isa]["ours"], extra), check=True, stdout=subprocess.PIPE,
                          text=True).stdout
    results, path = {}, None
    for line in text.splitlines():
        match = re.match(r"name=(\S+) threads=(\d+) ms=([\d.]+) gflops=([\d.]+)", line)
        if match:
            results[match.group(1)] = (float(match.group(3)), float(match.group(4)))
        elif line.startswith("path="):
            path = line[len("path="):]
    if not results:
        sys.exit(f"our quick mode printed no results: {' '.join(cmd)}")
    return results, path


def run_peak(isa, repo):
    """Our measured peak per core on the ISA's path (`Engine.Bench peak`): (GFLOP/s, micro-kernel GFLOP/s, path)."""
    cmd = ["dotnet", bench_dll(repo), "peak"]
    text = subprocess.run(cmd, cwd=repo, env=env_for(ISAS[isa]["ours"]), check=True, stdout=subprocess.PIPE,
                          text=True).stdout
    match = re.search(r"path=(.*) peak_gflops=([\d.]+) kernel=\S+ kernel_gflops=([\d.]+)", text)
    if not match:
        sys.exit(f"`{' '.join(cmd)}` printed no peak: {text}")
    return float(match.group(2)), float(match.group(3)), match.group(1)


def run_peer_worker(isa, threads, names, clock):
    """The peers in a child process with the ISA's knobs: {"torch": {...}, "numpy": {...}, "blas": ..., "sanity": ...}."""
    cmd = [sys.executable, os.path.abspath(__file__), "--peer-worker", "--threads", str(threads), "--clock", clock,
           "--names", ",".join(sorted(names))]
    text = subprocess.run(cmd, env=env_for(ISAS[isa]["peer"]), check=True, stdout=subprocess.PIPE, text=True).stdout
    return json.loads(text.strip().splitlines()[-1])


def peer_worker(threads, names, clock):
    """Runs in the child: checks the BLAS, times torch and numpy on the named workloads, prints one JSON line."""
    import_peers()
    global CLOCK
    info, sanity = check_peer_blas()
    CLOCK = time.process_time if clock == "cpu" else time.perf_counter
    selected = set(names)
    out = {"torch": run_torch(threads, selected), "numpy": run_numpy(threads, selected),
           "blas": {"version": info.get("version"), "architecture": info.get("architecture")}, "sanity": sanity,
           "torch_version": torch.__version__, "numpy_version": np.__version__}
    print(json.dumps(out), flush=True)


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


def ratio(peer, ours):
    return f"{peer / ours:.2f}" if peer and ours else "–"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--isa", nargs="+", choices=list(ISAS), default=None,
                        help="instruction-set paths to compare on (default: every one this machine runs)")
    parser.add_argument("--clock", choices=["wall", "cpu"], default="wall")
    parser.add_argument("--filter", default="", help="only workloads whose name contains this text")
    parser.add_argument("--write-docs", action="store_true",
                        help="write one table and the target verdicts per ISA into docs/performance.md")
    parser.add_argument("--no-tiering", action="store_true",
                        help="run ours with DOTNET_TieredCompilation=0 (fully optimised code from the first call)")
    parser.add_argument("--peer-worker", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--names", default="", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.peer_worker:
        peer_worker(args.threads[0], [n for n in args.names.split(",") if n], args.clock)
        return
    repo = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
    isas = []
    for isa in args.isa or list(ISAS):
        peak, kernel, path = run_peak(isa, repo)
        if not path.startswith(ISAS[isa]["path"]):
            message = f"{isa}: this machine runs {path} under {ISAS[isa]['ours'] or 'no knob'}, not {ISAS[isa]['path']}"
            if args.isa:
                sys.exit(message)
            print(f"skipped {message}", flush=True)
            continue
        isas.append(isa)
        ISAS[isa].update(peak=peak, kernel=kernel, our_path=path)
        print(f"{isa}: our path {path}, peak {peak:.1f} GFLOP/s per core (micro-kernel alone {kernel:.1f})",
              flush=True)
    print(f"tiered compilation: {'off' if args.no_tiering else 'on (default)'}", flush=True)
    load_start = os.getloadavg()[0]
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    print(f"clock: {args.clock}, rounds: {args.rounds}, load average at start: {load_start:.1f}", flush=True)
    samples = {}  # (isa, library, threads) -> name -> [ms per round]
    gflops = {}  # (isa, threads, name) -> [ours GFLOP/s per round]
    order = []
    peers = {}  # isa -> the first peer worker's report (BLAS, versions)
    for r in range(args.rounds):
        for isa in isas:
            for threads in args.threads:
                ours, _ = run_ours(isa, threads, repo, args.clock, args.filter, args.no_tiering)
                for name, (ms, g) in ours.items():
                    samples.setdefault((isa, "ours", threads), {}).setdefault(name, []).append(ms)
                    gflops.setdefault((isa, threads, name), []).append(g)
                    if name not in order:
                        order.append(name)
                report = run_peer_worker(isa, threads, set(ours), args.clock)
                peers.setdefault(isa, report)
                for library in ("torch", "numpy"):
                    for name, ms in report[library].items():
                        samples.setdefault((isa, library, threads), {}).setdefault(name, []).append(ms)
                print(f"round {r + 1}/{args.rounds}, {isa}, {threads} thread(s) done, load {os.getloadavg()[0]:.1f}",
                      file=sys.stderr, flush=True)
        print(f"after round {r + 1}/{args.rounds}, load average {os.getloadavg()[0]:.1f}:")
        for isa in isas:
            print(f"\n{ISAS[isa]['label']}:")
            print_table(isa, args.threads, order, samples, gflops)
    if args.write_docs:
        for isa in isas:
            info, peer = ISAS[isa], peers[isa]
            knobs = ", ".join(f"`{k}={v}`" for k, v in info["ours"].items()) or "no knob"
            peer_knobs = ", ".join(f"`{k}={v}`" for k, v in info["peer"].items()) or "no knob (their own choice)"
            header = (f"Run {started} to {time.strftime('%H:%M UTC', time.gmtime())} on {cpu_model()}, "
                      f"{os.cpu_count()} cores; load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at "
                      f"the end; {args.rounds} round(s), {args.clock} clock.\n\n"
                      f"- ISA path: ours **{info['our_path']}** ({knobs}); peak {info['peak']:.1f} GFLOP/s per core "
                      f"(`Engine.Bench peak`; the GEMM micro-kernel alone: {info['kernel']:.1f}).\n"
                      f"- Peers: torch {peer['torch_version']}, numpy {peer['numpy_version']} on OpenBLAS "
                      f"{peer['blas']['version']} ({peer['blas']['architecture']} kernels; sgemm-512 at "
                      f"{peer['sanity']:.0f} GFLOP/s on 1 thread, CPU time), with {peer_knobs}.\n"
                      f"- Command: `Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/peer_bench.py "
                      f"{' '.join(sys.argv[1:])}`")
            write_docs(repo, isa, header, args.threads, order, samples, gflops)


def cpu_model():
    """The CPU as /proc/cpuinfo names it, with its family/model (a VM may hide the marketing name) and its flags' ISA."""
    try:
        with open("/proc/cpuinfo") as f:
            fields = {}
            for line in f:
                key, _, value = line.partition(":")
                fields.setdefault(key.strip(), value.strip())
                if not line.strip():
                    break
        flags = set(fields.get("flags", "").split())
        widest = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
        return (f"{fields.get('model name', 'unknown CPU')} (family {fields.get('cpu family', '?')}, model "
                f"{fields.get('model', '?')}; widest ISA {widest})")
    except OSError:
        return "unknown CPU"


def sample_median(samples, isa, library, threads, name):
    values = samples.get((isa, library, threads), {}).get(name)
    return statistics.median(values) if values else None


# Issue 13's targets: (description, workload predicate, minimum torch/ours ratio). Ratios above 1: ours faster.
TARGETS = [
    ("GEMM squares n = 256…2048: ≥ 95 % of torch", lambda n: n in {f"gemm-{k}" for k in (256, 512, 1024, 2048)}, 0.95),
    ("GEMM at every autoencoder shape (forward, -tB, -tA): ≥ 95 % of torch",
     lambda n: re.fullmatch(r"gemm-\d+x\d+x\d+(-t[AB])?", n) is not None, 0.95),
    ("Conv2d / ConvTranspose2d forward+backward: no slower than torch",
     lambda n: n.startswith("conv") and not n.endswith("-fwd"), 1.0),
    ("LSTM forward+backward: no slower than torch", lambda n: n == "lstm-fwdbwd", 1.0),
]


def verdict_rows(isa, thread_counts, order, samples, gflops):
    informational = not ISAS[isa]["targets"]
    rows = []
    for description, wanted, minimum in TARGETS:
        for threads in thread_counts:
            ratios = []
            for name in order:
                ours = sample_median(samples, isa, "ours", threads, name)
                torch_ms = sample_median(samples, isa, "torch", threads, name)
                if wanted(name) and ours and torch_ms:
                    ratios.append((torch_ms / ours, name))
            if not ratios:
                continue
            misses = [f"{n} {r:.2f}" for r, n in ratios if r < minimum]
            worst = min(ratios)
            verdict = ("met" if not misses else ("below: " if informational else "**missed**: ") + ", ".join(misses))
            rows.append(f"| {description} | {threads} | {worst[0]:.2f} ({worst[1]}) | {verdict} |")
    peak = ISAS[isa]["peak"]
    for threads in thread_counts:
        g = gflops.get((isa, threads, "gemm-1024"))
        if g:
            fraction = statistics.median(g) / (peak * threads)
            verdict = ("met" if fraction >= 0.85 else
                       ("below" if informational else "**missed**") + f" by {100 * (0.85 - fraction):.0f} points")
            rows.append(f"| GEMM n = 1024: ≥ 85 % of the measured peak ({peak:.0f} GFLOP/s per core) | "
                        f"{threads} | {100 * fraction:.0f} % ({statistics.median(g):.0f} GFLOP/s) | {verdict} |")
    return rows


def write_docs(repo, isa, header, thread_counts, order, samples, gflops):
    import contextlib
    import io
    table = io.StringIO()
    with contextlib.redirect_stdout(table):
        print_table(isa, thread_counts, order, samples, gflops)
    verdicts = "\n".join(["| target | threads | worst ratio (workload) | verdict |", "|---|---:|---|---|"]
                          + verdict_rows(isa, thread_counts, order, samples, gflops))
    title = ("The project's speed targets, judged on this run:" if ISAS[isa]["targets"] else
             "The speed targets, for information (the project sets none for this path):")
    block = f"{header}\n{table.getvalue().rstrip()}\n\n{title}\n\n{verdicts}\n"
    path = os.path.join(repo, "docs", "performance.md")
    with open(path, encoding="utf-8") as f:
        text = f.read()
    start, end = f"<!-- generated:peer-bench-{isa} -->", f"<!-- /generated:peer-bench-{isa} -->"
    if text.count(start) != 1 or text.count(end) != 1 or text.index(start) > text.index(end):
        sys.exit(f"{path}: expected one '{start}' … '{end}' block")
    text = text[:text.index(start) + len(start)] + "\n" + block + text[text.index(end):]
    temporary = path + ".tmp"
    with open(temporary, "w", encoding="utf-8") as f:
        f.write(text)
        f.flush()
        os.fsync(f.fileno())
    os.replace(temporary, path)
    print(f"wrote the peer-bench-{isa} block of {path}", flush=True)


def print_table(isa, thread_counts, order, samples, gflops):
    print()
    print("Milliseconds per call (median over rounds); speed ratios are peer ms / our ms (above 1: ours faster).")
    print()
    print("| workload | threads | ours ms | ours GFLOP/s | torch ms | numpy ms | torch/ours | numpy/ours |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for threads in thread_counts:
        for name in order:
            ms = {lib: sample_median(samples, isa, lib, threads, name) for lib in ("ours", "torch", "numpy")}
            if ms["ours"] is None:
                continue  # this workload did not run at this thread count
            cell = {lib: f"{ms[lib]:.3f}" if ms[lib] else "–" for lib in ms}
            print(f"| {name} | {threads} | {cell['ours']} | {statistics.median(gflops[(isa, threads, name)]):.1f} | "
                  f"{cell['torch']} | {cell['numpy']} | {ratio(ms['torch'], ms['ours'])} | "
                  f"{ratio(ms['numpy'], ms['ours'])} |")
    print(flush=True)


if __name__ == "__main__":
    main()
