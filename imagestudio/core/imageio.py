"""Safe handling of image bytes from outside: identify, verify, thumbnail. Originals are never re-encoded."""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from imagestudio.core.errors import ImageDecodeError

# Our own limit (Pillow's default only warns at 89 Mpx); 3840x2160 results are 8.3 Mpx.
MAX_PIXELS = 64_000_000
MAX_BYTES = 64 * 1024 * 1024
ALLOWED_FORMATS = {"PNG": "png", "JPEG": "jpeg", "WEBP": "webp", "GIF": "gif"}
THUMB_EDGE = 256

Image.MAX_IMAGE_PIXELS = MAX_PIXELS
_DECODE_ERRORS = (
    UnidentifiedImageError,
    Image.DecompressionBombError,
    Image.DecompressionBombWarning,
    OSError,
    ValueError,
    EOFError,
    SyntaxError,
)


@dataclass(frozen=True, slots=True)
class ImageInfo:
    format: str  # png / jpeg / webp / gif
    width: int
    height: int


def _open(data: bytes) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        return Image.open(io.BytesIO(data))


def inspect(data: bytes) -> ImageInfo:
    """Identify and fully verify ``data``; raise ImageDecodeError with a human reason otherwise."""
    if not data:
        raise ImageDecodeError("The image is empty (0 bytes).")
    if len(data) > MAX_BYTES:
        raise ImageDecodeError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    try:
        with _open(data) as im:
            fmt = ALLOWED_FORMATS.get(im.format or "")
            if fmt is None:
                raise ImageDecodeError(f"Unsupported image format {im.format or 'unknown'}.")
            width, height = im.size
            im.verify()
        with _open(data) as im:  # verify() leaves the image unusable; a full decode catches truncation
            im.load()
    except ImageDecodeError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ImageDecodeError("The image has too many pixels (possible decompression bomb).") from None
    except UnidentifiedImageError:
        raise ImageDecodeError("The data is not an image.") from None
    except _DECODE_ERRORS as e:
        raise ImageDecodeError(f"The image is damaged or truncated ({type(e).__name__}).") from None
    return ImageInfo(fmt, width, height)


def _checkerboard(size: tuple[int, int], cell: int = 8) -> Image.Image:
    board = Image.new("RGB", size, (204, 204, 204))
    tile = Image.new("RGB", (cell, cell), (255, 255, 255))
    for y in range(0, size[1], cell):
        for x in range((y // cell) % 2 * cell, size[0], cell * 2):
            board.paste(tile, (x, y))
    return board


def make_thumbnail(data: bytes, edge: int = THUMB_EDGE) -> bytes:
    """A JPEG of at most ``edge`` px; transparency is shown over a checkerboard; animations use frame 0."""
    try:
        with _open(data) as im:
            im.draft("RGB", (edge, edge))  # JPEG: decode at reduced scale, much faster
            im.seek(0)
            frame = ImageOps.exif_transpose(im)
            if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
                frame = frame.point(lambda v: v / 256).convert("L")
            has_alpha = frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)
            frame = frame.convert("RGBA" if has_alpha else "RGB")
            frame.thumbnail((edge, edge), Image.Resampling.LANCZOS)
            if has_alpha:
                board = _checkerboard(frame.size)
                board.paste(frame, mask=frame.getchannel("A"))
                frame = board
            out = io.BytesIO()
            frame.save(out, "JPEG", quality=85, optimize=False)
            return out.getvalue()
    except _DECODE_ERRORS as e:
        raise ImageDecodeError(f"No thumbnail could be made ({type(e).__name__}).") from None
