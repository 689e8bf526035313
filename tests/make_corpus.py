"""Generate the bad-image corpus (nothing binary is committed): ``python -m tests.make_corpus DIR``.

Each file's name says what it is; ``EXPECTED`` says what the app must do with it: ``imported``, ``refused``
(a clear reason), or ``either`` (both are fine, a crash or hang is not).
"""

from __future__ import annotations

import io
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw
from PIL.PngImagePlugin import PngInfo


def _png(im: Image.Image, **kw: object) -> bytes:
    out = io.BytesIO()
    im.save(out, "PNG", **kw)
    return out.getvalue()


def _save(im: Image.Image, fmt: str, **kw: object) -> bytes:
    out = io.BytesIO()
    im.save(out, fmt, **kw)
    return out.getvalue()


def _picture(size: tuple[int, int] = (160, 120), mode: str = "RGB") -> Image.Image:
    im = Image.new("RGB", size, (40, 90, 160))
    ImageDraw.Draw(im).ellipse((10, 10, size[0] // 2, size[1] // 2), fill=(230, 200, 40))
    return im.convert(mode)


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _png_header_only(width: int, height: int, *, bit_depth: int = 1, colour: int = 0, rows: int = 0) -> bytes:
    """A PNG claiming ``width``x``height`` with ``rows`` zero rows of real data (a decompression bomb)."""
    ihdr = struct.pack(">IIBBBBB", width, height, bit_depth, colour, 0, 0, 0)
    row = 1 + (width * bit_depth + 7) // 8
    idat = zlib.compress(b"\0" * (row * rows), 9)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", idat) + _chunk(b"IEND", b"")


def _frames(fmt: str) -> bytes:
    frames = [_picture((80, 60)).rotate(a) for a in (0, 90, 180)]
    out = io.BytesIO()
    frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100, loop=0)
    return out.getvalue()


def _exif_jpeg(orientation: int) -> bytes:
    exif = Image.Exif()
    exif[0x0112] = orientation
    return _save(_picture((120, 80)), "JPEG", exif=exif)


def _palette_transparent() -> bytes:
    im = _picture((64, 64)).convert("P", palette=Image.Palette.ADAPTIVE, colors=16)
    return _png(im, transparency=0)


def _huge_text(zip_it: bool) -> bytes:
    info = PngInfo()
    info.add_text("parameters", "a kite, " * (400_000 if zip_it else 150_000), zip=zip_it)
    return _png(_picture((64, 64)), pnginfo=info)


def _bad_crc() -> bytes:
    data = bytearray(_png(_picture((64, 64))))
    data[40] ^= 0xFF  # inside the first IDAT
    return bytes(data)


def _sixteen_bit_rgb() -> bytes:
    width, height = 32, 24
    raw = b"".join(b"\0" + b"".join(struct.pack(">HHH", 65535, x * 2000, y * 2000) for x in range(width))
                   for y in range(height))  # fmt: skip
    ihdr = struct.pack(">IIBBBBB", width, height, 16, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + _chunk(b"IHDR", ihdr) + _chunk(b"IDAT", zlib.compress(raw)) + _chunk(b"IEND", b"")


_good_png = _png(_picture())
_good_jpeg = _save(_picture(), "JPEG", quality=90)
_good_webp = _save(_picture(), "WEBP", quality=80)

MAKERS: dict[str, Callable[[], bytes]] = {
    "ok.png": lambda: _good_png,
    "ok.jpg": lambda: _good_jpeg,
    "ok.webp": lambda: _good_webp,
    "truncated.png": lambda: _good_png[: len(_good_png) // 2],
    "truncated.jpg": lambda: _good_jpeg[: len(_good_jpeg) // 2],
    "truncated.webp": lambda: _good_webp[: len(_good_webp) // 2],
    "only-signature.png": lambda: b"\x89PNG\r\n\x1a\n",
    "only-soi.jpg": lambda: b"\xff\xd8",
    "zero-bytes.png": lambda: b"",
    "text-named.png": lambda: b"this is a text file, not a picture\n" * 20,
    "html-named.jpg": lambda: b"<!doctype html><html><body>404</body></html>",
    "bomb-81mpx.png": lambda: _png_header_only(9000, 9000, rows=9000),
    "huge-20000x20000.png": lambda: _png_header_only(20000, 20000, rows=16),
    "sixteen-bit-gray.png": lambda: _png(Image.linear_gradient("L").resize((64, 48)).convert("I;16")),
    "sixteen-bit-rgb.png": _sixteen_bit_rgb,
    "cmyk.jpg": lambda: _save(_picture(mode="CMYK"), "JPEG"),
    "palette-transparent.png": _palette_transparent,
    "rgba.png": lambda: _png(_picture(mode="RGBA")),
    "animated.gif": lambda: _frames("GIF"),
    "animated.webp": lambda: _frames("WEBP"),
    **{f"exif-orientation-{o}.jpg": (lambda o=o: _exif_jpeg(o)) for o in range(1, 9)},  # type: ignore[misc]
    "huge-text-chunk.png": lambda: _huge_text(False),
    "huge-ztxt-chunk.png": lambda: _huge_text(True),
    "bad-crc.png": _bad_crc,
    "png-named.jpg": lambda: _png(_picture((90, 70))),
    "jpeg-named.webp": lambda: _save(_picture((70, 90)), "JPEG"),
    "bitmap.bmp": lambda: _save(_picture(), "BMP"),
    "tiff.tif": lambda: _save(_picture(), "TIFF"),
}

_IMPORTED = {
    "ok.png", "ok.jpg", "ok.webp", "sixteen-bit-gray.png", "sixteen-bit-rgb.png", "cmyk.jpg",
    "palette-transparent.png", "rgba.png", "animated.gif", "animated.webp", "png-named.jpg", "jpeg-named.webp",
    *(f"exif-orientation-{o}.jpg" for o in range(1, 9)),
}  # fmt: skip
_EITHER = {"huge-text-chunk.png", "huge-ztxt-chunk.png"}  # Pillow may refuse the chunk; importing is fine too
EXPECTED = {name: "imported" if name in _IMPORTED else "either" if name in _EITHER else "refused" for name in MAKERS}


def make_corpus(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    written = {}
    for name, make in MAKERS.items():
        path = folder / name
        path.write_bytes(make())
        written[name] = path
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "corpus")
    print(f"{len(make_corpus(target))} files in {target}")
