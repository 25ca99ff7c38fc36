"""scikit-learn reference numbers for Engine.Analysis (compare with `dotnet run -c Release --project Engine.Bench -- analysis-check`).

Fashion-MNIST raw pixels scaled to [0, 1]; classifiers train on the first 10k training images and are scored on the
10k test images; PCA-32 is fitted on all 60k training images and its reconstruction MSE is measured on the test set.
Run: Engine.Bench/peers/peer-env /usr/bin/python3 Engine.Bench/peers/analysis_peer.py [--threads 2]
"""
import peer_env

peer_env.ensure()

import argparse
import gzip
import time

import numpy as np
from threadpoolctl import threadpool_limits
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestClassifier
from sklearn.linear_model import LogisticRegression
from sklearn.neighbors import KNeighborsClassifier
from sklearn.preprocessing import StandardScaler
from sklearn.svm import LinearSVC

ROOT = "/usr/share/datasets/fashion-mnist/"


def idx(name):
    with gzip.open(ROOT + name, "rb") as f:
        data = f.read()
    dims = data[3]
    shape = [int.from_bytes(data[4 + 4 * i: 8 + 4 * i], "big") for i in range(dims)]
    return np.frombuffer(data, np.uint8, offset=4 + 4 * dims).reshape(shape)


def timed(label, fn):
    start = time.perf_counter()
    value = fn()
    print(f"{label:<34} {value:8.4f}   ({time.perf_counter() - start:6.1f} s)", flush=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--train", type=int, default=10000)
    args = parser.parse_args()
    x_all = idx("train-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y_all = idx("train-labels-idx1-ubyte.gz").astype(np.int64)
    x_test = idx("t10k-images-idx3-ubyte.gz").reshape(-1, 784).astype(np.float32) / 255
    y_test = idx("t10k-labels-idx1-ubyte.gz").astype(np.int64)
    x, y = x_all[: args.train], y_all[: args.train]
    scaler = StandardScaler().fit(x)
    xs, xs_test = scaler.transform(x), scaler.transform(x_test)

    with threadpool_limits(args.threads):
        print(f"scikit-learn, {args.train} train / {len(y_test)} test, {args.threads} threads: test accuracy")
        timed("logistic regression (raw)", lambda: LogisticRegression(max_iter=100).fit(x, y).score(x_test, y_test))
        timed("logistic regression (standardized)",
              lambda: LogisticRegression(max_iter=100).fit(xs, y).score(xs_test, y_test))
        timed("linear SVM squared hinge (raw)", lambda: LinearSVC(random_state=0).fit(x, y).score(x_test, y_test))
        timed("linear SVM hinge (raw)",
              lambda: LinearSVC(loss="hinge", random_state=0).fit(x, y).score(x_test, y_test))
        timed("random forest 100 (raw)",
              lambda: RandomForestClassifier(100, random_state=0, n_jobs=args.threads).fit(x, y).score(x_test, y_test))
        timed("kNN k=5 (raw)", lambda: KNeighborsClassifier(5, algorithm="brute").fit(x, y).score(x_test, y_test))

        def pca_mse():
            pca = PCA(32, svd_solver="full").fit(x_all)
            recon = pca.inverse_transform(pca.transform(x_test))
            print(f"  PCA-32 explained variance ratio sum {pca.explained_variance_ratio_.sum():.4f}")
            return float(np.mean((x_test - recon) ** 2))

        timed("PCA-32 fit 60k, test MSE", pca_mse)


if __name__ == "__main__":
    main()
