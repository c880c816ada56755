"""An independent PNG encoder for PngReaderTests: zlib, struct and numpy only (no PIL, nothing shared with Harness).

Writes small PNGs that use every scanline filter (0 None, 1 Sub, 2 Up, 3 Average, 4 Paeth), each of them also
on the first row (where the row above counts as zeros) and on one-pixel-wide images (no left neighbour), at
8 and 16 bits, greyscale and RGB, with the compressed data split over three IDAT chunks and ancillary chunks
(tEXt, gAMA) before them. Prints, as JSON, for each file: its size, channels, bit depth, the samples (row-major,
channels interleaved) and the floats a model reads: numpy float32 sample / float32(2^bits - 1), channel-major.

Usage: python3 png_encoder.py OUT_FOLDER
"""
import json
import os
import struct
import sys
import zlib

import numpy as np

# name, width, height, channels, bit depth, filter of the first row (row y uses (first + y) % 5)
CASES = [
    ("grey8", 17, 15, 1, 8, 0),
    ("rgb8", 11, 10, 3, 8, 1),
    ("grey16", 9, 10, 1, 16, 2),
    ("rgb16", 8, 10, 3, 16, 3),
    ("rgb8_one_wide", 1, 5, 3, 8, 4),
    ("grey16_one_wide", 1, 7, 1, 16, 0),
    ("grey8_paeth_ties", 16, 2, 1, 8, 3),
]

# Paeth's tie between the pixel above (b) and the one above-left (c) must go to b: with c = 2, b = 0 and a = 3 on the
# left, p = a + b - c = 1 is as far from b as from c (and farther from a). Row 1 (Paeth) meets that tie at every odd x.
FIXED = {"grey8_paeth_ties": np.array([[2, 0] * 8, [3, 5] * 8])}


def chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)


def paeth(a, b, c):
    p = a + b - c
    pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
    if pa <= pb and pa <= pc:
        return a
    return b if pb <= pc else c


def filtered(kind, row, prior, bpp):
    """The bytes written for one scanline under filter `kind` (ISO/IEC 15948 section 9.2)."""
    out = bytearray([kind])
    for i, x in enumerate(row):
        a = row[i - bpp] if i >= bpp else 0
        b = prior[i]
        c = prior[i - bpp] if i >= bpp else 0
        predictor = [0, a, b, (a + b) // 2, paeth(a, b, c)][kind]
        out.append((x - predictor) & 0xFF)
    return bytes(out)


def encode(path, samples, channels, depth, first_filter):
    height, width = samples.shape[0], samples.shape[1] // channels
    rows = samples.astype(">u2" if depth == 16 else "u1")
    bpp = channels * depth // 8
    raw = b""
    prior = [0] * (width * bpp)
    for y in range(height):
        row = list(rows[y].tobytes())
        raw += filtered((first_filter + y) % 5, row, prior, bpp)
        prior = row
    data = zlib.compress(raw, 9)
    cut = [0, len(data) // 3, 2 * len(data) // 3, len(data)]
    png = b"\x89PNG\r\n\x1a\n"
    png += chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, 0 if channels == 1 else 2, 0, 0, 0))
    png += chunk(b"tEXt", b"Comment\x00written by png_encoder.py")
    png += chunk(b"gAMA", struct.pack(">I", 45455))
    for k in range(3):
        png += chunk(b"IDAT", data[cut[k]:cut[k + 1]])
    png += chunk(b"IEND", b"")
    with open(path, "wb") as f:
        f.write(png)


def main():
    out = sys.argv[1]
    rng = np.random.default_rng(20261127)
    result = []
    for name, width, height, channels, depth, first in CASES:
        maximum = 2 ** depth - 1
        if name in FIXED:
            samples = FIXED[name]
        else:
            # Half the samples from a few values, so that small differences and wrap-arounds occur often; half anything.
            few = rng.choice([0, 1, 2, 3, 4, 5, 6, maximum - 1, maximum], size=(height, width * channels))
            samples = np.where(rng.random((height, width * channels)) < 0.5, few, rng.integers(0, maximum + 1, size=(height, width * channels)))
            samples[0, 0] = maximum  # the extremes map to exactly 1 and 0
            samples[-1, -1] = 0
        path = os.path.join(out, name + ".png")
        encode(path, samples, channels, depth, first)
        floats = samples.astype(np.float32) / np.float32(maximum)
        channel_major = floats.reshape(height, width, channels).transpose(2, 0, 1).ravel()
        result.append({"file": path, "width": width, "height": height, "channels": channels, "bitDepth": depth,
                       "samples": samples.ravel().tolist(), "floats": [float(v) for v in channel_major]})
    print(json.dumps(result))


main()
