"""Quitting with a paused queue: "wait" never waits for jobs that cannot start (issue 17). The quit question is
the real message box, answered with a click."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QMessageBox

from imagestudio.core.types import GenerationRequest, JobState
from tests.gui_dialogs import answer_next
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _answer_quit(qtbot: Any, choice: str, seen: list[list[str]]) -> None:
    """Click the button whose text starts with ``choice`` in the quit question once it is up."""

    def click(box: QMessageBox) -> None:
        texts = [b.text() for b in box.buttons()]
        seen.append(texts)
        button = next(b for b in box.buttons() if b.text().startswith(choice))
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    answer_next(QMessageBox, click)


def _quit_with_keys(qtbot: Any, window: Any) -> None:
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)


def test_paused_queue_resume_wait_then_quit(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    window = parts.window
    parts.settings.update(provider="demo")
    qtbot.mouseClick(window.jobs_panel.pause_button, Qt.MouseButton.LeftButton)
    assert parts.controller.paused
    editor = window.prompt_editor
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, "a lighthouse")
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(parts.controller.jobs()) == 1, timeout=5000)  # written, not started
    [job] = parts.controller.jobs()
    assert job.state is JobState.QUEUED
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    seen: list[list[str]] = []
    _answer_quit(qtbot, "Resume, wait", seen)
    _quit_with_keys(qtbot, window)
    assert seen and not any(t.startswith("Wait, then quit") for t in seen[0])  # no wait that never ends
    assert not parts.controller.paused  # resumed
    qtbot.waitUntil(lambda: bool(closed), timeout=15000)  # the job ran, then the window closed
    assert job.state is JobState.DONE


def test_paused_queue_with_nothing_running_never_waits_forever(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    window = parts.window
    parts.settings.update(provider="demo")
    qtbot.mouseClick(window.jobs_panel.pause_button, Qt.MouseButton.LeftButton)
    job = parts.controller.submit(GenerationRequest("a lighthouse", "gpt-image-2", "1024x1024", "low", 1))
    qtbot.waitUntil(lambda: job.id != 0, timeout=5000)
    window.ask_quit = lambda _w, running, waiting, **_: "wait"  # an answer from before this fix
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    _quit_with_keys(qtbot, window)
    qtbot.waitUntil(lambda: bool(closed), timeout=5000)  # nothing could finish: quit now, the job kept queued
    assert parts.controller.quit_mode == "leave" and job.state is JobState.QUEUED


def test_wait_for_the_running_ones_then_quit_keeps_the_waiting_queued(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator
) -> None:
    simulator.latency = 1.0
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url, queue_concurrency=1)
    window = parts.window
    first = parts.controller.submit(GenerationRequest("first", "gpt-image-2", "1024x1024", "low", 1))
    qtbot.waitUntil(lambda: first.state is JobState.RUNNING, timeout=5000)
    qtbot.mouseClick(window.jobs_panel.pause_button, Qt.MouseButton.LeftButton)
    second = parts.controller.submit(GenerationRequest("second", "gpt-image-2", "1024x1024", "low", 1))
    qtbot.waitUntil(lambda: second.id != 0, timeout=5000)
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))
    seen: list[list[str]] = []
    _answer_quit(qtbot, "Wait for the running ones", seen)
    _quit_with_keys(qtbot, window)
    assert parts.controller.paused and not closed
    qtbot.waitUntil(lambda: bool(closed), timeout=15000)
    assert first.state is JobState.DONE and second.state is JobState.QUEUED
