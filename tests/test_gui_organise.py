"""Favourite, tags and notes from the gallery and the viewer with real keys: wide dialogs, tags completed from the
library's own, the viewer shows and changes them; Help → Keyboard shortcuts lists every window's keys and F means
Favourite everywhere (issue 17)."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QDialog

from tests.gui_dialogs import answer_next
from tests.gui_images import add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def _when_dialog(qtbot: Any, act: Any) -> list[QDialog]:
    """Run ``act(dialog)`` on the next modal dialog, like a person answering it."""
    return answer_next(QDialog, act)


def _row(parts: Any, image_id: int) -> Any:
    return parts.library.library.db.get(image_id)  # what the library holds now


def _select(qtbot: Any, parts: Any, row: int) -> None:
    view = parts.window.gallery.view
    rect = view.visualRect(parts.gallery_model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _active(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)


def test_tags_and_notes_in_wide_dialogs_with_completion_then_in_the_viewer(
    qtbot: Any, make_app: Any, arun: Any
) -> None:
    parts = make_app()
    older = add_image(arun, parts, "waves on the rocks", png_bytes((300, 200)))
    newer = add_image(arun, parts, "a lighthouse at dusk", png_bytes((300, 200), (200, 30, 30)))
    wait_gallery(qtbot, parts, 2)
    _active(qtbot, parts.window)
    view = parts.window.gallery.view

    def type_tag(dialog: Any) -> None:
        assert dialog.width() >= 440  # room for a tag, not a 200 px box
        qtbot.keyClicks(dialog.line, "seascape")
        qtbot.keyClick(dialog.line, Qt.Key.Key_Return)

    _select(qtbot, parts, 1)  # the older one (newest first)
    seen = _when_dialog(qtbot, type_tag)
    qtbot.keyClick(view, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    sidebar = parts.window.gallery.sidebar
    qtbot.waitUntil(lambda: "seascape" in sidebar.tag_names(), timeout=5000)

    def complete_tag(dialog: Any) -> None:
        qtbot.keyClicks(dialog.line, "scape")  # contained, not only a prefix
        popup = dialog.line.completer().popup()
        qtbot.waitUntil(popup.isVisible, timeout=3000)
        assert popup.model().data(popup.model().index(0, 0)) == "seascape"
        qtbot.keyClick(popup, Qt.Key.Key_Down)
        qtbot.keyClick(popup, Qt.Key.Key_Return)
        assert dialog.line.text() == "seascape"
        qtbot.keyClick(dialog.line, Qt.Key.Key_Return)

    _active(qtbot, parts.window)  # back from the dialog, as the window manager does
    _select(qtbot, parts, 0)
    seen = _when_dialog(qtbot, complete_tag)
    qtbot.keyClick(view, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: _row(parts, newer.id).tags == ("seascape",), timeout=5000)

    def write_note(dialog: Any) -> None:
        assert dialog.width() >= 440 and dialog.lines is not None
        qtbot.keyClicks(dialog.lines, "for the poster")
        qtbot.keyClick(dialog.lines, Qt.Key.Key_Return)  # a new line, not OK: notes can be long
        qtbot.keyClicks(dialog.lines, "print at A3")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    _active(qtbot, parts.window)
    seen = _when_dialog(qtbot, write_note)
    qtbot.keyClick(view, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: _row(parts, newer.id).note == "for the poster\nprint at A3")

    # the viewer shows them, and F / T / N work there like in the gallery
    _active(qtbot, parts.window)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == newer.id, timeout=10000)
    _active(qtbot, viewer)
    assert viewer.metadata.fields["tags"].text() == "seascape"
    assert viewer.metadata.fields["note"].text() == "for the poster\nprint at A3"
    favourite = viewer.organiser.favourite
    assert favourite.text() == "☆" and not favourite.isChecked()
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_F)
    qtbot.waitUntil(lambda: favourite.isChecked() and favourite.text() == "★", timeout=5000)
    assert _row(parts, newer.id).favourite
    assert viewer.canvas.has_image()  # F no longer means "fit": the image stays as it was
    qtbot.mouseClick(favourite, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not favourite.isChecked(), timeout=5000)

    def add_second_tag(dialog: Any) -> None:
        qtbot.keyClicks(dialog.line, "dusk")
        qtbot.keyClick(dialog.line, Qt.Key.Key_Return)

    _active(qtbot, viewer)
    seen = _when_dialog(qtbot, add_second_tag)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_T)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: viewer.metadata.fields["tags"].text() == "dusk, seascape", timeout=5000)

    def replace_note(dialog: Any) -> None:
        dialog.lines.selectAll()
        qtbot.keyClicks(dialog.lines, "done")
        qtbot.mouseClick(dialog.buttons.buttons()[0], Qt.MouseButton.LeftButton)

    _active(qtbot, viewer)
    seen = _when_dialog(qtbot, replace_note)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: bool(seen), timeout=5000)
    qtbot.waitUntil(lambda: viewer.metadata.fields["note"].text() == "done", timeout=5000)
    assert older.id != newer.id


def test_keyboard_shortcuts_list_every_windows_keys_and_f_is_always_favourite(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    _active(qtbot, parts.window)
    qtbot.keyClick(parts.window, Qt.Key.Key_F1)
    dialog = parts.window.menus.shortcuts_dialog
    assert dialog is not None and dialog.isVisible()
    entries = {(e.place, e.name, e.keys) for e in dialog.entries}
    assert ("Viewer", "Favourite", "F") in entries
    assert ("Viewer", "Zoom to fit", "Ctrl+0") in entries
    assert ("Viewer", "Next image", "Right, PgDown, Space") in entries
    assert ("Compare", "Zoom to fit", "Ctrl+0") in entries
    assert ("Mask painter", "Smaller brush", "[") in entries and ("Mask painter", "Larger brush", "]") in entries
    assert ("Mask painter", "Undo", "Ctrl+Z") in entries
    assert any(e.name == "Remove the selected edit images" and e.keys == "Del" for e in dialog.entries)
    f_keys = {e.name for e in dialog.entries if "F" in e.keys.split(", ")}
    assert f_keys == {"Favourite"}  # one meaning for F, in every window
    for key, meaning in (("P", "Pick"), ("X", "Reject"), ("U", "Unflag"), ("0", "Clear rating"), ("3", "Rate ★★★☆☆")):
        assert {e.name for e in dialog.entries if key in e.keys.split(", ")} == {meaning}  # Lightroom's culling keys
        assert {e.place for e in dialog.entries if key in e.keys.split(", ")} >= {"Viewer"}
        assert len({e.place for e in dialog.entries if key in e.keys.split(", ")}) == 2  # the gallery's too
    for key, meaning in (("S", "Expand or collapse stack"), ("Ctrl+G", "Stack selected"), ("Ctrl+Shift+G", "Unstack")):
        assert (meaning, "Edit → Stack") in {(e.name, e.place) for e in dialog.entries if key in e.keys.split(", ")}
    assert "act on its cover" in dialog.stack_note.text() and dialog.stack_note.isVisible()
    dialog.filter.setFocus()
    qtbot.keyClicks(dialog.filter, "brush")
    visible = [dialog.entries[r].name for r in range(dialog.table.rowCount()) if not dialog.table.isRowHidden(r)]
    assert visible == ["Smaller brush", "Larger brush"]
    dialog.close()
