"""Autoencoders on Fashion-MNIST, ours vs PyTorch: the same recipe, on the same machine, in the same run.

What it measures
    For each model it trains the recipe twice, each in its own child process so that peak memory is per model:
      * ours:  the Demo command (Demo/bin/Release/net10.0/Demo <command> --json ...), which reports the test metric
               and its seconds per epoch in a JSON file;
      * torch: the same recipe written in PyTorch 1.13 (Debian's python3-torch) by this script (--worker mode),
               with OMP_WAIT_POLICY=PASSIVE (libgomp's spin-waiting makes torch 100x slower when the cores are
               oversubscribed by other jobs; --omp-active leaves the default on).
    Per model and side it records the test metric, the mean seconds per training epoch (test evaluation excluded on
    both sides), and the peak resident set size of the child (ru_maxrss from os.wait4 on that child's pid, i.e. the
    same getrusage figure for both sides). The two sides of a model run back to back, alternating which goes first, so
    that a change in machine load hits both about equally; the load average is recorded at the start and the end.

The recipes (both sides; PyTorch's default initialisation, which ours reproduces)
    data      Fashion-MNIST, full 60,000 train / 10,000 test (/usr/share/datasets/fashion-mnist, gzip IDX read with
              gzip + numpy), pixels scaled to [0, 1]; --quick uses the embedded subset (6,000 / 1,000) for 2 epochs.
    training  Adam lr 1e-3, batch 128, shuffled every epoch, 10 epochs, seed 1, the same thread count on both sides.
    ae        784-512-128-32-128-512-784, ReLU, sigmoid output, MSE (mean per pixel); metric: test MSE.
    denoise   the same network fed Gaussian noise sigma 0.3 clipped to [0, 1], fresh noise every batch; metric: MSE of
              the reconstructions of noisy test images against the clean ones.
    conv      Conv(1,32,3,s2,p1)-ReLU-Conv(32,64,3,s2,p1)-ReLU-Flatten-Linear(3136,32) and the mirror
              Linear(32,3136)-ReLU-Unflatten(64,7,7)-ConvT(64,32,3,s2,p1,op1)-ReLU-ConvT(32,1,3,s2,p1,op1)-Sigmoid, MSE.
    vae       784-512-256-(mu, logvar: 20)-256-512-784, ReLU, Bernoulli decoder (BCE on logits summed over pixels)
              + analytic KL, averaged over the batch; metric: test negative ELBO in nats per image, one sample each.
    vae-example  PyTorch's official VAE example (examples/vae/main.py: 784-400-20, sigmoid + BCE with reduction
              'sum' over the batch + KL) on Fashion-MNIST; ours is `vae --pytorch-example`. Same metric.

The quality bar (issue 4): test MSE within 3% of PyTorch's or lower; VAE negative ELBO at most PyTorch's + 1 nat;
dense models well below PyTorch's seconds per epoch (aim 0.6x); dense AE peak RSS at most 0.5 GiB.

Run (build the Demo first: dotnet build -c Release):
    Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/ae_recipes.py [--quick] [--threads 2]
        [--epochs 10] [--models ae,denoise,conv,vae,vae-example] [--write-docs] [--deadline HH:MM]
--write-docs replaces the generated block "ours-vs-pytorch" of docs/03-variants.md (after
every model, so a stopped run leaves an honest partial table). --deadline (UTC) stops a child still running then and
skips the remaining models; their rows say so.
"""
import peer_env

peer_env.ensure()

import argparse
import datetime
import gzip
import json
import os
import platform
import random
import shlex
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SCRIPT = Path(__file__).resolve()
FULL_DATA = Path("/usr/share/datasets/fashion-mnist")
SUBSET_CANDIDATES = [REPO / "Demo/bin/Release/net10.0/data/fashion-mnist-subset", REPO / "Demo/data/fashion-mnist-subset"]
DEMO = REPO / "Demo/bin/Release/net10.0/Demo"
PEER_ENV = "Engine.Bench/peers/peer-env"
SECTION = "## Autoencoders on Fashion-MNIST: ours vs PyTorch"
DOCS_CHAPTER = "docs/03-variants.md"
DOCS_BLOCK = "ours-vs-pytorch"
ALL_MODELS = ["ae", "denoise", "conv", "vae", "vae-example"]
DEMO_COMMAND = {"ae": ["ae"], "denoise": ["denoise"], "conv": ["conv"], "vae": ["vae"],
                "vae-example": ["vae", "--pytorch-example"]}
