"""Provenance facts about an original file: does it carry a C2PA manifest (the provider's signed "made by AI"
record)? Read-only; the original is never changed."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class FileFacts:
    byte_size: int | None  # None: the original is missing or unreadable
    c2pa: bool


def file_facts(path: str) -> FileFacts:
    """For the metadata panel; reads the file, so call it on a worker thread."""
    # the one C2PA detector (the importer's); imported here because its module brings Pillow, which the
    # window does not load before it shows
    from imagestudio.core.library.metadata import has_c2pa

    try:
        data = Path(path).read_bytes()
    except OSError:
        return FileFacts(None, False)
    return FileFacts(len(data), has_c2pa(data))
