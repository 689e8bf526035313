"""Import image files and folders from outside into the library.

Each file is read, checked, hashed, and — unless already in the library — verified by a full decode and
copied byte-exact like a generated image (``Library.store_file``: files first); then a batch of rows goes in ONE
transaction. Exact duplicates (same sha256) are skipped. A file that cannot be used is reported with a reason
and the import goes on with the rest."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagestudio.core import imageio
from imagestudio.core.crashpoints import crash_point
from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.library.library import Library, StoredFile
from imagestudio.core.library.metadata import EmbeddedMetadata, read_metadata
from imagestudio.core.types import GeneratedImage

BATCH = 200
#: How ``imageio.inspect``'s human messages map to the short reasons of an import report.
_REASONS = (
    ("empty", "empty file"),
    ("larger than", "too large"),
    ("Unsupported image format", "unsupported format"),
    ("decompression bomb", "decompression bomb"),
    ("not an image", "not an image"),
    ("damaged or truncated", "truncated or damaged"),
)


@dataclass(frozen=True, slots=True)
class ImportItem:
    path: str
    status: str  # imported / duplicate / skipped
    reason: str = ""
    image_id: int | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        return {
            k: v
            for k, v in (
                ("path", self.path),
                ("status", self.status),
                ("reason", self.reason),
                ("id", self.image_id),
                ("detail", self.detail),
            )
            if v not in ("", None)
        }


@dataclass(frozen=True, slots=True)
class Prepared:
    """A verified file already copied into the library, waiting for its row."""

    path: str
    stored: StoredFile
    meta: EmbeddedMetadata
    mtime: float


@dataclass
class ImportReport:
    items: list[ImportItem] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for i in self.items if i.status == status)

    @property
    def added_ids(self) -> list[int]:
        return [i.image_id for i in self.items if i.status == "imported" and i.image_id is not None]

    def summary(self) -> str:
        return (
            f"{self.count('imported')} imported, {self.count('duplicate')} already in the library, "
            f"{self.count('skipped')} skipped"
        )


def expand(paths: Iterable[str | Path]) -> Iterator[Path | ImportItem]:
    """Files given, and every file under folders given (sorted, hidden ones left out); or a report line."""
    for raw in paths:
        path = Path(raw).expanduser()
        if path.is_dir():
            for dirpath, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    if not name.startswith("."):
                        yield Path(dirpath) / name
        elif path.is_file():
            yield path
        elif path.exists():
            yield ImportItem(str(path), "skipped", "not a regular file")
        else:
            yield ImportItem(str(path), "skipped", "not found")


def _reason(message: str) -> str:
    for needle, reason in _REASONS:
        if needle in message:
            return reason
    return "unreadable"


def prepare(library: Library, path: Path) -> Prepared | ImportItem:
    """Read, verify, de-duplicate and copy one file (a worker thread). Never raises for a bad file."""
    try:
        size = path.stat().st_size
        if size > imageio.MAX_BYTES:
            return ImportItem(str(path), "skipped", "too large", detail=f"{size} bytes")
        data = path.read_bytes()
        mtime = path.stat().st_mtime
    except OSError as e:
        return ImportItem(str(path), "skipped", "unreadable", detail=e.strerror or type(e).__name__)
    try:
        info = imageio.identify(data)  # the cheap checks; store_file's decode is the full one
    except ImageDecodeError as e:
        return ImportItem(str(path), "skipped", _reason(e.message), detail=e.message)
    digest = hashlib.sha256(data).hexdigest()
    known = library.db.read("SELECT id, trashed_at FROM images WHERE sha256 = ?", (digest,))
    if known:
        where = " (in the trash)" if known[0][1] is not None else ""
        return ImportItem(str(path), "duplicate", f"same file as #{known[0][0]}{where}", image_id=int(known[0][0]))
    try:
        stored = library.store_file(GeneratedImage(data, info.format), sha256=digest)
    except ImageDecodeError as e:
        return ImportItem(str(path), "skipped", _reason(e.message), detail=e.message)
    except OSError as e:
        return ImportItem(str(path), "skipped", "could not be copied", detail=e.strerror or type(e).__name__)
    return Prepared(str(path), stored, read_metadata(data), mtime)


def commit(library: Library, prepared: list[Prepared], *, source: str = "imported") -> list[ImportItem]:
    """One transaction for the rows of a batch (the DB thread). Duplicates inside the batch keep one row."""
    crash_point("import.after_prepare")
    now = time.time()
    rows: list[dict[str, Any]] = []
    firsts: dict[str, str] = {}
    for i, p in enumerate(prepared):
        firsts.setdefault(p.stored.sha256, p.path)
        params: dict[str, Any] = {
            "imported_from": p.path,
            "file_mtime": p.mtime,
            "embedded": p.meta.source or None,
            "c2pa": p.meta.c2pa,
        }
        if p.meta.params:
            params["metadata"] = p.meta.params
        if isinstance(p.meta.params.get("negative_prompt"), str):
            params["negative_prompt"] = p.meta.params["negative_prompt"]
        rows.append(
            {
                "sha256": p.stored.sha256,
                "rel_path": p.stored.rel_path,
                "thumb_rel": p.stored.thumb_rel,
                "format": p.stored.info.format,
                "width": p.stored.info.width,
                "height": p.stored.info.height,
                "byte_size": p.stored.byte_size,
                "prompt": p.meta.prompt or Path(p.path).stem,
                "model": p.meta.model,
                "provider": "import",
                "params_json": json.dumps(params, ensure_ascii=False, default=str),
                "usage_json": "{}",
                "is_demo": 0,
                "created_at": now + i * 1e-6,
                "source": source,
                "phash": p.stored.phash,
            }
        )
    ids = library.db.insert_images(rows)
    crash_point("import.after_commit")
    items = []
    for p, image_id in zip(prepared, ids, strict=True):
        if firsts[p.stored.sha256] == p.path:
            note = "C2PA manifest present" if p.meta.c2pa else ""
            items.append(ImportItem(p.path, "imported", image_id=image_id, detail=note))
        else:
            items.append(ImportItem(p.path, "duplicate", f"same file as {firsts[p.stored.sha256]}", image_id))
    return items


def import_paths(
    library: Library,
    paths: Iterable[str | Path],
    *,
    on_batch: Callable[[list[ImportItem]], None] | None = None,
) -> ImportReport:
    """Everything in one thread (the CLI). The GUI runs ``prepare`` on its CPU pool and ``commit`` on its
    DB thread instead, with the same functions."""
    report = ImportReport()
    batch: list[Prepared] = []

    def flush() -> None:
        if batch:
            done = commit(library, batch)
            report.items.extend(done)
            if on_batch is not None:
                on_batch(done)
            batch.clear()

    for entry in expand(paths):
        result = entry if isinstance(entry, ImportItem) else prepare(library, entry)
        if isinstance(result, Prepared):
            batch.append(result)
            if len(batch) >= BATCH:
                flush()
        else:
            report.items.append(result)
    flush()
    return report
