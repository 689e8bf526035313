"""``library check [--repair]``: compare the DB (the truth) with the files on disk.

Finds: SQLite corruption (``PRAGMA integrity_check``), rows whose original is missing, originals whose
bytes no longer match their sha256, orphan files nobody references, missing thumbnails, a search index
out of step, images without a perceptual hash. ``repair`` fixes what it can without losing anything:
thumbnails and hashes are rebuilt, orphans are adopted as images (never deleted), missing originals are
marked (the row and its metadata stay), and it says plainly what it could not fix.

Nothing it finds makes it crash or hang: each row and each orphan is handled on its own (a failure is reported
for that entry), files are read only when they are regular files (a FIFO put in place of an original is
reported, not waited on), and names that are not UTF-8 are reported as ``\\xNN``."""

from __future__ import annotations

import hashlib
import os
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagestudio.core.errors import ImageDecodeError
from imagestudio.core.files import imageio
from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.files.outside import Refused, path_text, read_regular
from imagestudio.core.library import importer, search
from imagestudio.core.library.library import Library
from imagestudio.core.library.phash import phash_of


@dataclass
class IntegrityReport:
    database: list[str] = field(default_factory=list)  # integrity_check messages other than "ok"
    missing: list[int] = field(default_factory=list)
    mismatched: list[int] = field(default_factory=list)
    orphans: list[str] = field(default_factory=list)
    missing_thumbnails: list[int] = field(default_factory=list)
    unreadable: list[int] = field(default_factory=list)  # the original is there but cannot be read
    search_out_of_step: bool = False
    fixed: list[str] = field(default_factory=list)
    not_fixed: list[str] = field(default_factory=list)
    checked: int = 0
    cancelled: bool = False  # stopped by the person before the end (nothing was repaired)
    orphan_paths: list[str] = field(default_factory=list, repr=False)  # as on disk (``orphans``: as shown)

    @property
    def problems(self) -> int:
        return (
            len(self.database)
            + len(self.missing)
            + len(self.mismatched)
            + len(self.orphans)
            + len(self.missing_thumbnails)
            + len(self.unreadable)
            + int(self.search_out_of_step)
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "checked": self.checked,
            "problems": self.problems,
            "database": self.database,
            "missing_files": self.missing,
            "hash_mismatches": self.mismatched,
            "orphan_files": self.orphans,
            "missing_thumbnails": self.missing_thumbnails,
            "unreadable_files": self.unreadable,
            "search_index_out_of_step": self.search_out_of_step,
            "fixed": self.fixed,
            "not_fixed": self.not_fixed,
        }

    def lines(self) -> list[str]:
        out = [f"checked {self.checked} image(s): " + (f"{self.problems} problem(s)" if self.problems else "all good")]
        out += [f"database: {m}" for m in self.database]
        out += [f"missing original: #{i}" for i in self.missing]
        out += [f"original does not match its hash (damaged): #{i}" for i in self.mismatched]
        out += [f"original cannot be read (not a regular file, or no access): #{i}" for i in self.unreadable]
        out += [f"orphan file (not in the library): {p}" for p in self.orphans]
        if self.missing_thumbnails:
            out.append(f"missing thumbnails: {len(self.missing_thumbnails)}")
        if self.search_out_of_step:
            out.append("search index out of step")
        out += [f"fixed: {m}" for m in self.fixed]
        out += [f"NOT fixed: {m}" for m in self.not_fixed]
        return out


def check_database_file(path: Path) -> IntegrityReport:
    """When the library cannot even be opened: what SQLite itself says about the file (read-only)."""
    report = IntegrityReport()
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            report.database = [str(r[0]) for r in conn.execute("PRAGMA integrity_check") if str(r[0]) != "ok"]
        finally:
            conn.close()
    except sqlite3.DatabaseError as e:
        report.database = [str(e)]
    if not report.database:
        report.database = ["the library could not be opened"]
    report.not_fixed.append(_DAMAGED)
    return report


_DAMAGED = (
    "the database itself is damaged: keep a copy of library.sqlite3 and restore from a backup "
    "(sqlite3 library.sqlite3 .recover can save the rows)"
)


def _sha256_file(path: Path) -> str:
    """Raises ``Refused`` for anything but a readable regular file (a FIFO would block a plain ``open``)."""
    data, _mtime = read_regular(path, max_bytes=imageio.MAX_BYTES, timeout_s=120.0)
    return hashlib.sha256(data).hexdigest()


