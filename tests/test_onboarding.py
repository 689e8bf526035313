"""First-run onboarding: try the demo, or paste a key → keyring → Test connection; shown once; from Help."""

from __future__ import annotations

import json
from typing import Any

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QLabel, QWizard

from imagestudio.core.paths import AppPaths
from imagestudio.ui.settings.onboarding import DONE_PAGE, KEY_PAGE, OnboardingWizard
from tests.memory_keyring import MemoryKeyring
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _help_action(parts: Any, text: str) -> Any:
    help_menu = parts.window.help_menu
    return next(a for a in help_menu.actions() if a.text().replace("&", "").startswith(text))


def test_try_the_demo_without_a_key(qtbot: Any, make_app: Any, paths: AppPaths, arun: Any) -> None:
    parts = make_app()
    assert parts.settings.current.onboarding_done is False
    _help_action(parts, "Getting started").trigger()
    wizard = parts.window.menus.onboarding
    assert isinstance(wizard, OnboardingWizard) and wizard.isVisible()
    wizard.provider_page.demo.setChecked(True)
    wizard.next()
    assert wizard.currentId() == DONE_PAGE  # no key page for the demo
    assert "Ctrl+Enter" in " ".join(label.text() for label in wizard.done_page.findChildren(QLabel))
    wizard.button(QWizard.WizardButton.FinishButton).click()
    assert parts.settings.current.provider == "demo"
    assert parts.settings.current.onboarding_done is True
    qtbot.waitUntil(
        lambda: json.loads(paths.settings_file.read_text(encoding="utf-8")).get("onboarding_done") is True,
        timeout=5000,
    )
    arun(parts.shutdown())
    assert make_app().settings.current.onboarding_done is True  # the next start does not show it again


def test_key_is_saved_to_the_keyring_and_tested(
    qtbot: Any,
    make_app: Any,
    simulator: OpenAISimulator,
    memory_keyring: MemoryKeyring,
) -> None:
    parts = make_app()
    wizard = parts.window.menus.show_onboarding()
    page = wizard.provider_page
    page.custom.setChecked(True)
    page.base_url.setText("ftp://nope")
    wizard.next()
    assert wizard.currentId() != KEY_PAGE and "http://" in page.problem.text()  # refused with a reason
    page.base_url.setText(simulator.base_url)
    wizard.next()
    assert wizard.currentId() == KEY_PAGE
    key_page = wizard.key_page
    key_page.save.click()
    assert "Paste a key first" in key_page.status.text()
    qtbot.keyClicks(key_page.key, simulator.api_key)
    key_page.save.click()
    qtbot.waitUntil(lambda: memory_keyring.store.get(("imagestudio", "api-key:custom")) == simulator.api_key)
    qtbot.waitUntil(lambda: "keyring" in key_page.status.text(), timeout=5000)
    assert key_page.key.text() == ""  # the key does not linger in the widget
    key_page.test.click()
    qtbot.waitUntil(lambda: key_page.status.text().startswith(("✔", "✘")), timeout=10000)
    assert key_page.status.text().startswith("✔"), key_page.status.text()
    assert simulator.api_key not in key_page.status.text()
    assert any(r.path.startswith("/v1/models") for r in simulator.requests)
    assert parts.settings.current.provider == "custom"
    assert parts.settings.current.base_url == simulator.base_url
    wizard.reject()  # closing it any way counts as done; Help brings it back
    assert parts.settings.current.onboarding_done is True


def test_a_wrong_key_is_reported_not_raised(
    qtbot: Any,
    make_app: Any,
    simulator: OpenAISimulator,
) -> None:
    parts = make_app()
    wizard = parts.window.menus.show_onboarding()
    wizard.provider_page.custom.setChecked(True)
    wizard.provider_page.base_url.setText(simulator.base_url)
    wizard.next()
    qtbot.keyClicks(wizard.key_page.key, "sk-wrong-key-0000000000000000")
    wizard.key_page.save.click()
    qtbot.waitUntil(lambda: "keyring" in wizard.key_page.status.text(), timeout=5000)
    wizard.key_page.test.click()
    qtbot.waitUntil(lambda: wizard.key_page.status.text().startswith(("✔", "✘")), timeout=10000)
    assert wizard.key_page.status.text().startswith("✘")
    wizard.reject()


def _to_key_page(qtbot: Any, parts: Any, simulator: OpenAISimulator) -> Any:
    wizard = parts.window.menus.show_onboarding()
    qtbot.waitExposed(wizard)
    page = wizard.provider_page
    qtbot.mouseClick(page.custom, Qt.MouseButton.LeftButton, pos=QPoint(8, page.custom.height() // 2))
    assert page.custom.isChecked()
    page.base_url.setFocus()
    page.base_url.selectAll()
    qtbot.keyClicks(page.base_url, simulator.base_url)
    qtbot.mouseClick(wizard.button(QWizard.WizardButton.NextButton), Qt.MouseButton.LeftButton)
    assert wizard.currentId() == KEY_PAGE
    return wizard


def test_test_connection_tests_the_typed_key(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: MemoryKeyring
) -> None:
    parts = make_app()
    wizard = _to_key_page(qtbot, parts, simulator)
    key_page = wizard.key_page
    qtbot.keyClicks(key_page.key, "sk-wrong-000000000000")
    qtbot.mouseClick(key_page.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: key_page.status.text().startswith(("✔", "✘")), timeout=10000)
    assert key_page.status.text().startswith("✘")
    assert "rejected" in key_page.status.text()  # the typed key was sent (not "no key: paste it in Settings")
    key_page.key.clear()
    qtbot.keyClicks(key_page.key, simulator.api_key)
    key_page.status.clear()
    qtbot.mouseClick(key_page.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: key_page.status.text().startswith(("✔", "✘")), timeout=10000)
    assert key_page.status.text().startswith("✔") and "This key works. Save it to keep it." in key_page.status.text()
    assert simulator.api_key not in key_page.status.text()
    assert memory_keyring.store == {}  # tested, not saved: saving is the person's choice
    assert key_page.key.text() == simulator.api_key  # still there to save
    qtbot.mouseClick(key_page.save, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: memory_keyring.store.get(("imagestudio", "api-key:custom")) == simulator.api_key)
    wizard.reject()


def test_without_a_keyring_save_is_not_offered_and_the_page_says_why(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    parts = make_app()
    monkeypatch.setattr(parts.keys, "keyring_available", lambda: False)
    wizard = _to_key_page(qtbot, parts, simulator)
    key_page = wizard.key_page
    qtbot.waitUntil(lambda: key_page.no_keyring.isVisible(), timeout=5000)
    assert not key_page.save.isVisible() and key_page.session.isVisible()
    assert "No secure keyring" in key_page.no_keyring.text() and "cannot be saved" in key_page.no_keyring.text()
    qtbot.keyClicks(key_page.key, simulator.api_key)
    qtbot.mouseClick(key_page.test, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: key_page.status.text().startswith(("✔", "✘")), timeout=10000)
    assert key_page.status.text().endswith("This key works. Use it for this session only.")
    qtbot.mouseClick(key_page.session, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: "session only" in key_page.status.text(), timeout=5000)
    wizard.reject()
