"""The prompt editor offers only what the chosen model allows; edits with a painted mask; enhancement review."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QImage

from imagestudio.core.paths import AppPaths
from imagestudio.core.types import EditRequest, GenerationRequest, JobState
from imagestudio.ui.prompt.mask_painter import MaskPainterDialog
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _items(combo: Any) -> list[Any]:
    return [combo.itemData(i) for i in range(combo.count())]


def test_options_follow_the_chosen_model(qtbot: Any, make_app: Any) -> None:
    editor = make_app().window.prompt_editor
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2"))
    assert _items(editor.quality) == ["auto", "low", "medium", "high"]
    assert _items(editor.output_format) == ["png", "jpeg", "webp"]  # no GIF/SVG preview on gpt-image-2
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2.5-sunburst"))
    assert "xhigh" in _items(editor.quality) and "max" in _items(editor.quality)
    assert _items(editor.output_format)[-2:] == ["gif", "svg"]
    options = editor.options
    # compression only for jpeg/webp; transparent background only for png/webp
    editor.output_format.setCurrentIndex(editor.output_format.findData("jpeg"))
    transparent = options.background.model().item(options.background.findData("transparent"))  # type: ignore[attr-defined]
    assert options.compression.isEnabled() and not transparent.isEnabled()
    editor.output_format.setCurrentIndex(editor.output_format.findData("png"))
    assert not options.compression.isEnabled() and transparent.isEnabled()
    editor.output_format.setCurrentIndex(editor.output_format.findData("gif"))
    assert not options.frame_count.isVisibleTo(editor)  # folded under "More options", with the format
    qtbot.mouseClick(editor.more_options.toggle, Qt.MouseButton.LeftButton)
    assert options.frame_count.isVisibleTo(editor) and not options.partial_images.isEnabled()


def test_invalid_custom_size_is_refused_inline_and_nothing_is_sent(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.prompt.setPlainText("a fox")
    editor.size_box.setEditText("1000x1000")
    assert "multiples of 16" in editor.options.size_note.text()
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    assert editor.error.isVisible() and "multiples of 16" in editor.error.text()
    assert parts.controller.active_count() == 0


def test_all_parameters_reach_the_request(qtbot: Any, make_app: Any) -> None:
    editor = make_app().window.prompt_editor
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2.5-flare"))
    editor.prompt.setPlainText("a glass of water")
    editor.size_box.setEditText("1536x864")  # a custom size
    editor.output_format.setCurrentIndex(editor.output_format.findData("webp"))
    o = editor.options
    o.compression.setValue(70)
    o.background.setCurrentIndex(o.background.findData("transparent"))
    o.moderation.setCurrentIndex(o.moderation.findData("low"))
    o.complexity.setCurrentIndex(o.complexity.findData("high"))
    o.partial_images.setValue(2)
    editor.submit()
    [request] = sent
    assert isinstance(request, GenerationRequest)
    params = request.api_params()
    assert params["size"] == "1536x864" and params["output_compression"] == 70
    assert (params["background"], params["moderation"], params["complexity"]) == ("transparent", "low", "high")
    assert params["stream"] is True and params["partial_images"] == 2
    assert len(params["safety_identifier"]) == 64


def _png(path: Path, size: tuple[int, int]) -> str:
    Image.new("RGB", size, (30, 120, 200)).save(path)
    return str(path)


def test_mask_painter_makes_an_alpha_png_at_the_first_images_size(qtbot: Any) -> None:
    image = QImage(300, 200, QImage.Format.Format_RGB32)
    image.fill(Qt.GlobalColor.darkGreen)
    dialog = MaskPainterDialog(image, allow_markup=True)
    qtbot.addWidget(dialog)
    dialog.resize(600, 500)
    dialog.show()
    qtbot.waitExposed(dialog)
    canvas = dialog.canvas
    assert dialog.result_image() is None  # nothing painted yet
    canvas.brush_size = 20
    rect = canvas.target_rect()
    centre = rect.center()
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=centre)
    qtbot.mouseMove(canvas, centre + QPoint(20, 0))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=centre + QPoint(20, 0))
    mask = dialog.result_image()
    assert mask is not None and (mask.width(), mask.height()) == (300, 200)
    assert mask.pixelColor(150, 100).alpha() == 0  # painted: edit here
    assert mask.pixelColor(5, 5).alpha() == 255  # untouched: keep
    qtbot.mouseClick(dialog.invert, Qt.MouseButton.LeftButton)
    inverted = dialog.result_image()
    assert inverted is not None
    assert inverted.pixelColor(150, 100).alpha() == 255 and inverted.pixelColor(5, 5).alpha() == 0
    qtbot.mouseClick(dialog.undo, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.clear, Qt.MouseButton.LeftButton)
    assert dialog.result_image() is None
    qtbot.mouseClick(dialog.undo, Qt.MouseButton.LeftButton)  # undo the clear
    assert dialog.result_image() is not None
    # markup: an arrow on its own transparent layer
    qtbot.mouseClick(dialog.markup_mode, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(dialog.arrow, Qt.MouseButton.LeftButton)
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=rect.topLeft() + QPoint(10, 10))
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=centre)
    markup = dialog.result_image()
    assert markup is not None and markup.size() == image.size() and markup.hasAlphaChannel()
    assert markup.pixelColor(299, 199).alpha() == 0


def test_edit_with_a_painted_mask_runs_and_is_stored(
    qtbot: Any, make_app: Any, tmp_path: Path, paths: AppPaths
) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    first = _png(tmp_path / "photo.png", (320, 240))
    editor.inputs.add_paths([first, str(tmp_path / "notes.txt")])  # a text file is refused, with a message
    assert editor.inputs.paths() == (first,)
    assert "notes.txt" in editor.inputs.status.text()
    assert editor.generate_button.text() == "Edit"
    qtbot.mouseClick(editor.inputs.paint, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.painter is not None, timeout=5000)
    painter = editor.painter
    assert painter is not None
    canvas = painter.canvas
    qtbot.mousePress(canvas, Qt.MouseButton.LeftButton, pos=canvas.target_rect().center())
    qtbot.mouseRelease(canvas, Qt.MouseButton.LeftButton, pos=canvas.target_rect().center())
    painter.accept()
    qtbot.waitUntil(lambda: editor.inputs.mask_path is not None, timeout=5000)
    mask_path = editor.inputs.mask_path
    assert mask_path is not None
    with Image.open(mask_path) as mask:
        assert mask.size == (320, 240) and mask.mode == "RGBA"
    editor.prompt.setPlainText("put a red balloon there")
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    [request] = sent
    assert isinstance(request, EditRequest) and request.images == (first,) and request.mask == mask_path
    qtbot.waitUntil(lambda: parts.controller.active_count() == 0 and bool(_rows(paths)), timeout=15000)
    [(prompt, params)] = _rows(paths)
    assert prompt == "put a red balloon there"
    assert json.loads(params)["images"] == [first]


def _rows(paths: AppPaths) -> list[tuple[Any, ...]]:
    with sqlite3.connect(paths.library_db) as db:
        return db.execute("SELECT prompt, params_json FROM images").fetchall()


def test_enhancement_review_sends_the_enhanced_prompt_and_keeps_the_original(
    qtbot: Any, make_app: Any, paths: AppPaths
) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    editor.enhance.setChecked(True)
    editor.enhance_mode.setCurrentIndex(editor.enhance_mode.findData("review"))
    editor.prompt.setPlainText("雪中的红狐狸")
    editor.submit()
    qtbot.waitUntil(lambda: editor.review_dialog is not None, timeout=5000)
    dialog = editor.review_dialog
    assert dialog is not None
    assert dialog.original.toPlainText() == "雪中的红狐狸"
    assert "雪中的红狐狸" in dialog.enhanced.toPlainText() and "细节" in dialog.enhanced.toPlainText()  # same language
    assert "background" in dialog.changes.toHtml()  # the new words are highlighted
    dialog.enhanced.setPlainText(dialog.enhanced.toPlainText() + "，黄昏")  # the person edits it
    qtbot.mouseClick(dialog.use, Qt.MouseButton.LeftButton)
    [request] = sent
    assert request.original_prompt == "雪中的红狐狸" and request.prompt.endswith("，黄昏")
    assert parts.settings.current.enhance_mode == "review"


def test_refresh_models_hides_what_the_server_lacks(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any
) -> None:
    simulator.models = [m for m in simulator.models if "2.6" not in m]
    parts = make_app()
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    memory_keyring.store[("imagestudio", "api-key:custom")] = simulator.api_key
    editor = parts.window.prompt_editor
    assert editor.model.findData("gpt-image-2.6-flare") >= 0
    qtbot.mouseClick(editor.refresh_models, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.model.findData("gpt-image-2.6-flare") < 0, timeout=10000)
    assert editor.model.findData("gpt-image-2.5-flare") >= 0
    assert "gpt-image-2.6-flare" in editor.error.text()


def test_status_bar_shows_the_cost_totals(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    label = parts.window.cost_label
    qtbot.waitUntil(lambda: label.text().startswith("Today $0.00"), timeout=5000)
    job = parts.controller.submit(GenerationRequest("a kite", "gpt-image-2"))
    assert job is not None
    qtbot.waitUntil(lambda: parts.controller.active_count() == 0, timeout=15000)
    assert JobState.DONE  # demo jobs are free: the totals stay at zero
    assert label.text().startswith("Today $0.00")


def test_refresh_models_applies_the_active_profiles_capability_overrides(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any
) -> None:
    from imagestudio.core import profiles

    parts = make_app()
    profile = profiles.Profile(
        "strict server",
        kind="compatible",
        base_url=simulator.base_url,
        capability_overrides={"qualities": ["auto", "low"], "n_max": 2},
    )
    profiles.save(parts.paths.config, [profile])
    memory_keyring.store[("imagestudio", f"api-key:{profile.key_entry}")] = simulator.api_key
    parts.settings.update(profile=profile.name)
    editor = parts.window.prompt_editor
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2"))
    assert editor.quality.findData("high") >= 0
    qtbot.mouseClick(editor.refresh_models, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: editor.quality.findData("high") < 0, timeout=10000)
    assert [editor.quality.itemData(i) for i in range(editor.quality.count())] == ["auto", "low"]
    assert editor.count.maximum() == 2
    assert any(r.path == "/v1/models" for r in simulator.requests)  # the server was asked, with the profile's key
