"""Stacks: a set of library images shown as ONE gallery tile (its cover) with a count, like Lightroom's stacks.

The images of one job (its n variants) are stacked as they land (``join_job``, run by the queue inside the images'
own transaction); any selection can be stacked, unstacked, an image taken out, a cover chosen. Every function runs
inside the caller's transaction.

Schema 4: ``images.stack_id`` (NULL when alone), ``images.stack_hidden`` (1 on every member but the cover), and
``stacks (id, cover_id, chosen_cover, created_at)``. The cover is, among the members not in the trash and not
rejected: the one a person chose, else the pick, else the highest rated, else the first (created order). Whatever
changes a member's rating, flag, trash state or membership calls ``refresh`` for its stacks, so the unfiltered
gallery reads one tile per stack straight from the ``images_tiles`` index. Filtered views (search, rating, tag…)
run their query over every image and ``collapse`` the ordered result: a stack shows when any member matches, as
its cover if the cover matches, else as its first matching member.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import operator
import sqlite3
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from imagestudio.core.library.organise import LibraryError, existing_ids, require_ids
from imagestudio.core.library.query import LibraryQuery, build_sql, find_ids, shows_every_image
from imagestudio.core.library.search import match_expression

_CHUNK = 500
#: members of the row's stack not in the trash, as a column of ``SELECT … FROM images`` (LibraryDB.get_many)
SIZE_COLUMN = (
    "CASE WHEN stack_id IS NULL THEN 0 ELSE (SELECT count(*) FROM images m INDEXED BY images_stack"
    " WHERE m.stack_id = images.stack_id AND m.trashed_at IS NULL) END"
)
# the cover rule as an ORDER BY over a stack's members ``m`` of stack row ``s``
_COVER_ORDER = (
    "m.trashed_at IS NOT NULL, m.flag < 0, m.id IS coalesce(s.chosen_cover, 0) DESC,"
    " m.flag DESC, m.rating DESC, m.created_at, m.id"
)


def _chunks(ids: list[int]) -> Iterable[tuple[list[int], str]]:
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        yield chunk, ",".join("?" * len(chunk))


def stacks_of(c: sqlite3.Connection, ids: Iterable[int]) -> list[int]:
    """The stacks these images belong to."""
    found: set[int] = set()
    for chunk, marks in _chunks(sorted(set(ids))):
        rows = c.execute(f"SELECT DISTINCT stack_id FROM images WHERE id IN ({marks}) AND stack_id IS NOT NULL", chunk)
        found.update(int(r[0]) for r in rows)
    return sorted(found)


def members(c: sqlite3.Connection, stack_id: int, *, with_trashed: bool = False) -> list[int]:
    """A stack's members in the order the gallery shows them expanded: the cover first, then by creation."""
    trashed = "" if with_trashed else " AND m.trashed_at IS NULL"
    rows = c.execute(
        "SELECT m.id FROM images m JOIN stacks s ON s.id = m.stack_id"
        f" WHERE m.stack_id = ?{trashed} ORDER BY m.id IS s.cover_id DESC, m.created_at, m.id",
        (stack_id,),
    )
    return [int(r[0]) for r in rows]


def refresh(c: sqlite3.Connection, stack_ids: Iterable[int]) -> list[int]:
    """Choose each stack's cover again and mark the other members hidden; a stack left with fewer than two
    images dissolves. Returns the ids of every image whose stack state may have changed (for LibraryChange)."""
    touched: list[int] = []
    for chunk, marks in _chunks(sorted(set(stack_ids))):
        touched += [int(r[0]) for r in c.execute(f"SELECT id FROM images WHERE stack_id IN ({marks})", chunk)]
        small = c.execute(
            f"SELECT s.id FROM stacks s WHERE s.id IN ({marks})"
            " AND (SELECT count(*) FROM images m WHERE m.stack_id = s.id) < 2",
            chunk,
        ).fetchall()
        if small:
            gone = [int(r[0]) for r in small]
            gone_marks = ",".join("?" * len(gone))
            c.execute(f"UPDATE images SET stack_id = NULL, stack_hidden = 0 WHERE stack_id IN ({gone_marks})", gone)
            c.execute(f"DELETE FROM stacks WHERE id IN ({gone_marks})", gone)
        c.execute(
            "UPDATE stacks SET cover_id = (SELECT m.id FROM images m JOIN stacks s ON s.id = m.stack_id"
            f" WHERE m.stack_id = stacks.id ORDER BY {_COVER_ORDER} LIMIT 1) WHERE id IN ({marks})",
            chunk,
        )
        c.execute(
            "UPDATE images SET stack_hidden = (id IS NOT (SELECT cover_id FROM stacks s WHERE s.id = images.stack_id))"
            f" WHERE stack_id IN ({marks})",
            chunk,
        )
    return sorted(set(touched))


