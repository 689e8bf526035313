"""What the gallery shows: one ``LibraryQuery`` (text, filters, ratings and flags, sort) turned into ONE SQL
statement that returns the ordered ids. Rejected images are hidden unless the query asks for them. Saved searches
store a query as JSON and run it again, so they update themselves."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from dataclasses import dataclass
from typing import Any

from imagestudio.core.library.search import match_expression

SORTS = {
    "newest": "i.created_at DESC, i.id DESC",
    "oldest": "i.created_at ASC, i.id ASC",
    "largest": "i.width * i.height DESC, i.id DESC",
    "cost": "coalesce(i.cost_usd, 0) DESC, i.id DESC",
    "trashed": "i.trashed_at DESC, i.id DESC",
    "rating": "i.rating DESC, i.created_at DESC, i.id DESC",
}
#: flag filter values → SQL (see core/library/culling.py: 1 pick, 0 unflagged, -1 rejected)
FLAG_FILTERS = {"pick": "i.flag > 0", "none": "i.flag = 0", "reject": "i.flag < 0"}


@dataclass(frozen=True, slots=True)
class LibraryQuery:
    text: str = ""
    favourites: bool = False
    tag: str | None = None
    collection: int | None = None
    model: str | None = None
    in_trash: bool = False
    since: float | None = None  # created_at bounds, epoch seconds
    until: float | None = None
    min_pixels: int | None = None  # width * height
    min_cost: float | None = None
    min_rating: int | None = None  # at least this many stars (1–5)
    flag: str | None = None  # "pick", "none" or "reject" (FLAG_FILTERS)
    show_rejected: bool = False  # rejected images are hidden unless asked for (or ``flag == "reject"``)
    sort: str = "newest"
    similar_to: int | None = None  # "find similar": nearest perceptual hashes first, other fields ignored
    expand_stacks: bool = False  # every image of a stack, not one tile per stack (core/library/stacks.py)

    def to_json(self) -> str:
        values = {k: v for k, v in dataclasses.asdict(self).items() if v not in (None, False, "")}
        return json.dumps(values, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> LibraryQuery:
        """Unknown or ill-typed keys (a newer app, a hand-edited DB) are ignored, never a crash."""
        try:
            raw = json.loads(text)
        except ValueError:
            return cls()
        if not isinstance(raw, dict):
            return cls()
        fields = {f.name: f for f in dataclasses.fields(cls)}
        kept: dict[str, Any] = {}
        for key, value in raw.items():
            if key in fields and _fits(fields[key].type, value):
                kept[key] = value
        if kept.get("sort") not in SORTS:
            kept.pop("sort", None)
        if kept.get("flag") not in FLAG_FILTERS:
            kept.pop("flag", None)
        return cls(**kept)

    @property
    def is_default(self) -> bool:
        """Newest first, nothing filtered: new results simply go on top."""
        return self == LibraryQuery()


def _fits(annotation: object, value: object) -> bool:
    text = str(annotation)
    if value is None:
        return "None" in text
    if isinstance(value, bool):
        return text.startswith("bool")
    if isinstance(value, int):
        return "int" in text or "float" in text
    if isinstance(value, float):
        return "float" in text
    return isinstance(value, str) and "str" in text


def find_ids(
    conn: sqlite3.Connection, query: LibraryQuery, *, limit: int | None = None, id_is_time_order: bool = False
) -> list[int]:
    """The ordered ids for ``query``. ``id_is_time_order`` (``LibraryDB.id_is_time_order``): ids grow with
    created_at, so a plain text search newest/oldest first can use the search index's rowid order."""
    if id_is_time_order and _is_plain_text_search(query):
        match = match_expression(query.text)
        if match is not None:
            return _text_search_in_id_order(conn, match, newest=query.sort == "newest", limit=limit)
    sql, args = build_sql(query, limit=limit)
    return [int(r[0]) for r in conn.execute(sql, args)]


def _is_plain_text_search(query: LibraryQuery) -> bool:
    return (
        bool(query.text.strip())
        and query.sort in ("newest", "oldest")
        and (dataclasses.replace(query, text="", sort="newest") == LibraryQuery())
    )


def _text_search_in_id_order(conn: sqlite3.Connection, match: str, *, newest: bool, limit: int | None) -> list[int]:
    """Only the search index is read (no image row, no sort), so a broad query over 100k prompts costs about
    what the bare FTS5 query costs; trashed images (usually few) come from their own small partial index."""
    trashed = {
        int(r[0]) for r in conn.execute("SELECT id FROM images INDEXED BY images_trashed WHERE trashed_at IS NOT NULL")
    }
    trashed.update(int(r[0]) for r in conn.execute("SELECT id FROM images INDEXED BY images_rejected WHERE flag < 0"))
    order = "DESC" if newest else "ASC"
    rows = conn.execute(f"SELECT rowid FROM image_search WHERE image_search MATCH ? ORDER BY rowid {order}", (match,))
    ids = [image_id for (image_id,) in rows.fetchall() if image_id not in trashed]
    return ids if limit is None else ids[:limit]


def shows_every_image(query: LibraryQuery) -> bool:
    """No text and no filter (any sort, rejected shown or not): one tile per stack is each stack's cover."""
    return dataclasses.replace(query, sort="newest", show_rejected=False) == LibraryQuery()


def build_sql(query: LibraryQuery, *, limit: int | None = None, covers_only: bool = False) -> tuple[str, list[Any]]:
    """``covers_only``: stack members other than the cover are left out (right only when ``shows_every_image``)."""
    where = ["i.trashed_at IS NOT NULL" if query.in_trash else "i.trashed_at IS NULL"]
    args: list[Any] = []
    if query.flag in FLAG_FILTERS:
        where.append(FLAG_FILTERS[query.flag])
    elif not (query.show_rejected or query.in_trash):
        where.append("i.flag >= 0")  # the very term of the images_kept index, so the first page can use it
    if covers_only:
        where.append("i.stack_hidden = 0")  # with the two above: the images_tiles index's own terms
    if query.min_rating is not None:
        where.append("i.rating >= ?")
        args.append(query.min_rating)
    match = match_expression(query.text) if query.text.strip() else None
    if query.text.strip() and match is None:
        where.append("0")  # only punctuation typed: nothing can match
    if match is not None:
        where.append("i.id IN (SELECT rowid FROM image_search WHERE image_search MATCH ?)")
        args.append(match)
    if query.favourites:
        where.append("i.favourite = 1")
    if query.tag:
        where.append("i.id IN (SELECT it.image_id FROM image_tags it JOIN tags t ON t.id = it.tag_id WHERE t.name = ?)")
        args.append(query.tag)
    if query.collection is not None:
        where.append("i.id IN (SELECT image_id FROM collection_items WHERE collection_id = ?)")
        args.append(query.collection)
    if query.model:
        where.append("i.model = ?")
        args.append(query.model)
    if query.since is not None:
        where.append("i.created_at >= ?")
        args.append(query.since)
    if query.until is not None:
        where.append("i.created_at < ?")
        args.append(query.until)
    if query.min_pixels is not None:
        where.append("i.width * i.height >= ?")
        args.append(query.min_pixels)
    if query.min_cost is not None:
        where.append("i.cost_usd >= ?")
        args.append(query.min_cost)
    order = SORTS.get(query.sort, SORTS["newest"])
    sql = f"SELECT i.id FROM images i WHERE {' AND '.join(where)} ORDER BY {order}"
    if limit is not None:
        sql += f" LIMIT {int(limit)}"
    return sql, args