def check(
    library: Library,
    *,
    repair: bool = False,
    verify_hashes: bool = True,
    progress: Callable[[int, int], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
) -> IntegrityReport:
    """``progress(done, total)`` after each image; ``cancelled()`` true stops before any repair."""
    report = IntegrityReport()
    db = library.db
    report.database = [str(r[0]) for r in db.read("PRAGMA integrity_check") if str(r[0]) != "ok"]
    if report.database:
        report.not_fixed.append(_DAMAGED)
        return report  # reading further from a damaged DB could mislead the repairs
    rows = db.read("SELECT id, sha256, rel_path, thumb_rel, missing, phash FROM images")
    report.checked = len(rows)
    referenced: set[str] = set()
    now_missing, found_again, thumbs_done, hashes = [], [], [], []
    for done, (image_id, sha, rel, thumb_rel, was_missing, phash) in enumerate(rows):
        if cancelled is not None and cancelled():
            report.cancelled = True
            return report
        if progress is not None:
            progress(done, len(rows))
        referenced.add(os.path.normpath(rel))
        original = library.root / rel
        if original.exists() and not original.is_file():  # a FIFO, device or folder where the file was
            report.unreadable.append(image_id)
            continue
        if not original.is_file():
            report.missing.append(image_id)
            if not was_missing:
                now_missing.append(image_id)
            continue
        if was_missing:
            found_again.append(image_id)
        try:
            if verify_hashes and _sha256_file(original) != sha:
                report.mismatched.append(image_id)
                continue
        except Refused:
            report.unreadable.append(image_id)
            continue
        if not thumb_rel or not (library.paths.cache / thumb_rel).is_file():
            report.missing_thumbnails.append(image_id)
            if repair:
                thumbs_done.append((image_id, _rebuild_thumbnail(library, original, sha)))
        if repair and phash is None:
            hashes.append((_phash(original), image_id))
    indexed = db.read("SELECT count(*) FROM image_search")[0][0]
    report.search_out_of_step = indexed != len(rows)
    report.orphan_paths = _orphans(library, referenced)
    report.orphans = [path_text(p) for p in report.orphan_paths]
    if not repair:
        return report
    _repair(library, report, now_missing, found_again, thumbs_done, hashes)
    return report


def _phash(original: Path) -> int | None:
    try:
        return phash_of(read_regular(original, max_bytes=imageio.MAX_BYTES)[0])
    except Exception:  # no hash for this one; find similar skips it
        return None


def _rebuild_thumbnail(library: Library, original: Path, sha: str) -> str | None:
    rel = str(Path("thumbs") / sha[:2] / f"{sha}.jpg")
    try:
        data, _mtime = read_regular(original, max_bytes=imageio.MAX_BYTES)
        thumbnail = library.thumbnail_of(data)
        if thumbnail is None:
            return None
        atomic_write(library.paths.cache / rel, thumbnail, tmp_dir=library.cache_tmp)
    except (ImageDecodeError, OSError, Refused, ValueError, MemoryError):
        return None
    return rel


def _orphans(library: Library, referenced: set[str]) -> list[str]:
    found = []
    for dirpath, _dirs, files in os.walk(library.paths.originals):
        for name in files:
            rel = os.path.normpath(os.path.relpath(os.path.join(dirpath, name), library.root))
            if rel not in referenced:
                found.append(rel)
    return sorted(found)


def _repair(
    library: Library,
    report: IntegrityReport,
    now_missing: list[int],
    found_again: list[int],
    thumbs_done: list[tuple[int, str | None]],
    hashes: list[tuple[int | None, int]],
) -> None:
    with library.db.transaction() as c:
        c.executemany("UPDATE images SET missing = 1 WHERE id = ?", [(i,) for i in now_missing])
        c.executemany("UPDATE images SET missing = 0 WHERE id = ?", [(i,) for i in found_again])
        c.executemany("UPDATE images SET thumb_rel = ? WHERE id = ?", [(r, i) for i, r in thumbs_done if r])
        c.executemany("UPDATE images SET phash = ? WHERE id = ?", [h for h in hashes if h[0] is not None])
        if report.search_out_of_step:
            search.rebuild(c)
    if now_missing:
        report.fixed.append(f"marked {len(now_missing)} image(s) whose original is missing (rows and metadata kept)")
    for image_id in report.missing:
        report.not_fixed.append(f"#{image_id}: the original file is gone; put it back or delete the image")
    for image_id in report.mismatched:
        report.not_fixed.append(f"#{image_id}: the original is damaged (its bytes changed); restore it from a backup")
    rebuilt = sum(1 for _i, r in thumbs_done if r)
    if rebuilt:
        report.fixed.append(f"rebuilt {rebuilt} thumbnail(s)")
    for image_id, rel in thumbs_done:
        if rel is None:
            report.not_fixed.append(f"#{image_id}: no thumbnail could be made from the original")
    if report.search_out_of_step:
        report.fixed.append("rebuilt the search index")
    _adopt(library, report)


def _adopt(library: Library, report: IntegrityReport) -> None:
    """Orphans become images again (source "adopted"); a stray copy is removed only once the library has
    its own verified copy. Files that are not usable images are left where they are and reported."""
    adopted = 0
    for rel in report.orphan_paths:
        try:
            adopted += _adopt_one(library, report, rel)
        except Exception as e:  # one orphan never stops the repair of the others
            report.not_fixed.append(f"{path_text(rel)}: not adopted ({type(e).__name__}); left in place")
    if adopted:
        report.fixed.append(f"adopted {adopted} orphan file(s) into the library")


def _adopt_one(library: Library, report: IntegrityReport, rel: str) -> int:
    stray = library.root / rel
    result = importer.prepare(library, stray)
    if isinstance(result, importer.ImportItem):
        if result.status == "duplicate":
            if stray != library.root / _rel_of(library, result.image_id):
                stray.unlink(missing_ok=True)  # the library already holds these exact bytes
            return 1
        report.not_fixed.append(f"{path_text(rel)}: not adopted ({result.reason}); left in place")
        return 0
    [item] = importer.commit(library, [result], source="adopted")
    if item.image_id is None:
        report.not_fixed.append(f"{path_text(rel)}: not adopted ({item.reason}); left in place")
        return 0
    if result.stored.rel_path != os.path.normpath(rel).replace(os.sep, "/"):
        stray.unlink(missing_ok=True)  # it now lives under its content address
    return 1


def _rel_of(library: Library, image_id: int | None) -> str:
    rows = library.db.read("SELECT rel_path FROM images WHERE id = ?", (image_id,))
    return str(rows[0][0]) if rows else ""
