"""Stacks (core/library/stacks.py): a job's variants stacked as they land (one transaction with the images), the
3 → 4 migration stacking old multi-image jobs, the cover rules, one tile per stack in the gallery's query, search
and filters that see inside stacks, stack/unstack/remove/cover as single transactions, trash keeping the rest."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagestudio.core.library import culling
from imagestudio.core.library.db import LibraryDB
from imagestudio.core.library.library import Library
from imagestudio.core.library.organise import LibraryError
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest


def _rows(prompts: list[str], start: int = 0) -> list[dict[str, object]]:
    return [
        {
            "sha256": f"{start + i:064x}", "rel_path": f"originals/{start + i}.png", "thumb_rel": None,
            "format": "png", "width": 8, "height": 8, "byte_size": 10, "prompt": p, "model": "m", "provider": "p",
            "params_json": "{}", "usage_json": "{}", "request_id": None, "is_demo": 0,
            "created_at": 1000.0 + start + i,
        }
        for i, p in enumerate(prompts)
    ]  # fmt: skip


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    """Images 1–4 a job of four foxes (stacked by the job), 5 an owl, 6–7 a job of two cats."""
    library = Library(paths)
    store = JobStore(library.db)
    fox, cat = store.add(
        [GenerationRequest("red fox", "gpt-image-2", "1024x1024", "low", 4),
         GenerationRequest("grey cat", "gpt-image-2", "1024x1024", "low", 2)],
        profile="default",
    )  # fmt: skip
    library.db.insert_images(
        _rows(["red fox a", "red fox b"]), also=store.progress_hook(fox.id, 1, cost=None, request_id=None, done=False)
    )
    library.db.insert_images(
        _rows(["red fox c", "red fox d"], 2), also=store.progress_hook(fox.id, 2, cost=None, request_id=None, done=True)
    )
    library.db.insert_images(_rows(["lonely owl"], 4))
    library.db.insert_images(
        _rows(["grey cat a", "grey cat b"], 5),
        also=store.progress_hook(cat.id, 1, cost=None, request_id=None, done=True),
    )
    yield library
    library.close()


def stack_of(lib: Library, image_id: int) -> tuple[int | None, bool, int]:
    im = lib.db.get_many([image_id])[0]
    return im.stack_id, im.stack_cover, im.stack_size


def test_a_jobs_images_form_one_stack_as_they_land(lib: Library) -> None:
    fox = [stack_of(lib, i) for i in (1, 2, 3, 4)]
    assert len({s for s, _c, _n in fox}) == 1 and fox[0][0] is not None  # the later answer joined the first's
    assert [cover for _s, cover, _n in fox] == [True, False, False, False]  # the first, nothing rated yet
    assert {n for _s, _c, n in fox} == {4}
    assert stack_of(lib, 5) == (None, False, 0)
    assert lib.stack_members(6) == [6, 7] and lib.stack_members(5) == [5]
    # the gallery: one tile per stack, newest first
    assert lib.find(LibraryQuery()) == [6, 5, 1]
    assert lib.find(LibraryQuery(expand_stacks=True)) == [7, 6, 5, 4, 3, 2, 1]
    assert lib.find(LibraryQuery(), expanded=[lib.db.get_many([1])[0].stack_id or 0]) == [6, 5, 1, 2, 3, 4]


def test_cover_is_the_pick_else_highest_rated_else_the_first(lib: Library) -> None:
    lib.set_rating([3], 4)
    assert lib.find(LibraryQuery()) == [6, 5, 3] and stack_of(lib, 3)[1]
    lib.set_rating([2], 5)
    assert lib.find(LibraryQuery()) == [6, 5, 2]
    lib.set_flag([4], culling.PICK)  # a pick beats stars
    assert lib.find(LibraryQuery()) == [6, 5, 4]
    assert lib.stack_members(1) == [4, 1, 2, 3]  # expanded: the cover first, then created order
    lib.set_flag([4], culling.REJECT)  # a rejected image is never the cover; the rest stays visible
    assert lib.find(LibraryQuery()) == [6, 5, 2]
    change = lib.set_stack_cover(1)  # a person's choice wins over the rules…
    assert change.stacks_changed and 1 in change.updated
    assert lib.find(LibraryQuery()) == [6, 5, 1]
    lib.trash([1])  # …until it goes to the trash: the rest stays stacked under the next cover
    assert lib.find(LibraryQuery()) == [6, 5, 2]
    assert stack_of(lib, 2)[2] == 3  # trashed members are not counted
    assert lib.find(LibraryQuery(in_trash=True)) == [1]
    lib.restore([1])
    assert lib.find(LibraryQuery()) == [6, 5, 1]


def test_search_and_filters_see_inside_stacks(lib: Library) -> None:
    # "fox d" matches only a hidden member: the stack shows, as that member
    assert lib.find(LibraryQuery(text="d")) == [4]
    assert lib.find(LibraryQuery(text="fox")) == [1]  # the cover matches: it represents the stack
    assert lib.find(LibraryQuery(text="fox", expand_stacks=True)) == [4, 3, 2, 1]
    lib.set_rating([3], 2)
    lib.set_rating([7], 3)
    assert lib.find(LibraryQuery(min_rating=2)) == [7, 3]  # cover 3 (highest rated); cat shown as its rated one
    assert lib.find(LibraryQuery(text="fox", min_rating=2)) == [3]  # the text search's fast path, rating kept
    assert lib.find(LibraryQuery(text="grey", min_rating=1)) == [7]
    lib.set_stack_cover(4)  # a cover that does not match: the exact walk shows the first member that does
    assert lib.find(LibraryQuery(text="fox", min_rating=2)) == [3]
    assert lib.find(LibraryQuery(text="fox")) == [4]
    assert lib.find(LibraryQuery(text="c")) == [7, 3]  # the cat stack by its cover, the fox stack by "red fox c"
    lib.set_flag([1, 2, 3, 4], culling.REJECT)  # every member rejected: the stack is hidden like its images
    assert lib.find(LibraryQuery()) == [7, 5]  # the cat stack's cover is its rated image
    assert lib.find(LibraryQuery(text="fox")) == []
    assert lib.find(LibraryQuery(flag="reject")) == [4]  # all rejected: the chosen cover again


def test_stack_unstack_remove_each_one_transaction(lib: Library) -> None:
    statements: list[str] = []
    lib.db._conn.set_trace_callback(statements.append)
    try:
        change = lib.stack([5, 6])  # the owl with the cat stack: the stacks merge
    finally:
        lib.db._conn.set_trace_callback(None)
    assert [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert change.stacks_changed and sorted(change.updated) == [5, 6, 7]
    assert lib.find(LibraryQuery()) == [5, 1]
    assert stack_of(lib, 5)[2] == 3
    assert lib.stack([5, 6]).updated == ()  # already exactly that stack
    change = lib.remove_from_stack([7])
    assert sorted(change.updated) == [5, 6, 7] and lib.find(LibraryQuery()) == [7, 5, 1]
    change = lib.unstack([2])  # any member dissolves its whole stack
    assert sorted(change.updated) == [1, 2, 3, 4]
    assert lib.find(LibraryQuery()) == [7, 5, 4, 3, 2, 1]
    lib.remove_from_stack([6])  # a stack left with one image is no stack
    assert stack_of(lib, 5) == (None, False, 0)
    with pytest.raises(LibraryError, match="at least two"):
        lib.stack([1])
    with pytest.raises(LibraryError, match="#99"):
        lib.stack([1, 99])
    with pytest.raises(LibraryError, match="not in a stack"):
        lib.set_stack_cover(1)


def test_emptying_the_trash_dissolves_what_is_left_alone(lib: Library) -> None:
    lib.trash([7])
    lib.empty_trash()
    assert stack_of(lib, 6) == (None, False, 0)
    assert lib.find(LibraryQuery()) == [6, 5, 1]


def test_version_3_library_gets_its_jobs_stacked(tmp_path: Path) -> None:
    """A schema 3 library with the queue's record of two jobs (one of them cleared, its images found by their
    shared request id) migrates forward: each multi-image job becomes a stack, single images stay alone."""
    from imagestudio.core.library import db as db_module
    from imagestudio.core.queue.schema import STEPS

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for step in db_module._MIGRATIONS[:3]:
        for statement in db_module.split_statements(step):
            conn.execute(statement)
    for statement in db_module.split_statements(STEPS[0]):
        conn.execute(statement)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (3)")
    for i in range(1, 8):
        request_id = "req_cleared" if i in (6, 7) else None
        conn.execute(
            "INSERT INTO images (id, sha256, rel_path, format, width, height, byte_size, prompt, model, provider,"
            " params_json, usage_json, request_id, created_at) VALUES (?, ?, 'x', 'png', 1, 1, 1, ?, 'm', 'p',"
            " '{}', '{}', ?, ?)",
            (i, f"{i:064x}", "cleared job" if i in (6, 7) else f"p{i}", request_id, 1000.0 + i),
        )
    conn.execute(
        "INSERT INTO queue_jobs (id, position, kind, request_json, profile, state, n, created_at, updated_at)"
        " VALUES (1, 1, 'generate', '{}', 'default', 'done', 3, 0, 0), (2, 2, 'generate', '{}', 'default', 'done', 1, 0, 0)"  # noqa: E501
    )
    conn.executemany("INSERT INTO queue_job_images VALUES (?, ?, ?)", [(1, 0, 2), (1, 1, 3), (1, 2, 4), (2, 0, 5)])
    conn.commit()
    conn.close()
    db = LibraryDB(path, tmp_path, tmp_path)
    try:
        assert db.schema_version() == 4
        images = {im.id: im for im in db.get_many(list(range(1, 8)))}
        assert images[2].stack_id is not None and images[2].stack_id == images[3].stack_id == images[4].stack_id
        assert images[2].stack_cover and images[2].stack_size == 3
        assert images[6].stack_id is not None and images[6].stack_id == images[7].stack_id != images[2].stack_id
        assert images[1].stack_id is None and images[5].stack_id is None
    finally:
        db.close()
    library_rows = sqlite3.connect(path).execute(
        "SELECT id FROM images INDEXED BY images_tiles WHERE trashed_at IS NULL AND flag >= 0 AND stack_hidden = 0"
        " ORDER BY created_at DESC, id DESC"
    )
    assert [r[0] for r in library_rows] == [6, 5, 2, 1]


def test_unfiltered_gallery_reads_one_tile_per_stack_from_its_index(lib: Library) -> None:
    plan = lib.db.read(
        "EXPLAIN QUERY PLAN SELECT i.id FROM images i WHERE i.trashed_at IS NULL AND i.flag >= 0"
        " AND i.stack_hidden = 0 ORDER BY i.created_at DESC, i.id DESC"
    )
    assert any("images_tiles" in str(row) for row in plan), plan


def test_cli_generate_stacks_its_variants_and_stack_unstack(tmp_path: Path) -> None:
    from tests.test_cli import cli

    home = tmp_path / "home"
    made = cli("generate", "a quiet harbour", "--provider", "demo", "--n", "3", "--json", home=home)
    assert made.returncode == 0, made.stderr
    alone = cli("generate", "a lone boat", "--provider", "demo", home=home)
    assert alone.returncode == 0, alone.stderr

    def listed(*args: str) -> list[dict[str, object]]:
        out = cli("library", *args, "--json", home=home)
        assert out.returncode == 0, out.stderr
        return list(json.loads(out.stdout)["images"])

    tiles = listed("list")
    assert len(tiles) == 2  # the three variants are one stack, shown once
    harbour = next(t for t in tiles if t["prompt"] == "a quiet harbour")
    assert harbour["stack_size"] == 3 and harbour["stack_cover"] is True
    every = listed("list", "--expand-stacks")
    assert len(every) == 4
    variants = sorted(int(str(t["id"])) for t in every if t["prompt"] == "a quiet harbour")
    boat = next(int(str(t["id"])) for t in every if t["prompt"] == "a lone boat")
    assert {t["stack"] for t in every if t["prompt"] == "a quiet harbour"} == {harbour["stack"]}
    assert [t["id"] for t in listed("search", "harbour")] == [harbour["id"]]
    text = cli("library", "list", home=home).stdout
    assert f"[stack {harbour['stack']} (3, cover)]" in text

    out = cli("library", "stack", str(boat), str(variants[0]), "--cover", str(boat), home=home)
    assert out.returncode == 0 and "4 image(s) stacked" in out.stdout and f"cover #{boat}" in out.stdout, out
    assert [t["id"] for t in listed("list")] == [boat]
    out = cli("library", "unstack", str(boat), "--only", home=home)
    assert out.returncode == 0 and "1 image(s) taken out" in out.stdout
    assert len(listed("list")) == 2
    out = cli("library", "unstack", str(variants[1]), home=home)
    assert out.returncode == 0 and "3 image(s) unstacked" in out.stdout
    assert len(listed("list")) == 4
    bad = cli("library", "stack", str(boat), home=home)
    assert bad.returncode == 2 and "at least two" in bad.stderr
    bad = cli("library", "stack", str(boat), str(variants[0]), "--cover", "999", home=home)
    assert bad.returncode == 2 and "--cover" in bad.stderr
