#!/usr/bin/env python3
"""Writes Engine.Tests/Fixtures/png/: small PNG files of every colour type, bit depth and interlace method, and
png_expected.json with the 8-bit gray image Engine.IO.PngReader must return for each.

Each image is 13 x 7 pixels (odd sides, so Adam7's passes are ragged and sub-byte rows end mid-byte) of random
samples; every row gets a random filter (0-4), so all five unfiltering paths are exercised. The PNG bytes are written
here by hand (zlib from the standard library), and Pillow decodes every file as a cross-check: it must see the same
samples (for the 8-bit types) and the same size. The expected gray values follow the reader's documented rules,
computed from the samples themselves: gray and palette entries as they are (sub-byte and 16-bit samples scaled to
0..255 with rounding), colour as round(0.299 R + 0.587 G + 0.114 B) computed as (299 R + 587 G + 114 B + 500) // 1000,
transparency blended onto black as (gray * alpha + 127) // 255, tRNS colour keys fully transparent.

Run once (the output is committed): python3 Engine.Tests/Fixtures/make_png_fixtures.py
"""
import io
import json
import random
import struct
import zlib
from pathlib import Path

from PIL import Image

OUT = Path(__file__).parent / "png"
W, H = 13, 7
ADAM7 = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
CHANNELS = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}


def chunk(kind, data):
    body = kind + data
    return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body) & 0xFFFFFFFF)


def pack_row(samples, depth):
    if depth == 8:
        return bytes(samples)
    if depth == 16:
        return b"".join(struct.pack(">H", s) for s in samples)
    out, acc, bits = bytearray(), 0, 0
    for s in samples:
        acc = (acc << depth) | s
        bits += depth
        if bits == 8:
            out.append(acc)
            acc, bits = 0, 0
    if bits:
        out.append(acc << (8 - bits))
    return bytes(out)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    return a if pa <= pb and pa <= pc else b if pb <= pc else c


def filter_rows(rows, bpp, rng):
    out, prev = bytearray(), bytes(len(rows[0])) if rows else b""
    for row in rows:
        kind = rng.randrange(5)
        f = bytearray()
        for i, x in enumerate(row):
            a = row[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            pred = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
            f.append((x - pred) & 0xFF)
        out.append(kind)
        out += f
        prev = row
    return bytes(out)


def encode(pixels, color, depth, interlace, plte=None, trns=None, rng=None):
    """pixels[y][x] is a tuple of samples."""
    ch = CHANNELS[color]
    bpp = max(1, ch * depth // 8)
    raw = b""
    passes = ADAM7 if interlace else [(0, 0, 1, 1)]
    for x0, y0, dx, dy in passes:
        xs, ys = list(range(x0, W, dx)), list(range(y0, H, dy))
        if not xs or not ys:
            continue
        rows = [pack_row([s for x in xs for s in pixels[y][x]], depth) for y in ys]
        raw += filter_rows(rows, bpp, rng)
    png = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", W, H, depth, color, 0, 0, interlace))
    if plte is not None:
        png += chunk(b"PLTE", bytes(v for rgb in plte for v in rgb))
    if trns is not None:
        png += chunk(b"tRNS", trns)
    data = zlib.compress(raw, 9)
    # two IDAT chunks, to check that they are concatenated
    png += chunk(b"IDAT", data[: len(data) // 2]) + chunk(b"IDAT", data[len(data) // 2:]) + chunk(b"IEND", b"")
    return png


def scale(v, depth):
    m = (1 << depth) - 1
    return v if m == 255 else (v * 255 + m // 2) // m


def luma(r, g, b):
    return (299 * r + 587 * g + 114 * b + 500) // 1000


def blend(g, a):
    return (g * a + 127) // 255


def main():
    OUT.mkdir(exist_ok=True)
    rng = random.Random(20261204)
    expected = {}
    cases = [(0, d) for d in (1, 2, 4, 8, 16)] + [(2, 8), (2, 16), (3, 1), (3, 2), (3, 4), (3, 8), (4, 8), (4, 16), (6, 8), (6, 16)]
    for color, depth in cases:
        for interlace in (0, 1):
            for keyed in ((False, True) if color in (0, 2, 3) else (False,)):
                ch, top = CHANNELS[color], (1 << depth) - 1
                plte = trns = None
                if color == 3:
                    n = min(1 << depth, 40)
                    plte = [tuple(rng.randrange(256) for _ in range(3)) for _ in range(n)]
                    pixels = [[(rng.randrange(n),) for _ in range(W)] for _ in range(H)]
                else:
                    pixels = [[tuple(rng.randrange(top + 1) for _ in range(ch)) for _ in range(W)] for _ in range(H)]
                key = None
                if keyed and color == 3:
                    alphas = [rng.randrange(256) for _ in range(len(plte) // 2)]
                    trns = bytes(alphas)
                elif keyed:
                    key = pixels[0][0]
                    pixels[H - 1][W - 1] = key
                    trns = b"".join(struct.pack(">H", s) for s in key)
                png = encode(pixels, color, depth, interlace, plte, trns, rng)

                gray = []
                for y in range(H):
                    for x in range(W):
                        s = pixels[y][x]
                        if color == 3:
                            r, g, b = plte[s[0]]
                            alpha = trns[s[0]] if trns is not None and s[0] < len(trns) else 255
                            gray.append(blend(luma(r, g, b), alpha))
                        elif key is not None and s == key:
                            gray.append(0)
                        elif color == 0:
                            gray.append(scale(s[0], depth))
                        elif color == 4:
                            gray.append(blend(scale(s[0], depth), scale(s[1], depth)))
                        elif color == 2:
                            gray.append(luma(*(scale(v, depth) for v in s)))
                        else:
                            gray.append(blend(luma(*(scale(v, depth) for v in s[:3])), scale(s[3], depth)))

                name = f"c{color}_d{depth}{'_adam7' if interlace else ''}{'_trns' if keyed else ''}.png"
                (OUT / name).write_bytes(png)
                # cross-check with an independent decoder
                image = Image.open(io.BytesIO(png))
                image.load()
                assert image.size == (W, H), name
                if depth == 8 and color in (0, 2, 6, 4):
                    flat = list(image.getdata())
                    got = [tuple(v) if isinstance(v, tuple) else (v,) for v in flat]
                    want = [pixels[y][x] for y in range(H) for x in range(W)]
                    assert got == want, name
                if color == 3 and depth == 8:
                    assert list(image.getdata()) == [pixels[y][x][0] for y in range(H) for x in range(W)], name
                expected[name] = {"width": W, "height": H, "gray": gray}
    (Path(__file__).parent / "png_expected.json").write_text(json.dumps(expected, indent=0, sort_keys=True) + "\n")
    print(f"wrote {len(expected)} PNG files to {OUT}")


if __name__ == "__main__":
    main()