def _new_stack(c: sqlite3.Connection, ids: list[int], now: float) -> int:
    stack_id = int(c.execute("INSERT INTO stacks (created_at) VALUES (?)", (now,)).lastrowid or 0)
    for chunk, marks in _chunks(ids):
        c.execute(f"UPDATE images SET stack_id = ? WHERE id IN ({marks})", [stack_id, *chunk])
    return stack_id


def stack(c: sqlite3.Connection, ids: list[int], *, now: float) -> tuple[int, list[int]]:
    """Stack the images (and every member of a stack one of them is in: stacks merge) into ONE new stack.
    Returns (the stack's id, the ids whose stack state changed)."""
    ids = require_ids(c, ids)
    old = stacks_of(c, ids)
    everyone = set(ids)
    for s in old:
        everyone.update(members(c, s, with_trashed=True))
    if len(everyone) < 2:
        raise LibraryError("A stack needs at least two images.")
    if len(old) == 1 and set(members(c, old[0], with_trashed=True)) == everyone:
        return old[0], []  # already exactly this stack
    stack_id = _new_stack(c, sorted(everyone), now)
    for chunk, marks in _chunks(old):
        c.execute(f"DELETE FROM stacks WHERE id IN ({marks})", chunk)
    refresh(c, [stack_id])
    return stack_id, sorted(everyone)


def unstack(c: sqlite3.Connection, ids: list[int]) -> list[int]:
    """Dissolve every stack these images are in; returns the images that were in them."""
    ids = require_ids(c, ids)
    freed: list[int] = []
    for s in stacks_of(c, ids):
        freed += members(c, s, with_trashed=True)
        c.execute("UPDATE images SET stack_id = NULL, stack_hidden = 0 WHERE stack_id = ?", (s,))
        c.execute("DELETE FROM stacks WHERE id = ?", (s,))
    return sorted(freed)


def remove_from_stack(c: sqlite3.Connection, ids: list[int]) -> list[int]:
    """Take these images out of their stacks (the rest stay stacked; a stack left with one image dissolves)."""
    ids = require_ids(c, ids)
    old = stacks_of(c, ids)
    before = [m for s in old for m in members(c, s, with_trashed=True)]
    for chunk, marks in _chunks(ids):
        c.execute(f"UPDATE images SET stack_id = NULL, stack_hidden = 0 WHERE id IN ({marks})", chunk)
    return sorted(set(before) | set(refresh(c, old)) | set(ids))


def set_cover(c: sqlite3.Connection, image_id: int) -> list[int]:
    """Make this image its stack's cover (kept until it is trashed or rejected, or the stack is remade)."""
    require_ids(c, [image_id])
    row = c.execute("SELECT stack_id FROM images WHERE id = ?", (image_id,)).fetchone()
    if row is None or row[0] is None:
        raise LibraryError(f"Image #{image_id} is not in a stack.")
    c.execute("UPDATE stacks SET chosen_cover = ? WHERE id = ?", (image_id, int(row[0])))
    return refresh(c, [int(row[0])])


def join_job(c: sqlite3.Connection, job_id: int, *, now: float) -> list[int]:
    """The images of one job (every one it has received so far: the queue's ``queue_job_images``) form one
    stack: new arrivals join the stack its earlier images are in. Returns the ids whose stack state changed."""
    received = c.execute("SELECT image_id FROM queue_job_images WHERE job_id = ?", (job_id,))
    ids = existing_ids(c, [int(r[0]) for r in received])
    if len(ids) < 2:
        return []
    placed = c.execute(
        f"SELECT id, stack_id FROM images WHERE id IN ({','.join('?' * len(ids))}) AND stack_id IS NOT NULL", ids
    ).fetchall()
    loose = sorted(set(ids) - {int(r[0]) for r in placed})
    if not loose:
        return []
    if not placed:
        refresh(c, [_new_stack(c, ids, now)])
        return ids
    home = min(int(r[1]) for r in placed)
    for chunk, marks in _chunks(loose):
        c.execute(f"UPDATE images SET stack_id = ? WHERE id IN ({marks})", [home, *chunk])
    return sorted(set(refresh(c, [home])) | set(loose))


