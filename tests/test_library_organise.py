"""Favourites, tags, notes, collections, trash (move, restore, empty: row first, then files), bad ids."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagestudio.core.library.library import Library
from imagestudio.core.library.organise import LibraryError
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths
from tests.test_library import make_result


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    for i, prompt in enumerate(["红狐狸", "blue whale", "green frog"]):
        request, result = make_result(prompt=prompt, size=(40 + i, 40))
        library.commit([library.store_file(im) for im in result.images], request, result, created_at=10.0 + i)
    yield library
    library.close()


def test_favourites_tags_notes_round_trip(lib: Library) -> None:
    frog, whale, fox = lib.find(LibraryQuery())
    lib.set_favourite([fox, frog], True)
    lib.change_tags([fox, whale], add=["animals", "  wild   life "])
    lib.set_note(whale, "for the poster")
    assert lib.change_tags([fox], add=["animals"]) is False  # nothing new in the tag list
    fox_image, whale_image = lib.db.get_many([fox, whale])
    assert fox_image.favourite and not whale_image.favourite
    assert fox_image.tags == ("animals", "wild life")  # whitespace tidied
    assert whale_image.note == "for the poster"
    tags = {t.name: t.count for t in lib.lists()["tags"]}
    assert tags == {"animals": 2, "wild life": 2}
    assert lib.find(LibraryQuery(tag="wild life")) == [whale, fox]
    assert lib.change_tags([fox, whale], remove=["wild life"]) is True
    assert [t.name for t in lib.lists()["tags"]] == ["animals"]  # unused tags disappear


def test_collections(lib: Library) -> None:
    frog, _whale, fox = lib.find(LibraryQuery())
    cid = lib.create_collection("Poster ideas")
    with pytest.raises(LibraryError, match="already a collection"):
        lib.create_collection(" Poster   ideas ")
    with pytest.raises(LibraryError, match="needs a name"):
        lib.create_collection("   ")
    lib.add_to_collection(cid, [fox, frog])
    lib.add_to_collection(cid, [fox])  # adding twice is harmless
    assert lib.find(LibraryQuery(collection=cid)) == [frog, fox]
    lib.remove_from_collection(cid, [frog])
    lib.rename_collection(cid, "Posters")
    [entry] = lib.lists()["collections"]
    assert (entry.name, entry.count) == ("Posters", 1)
    lib.delete_collection(cid)
    assert lib.lists()["collections"] == [] and len(lib.find(LibraryQuery())) == 3  # images stay


def test_unknown_ids_are_refused_and_nothing_changes(lib: Library) -> None:
    [_, _, fox] = lib.find(LibraryQuery())
    with pytest.raises(LibraryError, match="#999"):
        lib.set_favourite([fox, 999], True)
    with pytest.raises(LibraryError, match="#999"):
        lib.trash([999])
    with pytest.raises(LibraryError, match="No collection"):
        lib.add_to_collection(42, [fox])
    assert lib.db.get(fox).favourite is False  # type: ignore[union-attr]


def test_trash_restore_and_empty(lib: Library, paths: AppPaths) -> None:
    frog, whale, fox = lib.find(LibraryQuery())
    fox_image = lib.db.get(fox)
    assert fox_image is not None and fox_image.thumb_path
    cid = lib.create_collection("c")
    lib.add_to_collection(cid, [fox])
    lib.change_tags([fox], add=["gone soon"])

    assert sorted(lib.trash([fox, whale])) == sorted([fox, whale])
    assert lib.trash([fox]) == []  # already there: nothing for Ctrl+Z to bring back
    assert lib.find(LibraryQuery()) == [frog]
    assert lib.find(LibraryQuery(text="狐狸")) == []  # trashed images leave search results...
    assert set(lib.find(LibraryQuery(in_trash=True))) == {fox, whale}  # ...and show in the trash
    assert Path(fox_image.path).exists()  # nothing moved on disk yet

    assert lib.restore([whale]) == [whale]
    assert lib.find(LibraryQuery()) == [frog, whale]

    ids, problems = lib.empty_trash()
    assert ids == [fox] and problems == []
    assert not Path(fox_image.path).exists() and not Path(fox_image.thumb_path).exists()
    assert lib.db.get(fox) is None
    with sqlite3.connect(paths.library_db) as conn:
        assert conn.execute("SELECT count(*) FROM collection_items").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM image_tags").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM image_search WHERE rowid = ?", (fox,)).fetchone() == (0,)
    assert lib.find(LibraryQuery(text="狐狸")) == []


def test_empty_trash_deletes_the_row_before_the_file(lib: Library, monkeypatch: pytest.MonkeyPatch) -> None:
    """A crash between the two steps must leave an orphan file, never a row without its file."""
    [_, _, fox] = lib.find(LibraryQuery())
    image = lib.db.get(fox)
    assert image is not None
    lib.trash([fox])

    def crash(*_args: object) -> list[str]:
        raise KeyboardInterrupt("simulated crash after the commit")

    from imagestudio.core.library import trash

    monkeypatch.setattr(trash, "remove_files", crash)
    with pytest.raises(KeyboardInterrupt):
        lib.empty_trash()
    assert lib.db.get(fox) is None and Path(image.path).exists()  # orphan: `library check` adopts it


def test_only_trashed_images_can_be_deleted_for_good(lib: Library) -> None:
    frog, _, _ = lib.find(LibraryQuery())
    ids, _ = lib.empty_trash([frog])
    assert ids == [] and lib.db.get(frog) is not None
