#!/usr/bin/env python3
"""Writes the small example files of docs/10-bring-your-own-data.md, all derived from data that ships with the repo
(run once; the output is committed, this script documents it; Python standard library only):

    python3 Demo/data/examples/make-examples.py

network/  a user's table, made from the KDD Cup 1999 10% file (Demo/data/kddcup99, CC BY 4.0, see its README): a
          header line, an id column, 12 of the 41 features (3 of them text), and the label without KDD's final period.
            train.csv       2,000 connections: 1,800 normal and 200 attacks, drawn at random (seed 1999)
            test.csv        1,000 other connections: 700 normal and 300 attacks
            unlabelled.csv  the first 200 rows of test.csv without the label column (to score with --load)
clothes/  a folder of PNG images per class, from the Fashion-MNIST subset (Demo/data/fashion-mnist-subset, MIT):
          train/{bag,sandal,trouser}/ 40 images each and test/{bag,sandal,trouser}/ 10 each, the first of each class in
          the subset's order. Every fifth image is stored as colour (tinted) and every seventh at 32 x 32, so the
          worked example shows the conversion to gray and the resizing to 28 x 28.
reviews.tsv  600 short product reviews, "text<TAB>label" with labels positive, negative and neutral, generated from
          the templates below (seed 7): a corpus with its own label set, for `text --data reviews.tsv --folds 5`.
"""
import gzip
import random
import struct
import zlib
from pathlib import Path

HERE = Path(__file__).resolve().parent
DATA = HERE.parent
KDD = DATA / "kddcup99" / "kddcup.data_10_percent.gz"
FASHION = DATA / "fashion-mnist-subset"

KDD_COLUMNS = ("duration,protocol_type,service,flag,src_bytes,dst_bytes,land,wrong_fragment,urgent,hot,"
               "num_failed_logins,logged_in,num_compromised,root_shell,su_attempted,num_root,num_file_creations,"
               "num_shells,num_access_files,num_outbound_cmds,is_host_login,is_guest_login,count,srv_count,"
               "serror_rate,srv_serror_rate,rerror_rate,srv_rerror_rate,same_srv_rate,diff_srv_rate,"
               "srv_diff_host_rate,dst_host_count,dst_host_srv_count,dst_host_same_srv_rate,dst_host_diff_srv_rate,"
               "dst_host_same_src_port_rate,dst_host_srv_diff_host_rate,dst_host_serror_rate,"
               "dst_host_srv_serror_rate,dst_host_rerror_rate,dst_host_srv_rerror_rate").split(",")
KEPT = ["duration", "protocol_type", "service", "flag", "src_bytes", "dst_bytes", "count", "srv_count",
        "serror_rate", "same_srv_rate", "dst_host_count", "dst_host_srv_count"]


def network():
    with gzip.open(KDD, "rt", encoding="ascii") as f:
        rows = [line.rstrip("\n").split(",") for line in f]
    normal = [r for r in rows if r[41] == "normal."]
    attack = [r for r in rows if r[41] != "normal."]
    rng = random.Random(1999)
    picked_normal = rng.sample(normal, 2500)
    picked_attack = rng.sample(attack, 500)
    train = picked_normal[:1800] + picked_attack[:200]
    test = picked_normal[1800:] + picked_attack[200:]
    rng.shuffle(train)
    rng.shuffle(test)
    index = [KDD_COLUMNS.index(c) for c in KEPT]
    out = HERE / "network"
    out.mkdir(exist_ok=True)

    def write(name, records, first_id, labelled=True):
        lines = ["id," + ",".join(KEPT) + (",label" if labelled else "")]
        for k, r in enumerate(records):
            fields = [f"c{first_id + k:05d}"] + [r[i] for i in index] + ([r[41].rstrip(".")] if labelled else [])
            lines.append(",".join(fields))
        (out / name).write_text("\n".join(lines) + "\n", encoding="utf-8")

    write("train.csv", train, 1)
    write("test.csv", test, 10001)
    write("unlabelled.csv", test[:200], 10001, labelled=False)


def read_idx(path):
    with gzip.open(path, "rb") as f:
        data = f.read()
    ndim = data[3]
    dims = struct.unpack(f">{ndim}I", data[4:4 + 4 * ndim])
    return dims, data[4 + 4 * ndim:]


def png(path, width, height, pixels, channels):
    """pixels: bytes, row-major, channels per pixel (1 gray, 3 RGB); filter 0 on every row."""
    raw = b"".join(b"\x00" + pixels[y * width * channels:(y + 1) * width * channels] for y in range(height))

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    color = 0 if channels == 1 else 2
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, color, 0, 0, 0))
                     + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b""))


def enlarge(image, side, new):
    # nearest neighbour from 28 x 28 to 32 x 32
    return bytes(image[(y * side // new) * side + (x * side // new)] for y in range(new) for x in range(new))


def clothes():
    classes = {8: "bag", 5: "sandal", 1: "trouser"}
    for split, prefix, count in (("train", "train", 40), ("test", "t10k", 10)):
        (_, side, _), images = read_idx(FASHION / f"{prefix}-images-idx3-ubyte.gz")
        _, labels = read_idx(FASHION / f"{prefix}-labels-idx1-ubyte.gz")
        size = side * side
        for label, name in classes.items():
            folder = HERE / "clothes" / split / name
            folder.mkdir(parents=True, exist_ok=True)
            picked = [i for i, l in enumerate(labels) if l == label][:count]
            for k, i in enumerate(picked):
                image = images[i * size:(i + 1) * size]
                w = side
                if k % 7 == 6:
                    image, w = enlarge(image, side, 32), 32
                if k % 5 == 4:
                    # a warm tint: R, G, B = v, 0.8 v, 0.6 v
                    rgb = bytes(c for v in image for c in (v, int(0.8 * v), int(0.6 * v)))
                    png(folder / f"{k:03d}.png", w, w, rgb, 3)
                else:
                    png(folder / f"{k:03d}.png", w, w, image, 1)


PRODUCTS = ["blender", "kettle", "lamp", "backpack", "keyboard", "jacket", "tent", "monitor", "chair", "headphones"]
POSITIVE = ["works perfectly", "is excellent", "exceeded my expectations", "is worth every penny", "feels solid",
            "arrived early and works great", "is the best I have owned", "does exactly what it promises"]
NEGATIVE = ["broke after a week", "is a waste of money", "stopped working", "feels cheap", "arrived damaged",
            "is the worst I have owned", "does not do what it promises", "was returned the next day"]
NEUTRAL = ["arrived on Tuesday", "comes in a cardboard box", "is available in three colours", "weighs about a kilo",
           "has a two year warranty", "was delivered by courier", "looks like the picture", "is made in Portugal"]
OPENERS = ["The {p}", "This {p}", "My new {p}", "Our {p}", "The {p} I ordered"]
CLOSERS = {"positive": ["I would buy it again.", "Highly recommended.", "Very happy.", ""],
           "negative": ["I would not buy it again.", "Avoid.", "Very disappointed.", ""],
           "neutral": ["Nothing else to say.", "We will see how it lasts.", "", "That is all."]}


def reviews():
    rng = random.Random(7)
    lines = []
    for _ in range(600):
        label = rng.choice(["positive", "negative", "neutral"])
        middle = rng.choice({"positive": POSITIVE, "negative": NEGATIVE, "neutral": NEUTRAL}[label])
        text = f"{rng.choice(OPENERS).format(p=rng.choice(PRODUCTS))} {middle}. {rng.choice(CLOSERS[label])}".strip()
        lines.append(f"{text}\t{label}")
    (HERE / "reviews.tsv").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    network()
    clothes()
    reviews()
