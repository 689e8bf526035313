"""Settings → Budget → Ask above: Generate asks first when the request's estimate is above it (issue 16 item 6,
issue 17). The question is the real message box, answered with a click."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox

from tests.gui_dialogs import answer_next
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _answer(qtbot: Any, button: QMessageBox.StandardButton, seen: list[str]) -> None:
    def click(box: QMessageBox) -> None:
        seen.append(box.text())
        qtbot.mouseClick(box.button(button), Qt.MouseButton.LeftButton)

    answer_next(QMessageBox, click)


def test_generate_asks_above_the_threshold(qtbot: Any, make_app: Any, simulator: OpenAISimulator) -> None:
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    window = parts.window
    spin = window.budget_box.confirm_above
    assert spin.text().endswith("never ask")  # 0 = never asks
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "0.01")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    assert parts.settings.current.confirm_above_usd == 0.01
    editor = window.prompt_editor
    editor.quality.setCurrentIndex(editor.quality.findData("high"))
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "a lighthouse at dusk")
    seen: list[str] = []
    _answer(qtbot, QMessageBox.StandardButton.No, seen)
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    assert seen and "$0.01" in seen[0] and "$" in seen[0].split("estimated at")[1]
    assert "Not sent" in editor.error.text() and parts.controller.jobs() == []
    _answer(qtbot, QMessageBox.StandardButton.Yes, seen)
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    assert len(seen) == 2
    qtbot.waitUntil(lambda: len(parts.controller.jobs()) == 1, timeout=5000)

    # a cheap request under the threshold, or the free demo, is not asked about
    spin.setFocus()
    spin.selectAll()
    qtbot.keyClicks(spin, "1000")
    qtbot.keyClick(spin, Qt.Key.Key_Return)
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(parts.controller.jobs()) == 2, timeout=5000)
    assert len(seen) == 2
    parts.settings.update(provider="demo", confirm_above_usd=0.01)
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(parts.controller.jobs()) == 3, timeout=5000)
    assert len(seen) == 2
