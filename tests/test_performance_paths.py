"""The fast paths added for the benchmarks (bench/) give exactly what the general code gives: text search in the
index's rowid order, created_at kept in id order, bounded gallery details, shrunk thumbnails and previews,
the SDK set up by the provider factory (a worker thread in the app) instead of at the first request."""

from __future__ import annotations

import dataclasses
import io
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core.library.library import Library
from imagestudio.core.library.query import LibraryQuery, build_sql
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GeneratedImage
from tests.test_library import make_result

PROMPTS = ["red fox in snow", "雪中的红狐狸", "a fox and a cat", "红狐狸 and fox", "blue whale", "fox 狐狸 sketch"]


@pytest.fixture
def lib(paths: AppPaths) -> Iterator[Library]:
    library = Library(paths)
    for i, prompt in enumerate(PROMPTS):
        request, result = make_result(prompt=prompt, size=(32 + i, 32))
        library.commit([library.store_file(im) for im in result.images], request, result, created_at=1000.0 + i)
    yield library
    library.close()


def _general(lib: Library, query: LibraryQuery) -> list[int]:
    sql, args = build_sql(query)
    return [int(r[0]) for r in lib.db.read(sql, args)]


@pytest.mark.parametrize("text", ["fox", "狐狸", "红狐狸", "fo", "whale", "nothing-here"])
@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_text_search_in_rowid_order_equals_the_general_query(lib: Library, text: str, sort: str) -> None:
    fox_ids = lib.find(LibraryQuery(text="fox"))
    lib.trash(fox_ids[:1])  # trashed images must stay out of the fast path's answer
    query = LibraryQuery(text=text, sort=sort)
    assert lib.db.id_is_time_order()
    assert lib.find(query) == _general(lib, query)
    assert lib.find(dataclasses.replace(query, in_trash=True)) == _general(
        lib, dataclasses.replace(query, in_trash=True)
    )
    assert lib.find(query, limit=1) == _general(lib, query)[:1]


def test_a_clock_set_back_keeps_newest_first_in_id_order(lib: Library) -> None:
    request, result = make_result(prompt="fox from the past", size=(90, 40))
    [image] = lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=5.0)
    assert image.created_at >= 1000.0 + len(PROMPTS) - 1  # never below an older row's time
    assert lib.find(LibraryQuery(text="fox"))[0] == image.id
    assert lib.db.id_is_time_order()


def test_a_library_whose_times_are_out_of_id_order_uses_the_general_query(paths: AppPaths) -> None:
    library = Library(paths)
    try:
        for i, prompt in enumerate(PROMPTS):
            request, result = make_result(prompt=prompt, size=(40 + i, 32))
            library.commit([library.store_file(im) for im in result.images], request, result, created_at=1000.0 + i)
        with library.db.transaction() as c:  # as an older app could have written after a clock change
            c.execute("UPDATE images SET created_at = 1.0 WHERE id = (SELECT max(id) FROM images)")
    finally:
        library.close()
    reopened = Library(paths)
    try:
        assert not reopened.db.id_is_time_order()
        query = LibraryQuery(text="fox")
        assert reopened.find(query) == _general(reopened, query)
        assert reopened.find(query)[-1] == max(reopened.find(query))  # the oldest by time is last
    finally:
        reopened.close()


def test_store_file_hashes_from_the_thumbnail_decode_like_phash_of(lib: Library) -> None:
    from imagestudio.core.library.phash import phash_of
    from imagestudio.core.providers.demo import render

    for fmt in ("png", "jpeg", "webp"):
        data = render("hash me", 3, (300, 200), fmt)
        stored = lib.store_file(GeneratedImage(data, fmt))
        assert stored.phash is not None and stored.phash == phash_of(data)


# -- app layer ------------------------------------------------------------------------------------------------


def test_gallery_model_keeps_a_bounded_number_of_details(
    monkeypatch: pytest.MonkeyPatch, arun: Any, lib: Library
) -> None:
    from imagestudio.app import gallery_model
    from imagestudio.app.library_service import LibraryService
    from imagestudio.app.tasks import TaskOwner
    from imagestudio.app.thumbcache import ThumbnailCache

    monkeypatch.setattr(gallery_model, "MAX_DETAILS", 3)
    monkeypatch.setattr(gallery_model, "PAGE", 2)
    service = LibraryService(lib)
    tasks = TaskOwner()
    model = gallery_model.GalleryModel(service, ThumbnailCache(service, tasks), tasks)
    try:
        arun(model.reload())
        ids = model.ids()
        for page in range(0, len(ids), 2):
            arun(model._load_details(page // 2, ids[page : page + 2]))
        held = [i for i in ids if model.details(i) is not None]
        assert held == ids[-3:]  # the most recently loaded rows; the others load again when painted
    finally:
        arun(tasks.drain())
        service._cpu.shutdown(wait=True)
        service._db.shutdown(wait=True)


def test_thumbnails_are_shrunk_once_off_the_gui_thread(tmp_path: Path, qapp: Any) -> None:
    from imagestudio.app.thumbcache import _read_image

    path = tmp_path / "t.jpg"
    Image.new("RGB", (256, 128), "red").save(path)
    image = _read_image(str(path), 192)
    assert (image.width(), image.height()) == (192, 96)
    assert _read_image(str(tmp_path / "missing.jpg"), 192).isNull()


def test_partial_previews_are_decoded_small_and_bad_ones_skipped(qapp: Any) -> None:
    from imagestudio.app.controller import _decode_preview

    buffer = io.BytesIO()
    Image.new("RGBA", (1536, 1024), (10, 200, 30, 255)).save(buffer, "PNG")
    preview = _decode_preview(buffer.getvalue())
    assert (preview.width(), preview.height()) == (256, 171)
    assert preview.pixelColor(5, 5).green() == 200
    assert _decode_preview(b"not an image").isNull()


def test_prepared_sets_up_the_sdk_client_where_it_runs() -> None:
    from imagestudio.core.providers.demo import DemoProvider
    from imagestudio.core.providers.factory import prepared
    from imagestudio.core.providers.openai_provider import OpenAIProvider

    provider = OpenAIProvider(api_key="sk-test", base_url="http://127.0.0.1:9/v1")
    assert prepared(provider) is provider
    assert provider._client is not None  # built now (on the job's worker thread), not at the first request
    demo = DemoProvider(latency=0)
    assert prepared(demo) is demo
    assert "anyio._backends._asyncio" in sys.modules
