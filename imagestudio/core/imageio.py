"""Safe handling of image bytes from outside: identify, verify, thumbnail. Originals are never re-encoded."""

from __future__ import annotations

import io
import warnings
from collections.abc import Callable
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

from imagestudio.core import svg
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


def _identify(data: bytes) -> ImageInfo:
    """Size cap, format allow-list and ``verify()`` (structure and checksums, no pixel decode)."""
    if not data:
        raise ImageDecodeError("The image is empty (0 bytes).")
    if len(data) > MAX_BYTES:
        raise ImageDecodeError(f"The image is larger than {MAX_BYTES // (1024 * 1024)} MB.")
    if svg.looks_like_svg(data):
        return svg.identify(data)  # vector output (output_format=svg): checked as XML, never rasterised here
    try:
        with _open(data) as im:
            fmt = ALLOWED_FORMATS.get(im.format or "")
            if fmt is None:
                raise ImageDecodeError(f"Unsupported image format {im.format or 'unknown'}.")
            width, height = im.size
            im.verify()
    except ImageDecodeError:
        raise
    except BaseException as e:
        raise _decode_error(e) from None
    return ImageInfo(fmt, width, height)


def _decode_error(e: BaseException) -> ImageDecodeError:
    if isinstance(e, Image.DecompressionBombError | Image.DecompressionBombWarning):
        return ImageDecodeError("The image has too many pixels (possible decompression bomb).")
    if isinstance(e, UnidentifiedImageError):
        return ImageDecodeError("The data is not an image.")
    if isinstance(e, _DECODE_ERRORS):
        return ImageDecodeError(f"The image is damaged or truncated ({type(e).__name__}).")
    raise e


def inspect(data: bytes) -> ImageInfo:
    """Identify and fully verify ``data``; raise ImageDecodeError with a human reason otherwise."""
    info = _identify(data)
    if info.format == "svg":
        return info
    try:
        with _open(data) as im:  # verify() leaves the image unusable; a full decode catches truncation
            im.load()
    except _DECODE_ERRORS as e:
        raise _decode_error(e) from None
    return info


def _checkerboard(size: tuple[int, int], cell: int = 8) -> Image.Image:
    board = Image.new("RGB", size, (204, 204, 204))
    tile = Image.new("RGB", (cell, cell), (255, 255, 255))
    for y in range(0, size[1], cell):
        for x in range((y // cell) % 2 * cell, size[0], cell * 2):
            board.paste(tile, (x, y))
    return board


def _thumbnail_of(im: Image.Image, edge: int) -> bytes:
    im.draft("RGB", (edge, edge))  # JPEG: decode at reduced scale, much faster
    im.seek(0)
    frame = ImageOps.exif_transpose(im)
    if frame.mode in ("I;16", "I;16B", "I;16L", "I"):
        frame = frame.point(lambda v: v / 256).convert("L")
    has_alpha = frame.mode in ("RGBA", "LA", "PA") or (frame.mode == "P" and "transparency" in frame.info)
    target = "RGBA" if has_alpha else "RGB"
    if frame.mode != target:
        frame = frame.convert(target)
    # reducing_gap: shrink by an integer factor first, then resample — near-LANCZOS quality, far cheaper
    frame.thumbnail((edge, edge), Image.Resampling.BICUBIC, reducing_gap=2.0)
    if has_alpha:
        board = _checkerboard(frame.size)
        board.paste(frame, mask=frame.getchannel("A"))
        frame = board
    out = io.BytesIO()
    frame.save(out, "JPEG", quality=85, optimize=False)
    return out.getvalue()


def make_thumbnail(data: bytes, edge: int = THUMB_EDGE) -> bytes:
    """A JPEG of at most ``edge`` px; transparency is shown over a checkerboard; animations use frame 0."""
    try:
        with _open(data) as im:
            return _thumbnail_of(im, edge)
    except _DECODE_ERRORS as e:
        raise ImageDecodeError(f"No thumbnail could be made ({type(e).__name__}).") from None


def inspect_with_thumbnail(
    data: bytes, edge: int = THUMB_EDGE, *, also: Callable[[Image.Image], object] | None = None
) -> tuple[ImageInfo, bytes | None]:
    """``inspect`` and ``make_thumbnail`` with ONE decode: the thumbnail's decode also proves the data is whole.

    If only the thumbnail fails (an unusual mode), a full ``inspect`` decides: a sound image is kept with no
    thumbnail (the integrity check rebuilds it), a damaged one is refused.
    """
    info = _identify(data)
    if info.format == "svg":
        return info, None  # Pillow cannot draw SVG; the app renders its thumbnail with Qt's SVG renderer
    try:
        with _open(data) as im:
            thumbnail = _thumbnail_of(im, edge)
            if also is not None:
                also(im)  # more from the pixels already decoded (the perceptual hash)
            return info, thumbnail
    except _DECODE_ERRORS:
        return inspect(data), None
