"""Stacks in the GUI with real input (issue 21 part 2): a 4-variant job lands as ONE tile with a count badge; a click
on the badge (and S) expands it in place and collapses it again; rating keys on a collapsed tile rate its cover; a
pick inside the expanded stack becomes the cover; Ctrl+G stacks a selection, Ctrl+Shift+G unstacks; a search shows
the stack as the member that matches; Del on a member keeps the rest; the viewer walks a stack's members."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from imagestudio.app.gallery_model import StackPlace, StackRole
from imagestudio.ui.gallery.tile import stack_badge_rect
from tests.gui_images import add_image, png_bytes, wait_gallery
from tests.test_gui import _job, _type_prompt_and_generate

pytestmark = pytest.mark.gui


def _row(parts: Any, image_id: int) -> Any:
    return parts.library.library.db.get(image_id)


def _place(parts: Any, row: int) -> StackPlace | None:
    model = parts.gallery_model
    parts.window.gallery.view.viewport().repaint()  # the view asks only for what it paints
    place = model.data(model.index(row), StackRole)
    return place if isinstance(place, StackPlace) else None


def _click(qtbot: Any, parts: Any, row: int, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    view = parts.window.gallery.view
    rect = view.visualRect(parts.gallery_model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, modifier, rect.center())


def _click_badge(qtbot: Any, parts: Any, row: int) -> None:
    view = parts.window.gallery.view
    rect = view.visualRect(parts.gallery_model.index(row))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=stack_badge_rect(rect, view.thumb_size).center())


def test_a_jobs_variants_are_one_tile_that_expands_in_place(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    lonely = add_image(arun, parts, "a lonely lighthouse", png_bytes((64, 64), (200, 30, 30)))
    parts.window.prompt_editor.count.setValue(4)
    _type_prompt_and_generate(qtbot, parts, "a quiet harbour at dawn")
    job = _job(qtbot, parts, 1)
    qtbot.waitUntil(lambda: job.state.finished, timeout=20000)
    model, view = parts.gallery_model, parts.window.gallery.view
    wait_gallery(qtbot, parts, 2)
    qtbot.waitUntil(lambda: model.rowCount() == 2 and _place(parts, 0) is not None, timeout=10000)
    place = _place(parts, 0)
    assert place is not None and (place.size, place.expanded) == (4, False)  # ONE tile, a badge saying 4
    variants = parts.library.library.stack_members(model.image_id(0) or 0)
    assert len(variants) == 4 and model.image_id(0) == variants[0]  # the cover (the first) is the tile
    parts.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parts.window)

    # a click on the badge expands the stack in place: its members next to each other, a group; again collapses
    _click_badge(qtbot, parts, 0)
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=5000)
    assert model.ids()[:4] == variants and model.ids()[4] == lonely.id
    qtbot.waitUntil(lambda: (p := _place(parts, 3)) is not None and p.expanded and p.last and not p.first)
    assert view.selected_ids() == []  # the badge is a button: no selection change
    _click_badge(qtbot, parts, 0)
    qtbot.waitUntil(lambda: model.rowCount() == 2, timeout=5000)

    # a collapsed tile: 5 rates its cover only (what the tile shows); S expands, the members keep their own stars
    _click(qtbot, parts, 0)
    qtbot.keyClick(view, Qt.Key.Key_5)
    qtbot.waitUntil(lambda: _row(parts, variants[0]).rating == 5, timeout=5000)
    assert [_row(parts, i).rating for i in variants[1:]] == [0, 0, 0]
    qtbot.keyClick(view, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: model.rowCount() == 5, timeout=5000)

    # P on a member inside the expanded stack: a pick is the cover; collapsed, that member is the tile
    _click(qtbot, parts, model.row_of(variants[2]) or 0)
    qtbot.keyClick(view, Qt.Key.Key_P)
    qtbot.waitUntil(lambda: parts.library.library.stack_members(variants[0])[0] == variants[2], timeout=5000)
    qtbot.waitUntil(lambda: model.ids()[0] == variants[2], timeout=5000)  # the cover leads the group
    # Del on an expanded member: it goes, the rest stay stacked (badge 3)
    _click(qtbot, parts, model.row_of(variants[3]) or 0)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: variants[3] not in model.ids(), timeout=5000)
    qtbot.waitUntil(lambda: (p := _place(parts, 0)) is not None and p.size == 3, timeout=5000)
    _click(qtbot, parts, 0)
    qtbot.keyClick(view, Qt.Key.Key_S)
    qtbot.waitUntil(lambda: model.ids() == [variants[2], lonely.id], timeout=5000)

    # Ctrl+G on the stack's tile and the lone image: one stack of 4; Ctrl+Shift+G dissolves it
    _click(qtbot, parts, 0)
    _click(qtbot, parts, 1, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=5000)
    qtbot.waitUntil(lambda: (p := _place(parts, 0)) is not None and p.size == 4, timeout=5000)
    assert _row(parts, lonely.id).stack_id == _row(parts, variants[0]).stack_id
    _click(qtbot, parts, 0)
    qtbot.keyClick(view, Qt.Key.Key_G, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: model.rowCount() == 4, timeout=5000)
    assert all(_row(parts, i).stack_id is None for i in (lonely.id, *variants[:3]))


def test_search_shows_the_matching_member_and_the_viewer_walks_the_stack(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    parts.window.prompt_editor.count.setValue(3)
    _type_prompt_and_generate(qtbot, parts, "a red fox in the snow")
    job = _job(qtbot, parts, 1)
    qtbot.waitUntil(lambda: job.state.finished, timeout=20000)
    model, view = parts.gallery_model, parts.window.gallery.view
    wait_gallery(qtbot, parts, 1)
    qtbot.waitUntil(lambda: model.rowCount() == 1, timeout=10000)
    members = parts.library.library.stack_members(model.image_id(0) or 0)
    parts.library.library.change_tags([members[2]], add=["keeper"])  # only a hidden member matches "keeper"

    search = parts.window.gallery.search.text
    search.setFocus()
    qtbot.keyClicks(search, "keeper")
    qtbot.waitUntil(lambda: model.ids() == [members[2]], timeout=5000)  # the stack is found, shown as that member
    search.clear()
    qtbot.waitUntil(lambda: model.ids() == [members[0]], timeout=5000)

    # Enter on the collapsed tile: the viewer walks the stack's members with the arrow keys
    parts.window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is parts.window)
    _click(qtbot, parts, 0)
    qtbot.keyClick(view, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: parts.window.media.viewer is not None, timeout=5000)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == members[0], timeout=10000)
    assert viewer.position.text().endswith("1 of 3 in stack")
    viewer.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is viewer)
    qtbot.keyClick(viewer.canvas, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == members[1], timeout=10000)
    assert viewer.position.text() == "2 / 3  ·  2 of 3 in stack"
    viewer.close()