METRIC = {"ae": "test_mse", "denoise": "test_mse", "conv": "test_mse", "vae": "test_neg_elbo",
          "vae-example": "test_neg_elbo"}
GIB = 1024.0 ** 3


# ----------------------------------------------------------------------------------------------------------------
# The PyTorch side (runs in a child process: python3 ae_recipes.py --worker MODEL ...)
# ----------------------------------------------------------------------------------------------------------------

def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        raw = f.read()
    import numpy as np
    if len(raw) < 16 or raw[2] != 0x08 or raw[3] != 3:
        raise ValueError(f"{path}: not an unsigned-byte rank-3 IDX file")
    count, rows, cols = (int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(3))
    if len(raw) != 16 + count * rows * cols:
        raise ValueError(f"{path}: header says {count}x{rows}x{cols} but payload has {len(raw) - 16} bytes")
    return np.frombuffer(raw, dtype=np.uint8, offset=16).reshape(count, rows * cols)


def build_torch_model(name):
    import torch
    from torch import nn

    if name in ("ae", "denoise"):
        return nn.Sequential(
            nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 128), nn.ReLU(), nn.Linear(128, 32),
            nn.Linear(32, 128), nn.ReLU(), nn.Linear(128, 512), nn.ReLU(), nn.Linear(512, 784), nn.Sigmoid())
    if name == "conv":
        return nn.Sequential(
            nn.Unflatten(1, (1, 28, 28)),
            nn.Conv2d(1, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(32, 64, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(3136, 32),
            nn.Linear(32, 3136), nn.ReLU(), nn.Unflatten(1, (64, 7, 7)),
            nn.ConvTranspose2d(64, 32, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(32, 1, 3, stride=2, padding=1, output_padding=1), nn.Sigmoid(),
            nn.Flatten())

    class Vae(nn.Module):
        """vae: 784-512-256-20 with logits out; vae-example: PyTorch's examples/vae (784-400-20, sigmoid out)."""

        def __init__(self, hidden, example):
            super().__init__()
            layers, width = [], 784
            for h in hidden:
                layers += [nn.Linear(width, h), nn.ReLU()]
                width = h
            self.encoder = nn.Sequential(*layers)
            self.mu = nn.Linear(width, 20)
            self.log_var = nn.Linear(width, 20)
            layers, width = [], 20
            for h in reversed(hidden):
                layers += [nn.Linear(width, h), nn.ReLU()]
                width = h
            layers.append(nn.Linear(width, 784))
            self.decoder = nn.Sequential(*layers)
            self.example = example

        def forward(self, x):
            h = self.encoder(x)
            mu, log_var = self.mu(h), self.log_var(h)
            z = mu + torch.randn_like(mu) * torch.exp(0.5 * log_var)
            return self.decoder(z), mu, log_var

        def neg_elbo_sum(self, x):
            """Summed over the batch: reconstruction (BCE over pixels) + KL(q(z|x) || N(0, I))."""
            out, mu, log_var = self(x)
            if self.example:  # exactly the example's loss_function
                bce = nn.functional.binary_cross_entropy(torch.sigmoid(out), x, reduction="sum")
            else:
                bce = nn.functional.binary_cross_entropy_with_logits(out, x, reduction="sum")
            kl = -0.5 * torch.sum(1 + log_var - mu.pow(2) - log_var.exp())
            return bce + kl

    return Vae([400], True) if name == "vae-example" else Vae([512, 256], False)


def run_worker(args):
    import numpy as np
    import torch
    import torch.nn.functional as F
    from threadpoolctl import threadpool_limits

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    torch.set_num_threads(args.threads)
    torch.set_num_interop_threads(args.threads)
    name = args.worker
    with threadpool_limits(limits=args.threads):
        data = Path(args.data)
        # Bytes until a batch is built, as ours and torchvision's FashionMNIST do (ToTensor per item).
        train = torch.from_numpy(read_idx_images(data / "train-images-idx3-ubyte.gz").copy())
        test = torch.from_numpy(read_idx_images(data / "t10k-images-idx3-ubyte.gz").copy())
        model = build_torch_model(name)
        optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
        is_vae = name.startswith("vae")
        epoch_seconds, train_losses = [], []
        for epoch in range(args.epochs):
            model.train()
            start = time.perf_counter()
            order = torch.randperm(len(train))
            total, seen = 0.0, 0
            for i in range(0, len(train), 128):
                x = train[order[i:i + 128]].float().div_(255.0)
                optimizer.zero_grad(set_to_none=True)
                if is_vae:
                    loss_sum = model.neg_elbo_sum(x)
                    # The example minimises the batch sum; ours (and `vae`) the batch mean. Adam barely notices.
                    loss = loss_sum if name == "vae-example" else loss_sum / len(x)
                    total += loss_sum.item()
                else:
                    inputs = (x + 0.3 * torch.randn_like(x)).clamp_(0.0, 1.0) if name == "denoise" else x
                    loss = F.mse_loss(model(inputs), x)
                    total += loss.item() * len(x)
                loss.backward()
                optimizer.step()
                seen += len(x)
            epoch_seconds.append(time.perf_counter() - start)
            train_losses.append(total / seen)
            print(f"torch {name} epoch {epoch + 1}/{args.epochs}: loss {total / seen:.5f}, "
                  f"{epoch_seconds[-1]:.1f} s", flush=True)

        model.eval()
        torch.manual_seed(args.seed)  # the test noise and samples do not depend on how long training ran
        total, count = 0.0, 0
        with torch.no_grad():
            for i in range(0, len(test), 256):
                x = test[i:i + 256].float().div_(255.0)
                if is_vae:
                    total += model.neg_elbo_sum(x).item()
                    count += len(x)
                else:
                    inputs = (x + 0.3 * torch.randn_like(x)).clamp_(0.0, 1.0) if name == "denoise" else x
                    total += F.mse_loss(model(inputs), x, reduction="sum").item()
                    count += x.numel()
        result = {
            "model": name, METRIC[name]: total / count, "epochs": args.epochs,
            "seconds_per_epoch": sum(epoch_seconds) / len(epoch_seconds) if epoch_seconds else 0.0,
            "epoch_seconds": epoch_seconds, "train_loss": train_losses, "torch": torch.__version__,
            "threads": torch.get_num_threads(), "train_size": len(train), "test_size": len(test),
            "parameters": sum(p.numel() for p in model.parameters()),
        }
    tmp = args.result + ".tmp"
    with open(tmp, "w") as f:
        json.dump(result, f, indent=2)
    os.replace(tmp, args.result)


# ----------------------------------------------------------------------------------------------------------------
# The orchestrator: runs both sides per model in child processes and writes the table
# ----------------------------------------------------------------------------------------------------------------

def run_child(argv, log_path, deadline, env=None):
    """Runs argv with output to log_path; returns (exit status or None if stopped, peak RSS bytes, wall seconds)."""
    start = time.time()
    with open(log_path, "w") as log:
        child = subprocess.Popen(argv, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid == child.pid:
                break
            if deadline is not None and time.time() > deadline:
                child.kill()
                _, status, usage = os.wait4(child.pid, 0)
                child.returncode = -9
                return None, usage.ru_maxrss * 1024, time.time() - start
            time.sleep(0.5)
    child.returncode = os.waitstatus_to_exitcode(status)
    return child.returncode, usage.ru_maxrss * 1024, time.time() - start


def demo_commands(demo):
    try:
        text = subprocess.run([str(demo), "--help"], capture_output=True, text=True, timeout=120).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    found = set()
    for line in text.splitlines():
        words = line.split()
        if words and words[0] in ("ae", "denoise", "conv", "vae", "sparse", "contractive"):
            found.add(words[0])
    return found


def machine():
    model = platform.processor() or "unknown"
    try:
        for line in subprocess.run(["lscpu"], capture_output=True, text=True).stdout.splitlines():
            if line.startswith("Model name:"):
                model = line.split(":", 1)[1].strip()
    except OSError:
        pass
    return model, os.cpu_count()


def load_average():
    return "{:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def fmt_metric(name, value):
    if value is None:
        return "—"
    return f"{value:.5f}" if METRIC[name] == "test_mse" else f"{value:.2f}"


def bar_verdict(name, ours, torch):
    if ours is None or torch is None:
        return "—"
    if METRIC[name] == "test_mse":
        ok = ours <= torch * 1.03
        return f"{'met' if ok else 'MISSED'} ({(ours / torch - 1) * 100:+.1f}%; bar ≤ +3%)"
    ok = ours <= torch + 1.0
    return f"{'met' if ok else 'MISSED'} ({ours - torch:+.2f} nats; bar ≤ +1)"


def gib(value):
    return "—" if value is None else f"{value / GIB:.2f}"


def ratio(ours, torch):
    return "—" if not ours or not torch else f"{ours / torch:.2f}x"


def render(run, rows):
    lines = [SECTION, ""]
    lines.append(
        f"Run {run['started']} to {run['ended']}; machine: {run['cpu']}, nproc {run['nproc']}; "
        f"{run['threads']} thread(s) on both sides; load average (1/5/15 min) {run['load_start']} at the start, "
        f"{run['load_end']} at the end{run['load_note']}. Data: {run['data']} ({run['sizes']}), {run['epochs']} epochs, "
        f"seed {run['seed']}; commit {run['commit']}; PyTorch {run['torch']}.")
    lines.append("")
    lines.append("| model | metric | ours | torch | bar | s/epoch ours | s/epoch torch | ours/torch | "
                 "peak RSS ours (GiB) | peak RSS torch (GiB) | reproduce |")
    lines.append("|---|---|---|---|---|---|---|---|---|---|---|")
    for row in rows:
        name = row["model"]
        o, t = row.get("ours") or {}, row.get("torch") or {}
        lines.append(
            f"| {name} | {METRIC[name].replace('_', ' ')} | {fmt_metric(name, o.get('metric'))} | "
            f"{fmt_metric(name, t.get('metric'))} | {bar_verdict(name, o.get('metric'), t.get('metric'))} | "
            f"{o.get('spe', 0) and format(o['spe'], '.2f') or '—'} | {t.get('spe', 0) and format(t['spe'], '.2f') or '—'} | "
            f"{ratio(o.get('spe'), t.get('spe'))} | {gib(o.get('rss'))} | {gib(t.get('rss'))} | "
            f"`{row['reproduce']}` |")
    lines.append("")
    notes = [f"- {row['model']}: {n}" for row in rows for n in row.get("notes", [])]
    if notes:
        lines += ["Rows not complete or worth a remark:", ""] + notes + [""]
    lines += [
        "How to read it: the metric is test MSE per pixel (denoise: noisy input, clean target) or the test negative "
        "ELBO in nats per image (one posterior sample per image). Seconds per epoch are the mean over all epochs of "
        "the training loop alone, timed inside each process. Peak RSS is ru_maxrss of each side's own child process "
        "(os.wait4), so it includes the runtime (CLR or CPython + libtorch) and the data set held as bytes. Bars "
        "(the project's quality bars): MSE ≤ torch + 3%, negative ELBO ≤ torch + 1 nat; target s/epoch ratio for the dense models 0.6x; "
        "dense AE peak RSS ≤ 0.5 GiB. " + run["omp_note"] + " Both sides of a row ran back to back on a machine shared with other jobs, "
        "so the timings move with the load average above.",
        "",
        "The underlying commands (run from the repo root; `ae_recipes.py` runs both and prints this table):",
        "",
    ]
    for row in rows:
        lines.append(f"- {row['model']}: ours `{row['ours_cmd']}`; torch `{row['torch_cmd']}`")
    lines.append("")
    return "\n".join(lines)


def write_docs(section_text):
    """Replaces the generated block DOCS_BLOCK of DOCS_CHAPTER (the same markers and refusals as Demo/ResultsDoc.cs)."""
    path = REPO / DOCS_CHAPTER
    body = section_text.split("\n", 1)[1] if section_text.startswith(SECTION) else section_text
    start_marker, end_marker = f"<!-- generated:{DOCS_BLOCK} -->", f"<!-- /generated:{DOCS_BLOCK} -->"
    lines = path.read_text().replace("\r\n", "\n").split("\n")
    starts = [i for i, l in enumerate(lines) if l.strip() == start_marker]
    ends = [i for i, l in enumerate(lines) if l.strip() == end_marker]
    if len(starts) != 1 or len(ends) != 1 or ends[0] < starts[0]:
        sys.exit(f"{path}: block '{DOCS_BLOCK}' needs exactly one '{start_marker}' line followed by one '{end_marker}' "
                 f"line (found {len(starts)} and {len(ends)})")
    inner = lines[starts[0] + 1:ends[0]]
    if any(l.strip().startswith(("<!-- generated:", "<!-- /generated:")) for l in inner):
        sys.exit(f"{path}: block '{DOCS_BLOCK}' holds another generated-block marker; nested blocks are not allowed")
    command = "Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/ae_recipes.py " + " ".join(sys.argv[1:])
    body = body.strip("\n") + f"\n\nWritten by `{command}`."
    new = "\n".join(lines[:starts[0] + 1] + ["", body, ""] + lines[ends[0]:])
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "w") as f:
        f.write(new)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def parse_deadline(text):
    if text is None:
        return None
    now = datetime.datetime.now(datetime.timezone.utc)
    hour, minute = (int(p) for p in text.split(":"))
    when = now.replace(hour=hour, minute=minute, second=0, microsecond=0)
    if when < now - datetime.timedelta(hours=12):
        when += datetime.timedelta(days=1)
    return when.timestamp()


def orchestrate(args):
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = [m for m in models if m not in ALL_MODELS]
    if unknown:
        sys.exit(f"ae_recipes.py: unknown model(s) {unknown}; choose from {ALL_MODELS}")
    demo = Path(args.demo)
    if not demo.exists():
        sys.exit(f"ae_recipes.py: Demo not found at {demo}; build it first: dotnet build -c Release")
    if args.quick:
        data = next((p for p in SUBSET_CANDIDATES if (p / "train-images-idx3-ubyte.gz").exists()), None)
        if data is None:
            sys.exit(f"ae_recipes.py: embedded subset not found in {[str(p) for p in SUBSET_CANDIDATES]}")
    else:
        data = Path(args.data) if args.data else FULL_DATA
    epochs = args.epochs if args.epochs is not None else (2 if args.quick else 10)
    deadline = parse_deadline(args.deadline)
    available = demo_commands(demo)
    logs = Path(args.log_dir or tempfile.mkdtemp(prefix="ae_recipes_"))
    logs.mkdir(parents=True, exist_ok=True)
    import torch  # only for the version string; the training happens in child processes
    cpu, nproc = machine()
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    data_rel = os.path.relpath(data, REPO) if str(data).startswith(str(REPO)) else str(data)
    run = {"started": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"), "ended": "…",
           "cpu": cpu, "nproc": nproc, "threads": args.threads, "load_start": load_average(), "load_end": "…",
           "load_note": "", "data": data_rel, "sizes": "", "epochs": epochs, "seed": args.seed, "commit": commit,
           "torch": torch.__version__,
           "omp_note": "Torch ran with its libgomp spin-waiting left on (--omp-active)." if args.omp_active else
           "Torch ran with OMP_WAIT_POLICY=PASSIVE: on this shared, oversubscribed machine libgomp's default "
           "spin-waiting made a 2-thread dense-AE step about 2.8 s instead of 10 ms (a probe at load average 33); "
           "on an idle machine the default may be slightly faster."}
    print(f"logs in {logs}; load average at start {run['load_start']}", flush=True)
    common = ["--data", data_rel, "--epochs", str(epochs), "--seed", str(args.seed), "--threads", str(args.threads)]
    rel_demo = os.path.relpath(demo, REPO)
    flags = (" --quick" if args.quick else "") + (f" --epochs {args.epochs}" if args.epochs is not None else "")
    rows = [{"model": m, "notes": [],
             "reproduce": f"{PEER_ENV} /usr/bin/python3 Engine.Bench/peers/ae_recipes.py --models {m} "
                          f"--threads {args.threads}{flags}",
             "ours_cmd": " ".join([rel_demo] + DEMO_COMMAND[m] + common + (["--quick"] if args.quick else [])
                                  + ["--json", f"{m}.json"]),
             "torch_cmd": " ".join([PEER_ENV, "/usr/bin/python3", "Engine.Bench/peers/ae_recipes.py", "--worker", m]
                                   + common + ["--result", f"{m}-torch.json"])}
            for m in models]
    for row in rows:
        row["notes"].append("not run yet (the run is in progress or was stopped before this row)")

    def publish(final):
        run["ended"] = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
        run["load_end"] = load_average()
        run["load_note"] = "" if final else " (run still in progress when this was written)"
        text = render(run, rows)
        if args.write_docs:
            write_docs(text)
        return text

    torch_env = dict(os.environ, OMP_NUM_THREADS=str(args.threads))
    if not args.omp_active:
        torch_env["OMP_WAIT_POLICY"] = "PASSIVE"
    for index, row in enumerate(rows):
        m = row["model"]
        row["notes"] = []
        sides = ["ours", "torch"] if index % 2 == 0 else ["torch", "ours"]
        for side in sides:
            if deadline is not None and time.time() > deadline:
                row["notes"].append(f"{side}: skipped, the run's deadline ({args.deadline} UTC) had passed")
                continue
            out = logs / f"{m}-{side}.json"
            if out.exists():
                out.unlink()
            if side == "ours":
                if DEMO_COMMAND[m][0] not in available:
                    row["notes"].append(f"ours: the Demo at {rel_demo} has no `{DEMO_COMMAND[m][0]}` command yet")
                    continue
                argv = [str(demo)] + DEMO_COMMAND[m] + common + (["--quick"] if args.quick else []) + [
                    "--json", str(out), "--out", str(logs / f"{m}-out")]
            else:
                argv = [sys.executable, str(SCRIPT), "--worker", m] + common + ["--result", str(out)]
            print(f"[{datetime.datetime.now(datetime.timezone.utc):%H:%M:%S}] {m} / {side}: "
                  f"load {load_average()}", flush=True)
            status, rss, wall = run_child(argv, logs / f"{m}-{side}.log", deadline, torch_env if side == "torch" else None)
            if status is None:
                row["notes"].append(f"{side}: stopped at the deadline ({args.deadline} UTC) after {wall:.0f} s")
                continue
            if status != 0 or not out.exists():
                tail = (logs / f"{m}-{side}.log").read_text(errors="replace").splitlines()[-3:]
                row["notes"].append(f"{side}: failed with exit status {status}: {' / '.join(tail)}")
                continue
            result = json.loads(out.read_text())
            row[side] = {"metric": float(result[METRIC[m]]), "spe": float(result["seconds_per_epoch"]), "rss": rss}
            run["sizes"] = f"{result.get('train_size', '?')} train / {result.get('test_size', '?')} test"
            print(f"    {METRIC[m]} {result[METRIC[m]]:.5f}, {result['seconds_per_epoch']:.2f} s/epoch, "
                  f"peak RSS {rss / GIB:.2f} GiB, {wall:.0f} s wall", flush=True)
        if index + 1 < len(rows):
            publish(final=False)
    text = publish(final=True)
    print()
    print(text)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="embedded subset, 2 epochs")
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--epochs", type=int, default=None, help="default 10 (2 with --quick)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--models", default=",".join(ALL_MODELS))
    parser.add_argument("--write-docs", action="store_true", help="write the table into the block ours-vs-pytorch of docs/03-variants.md")
    parser.add_argument("--deadline", default=None, help="HH:MM UTC: stop and skip whatever still runs then")
    parser.add_argument("--omp-active", action="store_true",
                        help="leave libgomp's default spin-waiting on for torch (default: OMP_WAIT_POLICY=PASSIVE)")
    parser.add_argument("--demo", default=str(DEMO), help="path of the built Demo executable")
    parser.add_argument("--data", default=None, help="Fashion-MNIST directory (default: the full set)")
    parser.add_argument("--log-dir", default=None, help="where child logs and JSON go (default: a temp dir)")
    parser.add_argument("--worker", choices=ALL_MODELS, help=argparse.SUPPRESS)
    parser.add_argument("--result", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        if args.data is None or args.result is None or args.epochs is None:
            sys.exit("ae_recipes.py --worker needs --data, --epochs and --result")
        run_worker(args)
    else:
        orchestrate(args)


if __name__ == "__main__":
    main()
