"""Settings → Profiles…: add, validate, key to the keyring, Test connection, use, delete — by clicking the dialog."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import Qt

from imagestudio.core.profiles import FILE_NAME
from imagestudio.core.types import GenerationRequest, JobState
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui
LEFT = Qt.MouseButton.LeftButton
ENTRY = ("imagestudio", "api-key:profile:Local sim")


def _open(qtbot: Any, parts: Any) -> Any:
    box = parts.window.profiles_box
    qtbot.mouseClick(box.manage, LEFT)
    dialog = box.dialog
    assert dialog is not None and dialog.isVisible()
    return dialog


def _fill(qtbot: Any, dialog: Any, name: str, kind: str, **fields: str) -> None:
    dialog.name.clear()
    qtbot.keyClicks(dialog.name, name)
    dialog.kind.setCurrentIndex(dialog.kind.findData(kind))
    for attr, text in fields.items():
        getattr(dialog, attr).clear()
        qtbot.keyClicks(getattr(dialog, attr), text)


def test_add_profile_key_in_its_keyring_entry_test_use_and_delete(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any
) -> None:
    parts = make_app()
    dialog = _open(qtbot, parts)
    profiles_file = parts.paths.config / FILE_NAME

    # validation messages come from core and nothing is written
    _fill(qtbot, dialog, "Local sim", "compatible", base_url="ftp://nowhere")
    assert dialog.base_url.isVisible() and not dialog.endpoint.isVisible()
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: "base URL" in dialog.form_error.text(), timeout=5000)
    dialog.overrides.setPlainText("[1, 2]")
    _fill(qtbot, dialog, "Local sim", "compatible", base_url=simulator.base_url)
    qtbot.mouseClick(dialog.save_button, LEFT)
    assert "JSON object" in dialog.form_error.text() and not profiles_file.exists()
    assert not dialog.save_key.isEnabled()  # a key belongs to a saved profile

    dialog.overrides.setPlainText('{"edits": false}')
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: profiles_file.exists() and dialog.list.count() == 1, timeout=5000)
    assert dialog.save_key.isEnabled()

    qtbot.keyClicks(dialog.key, simulator.api_key)
    qtbot.mouseClick(dialog.save_key, LEFT)
    qtbot.waitUntil(lambda: memory_keyring.store.get(ENTRY) == simulator.api_key, timeout=5000)
    qtbot.waitUntil(lambda: "keyring" in dialog.key_status.text(), timeout=5000)
    assert dialog.key.text() == ""  # not kept in the widget
    saved = profiles_file.read_text(encoding="utf-8")
    assert simulator.api_key not in saved
    [stored] = json.loads(saved)["profiles"]
    assert stored["name"] == "Local sim" and stored["base_url"] == simulator.base_url
    assert stored["capability_overrides"] == {"edits": False}

    qtbot.mouseClick(dialog.test, LEFT)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith(("✔", "✘")), timeout=15000)
    assert dialog.test_result.text().startswith("✔") and "models" in dialog.test_result.text()
    assert any(r.path == "/v1/models" for r in simulator.requests)

    # the active profile: the dialog, the settings pane's combo and the jobs all follow it
    qtbot.mouseClick(dialog.use_button, LEFT)
    assert parts.settings.current.profile == "Local sim"
    assert parts.window.profiles_box.active.currentData() == "Local sim"
    assert "Local sim" in dialog.active_label.text()
    job = parts.controller.submit(GenerationRequest(prompt="a lighthouse", model="gpt-image-2"))
    qtbot.waitUntil(lambda: job.state in (JobState.DONE, JobState.FAILED), timeout=15000)
    assert job.state is JobState.DONE, job.error
    assert any(r.path.endswith("/images/generations") for r in simulator.requests)

    # an Azure profile with an http endpoint is refused with Azure's own message
    qtbot.mouseClick(dialog.new_button, LEFT)
    _fill(qtbot, dialog, "Azure", "azure", endpoint="http://x.openai.azure.com", api_version="2025-04-01-preview")
    assert dialog.endpoint.isVisible() and not dialog.base_url.isVisible()
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: "Azure" in dialog.form_error.text(), timeout=5000)
    assert dialog.list.count() == 1

    dialog.select("Local sim")
    qtbot.mouseClick(dialog.delete_button, LEFT)
    qtbot.waitUntil(lambda: dialog.list.count() == 0, timeout=5000)
    assert ENTRY not in memory_keyring.store
    assert json.loads(profiles_file.read_text(encoding="utf-8"))["profiles"] == []
    assert parts.settings.current.profile == ""  # back to the provider chosen in Settings
    assert parts.window.profiles_box.active.currentData() == ""


def test_without_a_secure_keyring_the_key_is_for_this_session_and_a_wrong_key_is_reported(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = make_app()
    monkeypatch.setattr(parts.keys, "keyring_available", lambda: False)
    dialog = _open(qtbot, parts)
    _fill(qtbot, dialog, "Local sim", "compatible", base_url=simulator.base_url)
    qtbot.mouseClick(dialog.save_button, LEFT)
    qtbot.waitUntil(lambda: dialog.list.count() == 1, timeout=5000)
    qtbot.waitUntil(lambda: dialog.session_key.isVisible(), timeout=5000)
    assert not dialog.save_key.isVisible()

    qtbot.keyClicks(dialog.key, "sk-wrong-0000000000")
    qtbot.mouseClick(dialog.session_key, LEFT)
    qtbot.waitUntil(lambda: "session only" in dialog.key_status.text(), timeout=5000)
    assert not memory_keyring.store  # nothing persisted
    qtbot.mouseClick(dialog.test, LEFT)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith(("✔", "✘")), timeout=15000)
    assert dialog.test_result.text().startswith("✘")

    qtbot.keyClicks(dialog.key, simulator.api_key)
    qtbot.mouseClick(dialog.session_key, LEFT)
    qtbot.waitUntil(lambda: "session only" in dialog.key_status.text(), timeout=5000)
    dialog.test_result.clear()
    qtbot.mouseClick(dialog.test, LEFT)
    qtbot.waitUntil(lambda: dialog.test_result.text().startswith(("✔", "✘")), timeout=15000)
    assert dialog.test_result.text().startswith("✔")
    assert simulator.api_key not in (parts.paths.config / FILE_NAME).read_text(encoding="utf-8")


def test_a_profile_without_its_own_key_says_it_uses_openai_api_key(
    qtbot: Any, make_app: Any, arun: Any, memory_keyring: Any
) -> None:
    """The dialog shows what the profile's jobs will really use (the provider falls back to OPENAI_API_KEY)."""
    from imagestudio.app.profile_service import ProfileService
    from imagestudio.core.profiles import Profile
    from imagestudio.core.secrets import KeySource, KeyStore

    parts = make_app()
    service = ProfileService(parts.paths.config, KeyStore(environ={"OPENAI_API_KEY": "sk-from-the-env-0000wxyz"}),
                             parts.settings)  # fmt: skip
    arun(service.save_profile(Profile(name="Team", kind="openai")))
    status = arun(service.key_status("Team"))
    assert status.source is KeySource.ENVIRONMENT and status.masked == "sk-…wxyz"
    dialog = _open(qtbot, parts)
    dialog._show_key_status(status)
    assert "OPENAI_API_KEY" in dialog.key_status.text() and "sk-…wxyz" in dialog.key_status.text()
    assert "sk-from-the-env" not in dialog.key_status.text()
