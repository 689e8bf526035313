"""The viewer, compare, lineage, metadata panel, Reuse settings and the export dialog, clicked like a person."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QApplication

from imagestudio.ui.dialogs.export_dialog import ExportDialog
from tests.gui_images import ZH_PROMPT, add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui


def _open_first_with_enter(qtbot: Any, parts: Any) -> Any:
    view = parts.window.gallery.view
    view.setFocus()
    view.setCurrentIndex(parts.gallery_model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(lambda: viewer.canvas.has_image() and viewer.metadata.fields["c2pa"].text() != "…", timeout=10000)
    return viewer


def test_viewer_opens_from_gallery_zooms_navigates_and_shows_details(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    first = add_image(arun, parts, "a green square, transparent right half", png_bytes())
    second = add_image(arun, parts, ZH_PROMPT, png_bytes((800, 600), (200, 30, 30)))
    wait_gallery(qtbot, parts, 2)
    viewer = _open_first_with_enter(qtbot, parts)
    assert viewer.current_id == second.id  # newest first, like the gallery
    canvas = viewer.canvas
    assert canvas.fitted and canvas.zoom <= 1.0
    assert viewer.metadata.prompt.toPlainText() == ZH_PROMPT
    assert viewer.metadata.fields["size"].text() == "800 × 600"
    assert viewer.metadata.fields["model"].text().startswith("gpt-image-2")
    assert "KB" in viewer.metadata.fields["file_size"].text() or "B" in viewer.metadata.fields["file_size"].text()
    assert viewer.metadata.fields["c2pa"].text() == "none"
    assert '"quality": "high"' in viewer.metadata.params.toPlainText()

    # transparent pixels are drawn over the checkerboard, not over the dark background
    qtbot.keyClick(canvas, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert canvas.zoom == 1.0 and not canvas.fitted
    rect = canvas.target_rect().toAlignedRect()
    shot = canvas.grab().toImage()
    right = shot.pixelColor(min(rect.right() - 5, canvas.width() - 5), canvas.height() // 2)
    assert right.lightness() > 180, right.name()
    qtbot.keyClick(canvas, Qt.Key.Key_Plus)
    assert canvas.zoom == pytest.approx(1.25)
    qtbot.keyClick(canvas, Qt.Key.Key_Minus)
    assert canvas.zoom == pytest.approx(1.0)
    qtbot.keyClick(canvas, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert canvas.fitted

    qtbot.keyClick(canvas, Qt.Key.Key_Right)
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == first.id, timeout=10000)
    assert canvas.image_size().width() == 1600
    assert viewer.position.text() == "2 / 2"
    qtbot.keyClick(canvas, Qt.Key.Key_Left)
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == second.id, timeout=10000)
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not viewer.isVisible()


def test_double_click_opens_and_mouse_wheel_and_drag_pan(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    image = add_image(arun, parts, "big", png_bytes((3000, 2000)))
    wait_gallery(qtbot, parts, 1)
    view = parts.window.gallery.view
    center = view.visualRect(parts.gallery_model.index(0)).center()
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=center)
    viewer = parts.window.media.viewer
    assert viewer is not None and viewer.isVisible()
    qtbot.waitUntil(viewer.canvas.has_image, timeout=10000)
    assert viewer.current_id == image.id
    canvas = viewer.canvas
    canvas.actual_size()
    before = canvas.center
    start = QPoint(canvas.width() // 2, canvas.height() // 2)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(canvas, start + QPoint(-120, -80))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=start + QPoint(-120, -80))
    assert canvas.center.x() > before.x() and canvas.center.y() > before.y()  # dragged left/up: see right/down
    viewer.toggle_full_screen()
    assert viewer.isFullScreen() and not viewer.side.isVisible()
    qtbot.keyClick(canvas, Qt.Key.Key_Escape)
    assert not viewer.isFullScreen() and viewer.isVisible()


def test_compare_keeps_zoom_and_pan_in_sync(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    a = add_image(arun, parts, "a", png_bytes((2000, 1200)))
    b = add_image(arun, parts, "b", png_bytes((2000, 1200), (10, 10, 200)))
    wait_gallery(qtbot, parts, 2)
    view = parts.window.gallery.view
    view.selectAll()
    parts.window.media.compare_action.trigger()
    compare = parts.window.media.compare
    assert compare is not None and len(compare.canvases) == 2
    qtbot.waitUntil(lambda: all(c.has_image() for c in compare.canvases), timeout=10000)
    assert {cap.text().split(" ")[0] for cap in compare.captions} == {f"#{a.id}", f"#{b.id}"}
    left, right = compare.canvases
    qtbot.keyClick(left, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    assert right.zoom == 1.0 and not right.fitted
    start = QPoint(left.width() // 2, left.height() // 2)
    qtbot.mousePress(left, Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(left, start + QPoint(60, 40))
    qtbot.mouseRelease(left, Qt.MouseButton.LeftButton, pos=start + QPoint(60, 40))
    assert right.center.x() == pytest.approx(left.center.x()) and right.center.y() == pytest.approx(left.center.y())
    assert left.center.x() < 0.5
    qtbot.keyClick(left, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert right.fitted


def test_lineage_shows_the_edit_chain_with_diffs_and_navigates(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    root = add_image(arun, parts, "一只橘猫在月球上", png_bytes((300, 200)))
    child = add_image(arun, parts, "一只黑猫在月球上弹吉他", png_bytes((300, 200), (9, 9, 9)), parents=(root.id,))
    wait_gallery(qtbot, parts, 2)
    viewer = _open_first_with_enter(qtbot, parts)
    assert viewer.current_id == child.id
    assert f"#{root.id}" in viewer.metadata.fields["parents"].text()
    tree = viewer.lineage.tree
    qtbot.waitUntil(lambda: viewer.lineage.item_for(root.id) is not None, timeout=10000)
    child_item = viewer.lineage.item_for(child.id)
    assert child_item is not None and child_item.parent() is viewer.lineage.item_for(root.id)
    assert child_item.text(1) == "+ 黑 弹吉他  − 橘"
    assert "line-through" in viewer.lineage.detail.text()
    root_item = viewer.lineage.item_for(root.id)
    assert root_item is not None
    rect = tree.visualItemRect(root_item)
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.waitUntil(lambda: viewer.current is not None and viewer.current.id == root.id, timeout=10000)


def test_reuse_settings_opens_a_new_draft_and_keeps_the_prompt_being_written(
    qtbot: Any, make_app: Any, arun: Any
) -> None:
    parts = make_app()
    add_image(arun, parts, ZH_PROMPT, png_bytes((300, 200)))
    wait_gallery(qtbot, parts, 1)
    editor = parts.window.prompt_editor
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "my own draft")
    viewer = _open_first_with_enter(qtbot, parts)
    qtbot.mouseClick(viewer.metadata.reuse_button, Qt.MouseButton.LeftButton)
    tabs = editor.drafts.tabs
    assert tabs.count() == 2 and tabs.currentIndex() == 1
    assert editor.prompt.toPlainText() == ZH_PROMPT
    tabs.setCurrentIndex(0)  # the draft being written is untouched in its own tab
    assert editor.prompt.toPlainText() == "my own draft"
    qtbot.mouseClick(viewer.metadata.copy_prompt_button, Qt.MouseButton.LeftButton)
    assert QApplication.clipboard().text() == ZH_PROMPT


def test_export_dialog_writes_converted_files_named_by_the_template(
    qtbot: Any, make_app: Any, arun: Any, tmp_path: Path
) -> None:
    parts = make_app()
    add_image(arun, parts, ZH_PROMPT, png_bytes((1200, 800)))
    add_image(arun, parts, "CON", png_bytes((400, 300)))
    wait_gallery(qtbot, parts, 2)
    parts.window.gallery.view.selectAll()
    parts.window.media.export_action.trigger()
    qtbot.waitUntil(lambda: isinstance(parts.window.media.export_dialog, ExportDialog), timeout=10000)
    dialog = parts.window.media.export_dialog
    assert dialog is not None
    out = tmp_path / "导出"
    dialog.directory.setText(str(out))
    dialog.format.setCurrentIndex(dialog.format.findData("webp"))
    dialog.resize_box.setChecked(True)
    dialog.max_edge.setValue(600)
    dialog.template.setText("{prompt:12}")  # "CON" alone is a reserved name on Windows
    assert "AI-generated" in dialog.explain.text()
    assert dialog.preview.text().endswith(".webp")
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: dialog.result_ is not None, timeout=20000)
    assert dialog.result_ is not None and not dialog.result_.problems
    names = sorted(p.name for p in out.iterdir())
    assert names == sorted(["CON_.webp", f"{ZH_PROMPT[:12]}.webp"])
    with Image.open(out / f"{ZH_PROMPT[:12]}.webp") as im:
        assert max(im.size) == 600
        assert b"trainedAlgorithmicMedia" in im.info["xmp"]
    assert parts.window.media._services.prefs.options.format == "webp"  # remembered for the next export
    assert "2 files written" in dialog.message.text() or "2 file(s)" in dialog.message.text()
