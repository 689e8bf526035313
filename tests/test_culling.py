"""Ratings (0–5 stars) and flags (pick / reject / none): one transaction for a big selection, filters and sort
in the one-statement query, saved searches, rejected hidden by default (also in the fast text search), "Empty
rejected to trash", the 2 → 3 migration, and the CLI's `library rate/flag/trash-rejected` and list filters."""

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
from tests.test_cli import cli
from tests.test_library_import import png
from tests.test_library_search import lib as lib


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {
            "sha256": f"{i:064x}", "rel_path": f"originals/{i}.png", "thumb_rel": None, "format": "png",
            "width": 8, "height": 8, "byte_size": 10, "prompt": f"prompt {i} fox", "model": "m", "provider": "p",
            "params_json": "{}", "usage_json": "{}", "request_id": None, "is_demo": 0, "created_at": 1000.0 + i,
        }
        for i in range(n)
    ]  # fmt: skip


@pytest.fixture
def big(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    library.db.insert_images(_rows(1000))
    yield library
    library.close()


def test_rating_and_flag_a_thousand_images_in_one_transaction(big: Library) -> None:
    ids = big.find(LibraryQuery())
    assert len(ids) == 1000
    statements: list[str] = []
    big.db._conn.set_trace_callback(statements.append)  # every statement SQLite runs
    try:
        assert sorted(big.set_rating(ids, 4)) == sorted(ids)
    finally:
        big.db._conn.set_trace_callback(None)
    assert [s for s in statements if s in ("BEGIN IMMEDIATE", "COMMIT")] == ["BEGIN IMMEDIATE", "COMMIT"]
    assert {im.rating for im in big.db.get_many(ids)} == {4}
    big.set_flag(ids[:10], culling.REJECT)
    assert len(big.find(LibraryQuery())) == 990  # hidden by default
    assert len(big.find(LibraryQuery(show_rejected=True))) == 1000
    assert sorted(big.find(LibraryQuery(flag="reject"))) == sorted(ids[:10])
    assert len(big.find(LibraryQuery(text="fox"))) == 990  # the text search's fast path hides them too


def test_bad_rating_flag_or_id_change_nothing(lib: Library) -> None:
    for bad in (-1, 6, True):
        with pytest.raises(LibraryError, match="0 to 5"):
            lib.set_rating([1], bad)
    with pytest.raises(LibraryError, match="#999"):
        lib.set_rating([1, 999], 3)
    with pytest.raises(LibraryError, match="pick, reject or none"):
        culling.flag_value("maybe")
    assert lib.db.get_many([1])[0].rating == 0


def test_filters_sort_and_saved_search(lib: Library) -> None:
    lib.set_rating([2, 3], 5)
    lib.set_rating([4], 3)
    lib.set_flag([3, 4], culling.PICK)
    lib.set_flag([5], culling.REJECT)
    assert lib.find(LibraryQuery(min_rating=4)) == [3, 2]
    assert lib.find(LibraryQuery(flag="pick")) == [4, 3]
    assert 5 not in lib.find(LibraryQuery(flag="none")) and 1 in lib.find(LibraryQuery(flag="none"))
    assert lib.find(LibraryQuery(sort="rating"))[:3] == [3, 2, 4]
    assert 5 not in lib.find(LibraryQuery()) and 5 in lib.find(LibraryQuery(show_rejected=True))
    saved = LibraryQuery(min_rating=3, flag="pick", sort="rating")
    search_id = lib.save_search("keepers", saved)
    [entry] = [s for s in lib.lists()["saved_searches"] if s.id == search_id]
    assert entry.query == saved and lib.find(entry.query) == [3, 4]
    assert LibraryQuery.from_json('{"flag": "maybe", "min_rating": 2}') == LibraryQuery(min_rating=2)
    image = lib.db.get_many([3])[0].to_json()
    assert (image["rating"], image["flag"]) == (5, "pick")


def test_empty_rejected_to_trash_can_be_restored(lib: Library) -> None:
    lib.set_flag([1, 6], culling.REJECT)
    assert lib.trash_rejected() == [1, 6]
    assert set(lib.find(LibraryQuery(in_trash=True))) == {1, 6}
    assert lib.trash_rejected() == []
    assert lib.restore([1]) == [1]
    assert lib.db.get_many([1])[0].flag == culling.REJECT  # still rejected: hidden again, not lost


def test_version_2_library_gains_ratings(paths: AppPaths, tmp_path: Path) -> None:
    from imagestudio.core.library import db as db_module

    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    for step in db_module._MIGRATIONS[:2]:
        for statement in db_module.split_statements(step):
            conn.execute(statement)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (2)")
    conn.commit()
    conn.close()
    db = LibraryDB(path, tmp_path, tmp_path)
    try:
        assert db.schema_version() == 4
        db.insert_images(_rows(2))
        assert [(im.rating, im.flag) for im in db.get_many([1, 2])] == [(0, 0), (0, 0)]
    finally:
        db.close()


def test_cli_rate_flag_and_filters(tmp_path: Path) -> None:
    home, src = tmp_path / "home", tmp_path / "src"
    src.mkdir()
    for name, colour in (("a", (200, 0, 0)), ("b", (0, 200, 0)), ("c", (0, 0, 200))):
        (src / f"{name}.png").write_bytes(png(colour, parameters=f"picture {name}"))
    files = json.loads(cli("library", "import", str(src), "--json", home=home).stdout)["files"]
    a, b, c = (next(f["id"] for f in files if f["path"].endswith(f"{n}.png")) for n in "abc")

    rated = cli("library", "rate", str(a), str(b), "4", home=home)
    assert rated.returncode == 0 and "2 image(s) rated 4" in rated.stdout
    assert cli("library", "flag", str(b), "pick", home=home).returncode == 0
    assert cli("library", "flag", str(c), "reject", home=home).returncode == 0

    def ids(*args: str) -> list[int]:
        out = cli("library", *args, "--json", home=home)
        assert out.returncode == 0, out.stderr
        return [i["id"] for i in json.loads(out.stdout)["images"]]

    assert sorted(ids("list", "--min-rating", "4")) == sorted([a, b])
    assert ids("list", "--flag", "pick") == [b]
    assert ids("search", "picture", "--flag", "reject") == [c]
    assert c not in ids("list") and c in ids("list", "--show-rejected")
    assert ids("list", "--sort", "rating", "--show-rejected")[-1] == c
    listed = json.loads(cli("library", "list", "--flag", "pick", "--json", home=home).stdout)["images"][0]
    assert (listed["rating"], listed["flag"]) == (4, "pick")

    bad = cli("library", "rate", str(a), "7", home=home)
    assert bad.returncode == 2 and "0 to 5" in bad.stderr
    assert cli("library", "flag", str(a), "maybe", home=home).returncode == 2
    moved = cli("library", "trash-rejected", home=home)
    assert moved.returncode == 0 and "1 rejected image(s)" in moved.stdout
    assert ids("list", "--trash") == [c]
    assert cli("library", "flag", str(b), "none", home=home).returncode == 0
    assert ids("list", "--flag", "pick") == []