def stack_old_jobs(c: sqlite3.Connection) -> None:
    """Schema step 4: stack the images of every multi-image job already in the library — from the queue's record
    (``queue_job_images``), and for images whose job was cleared, the images one API answer returned (same
    ``request_id`` and prompt). A library without the queue's tables has only the second."""
    groups: list[list[int]] = []
    queue = c.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'queue_job_images'").fetchone()
    if queue:
        current: int | None = None
        rows = c.execute(
            "SELECT q.job_id, q.image_id FROM queue_job_images q JOIN images i ON i.id = q.image_id"
            " ORDER BY q.job_id, q.ordinal"
        )
        for job_id, image_id in rows:
            if job_id != current:
                groups.append([])
                current = job_id
            groups[-1].append(int(image_id))
    by_request: dict[tuple[str, str], list[int]] = {}
    for image_id, request_id, prompt in c.execute(
        "SELECT id, request_id, prompt FROM images WHERE request_id IS NOT NULL AND request_id != '' ORDER BY id"
    ):
        by_request.setdefault((str(request_id), str(prompt)), []).append(int(image_id))
    groups += list(by_request.values())
    now = float(c.execute("SELECT coalesce(max(created_at), 0) FROM images").fetchone()[0])
    stacked: set[int] = set()
    made: list[int] = []
    for group in groups:
        fresh = sorted(set(group) - stacked)
        if len(fresh) >= 2:
            stacked.update(fresh)
            made.append(_new_stack(c, fresh, now))
    refresh(c, made)  # the covers, 500 stacks a statement


# -- collapsing a filtered result ---------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class StackMap:
    """Which stack each stacked image is in and each stack's cover (what ``collapse`` needs), and what a plain
    text search drops without reading image rows: trashed or rejected ids, stars of rated images."""

    stack_of: dict[int, int]
    cover_of: dict[int, int]
    hidden: frozenset[int] = frozenset()  # every member but its stack's cover
    cover_of_hidden: dict[int, int] = field(default_factory=dict)  # such a member → its stack's cover
    excluded: frozenset[int] = frozenset()  # trashed or rejected
    dropped: frozenset[int] = frozenset()  # excluded | hidden
    hidden_live: frozenset[int] = frozenset()  # hidden - excluded
    rated: dict[int, int] = field(default_factory=dict)  # id → stars, rated images only
    #: [n - 1]: the ids with at least n stars that are neither trashed nor rejected (a rating filter, in C)
    kept_at_least: tuple[frozenset[int], ...] = (frozenset(),) * 5


_first = operator.itemgetter(0)


def read_map(c: sqlite3.Connection) -> StackMap:
    stack_of: dict[int, int] = {}
    cover_of: dict[int, int] = {}
    hidden: set[int] = set()
    rows = c.execute("SELECT id, stack_id, stack_hidden FROM images INDEXED BY images_stack WHERE stack_id IS NOT NULL")
    for image_id, stack_id, is_hidden in rows:
        stack_of[image_id] = stack_id
        if is_hidden:
            hidden.add(image_id)
        else:
            cover_of[stack_id] = image_id
    excluded = {r[0] for r in c.execute("SELECT id FROM images INDEXED BY images_trashed WHERE trashed_at IS NOT NULL")}
    excluded.update(r[0] for r in c.execute("SELECT id FROM images INDEXED BY images_rejected WHERE flag < 0"))
    rated = dict(c.execute("SELECT id, rating FROM images INDEXED BY images_rated WHERE rating > 0").fetchall())
    cover_of_hidden = {i: cover_of[stack_of[i]] for i in hidden if stack_of[i] in cover_of}
    return StackMap(
        stack_of, cover_of, frozenset(hidden), cover_of_hidden, frozenset(excluded), frozenset(excluded | hidden),
        frozenset(hidden - excluded), rated,
        tuple(frozenset(i for i, s in rated.items() if s >= n and i not in excluded) for n in range(1, 6)),
    )  # fmt: skip


class StackMapCache:
    """The map, read again only when the DB changed: this connection's ``total_changes`` or another
    process's commit (``PRAGMA data_version``). One per ``LibraryDB`` connection, used under its lock."""

    def __init__(self) -> None:
        self._key: tuple[int, int] | None = None
        self._map = StackMap({}, {})

    def get(self, c: sqlite3.Connection) -> StackMap:
        key = (c.total_changes, int(c.execute("PRAGMA data_version").fetchone()[0]))
        if key != self._key:
            self._map, self._key = read_map(c), key
        return self._map


def collapse_unexpanded(ids: list[int], stack_map: StackMap, *, shown: list[int] | None = None) -> list[int]:
    """``collapse`` with nothing expanded, in two passes that stay in C for the usual case — every stack found
    through its cover (a job's variants share their prompt). ``shown``: ``ids`` without hidden members, if known."""
    if shown is None:
        shown = list(itertools.filterfalse(stack_map.hidden.__contains__, ids))
    if _stack_without_its_cover(ids, shown, stack_map):  # the exact walk places such a stack's first member
        return collapse(ids, stack_map)
    return shown


