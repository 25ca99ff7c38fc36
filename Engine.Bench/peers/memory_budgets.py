#!/usr/bin/env python3
"""Peak memory of every Demo command against its budget (issue 14), beside PyTorch's where a peer script exists.

What it measures
    Each command runs in a child process of its own under GNU time -v; its peak resident set size is time's
    "Maximum resident set size" (the kernel's high-water mark for that process, runtime included). The Demo's --json
    adds its own figures: the peak managed heap (sampled every 20 ms, garbage not yet collected included) and the
    process peak as the runtime sees it. Data are the full sets: Fashion-MNIST as installed by Debian's
    dataset-fashion-mnist (the Demo's default when present; the script checks the run used 60,000 training images),
    TREC and KDD Cup 1999 from ../shared/data (relative to the repository root). The default tour runs on the data
    that ships with the repository, as a user's first run does.

    Peers (PyTorch 1.13 and gensim/scikit-learn, run by their own scripts, also under GNU time):
      ae, conv, vae   the same recipe in PyTorch: ae_recipes.py --worker MODEL (10 epochs, batch 128, Adam 1e-3).
      text            trec_sentence_peer.py on the tokens the text run wrote: gensim skip-gram Word2Vec, mean
                      vectors and tf-idf, each scored by scikit-learn's logistic regression (the `mean Word2Vec` and
                      `tf-idf` rows; no PyTorch peer of the LSTM and Transformer rows exists).

Budgets (issue 14): ae 0.5 GiB; conv, vae 0.75 GiB; text (TREC, every row) 1.5 GiB; classify and
anomaly --protocol standard 1 GiB; the default tour 1.5 GiB.

Run from the repository root (build first: dotnet build -c Release), under the peer environment:
    Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/memory_budgets.py [--only ae,text] [--no-peers]
        [--threads N] [--log-dir DIR] [--write-docs]
--write-docs replaces the block between `<!-- generated:memory-budgets -->` and `<!-- /generated:memory-budgets -->`
in docs/performance.md with the machine, the date, this command and the table, all from this run.
"""
import peer_env

peer_env.ensure()

import argparse
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from ae_recipes import FULL_DATA  # noqa: E402  (Debian's Fashion-MNIST folder, the Demo's default)

DEMO = ["dotnet", "Demo/bin/Release/net10.0/Demo.dll"]
TREC = "../shared/data/trec"
KDD = "../shared/data/kddcup.data_10_percent.gz"
GIB = 1024.0 ** 3
MIB = 1024.0 ** 2
DOCS = REPO / "docs" / "performance.md"
BLOCK = "memory-budgets"

# name, Demo arguments, budget in GiB, what the run must print to prove it used the full data (None: nothing).
COMMANDS = [
    ("ae", ["ae"], 0.5, "60,000 train"),
    ("conv", ["conv"], 0.75, "60,000 train"),
    ("vae", ["vae"], 0.75, "60,000 train"),
    ("text", ["text", "--data", TREC], 1.5, "5,452 training questions"),
    ("classify", ["classify"], 1.0, "60,000 train"),
    ("anomaly", ["anomaly", "--protocol", "standard", "--data", KDD], 1.0, None),
    ("tour", [], 1.5, None),
]


def timed(argv, log_path, env=None):
    """Runs argv under GNU time -v with its output in log_path; returns (exit code, peak RSS bytes, seconds)."""
    report = str(log_path) + ".time"
    start = time.time()
    with open(log_path, "w") as log:
        code = subprocess.run(["/usr/bin/time", "-v", "-o", report] + argv, cwd=REPO, stdout=log,
                              stderr=subprocess.STDOUT, env=env).returncode
    seconds = time.time() - start
    with open(report) as f:
        text = f.read()
    match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", text)
    if not match:
        sys.exit(f"GNU time wrote no maximum resident set size for {' '.join(argv)}: see {report}")
    return code, int(match.group(1)) * 1024, seconds


