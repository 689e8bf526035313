"""The edit flow as a person uses it: input images as thumbnails (decoded off the GUI thread), removed, reordered
and made the mask base with clicks and keys; the painter's brush size; presets and Reuse settings that never keep
edit inputs or a mask silently."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import Qt
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
