"""Generate the hostile-file corpus (nothing binary is committed): ``python -m tests.make_hostile DIR``.

Files built to hurt rather than merely broken ones (those are ``make_corpus``): special files behind image
names, links out of the chosen folder, numbers too large for an int, millions of empty chunks, names that are
not UTF-8 or carry terminal escape sequences, SVGs that reach for local files or are too big to draw. ``OUTCOME``
says what each must come to: ``imported``, ``refused`` (with a reason), or ``either``.

``make_hostile(dir, outside)`` writes a folder to import as a whole into ``dir`` and the targets of its outward
links into ``outside``. ``GOOD`` ordinary pictures sit beside the hostile ones: all of them must be imported.
``SCALE`` (environment ``IMAGESTUDIO_HOSTILE_SCALE``, 1 by default; ``make soak`` raises it) multiplies the
sizes of the chunk and element floods.
"""

from __future__ import annotations

import io
import os
import struct
import sys
import zlib
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

GOOD = 50
SCALE = max(1, int(os.environ.get("IMAGESTUDIO_HOSTILE_SCALE", "1")))
NOT_UTF8 = b"caf\xe9-\xff.png"  # Latin-1 bytes: not a UTF-8 name
ESCAPE_NAME = "title-\x1b]0;pwned\x07-\x1b[31mred.png"


def _png(size: tuple[int, int] = (64, 48), colour: tuple[int, int, int] = (40, 90, 160)) -> bytes:
    im = Image.new("RGB", size, colour)
    ImageDraw.Draw(im).ellipse((4, 4, size[0] // 2, size[1] // 2), fill=(230, 200, 40))
    out = io.BytesIO()
    im.save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, body: bytes) -> bytes:
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)


def _many_chunks(count: int) -> bytes:
    png = _png((8, 8))
    return png[:33] + _chunk(b"quIt", b"") * count + png[33:]  # after IHDR: Pillow walks every one


def _many_gif_blocks(count: int) -> bytes:
    out = io.BytesIO()
    Image.new("P", (8, 8)).save(out, "GIF")
    gif = out.getvalue()
    at = gif.index(b",")
    return gif[:at] + b"\x21\xfe\x00" * count + gif[at:]


def _many_jpeg_segments(count: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    jpeg = out.getvalue()
    return jpeg[:2] + b"\xff\xfe\x00\x02" * count + jpeg[2:]


def _svg(attrs: str, body: str = '<rect width="10" height="10" fill="#36c"/>') -> bytes:
    return f'<svg xmlns="http://www.w3.org/2000/svg" {attrs}>{body}</svg>'.encode()


def svg_many_elements(count: int) -> bytes:
    return _svg('width="100" height="100"', '<rect width="1" height="1"/>' * count)


def svg_local_image(target: Path) -> bytes:
    """An SVG that draws ``target`` (a local file) over a blue square if a renderer follows the reference."""
    return _svg(
        'xmlns:xlink="http://www.w3.org/1999/xlink" width="64" height="64"',
        '<rect width="64" height="64" fill="#0000ff"/>'
        f'<image href="{target}" x="0" y="0" width="64" height="64"/>'
        f'<image xlink:href="file://{target}" x="0" y="0" width="64" height="64"/>'
        '<rect width="4" height="4" style="fill:url(http://127.0.0.1:9/x)"/>',
    )


FILES: dict[str, Callable[[], bytes]] = {
    "svg-viewbox-1e300.svg": lambda: _svg('viewBox="0 0 1e300 1e300"'),
    "svg-viewbox-1e400.svg": lambda: _svg('viewBox="0 0 1e400 1e400"'),
    "svg-width-400-digits.svg": lambda: _svg(f'width="{"9" * 400}" height="{"9" * 400}"'),
    "svg-width-1e400.svg": lambda: _svg('width="1e400" height="20"'),
    "svg-viewbox-nan.svg": lambda: _svg('viewBox="0 0 nan inf"'),
    "svg-negative.svg": lambda: _svg('width="-5" height="-1e9" viewBox="-1 -1 -1e300 -2"'),
    "svg-huge-int-style.svg": lambda: _svg('width="1' + "0" * 5000 + '" height="3"'),
    "svg-190k-elements.svg": lambda: svg_many_elements(190_000),
    "png-1.6m-empty-chunks.png": lambda: _many_chunks(1_600_000 * SCALE),
    "gif-5m-comment-blocks.gif": lambda: _many_gif_blocks(5_000_000 * SCALE),
    "jpeg-3m-comment-segments.jpg": lambda: _many_jpeg_segments(3_000_000),
    "svg-doctype-entities.svg": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY a "aaaaaaaaaa">'
        b'<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]><svg xmlns="http://www.w3.org/2000/svg">&b;</svg>'
    ),
    "svg-xxe.svg": lambda: (
        b'<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        b'<svg xmlns="http://www.w3.org/2000/svg"><text>&x;</text></svg>'
    ),
}

OUTCOME: dict[str, str] = {
    **{name: "imported" for name in FILES if name.startswith("svg-") and "doctype" not in name and "xxe" not in name},
    "png-1.6m-empty-chunks.png": "refused",
    "gif-5m-comment-blocks.gif": "refused",
    "jpeg-3m-comment-segments.jpg": "refused",
    "svg-doctype-entities.svg": "refused",
    "svg-xxe.svg": "refused",
    "svg-local-image.svg": "imported",
    "fifo.png": "refused",
    "link-to-dev-zero.png": "refused",
    "link-outside.png": "refused",
    "linked-folder": "refused",
    "link-inside.png": "duplicate",  # the same bytes as good-00.png, which is imported
    ESCAPE_NAME: "imported",
    os.fsdecode(NOT_UTF8): "imported",
}


def make_hostile(folder: Path, outside: Path) -> dict[str, Path]:
    """Write the corpus; returns name → path of every entry (links and special files included)."""
    folder.mkdir(parents=True, exist_ok=True)
    outside.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    for i in range(GOOD):
        path = folder / f"good-{i:02d}.png"
        path.write_bytes(_png(colour=(i * 5 % 256, 90, 160)))  # each distinct: none is a duplicate
    secret = outside / "secret.png"
    secret.write_bytes(_png((64, 64), (255, 0, 0)))
    (outside / "sub").mkdir(exist_ok=True)
    (outside / "sub" / "outside-only.png").write_bytes(_png((20, 20), (0, 255, 0)))
    for name, make in FILES.items():
        written[name] = folder / name
        written[name].write_bytes(make())
    written["svg-local-image.svg"] = folder / "svg-local-image.svg"
    written["svg-local-image.svg"].write_bytes(svg_local_image(secret))
    written[ESCAPE_NAME] = folder / ESCAPE_NAME
    written[ESCAPE_NAME].write_bytes(_png((30, 30), (1, 2, 3)))
    weird = Path(os.fsdecode(os.path.join(os.fsencode(folder), NOT_UTF8)))
    weird.write_bytes(_png((31, 31), (3, 2, 1)))
    written[os.fsdecode(NOT_UTF8)] = weird
    if os.name == "posix":
        os.mkfifo(folder / "fifo.png")
        written["fifo.png"] = folder / "fifo.png"
        links = {
            "link-to-dev-zero.png": Path("/dev/zero"),
            "link-outside.png": secret,
            "linked-folder": outside / "sub",
            "link-inside.png": folder / "good-00.png",
        }
        for name, target in links.items():
            (folder / name).symlink_to(target)
            written[name] = folder / name
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "hostile")
    print(f"{len(make_hostile(target / 'import-me', target / 'outside'))} hostile entries in {target}")