def run_ours(name, args, threads, log_dir):
    out = log_dir / f"out-{name}"
    json_path = log_dir / f"{name}.json"
    argv = DEMO + args + ["--out", str(out), "--json", str(json_path)]
    if threads:
        argv += ["--threads", str(threads)]
    print(f"ours  {name}: {' '.join(argv)}", flush=True)
    code, rss, seconds = timed(argv, log_dir / f"{name}.log")
    memory = {}
    if json_path.exists():
        with open(json_path) as f:
            memory = json.load(f).get("memory", {})
    return {"code": code, "rss": rss, "seconds": seconds, "memory": memory, "out": out,
            "log": (log_dir / f"{name}.log").read_text(errors="replace")}


def run_peer(name, ours, threads, log_dir):
    """The peer of a command under GNU time, or None where there is none (or its inputs are missing)."""
    peers = Path(__file__).resolve().parent
    if name in ("ae", "conv", "vae"):
        if not FULL_DATA.is_dir():
            return None
        result = log_dir / f"torch-{name}.json"
        argv = [sys.executable, str(peers / "ae_recipes.py"), "--worker", name, "--data", str(FULL_DATA),
                "--epochs", "10", "--threads", str(threads or os.cpu_count()), "--result", str(result)]
        label = f"PyTorch {torch_version()}, ae_recipes.py --worker {name}"
    elif name == "text":
        if not (ours["out"] / "text-tokens-train.txt").exists():
            return None
        argv = [sys.executable, str(peers / "trec_sentence_peer.py"), str(ours["out"]),
                "--threads", str(threads or 1)]
        label = "gensim + scikit-learn, trec_sentence_peer.py (mean Word2Vec and tf-idf rows)"
    else:
        return None
    print(f"peer  {name}: {' '.join(argv)}", flush=True)
    code, rss, seconds = timed(argv, log_dir / f"peer-{name}.log")
    return {"code": code, "rss": rss, "seconds": seconds, "label": label}


def torch_version():
    try:
        import torch
        return torch.__version__
    except ImportError:
        return "(not installed)"


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            return next(line.split(":", 1)[1].strip() for line in f if line.startswith("model name"))
    except (OSError, StopIteration):
        return platform.processor() or "unknown CPU"


def total_memory():
    try:
        with open("/proc/meminfo") as f:
            kib = int(next(line.split()[1] for line in f if line.startswith("MemTotal")))
        return f"{kib / 1024 / 1024:.0f} GiB RAM"
    except (OSError, StopIteration, ValueError):
        return "unknown RAM"


def dotnet_version():
    try:
        return subprocess.run(["dotnet", "--version"], capture_output=True, text=True, cwd=REPO).stdout.strip()
    except OSError:
        return "unknown"


def render(rows, header):
    lines = [header, "",
             "| command | budget | peak RSS (GNU time) | within budget | peak managed heap | wall-clock s | "
             "peer | peer peak RSS |",
             "|---|---:|---:|---|---:|---:|---|---:|"]
    for r in rows:
        ours = r["ours"]
        heap = ours["memory"].get("peak_managed_heap_bytes")
        peer = r.get("peer")
        verdict = "yes" if ours["code"] == 0 and ours["rss"] <= r["budget"] * GIB else (
            "NO" if ours["code"] == 0 else f"NO (exit {ours['code']})")
        if r.get("data_problem"):
            verdict = f"NO ({r['data_problem']})"
        heap_text = f"{heap / MIB:.0f} MiB" if heap else "–"
        peer_label = peer["label"] if peer else "–"
        peer_rss = f"{peer['rss'] / GIB:.2f} GiB" if peer else "–"
        lines.append(
            f"| `{r['command']}` | {r['budget']:.2f} GiB | {ours['rss'] / GIB:.2f} GiB | {verdict} | {heap_text} | "
            f"{ours['seconds']:.0f} | {peer_label} | {peer_rss} |")
    held = all(r["ours"]["code"] == 0 and r["ours"]["rss"] <= r["budget"] * GIB and not r.get("data_problem")
               for r in rows)
    lines += ["", "Every budget holds in this run." if held else
              "NOT every budget holds in this run: see the rows marked NO."]
    return "\n".join(lines)


