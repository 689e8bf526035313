"""SQLite index of the library: schema, forward-only migrations, WAL. The DB is the truth."""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from imagestudio.core.clock import Clock, SystemClock
from imagestudio.core.files.fsutil import make_private
from imagestudio.core.library import search, stacks
from imagestudio.core.library.costs import ledger_costs
from imagestudio.core.types import LibraryImage

SCHEMA_VERSION = 4

# Each entry moves the schema from version i to i + 1. Never edit a released step: append a new one.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE images (
        id          INTEGER PRIMARY KEY,
        sha256      TEXT NOT NULL UNIQUE,
        rel_path    TEXT NOT NULL,
        thumb_rel   TEXT,
        format      TEXT NOT NULL,
        width       INTEGER NOT NULL,
        height      INTEGER NOT NULL,
        byte_size   INTEGER NOT NULL,
        prompt      TEXT NOT NULL,
        model       TEXT NOT NULL,
        provider    TEXT NOT NULL,
        params_json TEXT NOT NULL,
        usage_json  TEXT NOT NULL,
        request_id  TEXT,
        is_demo     INTEGER NOT NULL DEFAULT 0,
        created_at  REAL NOT NULL
    );
    CREATE INDEX images_newest ON images (created_at DESC, id DESC);
    """,
    # 2: organising (favourite, note, tags, collections, saved searches), trash, imports, integrity,
    # cost and perceptual hash; the search index (rows filled by _AFTER_MIGRATION[2] in Python).
    """
    ALTER TABLE images ADD COLUMN favourite INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE images ADD COLUMN note TEXT NOT NULL DEFAULT '';
    ALTER TABLE images ADD COLUMN trashed_at REAL;
    ALTER TABLE images ADD COLUMN source TEXT NOT NULL DEFAULT 'generated';
    ALTER TABLE images ADD COLUMN cost_usd REAL;
    ALTER TABLE images ADD COLUMN phash INTEGER;
    ALTER TABLE images ADD COLUMN missing INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX images_live ON images (created_at DESC, id DESC) WHERE trashed_at IS NULL;
    CREATE INDEX images_model ON images (model);
    CREATE INDEX images_favourites ON images (created_at DESC, id DESC) WHERE favourite = 1 AND trashed_at IS NULL;
    CREATE TABLE tags (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
    CREATE TABLE image_tags (
        image_id INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        tag_id   INTEGER NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
        PRIMARY KEY (image_id, tag_id)
    ) WITHOUT ROWID;
    CREATE INDEX image_tags_by_tag ON image_tags (tag_id, image_id);
    CREATE TABLE collections (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at REAL NOT NULL);
    CREATE TABLE collection_items (
        collection_id INTEGER NOT NULL REFERENCES collections (id) ON DELETE CASCADE,
        image_id      INTEGER NOT NULL REFERENCES images (id) ON DELETE CASCADE,
        added_at      REAL NOT NULL,
        PRIMARY KEY (collection_id, image_id)
    ) WITHOUT ROWID;
    CREATE INDEX collection_items_by_image ON collection_items (image_id);
    CREATE TABLE saved_searches (
        id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, query_json TEXT NOT NULL, created_at REAL NOT NULL
    );
    """
    + search.FTS_SCHEMA,
    # 3: culling — 0–5 stars and a flag (1 pick, 0 unflagged, -1 rejected). The gallery hides rejected images by
    # default: its first page reads images_kept (covering, like images_live); a text search drops the (usually
    # few) rejected ids from images_rejected without reading image rows.
    """
    ALTER TABLE images ADD COLUMN rating INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE images ADD COLUMN flag INTEGER NOT NULL DEFAULT 0;
    CREATE INDEX images_kept ON images (created_at DESC, id DESC) WHERE trashed_at IS NULL AND flag >= 0;
    CREATE INDEX images_rejected ON images (id) WHERE flag < 0;
    """,
    # 4: stacks (core/library/stacks.py) — a set of images shown as one tile, its cover. ``stack_hidden`` = 1 on
    # every member but the cover, so the unfiltered gallery reads one tile per stack from images_tiles (covering,
    # like images_kept); images_stack lists a stack's members and, read whole, the map filtered views collapse by.
    # _AFTER_MIGRATION[4] stacks the images of every multi-image job already in the library.
    """
    ALTER TABLE images ADD COLUMN stack_id INTEGER;
    ALTER TABLE images ADD COLUMN stack_hidden INTEGER NOT NULL DEFAULT 0;
    CREATE TABLE stacks (id INTEGER PRIMARY KEY, cover_id INTEGER, chosen_cover INTEGER, created_at REAL NOT NULL);
    CREATE INDEX images_stack ON images (stack_id, stack_hidden, id) WHERE stack_id IS NOT NULL;
    CREATE INDEX images_tiles ON images (created_at DESC, id DESC)
        WHERE trashed_at IS NULL AND flag >= 0 AND stack_hidden = 0;
    """,
]


def _fill_version_2(c: sqlite3.Connection) -> None:
    search.rebuild(c)
    costs = [(cost, image_id) for image_id, cost in ledger_costs(c)]
    c.executemany("UPDATE images SET cost_usd = ? WHERE id = ?", costs)


#: Python work a step needs after its SQL (same transaction), keyed by the version it produces.
_AFTER_MIGRATION: dict[int, Callable[[sqlite3.Connection], None]] = {2: _fill_version_2, 4: stacks.stack_old_jobs}

# Lets a text search drop trashed rows without reading any image row (see query.find_ids).
_TRASHED_INDEX = "CREATE INDEX IF NOT EXISTS images_trashed ON images (id) WHERE trashed_at IS NOT NULL"
# Lets a text search with a rating filter keep rated ids without reading image rows (core/library/stacks.py).
_RATED_INDEX = "CREATE INDEX IF NOT EXISTS images_rated ON images (id, rating) WHERE rating > 0"

InTransaction = Callable[[sqlite3.Connection, list[int]], None]

_COLUMNS = (
    "id, sha256, rel_path, thumb_rel, format, width, height, prompt, model, provider, "
    "params_json, usage_json, is_demo, created_at, favourite, note, trashed_at, source, cost_usd, missing, rating, "
    "flag, stack_id, stack_hidden, " + stacks.SIZE_COLUMN
)
_ROW_DEFAULTS: dict[str, Any] = {"source": "generated", "cost_usd": None, "phash": None, "note": "", "request_id": None}


def split_statements(script: str) -> list[str]:
    """Split a migration script into statements (``executescript`` would commit mid-transaction).
    Uses SQLite's own notion of a complete statement, so triggers with ``BEGIN … END`` stay whole."""
    statements, current = [], ""
    for piece in script.split(";"):
        current += piece + ";"
        if sqlite3.complete_statement(current):
            if current.strip(" \t\r\n;"):
                statements.append(current.strip())
            current = ""
    if current.strip(" \t\r\n;"):
        statements.append(current.strip().removesuffix(";"))
    return statements


def _private_database(path: Path) -> None:
    """The DB holds prompts and history: 0600 on POSIX. SQLite gives its -wal and -shm the database file's mode,
    so the file is created 0600 before SQLite opens it; files an older version left wider are narrowed."""
    if os.name != "posix":
        return
    with contextlib.suppress(FileExistsError):
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    for p in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        make_private(p)


class LibraryDB:
    """One connection guarded by a lock. The app calls it from a single DB thread; the CLI from main."""

    def __init__(self, path: Path, root: Path, cache_root: Path, clock: Clock | None = None) -> None:
        self.path = path
        self.clock: Clock = clock or SystemClock()  # every timestamp the library and the queue write
        self._root = root
        self._cache_root = cache_root
        path.parent.mkdir(parents=True, exist_ok=True)
        _private_database(path)
        self._lock = threading.RLock()
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA synchronous=FULL")  # acknowledged images must survive power loss too
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.execute("PRAGMA busy_timeout=10000")
        # the default 2 MB page cache makes every search re-read row pages from the OS at 100k images
        self._conn.execute("PRAGMA cache_size=-16384")
        self.migrate()
        with self._lock:  # not a schema step: an older app opens the library unchanged (and ignores it)
            self._conn.execute(_TRASHED_INDEX)
            self._conn.execute(_RATED_INDEX)
        self._id_is_time_order: bool | None = None

    def close(self) -> None:
        with self._lock:
            self._conn.close()

    # -- schema ----------------------------------------------------------------------------------
    def schema_version(self) -> int:
        with self._lock:
            has = self._conn.execute(
                "SELECT 1 FROM sqlite_master WHERE type='table' AND name='schema_version'"
            ).fetchone()
            if not has:
                return 0
            row = self._conn.execute("SELECT version FROM schema_version").fetchone()
            return int(row[0]) if row else 0

    def migrate(self) -> None:
        with self._lock:
            current = self.schema_version()
            if current > SCHEMA_VERSION:
                raise RuntimeError(
                    f"The library was written by a newer imagestudio (schema {current}); please update the app."
                )
            for version in range(current, SCHEMA_VERSION):
                with self.transaction() as c:
                    for statement in split_statements(_MIGRATIONS[version]):
                        c.execute(statement)
                    after = _AFTER_MIGRATION.get(version + 1)
                    if after is not None:
                        after(c)
                    c.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)")
                    c.execute("DELETE FROM schema_version")
                    c.execute("INSERT INTO schema_version (version) VALUES (?)", (version + 1,))

    def ensure_component(self, component: str, steps: list[str]) -> int:
        """Forward-only migrations for another part of the app that keeps its tables in this DB (e.g. the
        job queue, so a job's progress and its stored images commit in one transaction). Each component
        has its own version row in ``component_versions``; step i moves it from version i to i + 1."""
        with self._lock:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS component_versions (component TEXT PRIMARY KEY, version INTEGER NOT NULL)"
            )
            row = self._conn.execute(
                "SELECT version FROM component_versions WHERE component = ?", (component,)
            ).fetchone()
            current = int(row[0]) if row else 0
            if current > len(steps):
                raise RuntimeError(
                    f"The {component} tables were written by a newer imagestudio (version {current}); please update."
                )
            for version in range(current, len(steps)):
                with self.transaction() as c:
                    for statement in split_statements(steps[version]):
                        c.execute(statement)
                    c.execute(
                        "INSERT INTO component_versions (component, version) VALUES (?, ?)"
                        " ON CONFLICT (component) DO UPDATE SET version = excluded.version",
                        (component, version + 1),
                    )
            return len(steps)

    def transaction(self) -> _Transaction:
        return _Transaction(self._conn, self._lock)

    # -- writes ----------------------------------------------------------------------------------
    def insert_images(self, rows: Iterable[dict[str, Any]], *, also: InTransaction | None = None) -> list[int]:
        """Insert all rows in ONE transaction; an image already present (same sha256) keeps its row.

        ``also(conn, ids)`` runs inside the same transaction (e.g. the queue records the job's progress), so
        the images and the record of having received them commit together or not at all.
        """
        ids: list[int] = []
        new_ids: list[int] = []
        with self.transaction() as c:
            # created_at never goes below an older row's (a clock set back): newest first == highest id first
            latest = c.execute("SELECT max(created_at) FROM images").fetchone()[0]
            for r in rows:
                existing = c.execute("SELECT id FROM images WHERE sha256 = ?", (r["sha256"],)).fetchone()
                if existing:
                    ids.append(int(existing[0]))
                    continue
                latest = r["created_at"] if latest is None else max(r["created_at"], latest)
                cur = c.execute(
                    "INSERT INTO images (sha256, rel_path, thumb_rel, format, width, height, byte_size, prompt,"
                    " model, provider, params_json, usage_json, request_id, is_demo, created_at, source, cost_usd,"
                    " phash, note)"
                    " VALUES (:sha256, :rel_path, :thumb_rel, :format, :width, :height, :byte_size, :prompt,"
                    " :model, :provider, :params_json, :usage_json, :request_id, :is_demo, :created_at, :source,"
                    " :cost_usd, :phash, :note)",
                    {**_ROW_DEFAULTS, **r, "created_at": latest},
                )
                ids.append(int(cur.lastrowid or 0))
                new_ids.append(ids[-1])
            search.reindex(c, new_ids)
            if also is not None:
                also(c, ids)
        return ids

    # -- reads -----------------------------------------------------------------------------------
    def id_is_time_order(self) -> bool:
        """True when ordering by id is the same as by (created_at, id): then a text search can return the
        search index's own rowid order without reading or sorting image rows. insert_images keeps this
        true; a library written before that (and a clock set back) is checked once here."""
        with self._lock:
            if self._id_is_time_order is None:
                rows = self._conn.execute("SELECT id FROM images INDEXED BY images_newest ORDER BY created_at, id")
                previous = 0
                self._id_is_time_order = True
                for (image_id,) in rows:
                    if image_id <= previous:
                        self._id_is_time_order = False
                        break
                    previous = image_id
            return self._id_is_time_order

    def ids_newest_first(self) -> list[int]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT id FROM images WHERE trashed_at IS NULL ORDER BY created_at DESC, id DESC"
            ).fetchall()
        return [int(r[0]) for r in rows]

    def count(self) -> int:
        with self._lock:
            return int(self._conn.execute("SELECT count(*) FROM images").fetchone()[0])

    def get(self, image_id: int) -> LibraryImage | None:
        found = self.get_many([image_id])
        return found[0] if found else None

    def get_many(self, ids: list[int]) -> list[LibraryImage]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        with self._lock:
            rows = self._conn.execute(f"SELECT {_COLUMNS} FROM images WHERE id IN ({marks})", ids).fetchall()
            tags = self._conn.execute(
                f"SELECT it.image_id, t.name FROM image_tags it JOIN tags t ON t.id = it.tag_id"
                f" WHERE it.image_id IN ({marks}) ORDER BY t.name",
                ids,
            ).fetchall()
        tags_of: dict[int, list[str]] = {}
        for image_id, name in tags:
            tags_of.setdefault(int(image_id), []).append(name)
        by_id = {int(r[0]): self._to_image(r, tuple(tags_of.get(int(r[0]), ()))) for r in rows}
        return [by_id[i] for i in ids if i in by_id]

    def read(self, sql: str, args: Iterable[Any] = ()) -> list[tuple[Any, ...]]:
        """A read-only query under the connection lock (for the library's helper modules)."""
        with self._lock:
            return self._conn.execute(sql, tuple(args)).fetchall()

    def quick_check(self) -> str:
        with self._lock:
            return str(self._conn.execute("PRAGMA quick_check").fetchone()[0])

    def _to_image(self, r: tuple[Any, ...], tags: tuple[str, ...] = ()) -> LibraryImage:
        return LibraryImage(
            id=int(r[0]),
            sha256=r[1],
            path=str(self._root / r[2]),
            thumb_path=str(self._cache_root / r[3]) if r[3] else None,
            format=r[4],
            width=int(r[5]),
            height=int(r[6]),
            prompt=r[7],
            model=r[8],
            provider=r[9],
            params=json.loads(r[10]),
            usage=json.loads(r[11]),
            is_demo=bool(r[12]),
            created_at=float(r[13]),
            favourite=bool(r[14]),
            note=r[15],
            trashed_at=r[16],
            source=r[17],
            cost_usd=r[18],
            missing=bool(r[19]),
            rating=int(r[20]),
            flag=int(r[21]),
            stack_id=r[22],
            stack_cover=r[22] is not None and not r[23],
            stack_size=int(r[24]),
            tags=tags,
        )


class _Transaction:
    """``with db.transaction() as c:`` → BEGIN IMMEDIATE … COMMIT, or ROLLBACK on any error."""

    def __init__(self, conn: sqlite3.Connection, lock: threading.RLock) -> None:
        self._conn, self._lock = conn, lock

    def __enter__(self) -> sqlite3.Connection:
        self._lock.acquire()
        self._conn.execute("BEGIN IMMEDIATE")
        return self._conn

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self._conn.execute("ROLLBACK" if exc_type else "COMMIT")
        finally:
            self._lock.release()
