#!/usr/bin/env python3
"""PyTorch peer of the Demo's `anomaly --protocol standard` on KDD Cup 1999: the same split, preprocessing and
autoencoder recipe, trained by PyTorch, scored the same way, so the chapter's reference figure is measured on
exactly the data our row is.

Usage (from the repository root):
    Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/kdd_anomaly_peer.py KDD_FILE SPLIT.json [SPLIT.json ...]
        [--threads 2] [--json OUT.json]

KDD_FILE is kddcup.data_10_percent(.gz). Each SPLIT.json is written by the Demo (`anomaly --protocol standard --peer`,
one per seed, in its --out folder): {"seed": s, "latent": z, "hidden": [64, 32], "epochs": e, "batch": b,
"learning_rate": lr, "scaling": "min-max" | "standard", "train": [...], "validation": [...], "test": [...]} with 0-based
record indices; the validation rows are the validation normals and the validation half of the attacks, the test rows
the test normals and the test half, told apart by the label here.

Preprocessing (as Engine.Data.Tables.TablePreprocessor with Kdd99.PreprocessorOptions): protocol_type, service and flag
one-hot over the categories of the training rows (ordinal order; unseen categories give zeros); sign(x)*log1p(|x|) on
the 17 count columns; min-max scaling with min and max of the training rows, or with "standard" the mean and population
standard deviation of the training rows (a constant column only shifted); columns in file order. Model: Linear layers
f-hidden-latent-reversed hidden-f, ReLU, identity code, sigmoid output (identity with standard scaling), PyTorch's
default initialisation; MSE; Adam; mini-batches of the training rows reshuffled each epoch (torch.manual_seed(seed)).
Score: per-record mean squared error. Threshold: 99th percentile of the validation normals' scores.
Prints one line per seed and writes, with --json, the per-seed and mean figures: test AUROC, validation AUROC, recall
and FPR at the threshold, seconds of training.
"""
import peer_env

peer_env.ensure()

import argparse
import csv
import gzip
import json
import time

import numpy as np
import torch
from sklearn.metrics import roc_auc_score

import peer_env

LOG_COLUMNS = {0, 4, 5, 7, 8, 9, 10, 12, 15, 16, 17, 18, 19, 22, 23, 31, 32}
SYMBOLIC = (1, 2, 3)


def read_kdd(path):
    opener = gzip.open if open(path, "rb").read(2) == b"\x1f\x8b" else open
    with opener(path, "rt", encoding="ascii", newline="") as f:
        rows = list(csv.reader(f))
    numeric = np.array([[float(r[j]) for j in range(41) if j not in SYMBOLIC] for r in rows], dtype=np.float64)
    symbols = [[r[j] for r in rows] for j in SYMBOLIC]
    labels = np.array([r[41].rstrip(".") for r in rows])
    return numeric, symbols, labels


def preprocess(numeric, symbols, train, scaling="min-max"):
    numeric_columns = [j for j in range(41) if j not in SYMBOLIC]
    x = numeric.copy()
    for k, j in enumerate(numeric_columns):
        if j in LOG_COLUMNS:
            x[:, k] = np.sign(x[:, k]) * np.log1p(np.abs(x[:, k]))
    if scaling == "standard":
        lo, spread = x[train].mean(axis=0), x[train].std(axis=0)
    else:
        lo, hi = x[train].min(axis=0), x[train].max(axis=0)
        spread = hi - lo
    scale = np.where(spread > 1e-12, 1.0 / np.where(spread > 1e-12, spread, 1.0), 1.0)
    x = (x - lo) * scale
    parts, k = [], 0
    for j in range(41):
        if j in SYMBOLIC:
            values = np.array(symbols[SYMBOLIC.index(j)])
            categories = sorted(set(values[train]))
            parts.append(np.stack([(values == c).astype(np.float64) for c in categories], axis=1))
        else:
            parts.append(x[:, k:k + 1])
            k += 1
    return np.concatenate(parts, axis=1).astype(np.float32)


def model(features, hidden, latent, output="sigmoid"):
    sizes = [features, *hidden, latent]
    layers = []
    for a, b in zip(sizes, sizes[1:]):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU()]
    layers.pop()                                 # identity code
    back = sizes[::-1]
    for i, (a, b) in enumerate(zip(back, back[1:])):
        layers += [torch.nn.Linear(a, b), torch.nn.ReLU() if i < len(back) - 2
                   else torch.nn.Sigmoid() if output == "sigmoid" else torch.nn.Identity()]
    return torch.nn.Sequential(*layers)


def run(x, labels, split):
    torch.manual_seed(split["seed"])
    train, validation, test = (np.array(split[k], dtype=np.int64) for k in ("train", "validation", "test"))
    standard = split.get("scaling", "min-max") == "standard"
    net = model(x.shape[1], split["hidden"], split["latent"], "identity" if standard else "sigmoid")
    optimizer = torch.optim.Adam(net.parameters(), lr=split["learning_rate"])
    data = torch.from_numpy(x[train])
    start = time.perf_counter()
    for _ in range(split["epochs"]):
        order = torch.randperm(len(data))
        for i in range(0, len(data), split["batch"]):
            batch = data[order[i:i + split["batch"]]]
            optimizer.zero_grad()
            loss = torch.nn.functional.mse_loss(net(batch), batch)
            loss.backward()
            optimizer.step()
    seconds = time.perf_counter() - start

    def scores(rows):
        with torch.no_grad():
            xs = torch.from_numpy(x[rows])
            return ((net(xs) - xs) ** 2).mean(dim=1).numpy()

    v, t = scores(validation), scores(test)
    v_attack, t_attack = labels[validation] != "normal", labels[test] != "normal"
    threshold = np.quantile(v[~v_attack], 0.99)
    return {
        "seed": split["seed"],
        "test_auroc": float(roc_auc_score(t_attack, t)),
        "validation_auroc": float(roc_auc_score(v_attack, v)) if v_attack.any() else None,
        "test_recall": float((t[t_attack] > threshold).mean()),
        "test_fpr": float((t[~t_attack] > threshold).mean()),
        "train_seconds": seconds,
    }


def main():
    peer_env.ensure()
    p = argparse.ArgumentParser()
    p.add_argument("kdd")
    p.add_argument("splits", nargs="+")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    torch.set_num_threads(a.threads)
    numeric, symbols, labels = read_kdd(a.kdd)
    results = []
    for path in a.splits:
        with open(path) as f:
            split = json.load(f)
        x = preprocess(numeric, symbols, np.array(split["train"], dtype=np.int64), split.get("scaling", "min-max"))
        r = run(x, labels, split)
        results.append(r)
        print(f"seed {r['seed']}: test AUROC {r['test_auroc']:.4f}, validation AUROC {r['validation_auroc']:.4f}, "
              f"recall {r['test_recall']:.4f} at FPR {r['test_fpr']:.4f}, {r['train_seconds']:.0f} s", flush=True)
    auroc = np.array([r["test_auroc"] for r in results])
    summary = {
        "torch_version": torch.__version__,
        "threads": a.threads,
        "runs": results,
        "test_auroc_mean": float(auroc.mean()),
        "test_auroc_std": float(auroc.std(ddof=1)) if len(auroc) > 1 else 0.0,
    }
    print(f"PyTorch {torch.__version__}: test AUROC {summary['test_auroc_mean']:.4f} ± {summary['test_auroc_std']:.4f} over {len(results)} seeds")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(summary, f, indent=1)


if __name__ == "__main__":
    main()
