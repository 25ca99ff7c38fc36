#!/usr/bin/env python3
"""An independent safetensors writer and reader (struct + json only, written from the format's specification),
used to prove that Engine.IO.SafeTensors interoperates with other implementations.

Run with /usr/bin/python3 from this folder's parent or anywhere:

    make_safetensors_fixtures.py
        writes the *.safetensors fixtures and safetensors_expected.json next to this script.
        Tensor values come from PyTorch (seeded) so that the F16/BF16 roundings and their float32 widenings are
        PyTorch's, not ours. The expected values are stored as hexadecimal bit patterns, so they are exact.

    make_safetensors_fixtures.py --check FILE FIXTURE
        reads FILE (written by the C# engine) with the reader below, validates it strictly, compares its tensors
        and metadata with FIXTURE's entry in safetensors_expected.json, and checks the bytes equal what the writer
        below produces for the same tensors. Exits 0 on success, 1 with a message otherwise. Needs no torch.

Format: u64 little-endian header length N; N bytes of UTF-8 JSON, padded with spaces to a multiple of 8;
then the data buffer. Tensors are laid out sorted by dtype (larger alignment first) then by name, as the
reference library does; the header lists "__metadata__" first, then tensors in data order, compact JSON.
"""
import json
import os
import struct
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EXPECTED = os.path.join(HERE, "safetensors_expected.json")

# Rank in the reference library's Dtype enum (increasing alignment); data is sorted by rank descending.
DTYPE_RANK = {"F16": 7, "BF16": 8, "F32": 11, "F64": 12}
DTYPE_SIZE = {"F16": 2, "BF16": 2, "F32": 4, "F64": 8}
# struct codes for the raw bit patterns of one element
DTYPE_BITS = {"F16": "<H", "BF16": "<H", "F32": "<I", "F64": "<Q"}


