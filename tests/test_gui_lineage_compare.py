"""Compare any two steps of a lineage (issue 20): in the viewer's Lineage tab, Ctrl+click a second step (or move to
it with Ctrl+arrows and press Ctrl+Space), then Compare: the compare window shows the two side by side with what
changed between their prompts. Real clicks and keys on the tree's items."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QTreeWidgetItem

from imagestudio.core.types import GeneratedImage, GenerationResult, LibraryImage, RefineRequest
from tests.gui_images import add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def _refined(arun: Any, parts: Any, parent: LibraryImage, instruction: str) -> LibraryImage:
    """A refine turn as the queue stores it (kind ``refine``, the parent in ``params["parents"]``)."""
    request = RefineRequest(prompt=instruction, model="gpt-image-2", text_model="gpt-4.1-mini", parent_id=parent.id,
                            image=parent.path)  # fmt: skip
    result = GenerationResult((GeneratedImage(png_bytes((96, 64), (240, 240, 250)), "png"),), "demo", "gpt-image-2",
                              response_meta={"response_id": "resp_demo_1", "store": True})  # fmt: skip
    [image] = arun(parts.library.ingest(request, result))  # type: ignore[arg-type]
    return image


def _click(qtbot: Any, tree: Any, item: QTreeWidgetItem, modifier: Qt.KeyboardModifier) -> None:
    tree.scrollToItem(item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, modifier, tree.visualItemRect(item).center())


def test_compare_two_steps_from_the_lineage(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    root = add_image(arun, parts, "a red fox in the snow", png_bytes((96, 64), (200, 40, 20)))
    edit = add_image(arun, parts, "a red fox in the snow at dusk", png_bytes((96, 64), (90, 40, 120)),
                     parents=(root.id,))  # fmt: skip
    turn = _refined(arun, parts, edit, "add falling snow")
    wait_gallery(qtbot, parts, 3)
    view = parts.window.gallery.view
    view.setFocus()
    row = parts.gallery_model.ids().index(edit.id)
    view.setCurrentIndex(parts.gallery_model.index(row))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer is not None and viewer.current is not None, timeout=10000)
    assert viewer.current.id == edit.id
    tabs = viewer.side.tabBar()
    qtbot.mouseClick(tabs, Qt.MouseButton.LeftButton, pos=tabs.tabRect(viewer.side.indexOf(viewer.lineage)).center())
    lineage = viewer.lineage
    qtbot.waitUntil(lambda: lineage.item_for(turn.id) is not None, timeout=10000)
    tree = lineage.tree
    assert lineage.selected_ids() == [edit.id]  # the shown step
    assert not lineage.compare_button.isEnabled()
    assert lineage.item_for(turn.id).text(0).startswith(f"#{turn.id}  Refine: add falling snow")
    assert lineage.item_for(edit.id).text(0).startswith(f"#{edit.id}  Edit:")

    # Ctrl+click the root: selected too, the viewer stays on the shown step
    _click(qtbot, tree, lineage.item_for(root.id), Qt.KeyboardModifier.ControlModifier)
    assert lineage.selected_ids() == [root.id, edit.id]
    assert viewer.current is not None and viewer.current.id == edit.id
    assert lineage.compare_button.isEnabled()
    assert "at dusk" in lineage.detail.text() and "background:#d4f7d4" in lineage.detail.text()

    qtbot.mouseClick(lineage.compare_button, Qt.MouseButton.LeftButton)
    compare = parts.window.media.compare
    qtbot.waitUntil(lambda: compare is not None and compare.isVisible(), timeout=10000)
    assert [c.text().split(" ")[0] for c in compare.captions] == [f"#{root.id}", f"#{edit.id}"]
    qtbot.waitUntil(lambda: all(c.has_image() for c in compare.canvases), timeout=10000)
    note = compare.note.text()
    assert compare.note.isVisible()
    assert f"#{edit.id}" in note and f"#{root.id}" in note
    assert '<span style="background:#d4f7d4;color:#0a5c0a">at dusk</span>' in note  # what the edit added
    compare.close()

    # with keys: Ctrl+Down moves without selecting, Ctrl+Space adds the refine turn; Ctrl+click takes the root off
    viewer.activateWindow()
    _click(qtbot, tree, lineage.item_for(root.id), Qt.KeyboardModifier.ControlModifier)
    assert lineage.selected_ids() == [edit.id]
    tree.setFocus()
    tree.setCurrentItem(lineage.item_for(edit.id), 0, tree.selectionModel().SelectionFlag.NoUpdate)
    qtbot.keyClick(tree, Qt.Key.Key_Down, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(tree, Qt.Key.Key_Space, Qt.KeyboardModifier.ControlModifier)
    assert lineage.selected_ids() == [edit.id, turn.id]
    qtbot.keyClick(lineage.compare_button, Qt.Key.Key_Space)  # the button, reached by Tab, pressed with Space
    qtbot.waitUntil(lambda: compare.isVisible(), timeout=10000)
    assert [c.text().split(" ")[0] for c in compare.captions] == [f"#{edit.id}", f"#{turn.id}"]
    assert "add falling snow" in compare.note.text() and "Refine" in compare.note.text()
    assert "compared with" not in compare.note.text()  # an instruction against a prompt: no word diff
    tops = [c.mapTo(compare, c.rect().topLeft()).y() for c in compare.canvases]
    assert tops[0] == tops[1]  # side by side at the same height
    # two steps on one line of descent: the steps between them are listed with their texts
    note = lineage.steps_diff(root.id, turn.id)
    assert f"→ #{edit.id}  Edit: a red fox in the snow at dusk" in note
    assert f"→ #{turn.id}  Refine: add falling snow" in note
