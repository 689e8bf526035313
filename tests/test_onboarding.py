"""First-run onboarding: try the demo, or paste a key → keyring → Test connection; shown once; from Help."""

from __future__ import annotations

import json
from typing import Any

import pytest
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
