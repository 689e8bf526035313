"""Edit inputs: input images, masks and markup drawings, checked before anything is uploaded.

The API's rules (see docs/openai-api.md): up to 16 input images, each under 50 MB (PNG/JPEG/WebP); a mask is a
PNG under 4 MB with an alpha channel, exactly the first image's size, transparent where the edit happens; a
markup drawing is a transparent PNG of the same size, never sent together with a mask.
Everything here does file I/O and decoding: call it off the GUI thread.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass
from pathlib import Path

from PIL import Image

from imagestudio.core.errors import ImageDecodeError, InvalidRequest
from imagestudio.core.files import imageio
from imagestudio.core.types import EditRequest

MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_MASK_BYTES = 4 * 1024 * 1024
_MIME = {"png": "image/png", "jpeg": "image/jpeg", "webp": "image/webp"}


@dataclass(frozen=True, slots=True)
class Upload:
    """One multipart file: (name, bytes, content type) is what the SDK sends as a file part."""

    filename: str
    data: bytes
    mime: str
    width: int
    height: int

    def as_file(self) -> tuple[str, bytes, str]:
        return (self.filename, self.data, self.mime)


@dataclass(frozen=True, slots=True)
class EditUploads:
    images: tuple[Upload, ...]
    mask: Upload | None = None
    markup: Upload | None = None


def _read(path: str, what: str, limit: int) -> bytes:
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > limit:
            raise InvalidRequest(f"The {what} {p.name} is larger than {limit // (1024 * 1024)} MB.")
        return p.read_bytes()
    except OSError as e:
        raise InvalidRequest(f"The {what} {p.name} could not be read ({e.strerror or type(e).__name__}).") from None


def _upload(path: str, what: str, limit: int, *, png_only: bool = False) -> Upload:
    data = _read(path, what, limit)
    try:
        info = imageio.inspect(data)
    except ImageDecodeError as e:
        raise InvalidRequest(f"The {what} {Path(path).name} is not usable: {e.message}") from None
    if info.format not in _MIME or (png_only and info.format != "png"):
        allowed = "PNG" if png_only else "PNG, JPEG or WebP"
        raise InvalidRequest(f"The {what} {Path(path).name} is {info.format.upper()}; it must be {allowed}.")
    return Upload(Path(path).name, data, _MIME[info.format], info.width, info.height)


def has_alpha(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as im:
        return im.mode in ("RGBA", "LA", "PA") or (im.mode == "P" and "transparency" in im.info)


def load_edit_uploads(request: EditRequest) -> EditUploads:
    """Read and check every file of ``request``; raise InvalidRequest with a human message."""
    if not request.images:
        raise InvalidRequest("Add at least one input image to edit.")
    images = tuple(_upload(path, f"input image {i + 1}", MAX_IMAGE_BYTES) for i, path in enumerate(request.images))
    first = images[0]
    extras: dict[str, Upload] = {}
    for name, path, limit in (("mask", request.mask, MAX_MASK_BYTES), ("markup", request.markup, MAX_IMAGE_BYTES)):
        if not path:
            continue
        upload = _upload(path, name, limit, png_only=True)
        if not has_alpha(upload.data):
            raise InvalidRequest(f"The {name} must be a PNG with transparency (an alpha channel).")
        if (upload.width, upload.height) != (first.width, first.height):
            raise InvalidRequest(
                f"The {name} is {upload.width}x{upload.height} but the first image is "
                f"{first.width}x{first.height}; they must be the same size."
            )
        extras[name] = upload
    if "mask" in extras and "markup" in extras:
        raise InvalidRequest("Use either a mask or a markup drawing, not both.")
    return EditUploads(images, extras.get("mask"), extras.get("markup"))


def mask_from_coverage(coverage: Image.Image, size: tuple[int, int]) -> bytes:
    """A mask PNG from a painted coverage image ('L': 255 = painted = edit here) at exactly ``size``.

    Painted pixels become fully transparent (the API edits where alpha is 0), the rest opaque black.
    """
    cover = coverage.convert("L")
    if cover.size != size:
        cover = cover.resize(size, Image.Resampling.NEAREST)
    alpha = cover.point(lambda v: 0 if v >= 128 else 255)
    mask = Image.new("RGBA", size, (0, 0, 0, 255))
    mask.putalpha(alpha)
    out = io.BytesIO()
    mask.save(out, "PNG", optimize=True)
    return out.getvalue()


def convert_mask(data: bytes, size: tuple[int, int]) -> bytes:
    """Turn an outside mask (black/white or with alpha) into the API's form: white/transparent = edit here."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)  # Pillow only warns up to 2x the limit
            im = Image.open(io.BytesIO(data))
        with im:
            im.load()
            if im.mode in ("RGBA", "LA") or (im.mode == "P" and "transparency" in im.info):
                coverage = im.convert("RGBA").getchannel("A").point(lambda v: 255 if v < 128 else 0)
            else:
                coverage = im.convert("L")  # white marks the area to edit
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise InvalidRequest("The mask has too many pixels (possible decompression bomb).") from None
    except (OSError, ValueError, EOFError, SyntaxError) as e:
        raise InvalidRequest(f"The mask is not a usable image ({type(e).__name__}).") from None
    result = mask_from_coverage(coverage, size)
    if len(result) > MAX_MASK_BYTES:
        raise InvalidRequest("The mask would be larger than 4 MB.")
    return result
