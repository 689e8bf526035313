"""Presets in the real main window: pick one, fill its variables, get the prompt and settings; manage your own."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtWidgets import QDialog

from imagestudio.core.paths import AppPaths
from imagestudio.ui.prompt.preset_picker import PresetFillDialog

pytestmark = pytest.mark.gui


def _options(parts: Any) -> Any:
    editor = parts.window.prompt_editor
    return getattr(editor, "options", editor)


def test_game_character_preset_fills_prompt_and_transparent_png(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    picker = parts.window.menus.picker
    seen: list[PresetFillDialog] = []

    def fill(dialog: PresetFillDialog) -> int:
        seen.append(dialog)
        qtbot.keyClicks(dialog.fields["character"], "a fox archer")
        assert "a fox archer" in dialog.preview.toPlainText()
        return QDialog.DialogCode.Accepted

    picker.run_dialog = fill
    picker.combo.setCurrentIndex(picker.combo.findData("game-character"))
    picker.use_button.click()
    editor = parts.window.prompt_editor
    prompt = editor.prompt.toPlainText()
    assert prompt.startswith("Full-body game character: a fox archer,") and "transparent background" in prompt
    assert _options(parts).output_format.currentData() == "png"
    assert _options(parts).size_box.currentData() == "1024x1536"
    background = getattr(_options(parts), "background", None)
    chosen = background.currentData() if background is not None else parts.settings.current.background
    assert chosen == "transparent"
    # the request the editor builds is valid for the chosen model
    request = editor.build_request()
    assert request.output_format == "png" and request.size == "1024x1536"
    assert seen[0].size_choice.findData("1024x1024") >= 0


def test_advertising_dialog_lists_only_sizes_the_model_allows(make_app: Any) -> None:
    parts = make_app()
    picker = parts.window.menus.picker
    preset = parts.presets.get("advertising")
    dialog = picker.make_dialog(preset)
    sizes = [dialog.size_choice.itemData(i) for i in range(dialog.size_choice.count())]
    assert "2304x768" in sizes and "2912x368" not in sizes
    dialog.size_choice.setCurrentIndex(dialog.size_choice.findData("1152x2048"))
    assert dialog.settings()["size"] == "1152x2048"
    dialog.fields["headline"].setText("{oops")  # braces typed by a person are text, not template syntax
    assert "{oops" in dialog.prompt()
    dialog.deleteLater()


def test_manage_presets_save_edit_delete_import_export(
    qtbot: Any,
    make_app: Any,
    paths: AppPaths,
    tmp_path: Path,
) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.prompt.setPlainText("a watercolour of a red fox")
    parts.window.menus.save_prompt_as_preset()
    dialog = parts.window.menus.presets_dialog
    assert dialog.template.toPlainText() == "a watercolour of a red fox"
    dialog.template.setPlainText("a watercolour of {subject}")
    qtbot.keyClicks(dialog.name, "Fox study")
    dialog.save_button.click()
    store = paths.config / "presets.json"
    qtbot.waitUntil(lambda: store.exists() and "Fox study" in store.read_text(encoding="utf-8"), timeout=5000)
    saved = json.loads(store.read_text(encoding="utf-8"))["presets"][0]
    assert saved["id"] == "fox-study" and saved["template"] == "a watercolour of {subject}"
    picker = parts.window.menus.picker
    qtbot.waitUntil(lambda: picker.combo.findData("fox-study") >= 0)  # the toolbar picker offers it too

    # a template mistake is explained, nothing is written
    dialog.template.setPlainText("broken {")
    dialog.save_button.click()
    assert "unmatched" in dialog.message.text()
    assert "broken" not in store.read_text(encoding="utf-8")

    # export, delete, import back
    out = tmp_path / "mine.json"
    dialog._show(parts.presets.get("fox-study"))
    dialog.ask_save = lambda: out
    dialog.export_button.click()
    qtbot.waitUntil(out.exists, timeout=5000)
    dialog.delete_button.click()
    qtbot.waitUntil(lambda: picker.combo.findData("fox-study") < 0, timeout=5000)
    assert parts.presets.get("fox-study") is None
    dialog.ask_open = lambda: out
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "Imported 1 preset" in dialog.message.text(), timeout=5000)
    assert parts.presets.get("fox-study") is not None

    # a broken file is explained
    bad = tmp_path / "bad.json"
    bad.write_text("nonsense", encoding="utf-8")
    dialog.ask_open = lambda: bad
    dialog.import_button.click()
    qtbot.waitUntil(lambda: "not valid JSON" in dialog.message.text(), timeout=5000)

    # built-ins are read-only; Duplicate makes an editable copy
    dialog._refill("avatar")
    assert dialog.template.isReadOnly() and not dialog.save_button.isEnabled()
    dialog.duplicate_button.click()
    assert not dialog.template.isReadOnly() and dialog.name.text().endswith("(copy)")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: parts.presets.get("avatar-copy") is not None, timeout=5000)
    assert parts.presets.get("avatar").builtin
    dialog.close()
