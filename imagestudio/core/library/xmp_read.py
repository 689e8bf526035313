"""Reading XMP written by other tools (Lightroom, Bridge, darktable, digiKam, exiftool) and by our own export:
dc:description → prompt, dc:subject and lr:hierarchicalSubject → tags, xmp:Rating → stars (-1 = rejected, Adobe's
convention), xmp:Label Pick/Reject → flag, the ``imagestudio`` namespace → model and parameters. From the XMP
packet inside an image file or from a ``.xmp`` sidecar.

Parsed safely: the packet is capped (1 MB), anything with a DOCTYPE or ENTITY declaration is ignored (no entity
expansion, no outside references), text values are capped; reading never fails — odd XMP is simply ignored."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from typing import Any

MAX_PACKET = 1024 * 1024
MAX_TEXT = 64 * 1024
MAX_TAGS = 200
_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_DC = "http://purl.org/dc/elements/1.1/"
_XMP = "http://ns.adobe.com/xap/1.0/"
_LR = "http://ns.adobe.com/lightroom/1.0/"
_OURS = "http://ns.imagestudio.app/xmp/1.0/"
_XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_PACKET = re.compile(rb"<x:xmpmeta[\s>].*?</x:xmpmeta>|<rdf:RDF[\s>].*?</rdf:RDF>", re.S)


@dataclass(frozen=True, slots=True)
class XmpFacts:
    description: str = ""
    tags: tuple[str, ...] = ()
    rating: int = 0  # 0–5
    flag: int = 0  # 1 pick, -1 rejected
    model: str = ""
    params: dict[str, Any] | None = None

    @property
    def empty(self) -> bool:
        return self == XmpFacts()


def find_packet(data: bytes) -> bytes | None:
    """The first XMP packet in a file's bytes (PNG iTXt, JPEG APP1, WebP/AVIF chunks, or a sidecar file)."""
    match = _PACKET.search(data[: 64 * 1024 * 1024])
    if match is None or len(match.group(0)) > MAX_PACKET:
        return None
    return match.group(0)


def read_xmp(data: bytes) -> XmpFacts:
    packet = find_packet(data)
    if packet is None:
        return XmpFacts()
    try:
        return _parse(packet)
    except (ET.ParseError, ValueError, RecursionError):
        return XmpFacts()


def _parse(packet: bytes) -> XmpFacts:
    upper = packet.upper()
    if b"<!DOCTYPE" in upper or b"<!ENTITY" in upper:
        return XmpFacts()  # never expand entities
    if packet.startswith(b"<rdf:RDF"):  # a bare RDF block: give it its namespace
        packet = packet.replace(b"<rdf:RDF", b'<rdf:RDF xmlns:rdf="' + _RDF.encode() + b'"', 1)
    root = ET.fromstring(packet)
    values: dict[str, list[str]] = {}
    for desc in root.iter(f"{{{_RDF}}}Description"):
        for name, value in desc.attrib.items():  # Lightroom writes simple values as attributes
            values.setdefault(name, []).append(value)
        for child in desc:
            values.setdefault(child.tag, []).extend(_items(child))
    description = _pick_text(root)
    tags = [t for t in values.get(f"{{{_DC}}}subject", [])]
    tags += [h.split("|")[-1] for h in values.get(f"{{{_LR}}}hierarchicalSubject", [])]
    cleaned = list(dict.fromkeys(" ".join(t.split())[:200] for t in tags if t.strip()))[:MAX_TAGS]
    rating, flag = _rating(values.get(f"{{{_XMP}}}Rating", []))
    label = (values.get(f"{{{_XMP}}}Label") or [""])[0].strip().lower()
    if label in ("pick", "picked", "select", "selected"):
        flag = 1
    elif label in ("reject", "rejected"):
        flag = -1
    params = None
    raw = (values.get(f"{{{_OURS}}}parameters") or [""])[0]
    if raw:
        try:
            loaded = json.loads(raw[:MAX_TEXT])
            params = loaded if isinstance(loaded, dict) else None
        except ValueError:
            params = None
    return XmpFacts(
        description=description[:MAX_TEXT],
        tags=tuple(cleaned),
        rating=rating,
        flag=flag,
        model=(values.get(f"{{{_OURS}}}model") or [""])[0][:200],
        params=params,
    )


def _items(element: ET.Element) -> list[str]:
    """A property's values: its text, or the rdf:li of its Bag/Seq/Alt."""
    lis = [li.text or "" for li in element.iter(f"{{{_RDF}}}li")]
    if lis:
        return [t[:MAX_TEXT] for t in lis]
    return [(element.text or "").strip()[:MAX_TEXT]]


def _pick_text(root: ET.Element) -> str:
    """dc:description's x-default entry (or its first one)."""
    for desc in root.iter(f"{{{_DC}}}description"):
        lis = list(desc.iter(f"{{{_RDF}}}li"))
        chosen = next((li for li in lis if li.get(_XML_LANG) == "x-default"), lis[0] if lis else desc)
        return (chosen.text or "").strip()
    return ""


def _rating(raw: list[str]) -> tuple[int, int]:
    """(stars, flag): -1 means rejected (Adobe); fractional or out-of-range values are clamped."""
    for text in raw:
        try:
            value = float(text.strip())
        except ValueError:
            continue
        if value != value:  # NaN
            continue
        if value < 0:
            return 0, -1
        return int(min(5.0, value)), 0
    return 0, 0