def _stack_without_its_cover(ids: list[int], shown: list[int], stack_map: StackMap) -> bool:
    """Whether a hidden member among ``ids`` has its cover missing from ``shown`` (set work that stays in C)."""
    hits = stack_map.hidden.intersection(ids)
    return bool(hits) and bool(set(map(stack_map.cover_of_hidden.__getitem__, hits)).difference(shown))


def _plain_text(query: LibraryQuery) -> bool:
    """Text, newest or oldest first, at most a minimum rating: answered from the search index and the map."""
    bare = dataclasses.replace(query, text="", sort="newest", min_rating=None)
    return bool(query.text.strip()) and query.sort in ("newest", "oldest") and bare == LibraryQuery()


def _text_tiles(c: sqlite3.Connection, query: LibraryQuery, stack_map: StackMap, match: str) -> list[int]:
    """A plain text search (``_plain_text``) reads only the search index, in rowid order (= time order), and drops
    trashed, rejected, unrated and hidden ids with the cached map: no image row is read."""
    # The ids as one text, parsed as a JSON array (C) and sorted here: a Python tuple per row costs more than the
    # search itself for thousands of hits (bench P5). The sort is near-free (the index gives them almost in
    # order) and group_concat's order is not relied on.
    sql = "SELECT group_concat(rowid) FROM image_search WHERE image_search MATCH ?"
    joined = c.execute(sql, (match,)).fetchone()[0]
    found: list[int] = sorted(json.loads(f"[{joined}]"), reverse=query.sort == "newest") if joined else []
    excluded = stack_map.excluded
    if query.min_rating:
        least, rated = query.min_rating, stack_map.rated
        if 1 <= least <= 5:
            kept = list(filter(stack_map.kept_at_least[least - 1].__contains__, found))
        else:  # a hand-edited saved search
            kept = [i for i in found if i not in excluded and rated.get(i, 0) >= least]
        return collapse_unexpanded(kept, stack_map)
    shown = list(itertools.filterfalse(stack_map.dropped.__contains__, found))
    # a live hidden member among the hits whose cover is not shown: the exact walk (rare: variants share a prompt)
    hits = stack_map.hidden_live.intersection(found)
    if hits and set(map(stack_map.cover_of_hidden.__getitem__, hits)).difference(shown):
        return collapse([i for i in found if i not in excluded], stack_map)
    return shown


def collapse(ids: list[int], stack_map: StackMap, expanded: Collection[int] = ()) -> list[int]:
    """One entry per stack among the ordered ``ids``: the cover where it is among them, else the first member
    that is. An ``expanded`` stack shows all its members found in ``ids`` there instead, the cover first, then in
    stack order (as ``members``), whatever the view's sort."""
    stack_of, cover_of = stack_map.stack_of, stack_map.cover_of
    if not stack_of:
        return ids
    present: dict[int, list[int]] = {}
    for image_id in ids:
        s = stack_of.get(image_id)
        if s is not None:
            present.setdefault(s, []).append(image_id)
    out: list[int] = []
    for image_id in ids:
        s = stack_of.get(image_id)
        if s is None:
            out.append(image_id)
            continue
        found = present.get(s)
        if found is None:  # already placed
            continue
        cover = cover_of.get(s)
        if cover != image_id and cover in found:
            continue  # the cover matches too: the stack goes where the cover is
        del present[s]
        if s in expanded:
            out += [cover] if cover in found else []
            out += sorted(m for m in found if m != cover)  # then in stack order (ids grow with creation)
        else:
            out.append(image_id)
    return out


def find_tiles(
    c: sqlite3.Connection,
    query: LibraryQuery,
    cache: StackMapCache,
    *,
    expanded: Collection[int] = (),
    limit: int | None = None,
    id_is_time_order: bool = False,
) -> list[int]:
    """What the gallery shows for ``query``: one entry per stack (``expanded`` stacks: their matching members),
    or every image for the trash and ``expand_stacks``. Nothing filtered and nothing expanded: one SQL statement
    over ``images_tiles``; otherwise the query's ordered ids collapsed with the (cached) stack map."""
    if query.in_trash or query.expand_stacks:
        return find_ids(c, query, limit=limit, id_is_time_order=id_is_time_order)
    if not expanded and shows_every_image(query):
        sql, args = build_sql(query, limit=limit, covers_only=True)
        return [int(r[0]) for r in c.execute(sql, args)]
    match = match_expression(query.text) if not expanded and id_is_time_order and _plain_text(query) else None
    if match is not None:
        ids = _text_tiles(c, query, cache.get(c), match)
    elif expanded:
        ids = collapse(find_ids(c, query, id_is_time_order=id_is_time_order), cache.get(c), expanded)
    else:
        ids = collapse_unexpanded(find_ids(c, query, id_is_time_order=id_is_time_order), cache.get(c))
    return ids if limit is None else ids[:limit]
