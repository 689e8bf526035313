"""Trash: deleting moves an image to the trash (a timestamp on its row, nothing moves on disk), restoring
clears it, emptying really deletes — the row first (one transaction), then the files, so a crash in between
leaves an orphan file (``library check`` finds and can adopt it), never a row without its file."""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from pathlib import Path

from imagestudio.core.library.organise import require_ids


@dataclass(frozen=True, slots=True)
class DeletedFiles:
    ids: tuple[int, ...]
    files: tuple[str, ...]  # originals, relative to the data dir
    thumbs: tuple[str, ...]  # relative to the cache dir


def move_to_trash(c: sqlite3.Connection, ids: list[int], *, now: float) -> list[int]:
    """Returns the ids that were not in the trash already (the ones Ctrl+Z should bring back)."""
    ids = require_ids(c, ids)
    live = [i for i in ids if c.execute("SELECT trashed_at IS NULL FROM images WHERE id = ?", (i,)).fetchone()[0]]
    c.executemany("UPDATE images SET trashed_at = ? WHERE id = ?", [(now, i) for i in live])
    return live


def restore(c: sqlite3.Connection, ids: list[int]) -> list[int]:
    ids = require_ids(c, ids)
    back = [i for i in ids if c.execute("SELECT trashed_at FROM images WHERE id = ?", (i,)).fetchone()[0] is not None]
    c.executemany("UPDATE images SET trashed_at = NULL WHERE id = ?", [(i,) for i in back])
    return back


def trashed_ids(c: sqlite3.Connection) -> list[int]:
    rows = c.execute("SELECT id FROM images INDEXED BY images_trashed WHERE trashed_at IS NOT NULL")
    return [int(r[0]) for r in rows]


def delete_trashed_rows(c: sqlite3.Connection, ids: list[int] | None = None) -> DeletedFiles:
    """Delete trashed rows (all, or only ``ids`` among them); the caller removes the files after COMMIT."""
    rows = c.execute("SELECT id, rel_path, thumb_rel FROM images WHERE trashed_at IS NOT NULL").fetchall()
    if ids is not None:
        wanted = set(ids)
        rows = [r for r in rows if r[0] in wanted]
    for start in range(0, len(rows), 500):
        chunk = [int(r[0]) for r in rows[start : start + 500]]
        marks = ",".join("?" * len(chunk))
        c.execute(f"DELETE FROM image_search WHERE rowid IN ({marks})", chunk)
        c.execute(f"DELETE FROM images WHERE id IN ({marks})", chunk)
    return DeletedFiles(tuple(int(r[0]) for r in rows), tuple(r[1] for r in rows), tuple(r[2] for r in rows if r[2]))


def remove_files(deleted: DeletedFiles, data_root: Path, cache_root: Path) -> list[str]:
    """Unlink the files of deleted rows; returns the ones that could not be removed (reported, not fatal)."""
    problems: list[str] = []
    for rel in deleted.files:
        try:
            (data_root / rel).unlink(missing_ok=True)
        except OSError as e:
            problems.append(f"{rel}: {e.strerror or type(e).__name__}")
    for rel in deleted.thumbs:
        with contextlib.suppress(OSError):  # a stale thumbnail is harmless; nothing points at it any more
            (cache_root / rel).unlink(missing_ok=True)
    if deleted.files:
        _fsync_dirs({(data_root / rel).parent for rel in deleted.files})
    return problems


def _fsync_dirs(dirs: set[Path]) -> None:
    for d in dirs:
        try:
            fd = os.open(d, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(fd)
        except OSError:
            pass
        finally:
            os.close(fd)
