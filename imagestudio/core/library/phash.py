"""Perceptual hash (pHash: the signs of the lowest 8×8 DCT frequencies of a 32×32 grey image) for "find
similar". Near-duplicates — re-encodes, resizes, small edits — differ in a few of the 64 bits."""

from __future__ import annotations

import math
import sqlite3
from operator import mul

from PIL import Image

#: Hamming distance up to which two images count as similar (out of 64 bits).
SIMILAR_BITS = 12
_N = 32
_COS = [[math.cos((2 * x + 1) * u * math.pi / (2 * _N)) for x in range(_N)] for u in range(8)]


def phash_of(data: bytes) -> int | None:
    """A signed 64-bit pHash (fits SQLite's INTEGER), or None when the bytes cannot be decoded.

    Hashes the thumbnail's frame (``imageio.thumbnail_frame``), exactly as ``store_file`` does from the decode it
    makes for the thumbnail, so both give the same bits for the same bytes."""
    from imagestudio.core.files import imageio

    try:
        with imageio.open_image(data) as im:
            frame, _alpha = imageio.thumbnail_frame(im)
            return phash_of_image(frame)
    except (OSError, ValueError, EOFError, SyntaxError, Image.DecompressionBombError, Image.DecompressionBombWarning):
        return None


def phash_of_image(frame: Image.Image) -> int | None:
    """The hash of an image already decoded and shrunk (``imageio.thumbnail_frame``): 256 px are plenty for a
    32×32 grey picture, and the full-size image would cost far more to convert and resample."""
    try:
        grey = frame.convert("L").resize((_N, _N), Image.Resampling.LANCZOS, reducing_gap=2.0)
    except (OSError, ValueError):
        return None
    return _hash_grey(grey)


def _hash_grey(grey: Image.Image) -> int:
    px = grey.tobytes()  # mode L: one byte per pixel, row by row
    rows = [px[y * _N : (y + 1) * _N] for y in range(_N)]
    # separable DCT-II, only the 8 lowest frequencies in each direction (map/mul: no Python-level loop per term)
    row_freq = [[sum(map(mul, cos_u, row)) for cos_u in _COS] for row in rows]
    columns = list(zip(*row_freq, strict=True))  # columns[u][y]
    coeffs = [sum(map(mul, _COS[v], columns[u])) for v in range(8) for u in range(8)]
    ac = coeffs[1:]  # the DC term is the mean brightness: it says nothing about the picture's shape
    median = sorted(ac)[len(ac) // 2]
    bits = 0
    for value in coeffs:
        bits = (bits << 1) | (value > median)
    return bits - (1 << 64) if bits >= 1 << 63 else bits


def distance(a: int, b: int) -> int:
    return ((a ^ b) & (2**64 - 1)).bit_count()


def similar(c: sqlite3.Connection, image_id: int, max_bits: int = SIMILAR_BITS, limit: int = 500) -> list[int]:
    """Ids of live images whose hash is within ``max_bits`` of ``image_id``'s, nearest first (itself first)."""
    row = c.execute("SELECT phash FROM images WHERE id = ?", (image_id,)).fetchone()
    if row is None or row[0] is None:
        return []
    target = int(row[0])
    scored = []
    for other_id, other in c.execute("SELECT id, phash FROM images WHERE phash IS NOT NULL AND trashed_at IS NULL"):
        d = distance(target, int(other))
        if d <= max_bits:
            scored.append((d, other_id != image_id, int(other_id)))
    scored.sort()
    return [i for _d, _not_self, i in scored[:limit]]
