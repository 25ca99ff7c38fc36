#!/usr/bin/env python3
"""gensim peer for Engine.Bench/Word2VecCheck.cs: same corpus, same settings, words/second.

Usage, from the repository root: Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/word2vec_peer.py [file] [--threads 1,2] [--epochs 5] [--min-count 5]
                                                  [--repeat 1] [--runs 1]
The file is a TREC label file (Latin-1, "COARSE:fine question": label stripped) or any text file. Lines are
lower-cased and split on white space, one sentence per line, exactly as Word2VecCheck does.
words/s = (in-vocabulary words per epoch * epochs) / wall time of model.train(), word2vec.c's raw-word measure.
"""
import peer_env

peer_env.ensure()

import argparse
import re
import time
from pathlib import Path

import gensim
from gensim.models import Word2Vec
from threadpoolctl import threadpool_limits

# The shared data folder beside the repository (../shared/data/trec from the repository root).
TREC = str(Path(__file__).resolve().parents[3] / "shared/data/trec/train_5500.label")


def load(path):
    with open(path, encoding="latin-1") as f:
        lines = f.read().splitlines()
    trec = bool(lines) and all(re.match(r"^[A-Z]+:\S+ ", l) for l in lines[:20])
    if trec:
        lines = [l.split(" ", 1)[1] for l in lines]
    return [s for s in (l.lower().split() for l in lines) if s]


def main():
    p = argparse.ArgumentParser()
    p.add_argument("file", nargs="?", default=TREC)
    p.add_argument("--threads", default="1,2")
    p.add_argument("--epochs", type=int, default=5)
    p.add_argument("--min-count", type=int, default=5)
    p.add_argument("--repeat", type=int, default=1)
    p.add_argument("--runs", type=int, default=1)
    a = p.parse_args()
    corpus = load(a.file) * a.repeat
    tokens = sum(len(s) for s in corpus)
    print(f"corpus: {a.file} x{a.repeat}: {len(corpus)} sentences, {tokens} tokens (gensim {gensim.__version__})")
    for threads in [int(t) for t in a.threads.split(",")]:
        for run in range(a.runs):
            with threadpool_limits(threads):
                model = Word2Vec(vector_size=100, window=5, negative=5, hs=0, sg=1, min_count=a.min_count,
                                 sample=1e-3, workers=threads, seed=1, epochs=a.epochs)
                model.build_vocab(corpus)
                in_vocab = sum(model.wv.get_vecattr(w, "count") for w in model.wv.index_to_key)
                start, cpu_start = time.perf_counter(), time.process_time()
                model.train(corpus, total_examples=model.corpus_count, epochs=a.epochs)
                seconds, cpu = time.perf_counter() - start, time.process_time() - cpu_start
            print(f"gensim threads={threads}: vocab {len(model.wv)}, {in_vocab} words/epoch, "
                  f"{seconds:.2f} s, {in_vocab * a.epochs / seconds:.0f} words/s "
                  f"cpu {cpu:.2f} s, {in_vocab * a.epochs / cpu:.0f} words/cpu-s")
            if run == a.runs - 1:
                for w in ["city", "president", "water", "license", "software"]:
                    if w in model.wv:
                        near = ", ".join(f"{n} {c:.2f}" for n, c in model.wv.most_similar(w, topn=5))
                        print(f"  {w}: {near}")


if __name__ == "__main__":
    main()
