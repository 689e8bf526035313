"""The edit flow as a person uses it: input images as thumbnails (decoded off the GUI thread), removed, reordered
and made the mask base with clicks and keys; the painter's brush size; presets and Reuse settings that never keep
edit inputs or a mask silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QDialogButtonBox

from imagestudio.core.types import EditRequest
from tests.gui_images import add_image, png_bytes, wait_gallery

pytestmark = pytest.mark.gui

COLOURS = {"red": (220, 30, 30), "green": (30, 200, 60), "blue": (30, 60, 220)}


def _png(folder: Path, name: str, size: tuple[int, int]) -> str:
    path = folder / f"{name}.png"
    Image.new("RGB", size, COLOURS[name]).save(path)
    return str(path)


def _icon_colour(item: Any) -> QColor:
    image = item.icon().pixmap(72, 72).toImage()
    return image.pixelColor(image.width() // 2, image.height() // 2)


def _thumbnails_ready(inputs: Any) -> bool:
    for i in range(inputs.list.count()):
        item = inputs.list.item(i)
        name = Path(item.data(Qt.ItemDataRole.UserRole)).stem
        expected = COLOURS.get(name)
        if expected is None or _icon_colour(item).getRgb()[:3] != expected:
            return False
    return True


def _click_item(qtbot: Any, inputs: Any, row: int) -> None:
    rect = inputs.list.visualItemRect(inputs.list.item(row))
    qtbot.mouseClick(inputs.list.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def _paint_a_mask(qtbot: Any, editor: Any) -> str:
    qtbot.mouseClick(editor.inputs.paint, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.painter is not None, timeout=5000)
    painter = editor.painter
    qtbot.waitExposed(painter)
    centre = painter.canvas.target_rect().center()
    qtbot.mousePress(painter.canvas, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(painter.canvas, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseClick(painter.buttons.button(QDialogButtonBox.StandardButton.Ok), Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.inputs.mask_path is not None, timeout=5000)
    window = editor.window()
    window.activateWindow()  # what the window manager does when the dialog closes
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    return str(editor.inputs.mask_path)


def test_inputs_show_thumbnails_reorder_remove_and_set_the_mask_base(qtbot: Any, make_app: Any, tmp_path: Path) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    inputs = editor.inputs
    red, green, blue = (_png(tmp_path, n, s) for n, s in (("red", (320, 240)), ("green", (200, 200)),
                                                            ("blue", (100, 300))))  # fmt: skip
    inputs.add_paths([red, green, blue])
    qtbot.waitUntil(lambda: _thumbnails_ready(inputs), timeout=10000)  # decoded on a worker, then shown
    captions = [inputs.list.item(i).text() for i in range(3)]
    assert captions == ["1  red.png", "2  green.png", "3  blue.png"]
    assert editor.generate_button.text().startswith("Edit")

    # blue becomes the mask base: selected with a click, then the button
    assert not inputs.mask_base.isEnabled()
    _click_item(qtbot, inputs, 2)
    assert inputs.mask_base.isEnabled()
    qtbot.mouseClick(inputs.mask_base, Qt.MouseButton.LeftButton)
    assert inputs.paths() == (blue, red, green)

    # a mask painted on blue (100×300)
    mask = _paint_a_mask(qtbot, editor)
    with Image.open(mask) as im:
        assert im.size == (100, 300)

    # green moved earlier twice: it is the first image now, so the mask no longer fits — cleared, and said
    _click_item(qtbot, inputs, 2)
    qtbot.mouseClick(inputs.move_left, Qt.MouseButton.LeftButton)
    assert inputs.paths() == (blue, green, red) and inputs.mask_path == mask  # the first did not change
    qtbot.mouseClick(inputs.move_left, Qt.MouseButton.LeftButton)
    assert inputs.paths() == (green, blue, red)
    assert inputs.mask_path is None
    assert "mask was cleared" in inputs.status.text()
    qtbot.mouseClick(inputs.move_right, Qt.MouseButton.LeftButton)
    assert inputs.paths() == (blue, green, red)

    # Delete removes the selected image; the Remove button too
    _click_item(qtbot, inputs, 2)
    qtbot.keyClick(inputs.list, Qt.Key.Key_Delete)
    assert inputs.paths() == (blue, green)
    _click_item(qtbot, inputs, 0)
    qtbot.mouseClick(inputs.remove, Qt.MouseButton.LeftButton)
    assert inputs.paths() == (green,)

    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "make it glow")
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    [request] = sent
    assert isinstance(request, EditRequest) and request.images == (green,) and request.mask is None


def test_edit_selected_shows_library_ids_not_file_hashes(qtbot: Any, make_app: Any, arun: Any) -> None:
    parts = make_app()
    image = add_image(arun, parts, "a green square", png_bytes((300, 200)))
    wait_gallery(qtbot, parts, 1)
    view = parts.window.gallery.view
    rect = view.visualRect(parts.gallery_model.index(0))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.keyClick(view, Qt.Key.Key_E)  # Edit selected
    inputs = parts.window.prompt_editor.inputs
    qtbot.waitUntil(lambda: inputs.list.count() == 1, timeout=5000)
    item = inputs.list.item(0)
    assert item.text() == f"1  #{image.id}"
    assert image.sha256 not in item.text()
    assert inputs.parent_ids() == (image.id,)
    # the prompt column scrolls: the thumbnails just added are brought into view
    qtbot.waitUntil(lambda: inputs.list.visibleRegion().boundingRect().height() >= inputs.list.height() - 2)

    def left_half_green() -> bool:  # png_bytes: the left half opaque green, the right half transparent
        image = item.icon().pixmap(72, 72).toImage()
        return image.pixelColor(image.width() // 4, image.height() // 2).getRgb()[:3] == (20, 160, 40)

    qtbot.waitUntil(left_half_green, timeout=10000)


def test_an_unreadable_input_gets_a_marked_thumbnail(qtbot: Any, make_app: Any, tmp_path: Path) -> None:
    parts = make_app()
    inputs = parts.window.prompt_editor.inputs
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    inputs.add_paths([str(broken)])
    qtbot.waitUntil(lambda: "could not be read" in inputs.list.item(0).toolTip(), timeout=10000)


def test_the_painters_brush_size_has_a_usable_slider_a_value_and_bracket_keys(
    qtbot: Any, make_app: Any, tmp_path: Path
) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.inputs.add_paths([_png(tmp_path, "red", (400, 300))])
    qtbot.mouseClick(editor.inputs.paint, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.painter is not None, timeout=5000)
    painter = editor.painter
    qtbot.waitExposed(painter)
    painter.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is painter)
    slider, value = painter.brush_slider, painter.brush_value
    assert slider.width() >= 160 and value.isVisible()  # not squashed to a stub, its value shown
    assert value.text() == f"{slider.value()} px" == "48 px"
    qtbot.keyClick(painter.canvas, Qt.Key.Key_BracketRight)
    assert slider.value() == 60 and value.text() == "60 px" and painter.canvas.brush_size == 60
    for _ in range(2):
        qtbot.keyClick(painter.canvas, Qt.Key.Key_BracketLeft)
    assert slider.value() == 38
    for _ in range(40):
        qtbot.keyClick(painter.canvas, Qt.Key.Key_BracketLeft)
    assert slider.value() == 2  # the smallest brush, never 0
    # the slider itself, from the keyboard
    slider.setFocus()
    qtbot.keyClick(slider, Qt.Key.Key_End)
    assert value.text() == "400 px"
    # a big brush paints a big dot: image pixels, whatever the zoom
    canvas = painter.canvas
    centre = canvas.target_rect().center()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=centre)
    mask = painter.result_image()
    assert mask is not None
    assert mask.pixelColor(200 - 150, 150).alpha() == 0 and mask.pixelColor(200 + 150, 150).alpha() == 0
    painter.reject()


def test_a_preset_clears_edit_inputs_and_the_mask_and_says_what_it_changed(
    qtbot: Any, make_app: Any, tmp_path: Path
) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.inputs.add_paths([_png(tmp_path, "red", (320, 240)), _png(tmp_path, "green", (320, 240))])
    mask = _paint_a_mask(qtbot, editor)
    editor.quality.setCurrentIndex(editor.quality.findData("low"))
    editor.size_box.setCurrentIndex(editor.size_box.findData("1536x1024"))
    assert editor.generate_button.text().startswith("Edit")
    picker = parts.window.menus.picker
    filled: list[str] = []

    def fill() -> None:  # the preset's own modal dialog, answered like a person
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        field = next(iter(dialog.fields.values()))
        qtbot.keyClicks(field, "Ada")
        filled.append(dialog.preview.toPlainText())
        qtbot.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, fill)
    picker.combo.setCurrentIndex(picker.combo.findData("avatar"))
    qtbot.mouseClick(picker.use_button, Qt.MouseButton.LeftButton)
    assert filled and "Ada" in editor.prompt.toPlainText()
    assert editor.inputs.paths() == () and editor.inputs.mask_path is None  # never silently kept
    notice = editor.notice.text()
    assert editor.notice.isVisible()
    assert notice.startswith("Preset 'Avatar' set Quality: High, Size: 1024×1024")
    assert "cleared 2 edit image" in notice and "the mask" in notice
    assert editor.generate_button.text().startswith("Generate")
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    [request] = sent
    assert not isinstance(request, EditRequest) and request.quality == "high" and request.size == "1024x1024"
    assert not editor.notice.isVisible()  # said once; gone at the next Generate
    assert Path(mask).exists()


def test_a_preset_that_changes_nothing_says_so(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.quality.setCurrentIndex(editor.quality.findData("high"))
    editor.size_box.setCurrentIndex(editor.size_box.findData("1024x1024"))
    editor.output_format.setCurrentIndex(editor.output_format.findData("png"))
    picker = parts.window.menus.picker
    QTimer.singleShot(0, lambda: qtbot.mouseClick(QApplication.activeModalWidget().ok, Qt.MouseButton.LeftButton))
    picker.combo.setCurrentIndex(picker.combo.findData("avatar"))
    qtbot.mouseClick(picker.use_button, Qt.MouseButton.LeftButton)
    assert editor.notice.text() == "Preset 'Avatar' filled the prompt; the settings were already right."


def test_reuse_settings_says_what_it_changed_and_carries_no_edit_inputs(
    qtbot: Any, make_app: Any, arun: Any, tmp_path: Path
) -> None:
    parts = make_app()
    add_image(arun, parts, "a green square", png_bytes((300, 200)))  # made at 1536x1024, quality high
    wait_gallery(qtbot, parts, 1)
    editor = parts.window.prompt_editor
    red = _png(tmp_path, "red", (320, 240))
    editor.inputs.add_paths([red])
    editor.quality.setCurrentIndex(editor.quality.findData("low"))
    view = parts.window.gallery.view
    view.setFocus()
    view.setCurrentIndex(parts.gallery_model.index(0))
    qtbot.keyClick(view, Qt.Key.Key_Return)
    viewer = parts.window.media.viewer
    qtbot.waitUntil(lambda: viewer.metadata.reuse_button.isEnabled(), timeout=10000)
    qtbot.mouseClick(viewer.metadata.reuse_button, Qt.MouseButton.LeftButton)
    assert editor.drafts.tabs.count() == 2
    assert editor.inputs.paths() == ()  # the new draft is a generation
    notice = editor.notice.text()
    assert notice.startswith("Reused settings in a new draft: ") and "Quality: High" in notice
    assert "Size: 1536×1024" in notice and "the previous draft keeps its 1 edit image" in notice
    editor.drafts.tabs.setCurrentIndex(0)
    assert editor.inputs.paths() == (red,)  # kept where it was
