"""SVG results (``output_format=svg``): recognised and checked as XML, kept byte-exact, never rasterised in core.

Only a plain SVG document is accepted: no DOCTYPE or entity declarations (they enable entity-expansion bombs
and external fetches), a root ``<svg>`` element, and a size taken from width/height or the viewBox.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from imagestudio.core.errors import ImageDecodeError

if TYPE_CHECKING:  # imageio imports this module; ImageInfo is imported lazily at run time
    from imagestudio.core.imageio import ImageInfo

MAX_SVG_BYTES = 16 * 1024 * 1024
DEFAULT_SIZE = 1024
_LENGTH = re.compile(r"^\s*([0-9]*\.?[0-9]+)\s*(px)?\s*$")


def looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower())


def _length(value: str | None) -> int | None:
    if not value:
        return None
    m = _LENGTH.match(value)
    return max(1, round(float(m.group(1)))) if m else None


def identify(data: bytes) -> ImageInfo:
    from imagestudio.core.imageio import ImageInfo

    if len(data) > MAX_SVG_BYTES:
        raise ImageDecodeError(f"The SVG is larger than {MAX_SVG_BYTES // (1024 * 1024)} MB.")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ImageDecodeError("The SVG is not valid UTF-8 text.") from None
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise ImageDecodeError("The SVG declares a DOCTYPE or entities, which are not accepted.")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as e:
        raise ImageDecodeError(f"The SVG is damaged or truncated ({e}).") from None
    if root.tag.rsplit("}", 1)[-1] != "svg":
        raise ImageDecodeError("The XML document is not an SVG image.")
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = (root.get("viewBox") or "").replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        try:
            box_w, box_h = float(box[2]), float(box[3])
        except ValueError:
            box_w = box_h = 0.0
        if box_w > 0 and box_h > 0:
            width = width or max(1, round(box_w))
            height = height or max(1, round(box_h))
    return ImageInfo("svg", width or DEFAULT_SIZE, height or DEFAULT_SIZE)
