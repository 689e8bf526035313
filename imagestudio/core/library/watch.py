"""Watch folders: which folders feed the library, what was seen in them, and a bounded log (issue 21 part 4).

Kept in the library DB (a component of ``LibraryDB.ensure_component``), not in settings: the folders feed *this*
library (another ``IMAGESTUDIO_HOME`` has its own), and every scan — from the GUI and from ``imagestudio library
watch scan`` at the same time — writes what it saw and did; SQLite (WAL, short IMMEDIATE transactions) keeps both
writers' work, where a whole-file settings rewrite would lose one side's. Each folder is its own row and is read
on its own: a damaged row is reported and skipped, never costs the others.

``watch_folders``: path (bytes, as the OS names it), recursive, paused, last scan and its status.
``watch_files``: per folder and relative path (bytes), the size and mtime last seen, when (the injected clock),
and the outcome (``waiting`` until the file is known complete, then imported / duplicate / skipped / failed /
ignored): a file is handled once; a changed file (new size or mtime) is looked at again. Rows of files that left
the folder are dropped after a complete listing, so the table stays as big as the folders.
``watch_log``: what was imported, skipped or failed, with the reason and the time; the newest ``LOG_LIMIT`` kept.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from imagestudio.core.errors import ImageStudioError
from imagestudio.core.files.outside import path_text
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.library.db import LibraryDB

LOG_LIMIT = 2000
SETTLE_S = 3.0  # a file must keep its size and mtime this long (two scans at least this far apart)
STEPS: list[str] = [
    """
    CREATE TABLE watch_folders (
        id            INTEGER PRIMARY KEY,
        path          BLOB NOT NULL UNIQUE,
        recursive     INTEGER NOT NULL DEFAULT 0,
        paused        INTEGER NOT NULL DEFAULT 0,
        added_at      REAL NOT NULL,
        last_scan_at  REAL,
        status        TEXT NOT NULL DEFAULT 'new',
        detail        TEXT NOT NULL DEFAULT '',
        imported      INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE watch_files (
        folder_id   INTEGER NOT NULL REFERENCES watch_folders (id) ON DELETE CASCADE,
        rel         BLOB NOT NULL,
        size        INTEGER NOT NULL,
        mtime_ns    INTEGER NOT NULL,
        observed_at REAL NOT NULL,
        outcome     TEXT NOT NULL,
        attempts    INTEGER NOT NULL DEFAULT 0,
        image_id    INTEGER,
        PRIMARY KEY (folder_id, rel)
    ) WITHOUT ROWID;
    CREATE TABLE watch_log (
        id        INTEGER PRIMARY KEY,
        folder_id INTEGER NOT NULL,
        at        REAL NOT NULL,
        path      TEXT NOT NULL,
        status    TEXT NOT NULL,
        reason    TEXT NOT NULL DEFAULT '',
        image_id  INTEGER,
        detail    TEXT NOT NULL DEFAULT ''
    );
    CREATE INDEX watch_log_by_folder ON watch_log (folder_id, id);
    """
]

# Folder states (``status``): scanned fine, not there (an unplugged drive), no access, a file in its place.
OK, NEW, MISSING, UNREADABLE, NOT_A_FOLDER = "ok", "new", "missing", "unreadable", "not a folder"
# What the watcher says about files and folders, marked so the interface shows them in the person's language
# (the importer's own reasons are listed too: they appear in the watch log).
REASONS = (
    QT_TRANSLATE_NOOP("CoreMessages", "folder not found"),
    QT_TRANSLATE_NOOP("CoreMessages", "folder not readable"),
    QT_TRANSLATE_NOOP("CoreMessages", "not a folder"),
    QT_TRANSLATE_NOOP("CoreMessages", "folder is back"),
    QT_TRANSLATE_NOOP("CoreMessages", "link to outside the watched folder"),
    QT_TRANSLATE_NOOP("CoreMessages", "linked folder not followed"),
    QT_TRANSLATE_NOOP("CoreMessages", "not a regular file"),
    QT_TRANSLATE_NOOP("CoreMessages", "too large"),
    QT_TRANSLATE_NOOP("CoreMessages", "only the first %1 files are watched"),
    QT_TRANSLATE_NOOP("CoreMessages", "will try again"),
    QT_TRANSLATE_NOOP("CoreMessages", "gave up after %1 attempts"),
    QT_TRANSLATE_NOOP("CoreMessages", "same file as #%1"),
    QT_TRANSLATE_NOOP("CoreMessages", "same file as #%1 (in the trash)"),
    QT_TRANSLATE_NOOP("CoreMessages", "empty file"),
    QT_TRANSLATE_NOOP("CoreMessages", "unsupported format"),
    QT_TRANSLATE_NOOP("CoreMessages", "decompression bomb"),
    QT_TRANSLATE_NOOP("CoreMessages", "not an image"),
    QT_TRANSLATE_NOOP("CoreMessages", "truncated or damaged"),
    QT_TRANSLATE_NOOP("CoreMessages", "unreadable"),
    QT_TRANSLATE_NOOP("CoreMessages", "too slow"),
    QT_TRANSLATE_NOOP("CoreMessages", "could not be copied"),
    QT_TRANSLATE_NOOP("CoreMessages", "could not be recorded"),
    QT_TRANSLATE_NOOP("CoreMessages", "could not be imported"),
)


class WatchError(ImageStudioError):
    """A watch-folder request that cannot be done (the message says why)."""


@dataclass(frozen=True, slots=True)
class WatchFolder:
    id: int
    path: str  # as the OS names it (undecodable bytes as surrogate escapes); path_text() to show it
    recursive: bool
    paused: bool
    added_at: float
    last_scan_at: float | None
    status: str
    detail: str
    imported: int

    @property
    def shown(self) -> str:
        return path_text(self.path)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.shown,
            "recursive": self.recursive,
            "paused": self.paused,
            "status": self.status,
            "detail": self.detail,
            "last_scan_at": self.last_scan_at,
            "imported": self.imported,
        }


@dataclass(frozen=True, slots=True)
class Seen:
    """What the watcher knows of one file: the size and mtime it last saw, since when, and what became of it."""

    rel: bytes
    size: int
    mtime_ns: int
    observed_at: float
    outcome: str  # waiting / imported / duplicate / skipped / failed / ignored
    attempts: int = 0
    image_id: int | None = None


@dataclass(frozen=True, slots=True)
class LogEntry:
    folder_id: int
    at: float
    path: str
    status: str  # imported / duplicate / skipped / failed / folder
    reason: str = ""
    image_id: int | None = None
    detail: str = ""

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"folder_id": self.folder_id, "at": self.at, "path": self.path, "status": self.status}
        out.update({k: v for k, v in (("reason", self.reason), ("id", self.image_id), ("detail", self.detail)) if v})
        return out


def normalise(path: str | os.PathLike[str]) -> str:
    return os.path.abspath(os.path.expanduser(os.fspath(path)))


def clamp(n: int) -> int:
    """SQLite integers are 64-bit: an mtime set to the year 3000 (in ns) still fits."""
    return max(-(2**63), min(2**63 - 1, int(n)))


class WatchStore:
    """The three tables, one short transaction per call (any thread: ``LibraryDB`` holds a lock)."""

    def __init__(self, db: LibraryDB) -> None:
        self.db = db
        db.ensure_component("watch", STEPS)

    # -- folders -----------------------------------------------------------------------------------------
    def add(self, path: str | os.PathLike[str], *, recursive: bool = False) -> WatchFolder:
        where = normalise(path)
        if not os.path.isdir(where):
            raise WatchError(fill(QT_TRANSLATE_NOOP("CoreMessages", "%1 is not a folder."), path_text(where)))
        if self.find(where) is not None:
            raise WatchError(fill(QT_TRANSLATE_NOOP("CoreMessages", "%1 is watched already."), path_text(where)))
        with self.db.transaction() as c:
            cur = c.execute(
                "INSERT INTO watch_folders (path, recursive, added_at) VALUES (?, ?, ?)",
                (os.fsencode(where), int(recursive), self.db.clock.now()),
            )
            folder_id = int(cur.lastrowid or 0)
        found = self.get(folder_id)
        assert found is not None
        return found

    def folders(self) -> tuple[list[WatchFolder], list[str]]:
        """Every folder that can be read, and one line for each damaged row (which is left as it is)."""
        rows = self.db.read(
            "SELECT id, path, recursive, paused, added_at, last_scan_at, status, detail, imported"
            " FROM watch_folders ORDER BY id"
        )
        good: list[WatchFolder] = []
        damaged: list[str] = []
        for row in rows:
            try:
                good.append(_folder(row))
            except Exception as e:  # one damaged row never costs the others
                damaged.append(f"watch folder #{row[0]}: damaged entry ({type(e).__name__})")
        return good, damaged

    def get(self, folder_id: int) -> WatchFolder | None:
        return next((f for f in self.folders()[0] if f.id == folder_id), None)

    def find(self, path: str | os.PathLike[str]) -> WatchFolder | None:
        """The folder watched at ``path`` (the same folder by another spelling, e.g. through a link, too)."""
        where = normalise(path)
        folders = self.folders()[0]
        exact = next((f for f in folders if f.path == where), None)
        if exact is not None:
            return exact
        real = os.path.realpath(where)
        return next((f for f in folders if os.path.realpath(f.path) == real), None)

    def remove(self, folder_id: int) -> None:
        with self.db.transaction() as c:
            c.execute("DELETE FROM watch_files WHERE folder_id = ?", (folder_id,))
            c.execute("DELETE FROM watch_folders WHERE id = ?", (folder_id,))

    def set_paused(self, folder_id: int, paused: bool) -> None:
        with self.db.transaction() as c:
            c.execute("UPDATE watch_folders SET paused = ? WHERE id = ?", (int(paused), folder_id))

    def set_recursive(self, folder_id: int, recursive: bool) -> None:
        with self.db.transaction() as c:
            c.execute("UPDATE watch_folders SET recursive = ? WHERE id = ?", (int(recursive), folder_id))

    # -- files and log -----------------------------------------------------------------------------------
    def seen(self, folder_id: int) -> dict[bytes, Seen]:
        out: dict[bytes, Seen] = {}
        rows = self.db.read(
            "SELECT rel, size, mtime_ns, observed_at, outcome, attempts, image_id FROM watch_files WHERE folder_id = ?",
            (folder_id,),
        )
        for rel, size, mtime_ns, observed_at, outcome, attempts, image_id in rows:
            try:
                key = bytes(rel) if not isinstance(rel, str) else os.fsencode(rel)
                out[key] = Seen(
                    key, int(size), int(mtime_ns), float(observed_at), str(outcome), int(attempts), image_id
                )
            except (TypeError, ValueError):  # a damaged row: that file is looked at again
                continue
        return out

    def record(
        self,
        folder_id: int,
        *,
        seen: Iterable[Seen] = (),
        log: Iterable[LogEntry] = (),
        status: tuple[str, str] | None = None,
        present: set[bytes] | None = None,
        imported: int = 0,
    ) -> None:
        """One transaction: what was seen, the log lines, the folder's status; rows of files no longer in the
        folder are dropped when ``present`` (a complete listing) is given. The log keeps its newest lines."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            if c.execute("SELECT 1 FROM watch_folders WHERE id = ?", (folder_id,)).fetchone() is None:
                return  # removed while it was being scanned
            c.executemany(
                "INSERT INTO watch_files (folder_id, rel, size, mtime_ns, observed_at, outcome, attempts, image_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (folder_id, rel) DO UPDATE SET size = excluded.size,"
                " mtime_ns = excluded.mtime_ns, observed_at = excluded.observed_at, outcome = excluded.outcome,"
                " attempts = excluded.attempts, image_id = excluded.image_id",
                [
                    (
                        folder_id,
                        s.rel,
                        clamp(s.size),
                        clamp(s.mtime_ns),
                        s.observed_at,
                        s.outcome,
                        s.attempts,
                        s.image_id,
                    )
                    for s in seen
                ],
            )
            if present is not None:
                _prune(c, folder_id, present)
            c.executemany(
                "INSERT INTO watch_log (folder_id, at, path, status, reason, image_id, detail)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [(e.folder_id, e.at, e.path, e.status, e.reason, e.image_id, e.detail) for e in log],
            )
            c.execute(
                "DELETE FROM watch_log WHERE id <= (SELECT id FROM watch_log ORDER BY id DESC LIMIT 1 OFFSET ?)",
                (LOG_LIMIT,),
            )
            if status is not None:
                c.execute(
                    "UPDATE watch_folders SET status = ?, detail = ?, last_scan_at = ?, imported = imported + ?"
                    " WHERE id = ?",
                    (status[0], status[1], now, imported, folder_id),
                )

    def log(self, folder_id: int | None = None, *, limit: int = 200) -> list[LogEntry]:
        """The newest lines first (of one folder, or of all)."""
        where, args = ("WHERE folder_id = ?", [folder_id]) if folder_id is not None else ("", [])
        rows = self.db.read(
            f"SELECT folder_id, at, path, status, reason, image_id, detail FROM watch_log {where}"
            " ORDER BY id DESC LIMIT ?",
            [*args, limit],
        )
        out: list[LogEntry] = []
        for r in rows:
            try:
                out.append(LogEntry(int(r[0]), float(r[1]), str(r[2]), str(r[3]), str(r[4] or ""), r[5], str(r[6])))
            except (TypeError, ValueError):
                continue
        return out


def _folder(row: tuple[Any, ...]) -> WatchFolder:
    raw = row[1]
    path = os.fsdecode(bytes(raw)) if isinstance(raw, bytes | bytearray | memoryview) else str(raw)
    if not path or not os.path.isabs(path) or "\x00" in path:
        raise ValueError("path")
    return WatchFolder(
        id=int(row[0]),
        path=path,
        recursive=bool(int(row[2])),
        paused=bool(int(row[3])),
        added_at=float(row[4]),
        last_scan_at=None if row[5] is None else float(row[5]),
        status=str(row[6]),
        detail=str(row[7] or ""),
        imported=int(row[8] or 0),
    )


def _prune(c: sqlite3.Connection, folder_id: int, present: set[bytes]) -> None:
    rows = c.execute("SELECT rel FROM watch_files WHERE folder_id = ?", (folder_id,)).fetchall()
    gone = [(folder_id, r[0]) for r in rows if (bytes(r[0]) if not isinstance(r[0], str) else b"") not in present]
    c.executemany("DELETE FROM watch_files WHERE folder_id = ? AND rel = ?", gone)