def serialize(tensors, metadata):
    """tensors: list of dict(name, dtype, shape, bits=list of ints). Returns the file bytes."""
    ordered = sorted(tensors, key=lambda t: (-DTYPE_RANK[t["dtype"]], t["name"].encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = {k: metadata[k] for k in sorted(metadata)}
    offset = 0
    blobs = []
    for t in ordered:
        blob = b"".join(struct.pack(DTYPE_BITS[t["dtype"]], b) for b in t["bits"])
        header[t["name"]] = {"dtype": t["dtype"], "shape": t["shape"], "data_offsets": [offset, offset + len(blob)]}
        offset += len(blob)
        blobs.append(blob)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(blobs)


def parse(data):
    """Strict reader. Returns (metadata or None, {name: dict(dtype, shape, bits)}); raises ValueError."""
    if len(data) < 8:
        raise ValueError("shorter than 8 bytes")
    (n,) = struct.unpack_from("<Q", data, 0)
    if n > len(data) - 8:
        raise ValueError("header length %d beyond file" % n)
    if n % 8 != 0:
        raise ValueError("header length %d not a multiple of 8" % n)

    def no_duplicates(pairs):
        keys = [k for k, _ in pairs]
        if len(keys) != len(set(keys)):
            raise ValueError("duplicate keys")
        return dict(pairs)

    header = json.loads(data[8:8 + n].decode("utf-8"), object_pairs_hook=no_duplicates)
    buffer = data[8 + n:]
    metadata = header.pop("__metadata__", None)
    if metadata is not None and not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
        raise ValueError("metadata must map strings to strings")
    spans = []
    out = {}
    for name, info in header.items():
        dtype, shape, (begin, end) = info["dtype"], info["shape"], info["data_offsets"]
        count = 1
        for d in shape:
            if not isinstance(d, int) or d < 0:
                raise ValueError("bad dim in %s" % name)
            count *= d
        if end - begin != count * DTYPE_SIZE[dtype] or begin < 0 or end > len(buffer):
            raise ValueError("bad data_offsets for %s" % name)
        spans.append((begin, end))
        fmt = "<%d%s" % (count, DTYPE_BITS[dtype][1])
        out[name] = {"dtype": dtype, "shape": shape, "bits": list(struct.unpack_from(fmt, buffer, begin))}
    cursor = 0
    for begin, end in sorted(spans):
        if begin != cursor:
            raise ValueError("gap or overlap at %d" % begin)
        cursor = end
    if cursor != len(buffer):
        raise ValueError("tensors cover %d of %d bytes" % (cursor, len(buffer)))
    return metadata, out


def from_expected(entry):
    tensors = [{"name": t["name"], "dtype": t["dtype"], "shape": t["shape"],
                "bits": [int(h, 16) for h in t["bits"]]} for t in entry["tensors"]]
    return tensors, entry["metadata"]


def check(path, fixture):
    with open(EXPECTED) as f:
        entry = json.load(f)[fixture]
    tensors, metadata = from_expected(entry)
    with open(path, "rb") as f:
        data = f.read()
    got_metadata, got = parse(data)
    if got_metadata != metadata:
        raise ValueError("metadata %r != %r" % (got_metadata, metadata))
    if sorted(got) != sorted(t["name"] for t in tensors):
        raise ValueError("names %r" % sorted(got))
    for t in tensors:
        g = got[t["name"]]
        if g["dtype"] != t["dtype"] or g["shape"] != t["shape"] or g["bits"] != t["bits"]:
            raise ValueError("tensor %s differs" % t["name"])
    if data != serialize(tensors, metadata):
        raise ValueError("bytes differ from the independent writer's")


def make_fixtures():
    import torch  # only for generating values and the F16/BF16 roundings

    torch.manual_seed(20261127)
    special = torch.tensor([0.0, -0.0, 1.0, -2.5, 1e-40, 3.4028234663852886e38, float("inf"), float("-inf"),
                            float("nan")], dtype=torch.float64)

    def entry(name, t, dtype):
        t = t.contiguous()
        if dtype == "F32":
            bits = t.to(torch.float32).view(torch.int32).flatten().tolist()
            bits = ["%08x" % (b & 0xFFFFFFFF) for b in bits]
            widened = None
        elif dtype == "F64":
            bits = ["%016x" % (b & 0xFFFFFFFFFFFFFFFF) for b in t.to(torch.float64).view(torch.int64).flatten().tolist()]
            widened = None
        else:
            low = t.to(torch.float16 if dtype == "F16" else torch.bfloat16)
            bits = ["%04x" % (b & 0xFFFF) for b in low.view(torch.int16).flatten().tolist()]
            widened = ["%08x" % (b & 0xFFFFFFFF) for b in low.to(torch.float32).view(torch.int32).flatten().tolist()]
            source = ["%08x" % (b & 0xFFFFFFFF) for b in t.to(torch.float32).view(torch.int32).flatten().tolist()]
        result = {"name": name, "dtype": dtype, "shape": list(t.shape), "bits": bits}
        if widened is not None:
            # f32bits: the stored value widened to float32; source_f32bits: the float32 value PyTorch rounded.
            result["f32bits"] = widened
            result["source_f32bits"] = source
        return result

    fixtures = {
        "st_f32.safetensors": {
            "metadata": {"format": "pt", "producer": "make_safetensors_fixtures.py", "note": "quotes \" and \\ ok"},
            "tensors": [
                entry("encoder.0.weight", torch.randn(4, 3), "F32"),
                entry("encoder.0.bias", torch.randn(4), "F32"),
                entry("decoder.weight", torch.randn(3, 4), "F32"),
                entry("special", special, "F32"),
                entry("scalar", torch.tensor(0.5), "F32"),
                entry("empty", torch.zeros(0, 3), "F32"),
            ],
        },
        "st_f64.safetensors": {
            "metadata": {"dtype": "double"},
            "tensors": [
                entry("a", torch.randn(2, 3, dtype=torch.float64), "F64"),
                entry("b", special, "F64"),
            ],
        },
        "st_mixed.safetensors": {
            "metadata": None,
            "tensors": [
                entry("w32", torch.randn(5), "F32"),
                entry("w64", torch.randn(3, dtype=torch.float64), "F64"),
                entry("half", torch.randn(2, 3) * 100, "F16"),
                entry("brain", torch.cat([torch.randn(7) * 1e5, special.float()]), "BF16"),
            ],
        },
    }
    for name, fixture in fixtures.items():
        tensors, metadata = from_expected(fixture)
        data = serialize(tensors, metadata)
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)
        parse(data)  # the writer's output passes the strict reader
    with open(EXPECTED, "w") as f:
        json.dump(fixtures, f, indent=1, sort_keys=True)
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--check":
        try:
            check(sys.argv[2], sys.argv[3])
        except (ValueError, KeyError, TypeError, UnicodeDecodeError, struct.error) as e:
            print("FAIL: %s" % e)
            sys.exit(1)
        print("OK")
    elif len(sys.argv) == 1:
        make_fixtures()
    else:
        print(__doc__)
        sys.exit(2)
