"""Culling: 0–5 stars and a flag per image (pick / unflagged / rejected), like Lightroom's keys 0–5, P, U, X.
Each function runs inside the caller's transaction; a change to 1000 selected images is a few statements."""

from __future__ import annotations

import sqlite3

from imagestudio.core.library.organise import LibraryError, require_ids

PICK, UNFLAGGED, REJECT = 1, 0, -1
#: the names the CLI, saved searches and JSON use for each flag value
FLAG_NAMES = {"pick": PICK, "none": UNFLAGGED, "reject": REJECT}
MAX_RATING = 5
_CHUNK = 500  # well under SQLite's bound-parameter limit


def flag_value(name: str) -> int:
    try:
        return FLAG_NAMES[name.strip().lower()]
    except KeyError:
        raise LibraryError(f"A flag is pick, reject or none, not “{name}”.") from None


def flag_name(value: int) -> str:
    return {PICK: "pick", REJECT: "reject"}.get(value, "none")


def _update(c: sqlite3.Connection, column: str, value: int, ids: list[int]) -> list[int]:
    ids = require_ids(c, ids)
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        marks = ",".join("?" * len(chunk))
        c.execute(f"UPDATE images SET {column} = ? WHERE id IN ({marks})", [value, *chunk])
    return ids


def set_rating(c: sqlite3.Connection, ids: list[int], rating: int) -> list[int]:
    if isinstance(rating, bool) or not isinstance(rating, int) or not 0 <= rating <= MAX_RATING:
        raise LibraryError(f"A rating is a whole number of stars from 0 to {MAX_RATING}, not {rating!r}.")
    return _update(c, "rating", rating, ids)


def set_flag(c: sqlite3.Connection, ids: list[int], flag: int) -> list[int]:
    if flag not in (PICK, UNFLAGGED, REJECT):
        raise LibraryError(f"Unknown flag {flag!r}.")
    return _update(c, "flag", flag, ids)


def rejected(c: sqlite3.Connection) -> list[int]:
    """The rejected images not in the trash yet ("Empty rejected to trash")."""
    rows = c.execute("SELECT id FROM images INDEXED BY images_rejected WHERE flag < 0 AND trashed_at IS NULL")
    return sorted(int(r[0]) for r in rows)
