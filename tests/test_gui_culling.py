"""Culling with real keys (issue 21): 0–5, P, X, U on a gallery selection (one change for all) and in the viewer;
rejected images leave the view while "Hide rejected" is on and come back when it is unticked in Filters; stars
and flags on tiles (tooltip); "Empty rejected to trash" and Ctrl+Z; sort by rating."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from imagestudio.core.types import LibraryChange
from tests.gui_images import add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def _row(parts: Any, image_id: int) -> Any:
    return parts.library.library.db.get(image_id)


def _active(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_culling_keys_in_gallery_and_viewer(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    images = [add_image(arun, parts, f"variant {i}", png_bytes((64, 64), (40 * i, 90, 200))) for i in range(4)]
    wait_gallery(qtbot, parts, 4)
    _active(qtbot, parts.window)
    view = parts.window.gallery.view
    model = parts.gallery_model
    changes: list[LibraryChange] = []
    parts.library.changed.connect(changes.append)

    # select the two newest with a click and a Ctrl+click, then 4 and P
    for row, modifier in ((0, Qt.KeyboardModifier.NoModifier), (1, Qt.KeyboardModifier.ControlModifier)):
        rect = view.visualRect(model.index(row))
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())
    newest, second = images[3], images[2]
    assert sorted(view.selected_ids()) == sorted([newest.id, second.id])
    qtbot.keyClick(view, Qt.Key.Key_4)
    qtbot.waitUntil(lambda: _row(parts, newest.id).rating == 4 and _row(parts, second.id).rating == 4, timeout=5000)
    qtbot.waitUntil(lambda: any(c.culled for c in changes), timeout=5000)
    assert [c.updated for c in changes if c.culled] == [(second.id, newest.id)]  # one change for the selection
    qtbot.keyClick(view, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: _row(parts, newest.id).flag == 1 and _row(parts, second.id).flag == 1, timeout=5000)
    qtbot.waitUntil(lambda: "★★★★ · Picked" in (model.data(model.index(0), Qt.ItemDataRole.ToolTipRole) or ""))

    # X rejects: the image leaves the view (Hide rejected is on by default); U on nothing changes nothing
    rect = view.visualRect(model.index(0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(view, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: newest.id not in model.ids() and model.rowCount() == 3, timeout=5000)
    assert _row(parts, newest.id).flag == -1

    # Filters → untick Hide rejected: it is back (dimmed); sort by rating puts the rated ones first
    filters = parts.window.gallery.search.filters
    assert filters.hide_rejected.isChecked()
    menu = filters.menu()
    menu.popup(filters.mapToGlobal(QPoint(0, filters.height())))  # what clicking the button opens
    qtbot.waitUntil(lambda: filters.hide_rejected.isVisible())
    box = filters.hide_rejected
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: newest.id in model.ids(), timeout=5000)
    assert filters.text() == "Filters (1)"
    sort = parts.window.gallery.search.sort
    sort.setCurrentIndex(sort.findData("rating"))
    qtbot.waitUntil(lambda: model.ids()[:2] == [newest.id, second.id], timeout=5000)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=QPoint(8, box.height() // 2))
    qtbot.waitUntil(lambda: newest.id not in model.ids(), timeout=5000)
    menu.close()

    # the viewer: 2 and X on the shown image, and Ctrl+0 still fits
    _active(qtbot, parts.window)
    rect = view.visualRect(model.index(model.row_of(images[0].id) or 0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == images[0].id, timeout=10000)
    _active(qtbot, viewer)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_2)
    qtbot.waitUntil(lambda: _row(parts, images[0].id).rating == 2, timeout=5000)
    qtbot.waitUntil(lambda: viewer.organiser.cull.text().startswith("★★☆☆☆"), timeout=5000)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: _row(parts, images[0].id).flag == -1, timeout=5000)
    qtbot.waitUntil(lambda: "Rejected" in viewer.organiser.cull.text(), timeout=5000)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_U)
    qtbot.waitUntil(lambda: _row(parts, images[0].id).flag == 0, timeout=5000)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_X)
    qtbot.waitUntil(lambda: _row(parts, images[0].id).flag == -1, timeout=5000)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert viewer.canvas.fitted and _row(parts, images[0].id).rating == 2  # Ctrl+0 fits, 0 would clear
    viewer.close()

    # Empty rejected to trash (Edit menu), then Ctrl+Z brings both back, still rejected
    _active(qtbot, parts.window)
    parts.window.gallery.menu.culling.trash_rejected_action.trigger()
    qtbot.waitUntil(lambda: _row(parts, newest.id).trashed_at is not None, timeout=5000)
    assert _row(parts, images[0].id).trashed_at is not None and _row(parts, second.id).trashed_at is None
    qtbot.waitUntil(parts.window.gallery.menu.undo_action.isEnabled, timeout=5000)  # the batch is on the undo stack
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: _row(parts, newest.id).trashed_at is None, timeout=5000)
    assert _row(parts, newest.id).flag == -1
