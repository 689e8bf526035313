"""Favourites, notes, tags, collections and saved searches. Each function runs inside the caller's
transaction (``with db.transaction() as c``) and keeps the search index in step."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable
from dataclasses import dataclass

from imagestudio.core.errors import ImageStudioError
from imagestudio.core.library import search
from imagestudio.core.library.query import LibraryQuery

MAX_NAME = 200


class LibraryError(ImageStudioError):
    """A library operation got something it cannot use (unknown id, empty name...)."""


@dataclass(frozen=True, slots=True)
class NamedList:
    """A tag, a collection or a saved search as the sidebar shows it."""

    id: int
    name: str
    count: int = 0
    query: LibraryQuery | None = None  # saved searches only


def clean_name(name: str, what: str) -> str:
    cleaned = " ".join(name.split())
    if not cleaned:
        raise LibraryError(f"A {what} needs a name.")
    if len(cleaned) > MAX_NAME:
        raise LibraryError(f"A {what} name can have at most {MAX_NAME} characters.")
    return cleaned


def existing_ids(c: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    found: list[int] = []
    for start in range(0, len(wanted), 500):
        chunk = wanted[start : start + 500]
        marks = ",".join("?" * len(chunk))
        found += [int(r[0]) for r in c.execute(f"SELECT id FROM images WHERE id IN ({marks})", chunk)]
    return found


def require_ids(c: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    found = existing_ids(c, wanted)
    missing = sorted(set(wanted) - set(found))
    if missing:
        raise LibraryError("No image with id " + ", ".join(f"#{i}" for i in missing) + " in the library.")
    return found


def set_favourite(c: sqlite3.Connection, ids: list[int], favourite: bool) -> list[int]:
    ids = require_ids(c, ids)
    c.executemany("UPDATE images SET favourite = ? WHERE id = ?", [(int(favourite), i) for i in ids])
    return ids


def set_note(c: sqlite3.Connection, image_id: int, note: str) -> None:
    require_ids(c, [image_id])
    c.execute("UPDATE images SET note = ? WHERE id = ?", (note.strip(), image_id))
    search.reindex(c, [image_id])


def _tag_id(c: sqlite3.Connection, name: str) -> int:
    name = clean_name(name, "tag")
    c.execute("INSERT INTO tags (name) VALUES (?) ON CONFLICT (name) DO NOTHING", (name,))
    return int(c.execute("SELECT id FROM tags WHERE name = ?", (name,)).fetchone()[0])


def change_tags(c: sqlite3.Connection, ids: list[int], add: Iterable[str] = (), remove: Iterable[str] = ()) -> bool:
    """Add and remove tags on images. Returns whether the list of tag names changed (new or emptied tag)."""
    ids = require_ids(c, ids)
    before = {r[0] for r in c.execute("SELECT name FROM tags")}
    for name in add:
        tag = _tag_id(c, name)
        c.executemany("INSERT OR IGNORE INTO image_tags (image_id, tag_id) VALUES (?, ?)", [(i, tag) for i in ids])
    for name in remove:
        row = c.execute("SELECT id FROM tags WHERE name = ?", (" ".join(name.split()),)).fetchone()
        if row:
            c.executemany("DELETE FROM image_tags WHERE image_id = ? AND tag_id = ?", [(i, row[0]) for i in ids])
    # a tag nobody uses any more disappears from the sidebar
    c.execute("DELETE FROM tags WHERE id NOT IN (SELECT tag_id FROM image_tags)")
    search.reindex(c, ids)
    return {r[0] for r in c.execute("SELECT name FROM tags")} != before


def tags(c: sqlite3.Connection) -> list[NamedList]:
    rows = c.execute(
        "SELECT t.id, t.name, count(i.id) FROM tags t JOIN image_tags it ON it.tag_id = t.id"
        " JOIN images i ON i.id = it.image_id AND i.trashed_at IS NULL GROUP BY t.id ORDER BY t.name"
    ).fetchall()
    return [NamedList(int(r[0]), r[1], int(r[2])) for r in rows]


# -- collections ---------------------------------------------------------------------------------------


def create_collection(c: sqlite3.Connection, name: str, *, now: float) -> int:
    name = clean_name(name, "collection")
    if c.execute("SELECT 1 FROM collections WHERE name = ?", (name,)).fetchone():
        raise LibraryError(f"There is already a collection called “{name}”.")
    cur = c.execute("INSERT INTO collections (name, created_at) VALUES (?, ?)", (name, now))
    return int(cur.lastrowid or 0)


def _require_collection(c: sqlite3.Connection, collection_id: int) -> None:
    if not c.execute("SELECT 1 FROM collections WHERE id = ?", (collection_id,)).fetchone():
        raise LibraryError(f"No collection with id {collection_id}.")


def rename_collection(c: sqlite3.Connection, collection_id: int, name: str) -> None:
    _require_collection(c, collection_id)
    name = clean_name(name, "collection")
    c.execute("UPDATE collections SET name = ? WHERE id = ?", (name, collection_id))


def delete_collection(c: sqlite3.Connection, collection_id: int) -> None:
    """Removes the collection only; its images stay in the library."""
    _require_collection(c, collection_id)
    c.execute("DELETE FROM collections WHERE id = ?", (collection_id,))


def add_to_collection(c: sqlite3.Connection, collection_id: int, ids: list[int], *, now: float) -> list[int]:
    _require_collection(c, collection_id)
    ids = require_ids(c, ids)
    c.executemany(
        "INSERT OR IGNORE INTO collection_items (collection_id, image_id, added_at) VALUES (?, ?, ?)",
        [(collection_id, i, now) for i in ids],
    )
    return ids


def remove_from_collection(c: sqlite3.Connection, collection_id: int, ids: list[int]) -> list[int]:
    _require_collection(c, collection_id)
    c.executemany(
        "DELETE FROM collection_items WHERE collection_id = ? AND image_id = ?", [(collection_id, i) for i in ids]
    )
    return ids


def collections(c: sqlite3.Connection) -> list[NamedList]:
    rows = c.execute(
        "SELECT co.id, co.name, count(i.id) FROM collections co"
        " LEFT JOIN collection_items ci ON ci.collection_id = co.id"
        " LEFT JOIN images i ON i.id = ci.image_id AND i.trashed_at IS NULL"
        " GROUP BY co.id ORDER BY co.name"
    ).fetchall()
    return [NamedList(int(r[0]), r[1], int(r[2])) for r in rows]


# -- saved searches (smart collections: the query runs again each time) --------------------------------


def save_search(c: sqlite3.Connection, name: str, query: LibraryQuery, *, now: float) -> int:
    """Create or overwrite the saved search called ``name``."""
    name = clean_name(name, "saved search")
    c.execute(
        "INSERT INTO saved_searches (name, query_json, created_at) VALUES (?, ?, ?)"
        " ON CONFLICT (name) DO UPDATE SET query_json = excluded.query_json",
        (name, query.to_json(), now),
    )
    return int(c.execute("SELECT id FROM saved_searches WHERE name = ?", (name,)).fetchone()[0])


def delete_saved_search(c: sqlite3.Connection, search_id: int) -> None:
    if not c.execute("DELETE FROM saved_searches WHERE id = ?", (search_id,)).rowcount:
        raise LibraryError(f"No saved search with id {search_id}.")


def saved_searches(c: sqlite3.Connection) -> list[NamedList]:
    rows = c.execute("SELECT id, name, query_json FROM saved_searches ORDER BY name").fetchall()
    return [NamedList(int(r[0]), r[1], 0, LibraryQuery.from_json(r[2])) for r in rows]


def models(c: sqlite3.Connection) -> list[str]:
    return [r[0] for r in c.execute("SELECT DISTINCT model FROM images WHERE trashed_at IS NULL ORDER BY model")]
