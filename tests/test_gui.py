"""The real main window, clicked like a person would, against the demo provider and the simulator."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QPixmap
from PySide6.QtWidgets import QApplication

from imagestudio.app.gallery_model import ImageRole
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import JobState
from imagestudio.main import Composition
from tests.memory_keyring import MemoryKeyring
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _rows(paths: AppPaths) -> list[tuple[Any, ...]]:
    with sqlite3.connect(paths.library_db) as db:
        return db.execute("SELECT id, sha256, rel_path, prompt, model, provider, width, height FROM images").fetchall()


def _type_prompt_and_generate(qtbot: Any, parts: Composition, prompt: str, *, shortcut: bool = False) -> None:
    editor = parts.window.prompt_editor
    editor.prompt.setFocus()
    if prompt.isascii():
        qtbot.keyClicks(editor.prompt, prompt)
    else:  # Chinese arrives from an input method as a committed string, as it does for a person
        event = QInputMethodEvent()
        event.setCommitString(prompt)
        QApplication.sendEvent(editor.prompt, event)
    assert editor.prompt.toPlainText() == prompt
    if shortcut:
        qtbot.keyClick(editor.prompt, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    else:
        qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)


def _job(qtbot: Any, parts: Composition, job_id: int) -> Any:
    """The job as soon as its row is written (submit queues it on the DB thread)."""
    qtbot.waitUntil(lambda: job_id in {j.id for j in parts.controller.jobs()}, timeout=5000)
    return parts.controller.job(job_id)


def _wait_for_thumbnail(qtbot: Any, parts: Composition, rows: int) -> None:
    model = parts.gallery_model

    def shown() -> bool:
        if model.rowCount() < rows:
            return False
        parts.window.gallery.view.viewport().repaint()  # the view asks only for what it paints
        return isinstance(model.data(model.index(0), Qt.ItemDataRole.DecorationRole), QPixmap)

    qtbot.waitUntil(shown, timeout=15000)


def test_first_run_without_key_offers_demo_and_generates(qtbot: Any, make_app: Any, paths: AppPaths) -> None:
    parts = make_app()
    window = parts.window
    assert window.banner.isVisible()
    assert "demo" in window.banner.text.text().lower()
    assert window.settings_pane.provider.currentData() == "demo"

    _type_prompt_and_generate(qtbot, parts, "雪中的红狐狸在奔跑")
    job = _job(qtbot, parts, 1)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=15000)
    _wait_for_thumbnail(qtbot, parts, 1)

    rows = _rows(paths)
    assert len(rows) == 1
    _id, sha, rel, prompt, _model, provider, width, height = rows[0]
    assert (prompt, provider, (width, height)) == ("雪中的红狐狸在奔跑", "demo", (1024, 1024))
    data = (paths.data / rel).read_bytes()
    assert hashlib.sha256(data).hexdigest() == sha
    row = window.jobs_panel.row(job.id)
    assert "Done" in row.state.text()
    assert not row.cancel_button.isVisible()
    assert window.gallery.count.text() == "1 image(s)"


def test_generate_through_real_sdk_against_simulator(
    qtbot: Any, make_app: Any, paths: AppPaths, simulator: OpenAISimulator, memory_keyring: MemoryKeyring
) -> None:
    parts = make_app()
    pane = parts.window.settings_pane
    pane.provider.setCurrentIndex(pane.provider.findData("custom"))
    qtbot.keyClicks(pane.base_url, simulator.base_url)
    qtbot.keyClick(pane.base_url, Qt.Key.Key_Return)
    qtbot.keyClicks(pane.key, simulator.api_key)
    qtbot.mouseClick(pane.save_key, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: ("imagestudio", "api-key:custom") in memory_keyring.store, timeout=5000)
    assert memory_keyring.store[("imagestudio", "api-key:custom")] == simulator.api_key
    assert pane.key.text() == ""  # the key does not linger in the widget
    qtbot.waitUntil(lambda: "keyring" in pane.key_status.text(), timeout=5000)
    assert simulator.api_key not in pane.key_status.text()
    assert not parts.window.banner.isVisible()

    qtbot.mouseClick(pane.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: pane.test_result.text().startswith("✔"), timeout=10000)

    editor = parts.window.prompt_editor
    editor.size_box.setCurrentIndex(editor.size_box.findData("1536x1024"))
    editor.count.setValue(2)
    _type_prompt_and_generate(qtbot, parts, "a red fox running in the snow", shortcut=True)
    job = _job(qtbot, parts, 1)
    qtbot.waitUntil(lambda: job.state.finished, timeout=15000)
    assert job.state is JobState.DONE, job.error
    _wait_for_thumbnail(qtbot, parts, 1)  # the job's 2 variants are one stack: one tile with a count of 2
    qtbot.waitUntil(
        lambda: getattr(parts.gallery_model.data(parts.gallery_model.index(0), ImageRole), "stack_size", 0) == 2
    )

    generations = [r for r in simulator.requests if r.path == "/v1/images/generations"]
    assert len(generations) == 1
    body = generations[0].json
    assert body is not None
    assert body["model"] == "gpt-image-2" and body["size"] == "1536x1024" and body["n"] == 2
    assert "response_format" not in body
    rows = _rows(paths)
    assert len(rows) == 2
    assert {(r[5], r[6], r[7]) for r in rows} == {("custom", 1536, 1024)}
    # nothing under the app's home holds the key
    for file in Path(paths.data).parent.rglob("*"):
        if file.is_file():
            assert simulator.api_key.encode() not in file.read_bytes(), file


def test_rejected_key_shows_human_message(
    qtbot: Any, make_app: Any, paths: AppPaths, simulator: OpenAISimulator, memory_keyring: MemoryKeyring
) -> None:
    memory_keyring.set_password("imagestudio", "api-key:custom", "sk-wrong-key-1234567890")
    parts = make_app()
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    _type_prompt_and_generate(qtbot, parts, "a lighthouse")
    job = _job(qtbot, parts, 1)
    qtbot.waitUntil(lambda: job.state.finished, timeout=10000)
    assert job.state is JobState.FAILED
    row = parts.window.jobs_panel.row(job.id)
    assert "key was rejected" in row.message.text()
    assert "sk-wrong-key-1234567890" not in row.message.text()
    assert _rows(paths) == []


def test_cancel_running_job(qtbot: Any, make_app: Any, paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.latency = 5.0
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    _type_prompt_and_generate(qtbot, parts, "slow one")
    job = _job(qtbot, parts, 1)
    qtbot.waitUntil(lambda: len(simulator.requests) >= 1, timeout=5000)
    row = parts.window.jobs_panel.row(job.id)
    assert row.cancel_button.isVisible()
    qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=5000)
    assert "Cancelled" in row.state.text()
    assert _rows(paths) == []


def test_invalid_size_is_refused_before_any_request(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    editor = parts.window.prompt_editor
    editor.size_box.setEditText("1000x1000")
    _type_prompt_and_generate(qtbot, parts, "anything")
    assert editor.error.isVisible()
    assert "multiples of 16" in editor.error.text()
    assert parts.controller.active_count() == 0


def test_images_are_still_there_after_restart(qtbot: Any, make_app: Any, arun: Any) -> None:
    first = make_app()
    _type_prompt_and_generate(qtbot, first, "persist me")
    job = _job(qtbot, first, 1)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    arun(first.shutdown())
    first.window.close()

    second = make_app()
    assert second.gallery_model.rowCount() == 1
    _wait_for_thumbnail(qtbot, second, 1)
    assert second.settings.current.model == "gpt-image-2"
