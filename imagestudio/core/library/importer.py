"""Import image files and folders from outside into the library.

Each file is read, checked, hashed, and — unless already in the library — verified by a full decode and
copied byte-exact like a generated image (``Library.store_file``: files first); then a batch of rows goes in ONE
transaction. Exact duplicates (same sha256) are skipped. A file that cannot be used is reported with a reason
and the import goes on with the rest: nothing one entry does (a FIFO, ``/dev/zero`` behind a link, a number too
large for SQLite, a file name that is not UTF-8) aborts the others or leaves an orphan (``core/files/outside.py``).

Inside a chosen folder only regular files are read; a link is followed only when it points inside one of the
chosen folders (it is reported otherwise); a linked folder is reported, never walked (loops, and the other side
of the disk)."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagestudio.core.crashpoints import crash_point
from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.files import imageio
from imagestudio.core.files.outside import Refused, path_text, read_regular, safe_text
from imagestudio.core.library import culling, organise, xmp_read
from imagestudio.core.library.library import Library, StoredFile
from imagestudio.core.library.metadata import EmbeddedMetadata, read_metadata
from imagestudio.core.library.xmp_read import XmpFacts
from imagestudio.core.types import GeneratedImage

BATCH = 200
READ_TIMEOUT_S = 30.0  # per file: a stalled network share is given up with a reason
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
    xmp: XmpFacts = field(default_factory=XmpFacts)  # from the file's XMP packet, or its .xmp sidecar (which wins)


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


def _inside(target: str, roots: list[str]) -> bool:
    return any(target == r or target.startswith(r.rstrip(os.sep) + os.sep) for r in roots)


def expand(paths: Iterable[str | Path]) -> Iterator[Path | ImportItem]:
    """Files given, and every file under folders given (sorted, hidden ones and .xmp sidecars left out); or a
    report line.

    A file given by name is read even if it is a link (the person chose it). Inside folders, links are followed
    only to files inside the chosen folders; linked folders are reported and not walked."""
    given = [Path(raw).expanduser() for raw in paths]
    roots = [os.path.realpath(p) for p in given if p.is_dir()]
    for path in given:
        if not path.is_dir():
            if path.exists():
                yield path  # prepare() refuses what is not a regular file, with the reason
            else:
                yield ImportItem(path_text(path), "skipped", "not found")
            continue
        for dirpath, dirs, files in os.walk(path, onerror=None, followlinks=False):
            for name in sorted(d for d in dirs if not d.startswith(".")):
                folder = os.path.join(dirpath, name)
                if os.path.islink(folder):
                    yield ImportItem(path_text(folder), "skipped", "linked folder not followed")
            dirs[:] = sorted(d for d in dirs if not d.startswith(".") and not os.path.islink(os.path.join(dirpath, d)))
            for name in sorted(files):
                if name.startswith(".") or name.lower().endswith(".xmp"):
                    continue  # hidden files; .xmp sidecars are read with their image (_xmp_of)
                file = Path(dirpath) / name
                if file.is_symlink() and not _inside(os.path.realpath(file), roots):
                    yield ImportItem(path_text(file), "skipped", "link to outside the chosen folders")
                else:
                    yield file


def _reason(message: str) -> str:
    for needle, reason in _REASONS:
        if needle in message:
            return reason
    return "unreadable"


def prepare(library: Library, path: Path) -> Prepared | ImportItem:
    """Read, verify, de-duplicate and copy one file (a worker thread). Never raises for a bad file."""
    shown = path_text(path)
    try:
        return _prepare(library, path, shown)
    except Exception as e:  # one file's surprise (MemoryError, a parser bug) never ends the import
        return ImportItem(shown, "skipped", "could not be imported", detail=type(e).__name__)


def _prepare(library: Library, path: Path, shown: str) -> Prepared | ImportItem:
    try:
        data, mtime = read_regular(path, max_bytes=imageio.MAX_BYTES, timeout_s=READ_TIMEOUT_S)
    except Refused as e:
        return ImportItem(shown, "skipped", e.reason, detail=e.detail)
    try:
        info = imageio.identify(data)  # the cheap checks; store_file's decode is the full one
    except ImageDecodeError as e:
        return ImportItem(shown, "skipped", _reason(e.message), detail=e.message)
    digest = hashlib.sha256(data).hexdigest()
    known = library.db.read("SELECT id, trashed_at FROM images WHERE sha256 = ?", (digest,))
    if known:
        where = " (in the trash)" if known[0][1] is not None else ""
        return ImportItem(shown, "duplicate", f"same file as #{known[0][0]}{where}", image_id=int(known[0][0]))
    try:
        stored = library.store_file(GeneratedImage(data, info.format), sha256=digest)
    except ImageDecodeError as e:
        return ImportItem(shown, "skipped", _reason(e.message), detail=e.message)
    except OSError as e:
        return ImportItem(shown, "skipped", "could not be copied", detail=e.strerror or type(e).__name__)
    try:
        meta = read_metadata(data)
    except Exception:  # metadata is a bonus: odd metadata is ignored, the image is kept
        meta = EmbeddedMetadata()
    return Prepared(shown, stored, meta, mtime, _xmp_of(path, data))


def _xmp_of(path: Path, data: bytes) -> XmpFacts:
    """The sidecar (``photo.xmp`` as Lightroom/Bridge name it, or ``photo.jpg.xmp`` as darktable/digiKam do) wins
    over the file's own packet; a sidecar is read like any outside file (regular files only, capped)."""
    try:
        for sidecar in (path.with_suffix(".xmp"), path.with_name(path.name + ".xmp")):
            if sidecar != path and sidecar.is_file():
                try:
                    text, _mtime = read_regular(sidecar, max_bytes=xmp_read.MAX_PACKET, timeout_s=READ_TIMEOUT_S)
                except Refused:
                    continue
                found = xmp_read.read_xmp(text)
                if not found.empty:
                    return found
        return xmp_read.read_xmp(data)
    except Exception:  # metadata is a bonus
        return XmpFacts()


