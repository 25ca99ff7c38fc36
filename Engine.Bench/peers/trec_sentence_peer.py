#!/usr/bin/env python3
"""gensim + scikit-learn peer for the Demo's `text` command, row (b) "mean Word2Vec".

Usage, from the repository root: Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/trec_sentence_peer.py [OUT_DIR] [--epochs 20] [--dims 100] [--seeds 1,2,3]
       [--threads 1] [--json FILE]

OUT_DIR holds text-tokens-train.txt and text-tokens-test.txt, written by
`dotnet run -c Release --project Demo -- text --out OUT_DIR` (TREC, or `--data FILE` with any label set; not with
--folds): one sentence per line, "LABEL<TAB>tokens", the
exact tokens our run used (Engine.Text.Tokenizer), so both sides train on identical text.
Same settings as Demo/Commands/Word2VecCommand.Settings: skip-gram, 100 dims, window 5, 5 negatives, min count 2,
sample 1e-3, alpha 0.025, 20 epochs, one worker. Sentence vector = plain mean of its in-vocabulary word vectors
(zero if none); StandardScaler fitted on the training rows; LogisticRegression(C=1, lbfgs, multinomial,
max_iter=1000). Prints the test accuracy per seed and the mean, plus tf-idf bag of words as a second anchor.
With --json, also writes those numbers (and gensim's words per second) to FILE: the Demo's `text --peer` runs this
script itself and puts them into its table.
"""
import peer_env

peer_env.ensure()

import argparse
import json
import os
import time

import numpy as np
from gensim import __version__ as gensim_version
from gensim.models import Word2Vec
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.preprocessing import StandardScaler
from threadpoolctl import threadpool_limits

def load(path):
    """Labels as written (TREC's coarse classes, or a user's own labels) and the token lists."""
    labels, sentences = [], []
    with open(path, encoding="utf-8") as f:
        for line in f:
            label, text = line.rstrip("\n").split("\t", 1)
            labels.append(label)
            sentences.append(text.split(" ") if text else [])
    return labels, sentences


def mean_vectors(wv, sentences):
    out = np.zeros((len(sentences), wv.vector_size), dtype=np.float32)
    for i, s in enumerate(sentences):
        known = [wv[w] for w in s if w in wv.key_to_index]
        if known:
            out[i] = np.mean(known, axis=0)
    return out


def classify(x_train, y_train, x_test, y_test, scale=True):
    if scale:
        scaler = StandardScaler().fit(x_train)
        x_train, x_test = scaler.transform(x_train), scaler.transform(x_test)
    clf = LogisticRegression(C=1.0, max_iter=1000)
    clf.fit(x_train, y_train)
    return clf.score(x_test, y_test)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("out_dir", nargs="?", default="out")
    p.add_argument("--epochs", type=int, default=20)
    p.add_argument("--seeds", default="1,2,3")
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--dims", type=int, default=100)
    p.add_argument("--json", default=None)
    a = p.parse_args()
    labels_train, train = load(f"{a.out_dir}/text-tokens-train.txt")
    labels_test, test = load(f"{a.out_dir}/text-tokens-test.txt")
    # Any label set: classes numbered in the ordinal order of their names, as the Demo numbers them.
    classes = sorted(set(labels_train), key=lambda s: s.encode("utf-16-be"))
    index = {c: i for i, c in enumerate(classes)}
    y_train = np.array([index[c] for c in labels_train])
    y_test = np.array([index[c] for c in labels_test])
    print(f"{len(train)} training / {len(test)} test questions from {a.out_dir}")
    accuracies, seconds_all, words_per_second = [], [], []
    with threadpool_limits(a.threads):
        for seed in [int(s) for s in a.seeds.split(",")]:
            start = time.perf_counter()
            model = Word2Vec(train, vector_size=a.dims, window=5, negative=5, hs=0, sg=1, min_count=2, sample=1e-3,
                             alpha=0.025, min_alpha=0.025 * 1e-4, workers=a.threads, seed=seed, epochs=a.epochs)
            seconds = time.perf_counter() - start
            seconds_all.append(seconds)
            # Raw words per second over all epochs (gensim's own count of the words it read).
            words_per_second.append(model.corpus_total_words * a.epochs / seconds)
            acc = classify(mean_vectors(model.wv, train), y_train, mean_vectors(model.wv, test), y_test)
            accuracies.append(acc)
            print(f"gensim seed {seed}: vocab {len(model.wv)}, {seconds:.1f} s, mean-Word2Vec test accuracy {acc * 100:.1f}%")
        print(f"gensim mean-Word2Vec accuracy over {len(accuracies)} seeds: mean {np.mean(accuracies) * 100:.1f}%, "
              f"min {np.min(accuracies) * 100:.1f}%, max {np.max(accuracies) * 100:.1f}%")
        tfidf = TfidfVectorizer(analyzer=lambda s: s, min_df=1)
        x_train = tfidf.fit_transform(train)
        acc = classify(x_train, y_train, tfidf.transform(test), y_test, scale=False)
        print(f"sklearn tf-idf bag of words (all training words) test accuracy {acc * 100:.1f}%")
    if a.json:
        result = {
            "gensim_version": gensim_version,
            "seeds": [int(s) for s in a.seeds.split(",")],
            "epochs": a.epochs,
            "dims": a.dims,
            "threads": a.threads,
            "accuracy_mean": float(np.mean(accuracies)),
            "accuracy_min": float(np.min(accuracies)),
            "accuracy_max": float(np.max(accuracies)),
            "train_seconds_mean": float(np.mean(seconds_all)),
            "words_per_second_mean": float(np.mean(words_per_second)),
            "tfidf_accuracy": float(acc),
        }
        with open(a.json + ".tmp", "w", encoding="utf-8") as f:
            json.dump(result, f, indent=1)
        os.replace(a.json + ".tmp", a.json)
        print(f"wrote {a.json}")


if __name__ == "__main__":
    main()
