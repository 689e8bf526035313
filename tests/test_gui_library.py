"""The library in the real window: Chinese search typed in the search box (run off the GUI thread),
F favourite, Del → trash, Ctrl+Z restore, collections in the sidebar, saved searches, drop to import."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent, QInputMethodEvent
from PySide6.QtWidgets import QApplication

from imagestudio.core.library.library import Library
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.paths import AppPaths
from imagestudio.main import Composition
from tests.test_library import make_result
from tests.test_library_import import png

pytestmark = pytest.mark.gui


PROMPTS = ["雪中的红狐狸在奔跑", "a red fox in snow", "东京的猫"]


def _seed(paths: AppPaths) -> None:
    lib = Library(paths)
    for i, prompt in enumerate(PROMPTS):
        request, result = make_result(prompt=prompt, size=(48 + i, 48))
        lib.commit([lib.store_file(im) for im in result.images], request, result, created_at=100.0 + i)
    lib.close()


def _prompts(parts: Composition) -> list[str]:
    model = parts.gallery_model
    ids = [model.image_id(r) for r in range(model.rowCount())]
    lib = parts.library.library
    return [im.prompt for im in lib.db.get_many(ids)]


def _select(qtbot: Any, parts: Composition, row: int) -> None:
    view = parts.window.gallery.view
    view.setFocus()
    view.setCurrentIndex(parts.gallery_model.index(row))
    qtbot.waitUntil(lambda: view.selected_ids() == [parts.gallery_model.image_id(row)])


def test_chinese_search_in_the_search_box_runs_off_the_gui_thread(
    qtbot: Any,
    make_app: Any,
    paths: AppPaths,
) -> None:
    _seed(paths)
    parts = make_app()
    assert parts.gallery_model.rowCount() == 3
    threads: list[str] = []
    lib = parts.library.library
    real_find = lib.find

    def spy(query: LibraryQuery, **kw: Any) -> list[int]:
        threads.append(threading.current_thread().name)
        return real_find(query, **kw)

    lib.find = spy  # type: ignore[method-assign]
    pane = parts.window.gallery
    qtbot.keyClick(parts.window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: QApplication.focusWidget() is pane.search.text)
    event = QInputMethodEvent()
    event.setCommitString("狐狸")  # Chinese arrives from an input method
    QApplication.sendEvent(pane.search.text, event)
    qtbot.waitUntil(lambda: _prompts(parts) == ["雪中的红狐狸在奔跑"])
    assert threads and all(t.startswith("imagestudio-db") for t in threads)
    assert pane.count.text() == "1 image(s)"

    pane.search.text.clear()
    qtbot.keyClicks(pane.search.text, "FO")
    qtbot.waitUntil(lambda: _prompts(parts) == ["a red fox in snow"])  # prefix, any case
    pane.search.text.setText("nothing-like-this")
    qtbot.waitUntil(lambda: parts.gallery_model.rowCount() == 0)
    assert pane.count.text() == "Nothing matches"


def test_favourite_trash_undo_and_collections(qtbot: Any, make_app: Any, paths: AppPaths) -> None:
    _seed(paths)
    parts = make_app()
    pane, model, lib = parts.window.gallery, parts.gallery_model, parts.library.library
    assert pane.sidebar is not None
    newest = model.image_id(0)

    _select(qtbot, parts, 0)
    qtbot.keyClick(pane.view, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: lib.db.get(newest).favourite)  # type: ignore[union-attr]
    pane.sidebar.setCurrentItem(pane.sidebar.favourites_item)
    qtbot.waitUntil(lambda: model.rowCount() == 1 and model.image_id(0) == newest)
    pane.sidebar.setCurrentItem(pane.sidebar.all_item)
    qtbot.waitUntil(lambda: model.rowCount() == 3)

    _select(qtbot, parts, 0)
    qtbot.keyClick(pane.view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: model.rowCount() == 2)  # rows removed, not a reset
    assert lib.db.get(newest).trashed_at is not None  # type: ignore[union-attr]
    assert "Ctrl+Z" in parts.window.statusBar().currentMessage()
    pane.menu.undo_action.trigger()
    qtbot.waitUntil(lambda: model.rowCount() == 3 and model.image_id(0) == newest)
    assert lib.db.get(newest).trashed_at is None  # type: ignore[union-attr]

    pane.menu.ask_text = lambda *_a: "Poster 海报"
    _select(qtbot, parts, 1)
    pane.menu.new_collection()
    qtbot.waitUntil(lambda: pane.sidebar.item_for("collection", "Poster 海报") is not None)
    pane.sidebar.setCurrentItem(pane.sidebar.item_for("collection", "Poster 海报"))
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    assert model.query.collection is not None

    pane.sidebar.setCurrentItem(pane.sidebar.all_item)
    qtbot.waitUntil(lambda: model.rowCount() == 3)
    pane.search.text.setText("红狐狸")
    pane.menu.ask_text = lambda *_a: "Foxes"
    qtbot.waitUntil(lambda: model.rowCount() == 1)
    pane.search.save.click()
    qtbot.waitUntil(lambda: pane.sidebar.item_for("saved", "Foxes") is not None)
    pane.search.text.clear()
    pane.sidebar.setCurrentItem(pane.sidebar.item_for("saved", "Foxes"))
    qtbot.waitUntil(lambda: _prompts(parts) == ["雪中的红狐狸在奔跑"])


def test_drop_files_onto_the_gallery_imports_them(
    qtbot: Any,
    make_app: Any,
    paths: AppPaths,
    tmp_path: Path,
) -> None:
    parts = make_app()
    good = tmp_path / "sunset.png"
    good.write_bytes(png((250, 120, 30), parameters="夕阳下的海边"))
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"not really a png")
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(good)), QUrl.fromLocalFile(str(bad))])
    view = parts.window.gallery.view
    drop = QDropEvent(
        QPointF(QPoint(20, 20)),
        Qt.DropAction.CopyAction,
        mime,
        Qt.MouseButton.LeftButton,
        Qt.KeyboardModifier.NoModifier,
    )
    view.dropEvent(drop)
    qtbot.waitUntil(lambda: parts.gallery_model.rowCount() == 1)
    assert _prompts(parts) == ["夕阳下的海边"]
    menu = parts.window.gallery.menu
    qtbot.waitUntil(lambda: menu.report_box is not None)
    assert menu.report_box is not None and "broken.png: not an image" in menu.report_box.detailedText()
    menu.report_box.close()
