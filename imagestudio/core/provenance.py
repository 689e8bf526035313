"""Provenance facts about an original file: does it carry a C2PA manifest (the provider's signed "made by AI"
record)? Read-only; the original is never changed."""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def has_c2pa(data: bytes) -> bool:
    """PNG: a ``caBX`` chunk; JPEG (APP11), WebP (``C2PA`` chunk) and others: a JUMBF box labelled c2pa."""
    if data.startswith(_PNG_SIGNATURE):
        pos = len(_PNG_SIGNATURE)
        while pos + 8 <= len(data):
            length, kind = struct.unpack(">I4s", data[pos : pos + 8])
            if kind == b"caBX":
                return True
            if kind == b"IEND":
                return False
            pos += 12 + length
        return False
    return b"jumb" in data and b"c2pa" in data


@dataclass(frozen=True, slots=True)
class FileFacts:
    byte_size: int | None  # None: the original is missing or unreadable
    c2pa: bool


def file_facts(path: str) -> FileFacts:
    """For the metadata panel; reads the file, so call it on a worker thread."""
    try:
        data = Path(path).read_bytes()
    except OSError:
        return FileFacts(None, False)
    return FileFacts(len(data), has_c2pa(data))
