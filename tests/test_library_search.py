"""Search (Chinese, English, prefixes, mixed), filters, sorting and the version 1 → 2 migration."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library import db as db_module
from imagestudio.core.library.db import LibraryDB, split_statements
from imagestudio.core.library.library import Library
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.library.search import index_text, match_expression
from imagestudio.core.money import ledger
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import Usage
from tests.test_library import make_result

PRICED_MODEL = "gpt-image-2.5-sunburst"

PROMPTS = [
    "雪中的红狐狸在奔跑",
    "a red fox running through snow, watercolour",
    "东京夜景，霓虹灯下的猫",
    "Portrait of a cat — watercolor on paper",
    "日本の狐が雪の中を走る",
    "한국의 여우 그림",
    "red panda 小熊猫 eating bamboo",
    "Café crème in Zürich",
]


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    for i, prompt in enumerate(PROMPTS):
        request, result = make_result(prompt=prompt, size=(32 + i, 32))
        library.commit([library.store_file(im) for im in result.images], request, result, created_at=1000.0 + i)
    yield library
    library.close()


def found(lib: Library, text: str, **filters: object) -> list[str]:
    ids = lib.find(LibraryQuery(text=text, **filters))  # type: ignore[arg-type]
    return [im.prompt for im in lib.db.get_many(ids)]


def test_tokens_for_chinese_are_bigrams_then_characters() -> None:
    assert index_text("红狐狸") == "红狐 狐狸 红 狐 狸"
    assert index_text("Red FOX 跑") == "red fox 跑"
    assert match_expression("红狐狸") == '"红狐 狐狸"'
    assert match_expression("fox 狐") == '"fox"* AND "狐"'
    assert match_expression("  ,,, ") is None


def test_two_character_chinese_word_finds_longer_sentence(lib: Library) -> None:
    assert found(lib, "狐狸") == ["雪中的红狐狸在奔跑"]
    assert found(lib, "红狐狸") == ["雪中的红狐狸在奔跑"]
    assert found(lib, "奔跑") == ["雪中的红狐狸在奔跑"]
    assert found(lib, "狐") == ["日本の狐が雪の中を走る", "雪中的红狐狸在奔跑"]  # single character, newest first
    assert found(lib, "猫") == ["red panda 小熊猫 eating bamboo", "东京夜景，霓虹灯下的猫"]
    assert found(lib, "熊猫") == ["red panda 小熊猫 eating bamboo"]
    assert found(lib, "狐猫") == []  # characters of two words that are not adjacent do not match as a word


def test_japanese_and_korean(lib: Library) -> None:
    assert found(lib, "雪の中") == ["日本の狐が雪の中を走る"]
    assert found(lib, "여우") == ["한국의 여우 그림"]


def test_english_words_prefixes_case_and_accents(lib: Library) -> None:
    assert found(lib, "fox") == ["a red fox running through snow, watercolour"]
    assert found(lib, "WATERCOL") == [
        "Portrait of a cat — watercolor on paper",
        "a red fox running through snow, watercolour",
    ]
    assert found(lib, "red") == ["red panda 小熊猫 eating bamboo", "a red fox running through snow, watercolour"]
    assert found(lib, "zurich cafe") == ["Café crème in Zürich"]
    assert found(lib, "dog") == []


def test_mixed_query_needs_every_term(lib: Library) -> None:
    assert found(lib, "red 熊猫") == ["red panda 小熊猫 eating bamboo"]
    assert found(lib, "fox 熊猫") == []


def test_fts_syntax_in_query_is_plain_text(lib: Library) -> None:
    for nasty in ['"', "fox*", "NEAR(fox", "body:fox", "fox OR", "AND", "-fox", "(", "'; DROP TABLE images; --"]:
        lib.find(LibraryQuery(text=nasty))  # never an sqlite3 error
    assert found(lib, "body:fox") == []  # a column filter typed by a person is just two words
    assert found(lib, "fox*") == ["a red fox running through snow, watercolour"]


def test_notes_and_tags_are_searchable_and_reindexed(lib: Library) -> None:
    [fox] = lib.find(LibraryQuery(text="fox"))
    lib.set_note(fox, "给妈妈的生日卡片")
    lib.change_tags([fox], add=["动物", "christmas"])
    assert found(lib, "生日") == ["a red fox running through snow, watercolour"]
    assert found(lib, "christ") == ["a red fox running through snow, watercolour"]
    assert found(lib, "动物") == ["a red fox running through snow, watercolour"]
    lib.change_tags([fox], remove=["christmas"])
    lib.set_note(fox, "")
    assert found(lib, "christmas") == [] and found(lib, "生日") == []
    assert lib.db.get(fox).tags == ("动物",)  # type: ignore[union-attr]


def test_filters_and_sorts(lib: Library) -> None:
    ids = lib.find(LibraryQuery())
    assert len(ids) == len(PROMPTS)
    assert lib.find(LibraryQuery(sort="oldest")) == list(reversed(ids))
    lib.set_favourite(ids[:2], True)
    assert lib.find(LibraryQuery(favourites=True)) == ids[:2]
    assert [lib.db.get(i).created_at for i in lib.find(LibraryQuery(since=1003.0, until=1005.0))] == [  # type: ignore[union-attr]
        1004.0,
        1003.0,
    ]
    assert lib.find(LibraryQuery(sort="largest"))[0] == ids[0]  # the last one made is the widest
    assert lib.find(LibraryQuery(model="gpt-image-2-2026-04-21")) == ids
    assert lib.find(LibraryQuery(model="dall-e-9")) == []
    assert lib.find(LibraryQuery(text="fox", favourites=True)) == []
    assert lib.find(LibraryQuery(min_pixels=39 * 32)) == [ids[0]]


def _expected_cost(model: str, usage: Usage, n: int = 1) -> float | None:
    cost = ledger.cost_usd(Capabilities.load(), model, usage)
    return None if cost is None else round(cost / n, 6)


def test_cost_is_stored_and_sortable(lib: Library) -> None:
    request, result = make_result(prompt="priced", n=2, size=(64, 64))
    # every model has prices now: this request's images are the dearest in the library (a high-quality pair)
    usage = Usage(input_tokens=12, output_tokens=14048, total_tokens=14060, input_text_tokens=12,
                  output_image_tokens=14048)  # fmt: skip
    priced = dataclasses.replace(result, model=PRICED_MODEL, usage=usage)
    images = lib.ingest(request, priced)
    expected = _expected_cost(PRICED_MODEL, priced.usage, 2)
    assert [im.cost_usd for im in images] == [expected, expected]
    if expected is not None:  # prices are data (resources/models.json); unknown prices are never guessed
        assert set(lib.find(LibraryQuery(sort="cost"))[:2]) == {im.id for im in images}
        assert set(lib.find(LibraryQuery(min_cost=expected))) == {im.id for im in images}
    assert lib.find(LibraryQuery(min_cost=1e9)) == []


def test_saved_search_updates_itself(lib: Library) -> None:
    lib.save_search("Foxes", LibraryQuery(text="狐狸"))
    [saved] = lib.lists()["saved_searches"]
    assert saved.name == "Foxes" and saved.query == LibraryQuery(text="狐狸")
    assert len(lib.find(saved.query)) == 1
    request, result = make_result(prompt="两只小狐狸", size=(20, 20))
    lib.ingest(request, result)
    assert len(lib.find(saved.query)) == 2  # a new image shows up without touching the saved search


def test_saved_query_json_is_tolerant() -> None:
    q = LibraryQuery(text="猫", favourites=True, min_cost=0.5, sort="oldest")
    assert LibraryQuery.from_json(q.to_json()) == q
    assert LibraryQuery.from_json("not json") == LibraryQuery()
    assert LibraryQuery.from_json('{"text": 5, "sort": "weird", "future": 1, "favourites": true}') == LibraryQuery(
        favourites=True
    )


def test_version_1_library_migrates_and_becomes_searchable(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in split_statements(db_module._MIGRATIONS[0]):
        conn.execute(statement)
    conn.execute("CREATE TABLE schema_version (version INTEGER NOT NULL)")
    conn.execute("INSERT INTO schema_version VALUES (1)")
    usage = {"input_text_tokens": 10, "output_image_tokens": 1000, "total_tokens": 1010}
    conn.execute(
        "INSERT INTO images (sha256, rel_path, format, width, height, byte_size, prompt, model, provider,"
        " params_json, usage_json, created_at) VALUES ('ab', 'originals/ab/ab.png', 'png', 8, 8, 10,"
        " '雪中的红狐狸在奔跑', ?, 'openai', ?, ?, 1.0)",
        (PRICED_MODEL, json.dumps({"n": 1}), json.dumps(usage)),
    )
    conn.close()

    db = LibraryDB(path, tmp_path, tmp_path)
    try:
        assert db.schema_version() == 4
        with db.transaction() as c:
            from imagestudio.core.library.query import find_ids

            [image_id] = find_ids(c, LibraryQuery(text="狐狸"))
        image = db.get(image_id)
        assert image is not None and image.favourite is False and image.tags == () and image.trashed_at is None
        assert image.cost_usd == _expected_cost(PRICED_MODEL, Usage(**usage))
    finally:
        db.close()


def test_plain_text_search_orders_like_the_general_query(lib: Library) -> None:
    """The text fast path (search index only, ids parsed in bulk and sorted here) gives the same ids in the same
    order as the general SQL path (a favourites filter that every image passes forces that path)."""
    everything = lib.find(LibraryQuery())
    lib.set_favourite(everything, True)
    for text in ("fox", "a", "狐狸", "雪"):
        for sort in ("newest", "oldest"):
            fast = lib.find(LibraryQuery(text=text, sort=sort))
            general = lib.find(LibraryQuery(text=text, sort=sort, favourites=True))
            assert fast == general, (text, sort)
    assert lib.find(LibraryQuery(text="fox", sort="oldest")) == list(reversed(lib.find(LibraryQuery(text="fox"))))
    for stars, image_id in zip((1, 3, 5, 4, 2), everything, strict=False):  # a rating filter on the fast path too
        lib.set_rating([image_id], stars)
    lib.set_flag(everything[2:3], -1)  # 5 stars, but rejected: hidden
    for least in (1, 3, 5):
        fast = lib.find(LibraryQuery(text="a", min_rating=least))
        assert fast == lib.find(LibraryQuery(text="a", min_rating=least, favourites=True)), least
        assert everything[2] not in fast