def public_arguments(argv):
    """The arguments as the docs show them: without --log-dir, whose folder is this machine's business."""
    shown, skip = [], False
    for a in argv:
        if skip:
            skip = False
        elif a == "--log-dir":
            skip = True
        elif not a.startswith("--log-dir="):
            shown.append(a)
    return shown


def write_docs(text):
    doc = DOCS.read_text()
    begin, end = f"<!-- generated:{BLOCK} -->", f"<!-- /generated:{BLOCK} -->"
    if begin not in doc or end not in doc:
        sys.exit(f"{DOCS} has no block {begin} ... {end}")
    head, rest = doc.split(begin, 1)
    _, tail = rest.split(end, 1)
    DOCS.write_text(f"{head}{begin}\n{text}\n{end}{tail}")
    print(f"wrote the block {BLOCK} of {DOCS.relative_to(REPO)}")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", default=",".join(c[0] for c in COMMANDS), help="comma-separated command names")
    parser.add_argument("--no-peers", action="store_true", help="skip the PyTorch and gensim peers")
    parser.add_argument("--threads", type=int, default=None, help="kernel threads (default: the Demo's, all cores)")
    parser.add_argument("--log-dir", default=None, help="where logs, outputs and JSON go (default: a temp dir)")
    parser.add_argument("--write-docs", action="store_true", help="write the table into docs/performance.md")
    args = parser.parse_args()
    if not os.path.exists("/usr/bin/time"):
        sys.exit("GNU time is missing: install Debian's `time` package (apt-get install time)")
    if not (REPO / DEMO[1]).exists():
        sys.exit(f"{DEMO[1]} is missing: run `dotnet build -c Release` first")
    wanted = args.only.split(",")
    unknown = [w for w in wanted if w not in {c[0] for c in COMMANDS}]
    if unknown:
        sys.exit(f"--only: unknown command(s) {', '.join(unknown)}; known: {', '.join(c[0] for c in COMMANDS)}")
    log_dir = Path(args.log_dir) if args.log_dir else Path(tempfile.mkdtemp(prefix="memory-budgets-"))
    log_dir.mkdir(parents=True, exist_ok=True)
    started = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime())
    load_start = os.getloadavg()[0]
    rows = []
    for name, demo_args, budget, proof in COMMANDS:
        if name not in wanted:
            continue
        ours = run_ours(name, demo_args, args.threads, log_dir)
        row = {"command": " ".join(["Demo"] + demo_args) if demo_args else "Demo (the tour)", "budget": budget,
               "ours": ours}
        if proof and proof not in ours["log"]:
            row["data_problem"] = f"the run did not use the full data: no '{proof}' in its output"
        if not args.no_peers:
            row["peer"] = run_peer(name, ours, args.threads, log_dir)
        rows.append(row)
        print(f"  {name}: {ours['rss'] / GIB:.2f} GiB (budget {budget} GiB), {ours['seconds']:.0f} s, exit {ours['code']}"
              + (f"; peer {row['peer']['rss'] / GIB:.2f} GiB" if row.get("peer") else ""), flush=True)
    header = (f"Run {started} to {time.strftime('%H:%M UTC', time.gmtime())}; {cpu_model()}, {os.cpu_count()} cores, "
              f"{total_memory()}; load average {load_start:.1f} at the start, {os.getloadavg()[0]:.1f} at the end; "
              f".NET SDK {dotnet_version()}; kernel threads: {args.threads or 'all cores'}.\n\n"
              f"Command: `Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/memory_budgets.py "
              f"{' '.join(public_arguments(sys.argv[1:]))}`")
    table = render(rows, header)
    print(table)
    if args.write_docs:
        write_docs(table)
    print(f"logs: {log_dir}")


if __name__ == "__main__":
    main()
