#!/usr/bin/env python3
"""Builds Demo/data/fashion-mnist-subset/ from the full Fashion-MNIST set.

How the subset was made (run once; the output is committed, this script documents it):

    python3 Demo/data/make-fashion-mnist-subset.py /usr/share/datasets/fashion-mnist Demo/data/fashion-mnist-subset

The source is Debian's package dataset-fashion-mnist (the four official gzip IDX files).
The subset keeps, in the official file order, the first 600 images of each class from the
training set (6,000 images) and the first 100 images of each class from the test set
(1,000 images). Kept images stay in their original relative order. Output files are gzip IDX
files with the official names, written with mtime 0 so the bytes are reproducible.
Only the Python standard library is used.
"""
import gzip
import struct
import sys
from pathlib import Path


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    zero, dtype, ndim = struct.unpack(">HBB", data[:4])
    if zero != 0 or dtype != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    dims = list(struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim]))
    return dims, data[4 + 4 * ndim:]


def write_idx(path, dims, payload):
    header = struct.pack(">HBB", 0, 0x08, len(dims)) + struct.pack(f">{len(dims)}I", *dims)
    with open(path, "wb") as raw:
        with gzip.GzipFile(filename="", mode="wb", fileobj=raw, compresslevel=9, mtime=0) as f:
            f.write(header + payload)


def subset(src, dst, prefix, per_class):
    image_dims, images = read_idx(src / f"{prefix}-images-idx3-ubyte.gz")
    label_dims, labels = read_idx(src / f"{prefix}-labels-idx1-ubyte.gz")
    count, rows, cols = image_dims
    assert label_dims == [count]
    size = rows * cols
    taken = [0] * 10
    keep = []
    for i, label in enumerate(labels):
        if taken[label] < per_class:
            taken[label] += 1
            keep.append(i)
    assert taken == [per_class] * 10, taken
    write_idx(dst / f"{prefix}-images-idx3-ubyte.gz", [len(keep), rows, cols],
              b"".join(images[i * size:(i + 1) * size] for i in keep))
    write_idx(dst / f"{prefix}-labels-idx1-ubyte.gz", [len(keep)], bytes(labels[i] for i in keep))


def main():
    src = Path(sys.argv[1] if len(sys.argv) > 1 else "/usr/share/datasets/fashion-mnist")
    dst = Path(sys.argv[2] if len(sys.argv) > 2 else Path(__file__).parent / "fashion-mnist-subset")
    dst.mkdir(parents=True, exist_ok=True)
    subset(src, dst, "train", 600)
    subset(src, dst, "t10k", 100)


if __name__ == "__main__":
    main()