def _row(p: Prepared, created_at: float, source: str) -> dict[str, Any]:
    params: dict[str, Any] = {
        "imported_from": p.path,
        "file_mtime": p.mtime,
        "embedded": p.meta.source or None,
        "c2pa": p.meta.c2pa,
    }
    if p.meta.params:
        params["metadata"] = p.meta.params
    elif p.xmp.params:
        params["metadata"] = p.xmp.params
    if isinstance(p.meta.params.get("negative_prompt"), str):
        params["negative_prompt"] = p.meta.params["negative_prompt"]
    return {
        "sha256": p.stored.sha256,
        "rel_path": p.stored.rel_path,
        "thumb_rel": p.stored.thumb_rel,
        "format": p.stored.info.format,
        "width": p.stored.info.width,
        "height": p.stored.info.height,
        "byte_size": p.stored.byte_size,
        "prompt": safe_text(p.meta.prompt or p.xmp.description or Path(p.path).stem),
        "model": safe_text(p.meta.model or p.xmp.model),
        "provider": "import",
        "params_json": safe_text(json.dumps(params, ensure_ascii=False, default=str)),
        "usage_json": "{}",
        "is_demo": 0,
        "created_at": created_at,
        "source": source,
        "phash": p.stored.phash,
    }


def commit(library: Library, prepared: list[Prepared], *, source: str = "imported") -> list[ImportItem]:
    """One transaction for the rows of a batch (the DB thread). Duplicates inside the batch keep one row.

    If the batch cannot be written as a whole, each row is tried on its own: a row that still fails is
    reported (``could not be recorded``) and its files are removed again, unless another row uses them."""
    crash_point("import.after_prepare")
    now = library.db.clock.now()
    firsts: dict[str, str] = {}
    items: list[ImportItem] = []
    failed: list[Prepared] = []
    good: list[tuple[Prepared, dict[str, Any]]] = []
    for i, p in enumerate(prepared):
        try:
            good.append((p, _row(p, now + i * 1e-6, source)))
        except Exception as e:  # one entry's metadata never costs the others
            items.append(_unrecorded(p, e))
            failed.append(p)
    try:
        ids: list[int | None] = list(
            library.db.insert_images([r for _p, r in good], also=_culled([p for p, _ in good]))
        )
    except Exception:  # find the entry at fault: each alone
        ids = []
        for p, row in good:
            try:
                ids.extend(library.db.insert_images([row], also=_culled([p])))
            except Exception as e:
                items.append(_unrecorded(p, e))
                failed.append(p)
                ids.append(None)
    if source != "adopted":  # an orphan being adopted is never deleted, even when its row cannot be written
        _remove_unreferenced(library, failed)
    crash_point("import.after_commit")
    for (p, _), image_id in zip(good, ids, strict=True):
        if image_id is None:
            continue
        firsts.setdefault(p.stored.sha256, p.path)
        if firsts[p.stored.sha256] == p.path:
            note = "C2PA manifest present" if p.meta.c2pa else ""
            items.append(ImportItem(p.path, "imported", image_id=image_id, detail=note))
        else:
            items.append(ImportItem(p.path, "duplicate", f"same file as {firsts[p.stored.sha256]}", image_id))
    return items


def _culled(prepared: list[Prepared]) -> Callable[[sqlite3.Connection, list[int]], None]:
    """Stars, flag and tags read from XMP, written in the rows' own transaction (new rows only: a duplicate keeps
    what the library already says)."""

    def apply(c: sqlite3.Connection, ids: list[int]) -> None:
        for p, image_id in zip(prepared, ids, strict=True):
            facts = p.xmp
            fresh = c.execute("SELECT rating = 0 AND flag = 0 FROM images WHERE id = ?", (image_id,)).fetchone()
            if facts.empty or not fresh or not fresh[0] or _already_tagged(c, image_id):
                continue
            try:
                if facts.rating:
                    culling.set_rating(c, [image_id], facts.rating)
                if facts.flag:
                    culling.set_flag(c, [image_id], facts.flag)
                if facts.tags:
                    organise.change_tags(c, [image_id], add=facts.tags)
            except organise.LibraryError:  # an odd value: the image is imported without it
                continue

    return apply


def _already_tagged(c: sqlite3.Connection, image_id: int) -> bool:
    return c.execute("SELECT 1 FROM image_tags WHERE image_id = ?", (image_id,)).fetchone() is not None


def _unrecorded(p: Prepared, error: Exception) -> ImportItem:
    return ImportItem(p.path, "skipped", "could not be recorded", detail=type(error).__name__)


def discard(library: Library, prepared: list[Prepared]) -> None:
    """Copies that will not get a row (a watched file that changed while it was read): removed unless a row
    names them."""
    _remove_unreferenced(library, prepared)


def _remove_unreferenced(library: Library, failed: list[Prepared]) -> None:
    """Rows that could not be written: their copied files go again unless a row names them (no orphans)."""
    for p in failed:
        try:
            if not library.db.read("SELECT 1 FROM images WHERE sha256 = ?", (p.stored.sha256,)):
                library.absolute(p.stored.rel_path).unlink(missing_ok=True)
                if p.stored.thumb_rel:
                    (library.paths.cache / p.stored.thumb_rel).unlink(missing_ok=True)
        except Exception:  # an orphan at worst, adopted or reported by `library check`
            pass


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
