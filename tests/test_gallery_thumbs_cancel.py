"""Thumbnail loads for rows scrolled away are cancelled before they decode; rows still on screen load."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest

from imagestudio.app import thumbcache
from imagestudio.app.gallery_model import GalleryModel
from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.app.thumbcache import ThumbnailCache
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths

pytestmark = pytest.mark.gui


@pytest.fixture
def service(paths: AppPaths, qloop: Any) -> Iterator[LibraryService]:
    svc = LibraryService(Library(paths))
    yield svc
    svc.shutdown()
    svc.library.close()


def test_scrolled_away_loads_never_decode(
    service: LibraryService, qtbot: Any, arun: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    decoded: list[str] = []
    real = thumbcache._read_image
    monkeypatch.setattr(thumbcache, "_read_image", lambda path, side: (decoded.append(path), real(path, side))[1])
    tasks = TaskOwner()
    cache = ThumbnailCache(service, tasks)
    gate = threading.Event()
    # both CPU workers busy (as while decoding a screenful): new loads wait in the pool's queue
    blockers = [tasks.spawn(service.run_cpu(gate.wait, 10)) for _ in range(2)]
    for image_id in range(1, 11):
        assert cache.get(image_id, f"/nowhere/{image_id}.png") is None
    qtbot.wait(20)
    assert cache.loading == 10
    assert cache.keep_only({9, 10}) == 8  # the view scrolled on: only 9 and 10 are still on screen
    qtbot.wait(20)  # asyncio passes the cancel on to the pool's queued work items on its next turn
    gate.set()
    qtbot.waitUntil(lambda: cache.loading == 0 and all(b.done() for b in blockers), timeout=5000)
    assert sorted(decoded) == ["/nowhere/10.png", "/nowhere/9.png"]
    # a row scrolled back into view asks again and loads (here: a missing file, remembered as failed)
    cache.get(3, "/nowhere/3.png")
    qtbot.waitUntil(lambda: cache.loading == 0, timeout=5000)
    assert "/nowhere/3.png" in decoded
    arun(tasks.drain())


def test_model_passes_the_visible_rows_on(service: LibraryService, qtbot: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    tasks = TaskOwner()
    cache = ThumbnailCache(service, tasks)
    kept: list[set[int]] = []
    monkeypatch.setattr(cache, "keep_only", lambda wanted: kept.append(set(wanted)) or 0)
    model = GalleryModel(service, cache, tasks)
    model._reset_to([50, 40, 30, 20, 10])
    model.visible_rows(1, 2)
    model.visible_rows(3, 99)
    assert kept == [{40, 30}, {20, 10}]
