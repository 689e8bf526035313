"""SVG results (``output_format=svg``): recognised and checked as XML, kept byte-exact, never rasterised in core.

Only a plain SVG document is accepted: no DOCTYPE or entity declarations (they enable entity-expansion bombs
and external fetches), a root ``<svg>`` element, and a size taken from width/height or the viewBox. Every number
turned into a size is bounded: ``1e300``, ``1e400``, a 400-digit width or ``nan`` are ignored (the size is then
taken from the other source or the default), never an ``OverflowError`` or an integer SQLite cannot hold.

``for_rendering`` prepares the bytes a renderer (the app's Qt one) may draw: within an element budget, and with
every reference to anything outside the document removed (``<image href="/local/file.png">``, ``http:`` links,
``<use href="other.svg#x">``, scripts, foreign objects, CSS ``url()``/``@import``), so drawing a thumbnail never
reads a local file or the network.
"""

from __future__ import annotations

import math
import re
import xml.etree.ElementTree as ET
from typing import TYPE_CHECKING

from imagestudio.core.errors import ImageDecodeError

if TYPE_CHECKING:  # imageio imports this module; ImageInfo is imported lazily at run time
    from imagestudio.core.files.imageio import ImageInfo

MAX_SVG_BYTES = 16 * 1024 * 1024
DEFAULT_SIZE = 1024
MAX_EDGE = 100_000  # larger widths, heights or viewBox sizes are treated as absent
MAX_RENDER_ELEMENTS = 20_000  # more are not drawn (a placeholder instead): 190k elements took 14 s a paint
_LENGTH = re.compile(r"^\s*([0-9]{0,12}\.?[0-9]{1,12}(?:[eE][+-]?[0-9]{1,3})?)\s*(px)?\s*$")


def looks_like_svg(data: bytes) -> bool:
    head = data[:512].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    return head.startswith(b"<svg") or (head.startswith(b"<?xml") and b"<svg" in data[:4096].lower())


def _bounded(value: float) -> int | None:
    """A positive finite size up to MAX_EDGE as an int; anything else (inf, nan, 1e300, 0) as None."""
    if not math.isfinite(value) or value <= 0 or value > MAX_EDGE:
        return None
    return max(1, round(value))


def _number(text: str) -> float:
    try:
        return float(text) if len(text) <= 40 else math.nan  # float("9" * 400) is inf; 40 chars is plenty
    except ValueError:
        return math.nan


def _length(value: str | None) -> int | None:
    if not value or len(value) > 64:
        return None
    m = _LENGTH.match(value)
    return _bounded(_number(m.group(1))) if m else None


def identify(data: bytes) -> ImageInfo:
    from imagestudio.core.files.imageio import ImageInfo

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
    box = (root.get("viewBox") or "")[:400].replace(",", " ").split()
    if (width is None or height is None) and len(box) == 4:
        box_w, box_h = _bounded(_number(box[2])), _bounded(_number(box[3]))
        if box_w is not None and box_h is not None:
            width = width or box_w
            height = height or box_h
    return ImageInfo("svg", width or DEFAULT_SIZE, height or DEFAULT_SIZE)


_NS = "http://www.w3.org/2000/svg"
_XLINK = "http://www.w3.org/1999/xlink"
ET.register_namespace("", _NS)  # serialised back without ns0: prefixes, which renderers do not read
ET.register_namespace("xlink", _XLINK)
_DROP = {"script", "foreignObject", "iframe", "audio", "video", "handler", "listener"}
_SAFE_DATA = re.compile(r"^\s*data:image/(png|jpeg|jpg|gif|webp);base64,", re.IGNORECASE)
_URL = re.compile(r"url\(\s*['\"]?\s*([^'\")\s]*)", re.IGNORECASE)


def _local(name: str) -> str:
    return name.rsplit("}", 1)[-1]


def _href(element: ET.Element) -> str:
    return next((v for k, v in element.attrib.items() if _local(k) == "href"), "")


def _outside_url(value: str) -> bool:
    """Whether a CSS or presentation value points at anything but a fragment of this document."""
    return "@import" in value.lower() or any(not m.group(1).startswith("#") for m in _URL.finditer(value))


def for_rendering(data: bytes) -> bytes | None:
    """The SVG with every outside reference removed, or None when it must not be drawn (not a plain SVG, or
    more than MAX_RENDER_ELEMENTS elements). Runs off the GUI thread (a 16 MB document parses in ~0.5 s)."""
    try:
        identify(data)
        root = ET.fromstring(data.decode("utf-8"))
    except (ImageDecodeError, ET.ParseError, UnicodeDecodeError, ValueError, RecursionError):
        return None
    elements = list(root.iter())
    if len(elements) > MAX_RENDER_ELEMENTS:
        return None
    for parent in elements:
        for child in list(parent):
            if not isinstance(child.tag, str) or _local(child.tag) in _DROP:
                parent.remove(child)
                continue
            if _local(child.tag) == "style" and _outside_url(child.text or ""):
                parent.remove(child)
                continue
            if _local(child.tag) in ("image", "feImage") and not _SAFE_DATA.match(_href(child)):
                parent.remove(child)  # a picture from anywhere but this document's own data: not drawn
                continue
            for key, value in list(child.attrib.items()):
                name = _local(key)
                outside_href = name == "href" and not value.startswith("#") and not _SAFE_DATA.match(value)
                if name.lower().startswith("on") or outside_href or _outside_url(value):
                    del child.attrib[key]
    for key in [k for k in root.attrib if _local(k).lower().startswith("on") or _outside_url(root.attrib[k])]:
        del root.attrib[key]
    return bytes(ET.tostring(root, encoding="utf-8"))
