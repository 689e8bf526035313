"""Settings → Budget: the monthly budget field, and "send anyway" for one request once the budget is spent."""

from __future__ import annotations

import time
from typing import Any

import pytest
from PySide6.QtCore import Qt

from imagestudio.core.money.ledger import LedgerEntry
from imagestudio.core.types import GenerationRequest, JobState
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def test_budget_field_and_allow_anyway(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any
) -> None:
    parts = make_app()
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    memory_keyring.store[("imagestudio", "api-key:custom")] = simulator.api_key
    window = parts.window
    studio = window.prompt_editor._studio
    studio.ledger.append(LedgerEntry(at=time.time(), kind="generate", provider="custom", model="gpt-image-2",
                                     cost_usd=4.0))  # fmt: skip
    box = window.budget_box
    box.budget.setFocus()
    box.budget.selectAll()
    qtbot.keyClicks(box.budget, "3")
    qtbot.keyClick(box.budget, Qt.Key.Key_Return)
    assert parts.settings.current.monthly_budget_usd == 3.0
    qtbot.waitUntil(lambda: studio.last_totals is not None and studio.last_totals.blocked, timeout=10000)
    assert "budget reached" in box.spent.text()

    editor = window.prompt_editor
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2"))
    editor.prompt.setPlainText("a lighthouse")
    asked: list[float] = []
    editor.ask_over_budget = lambda _parent, totals, _upcoming: asked.append(totals.month_usd) or False
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    assert asked == [4.0] and not sent and "budget" in editor.error.text()
    editor.ask_over_budget = lambda _parent, _totals, _upcoming: True
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    [request] = sent
    assert isinstance(request, GenerationRequest) and request.allow_over_budget is True
    assert "allow_over_budget" not in request.api_params()  # never sent to the server
    qtbot.waitUntil(lambda: parts.controller.active_count() == 0 and bool(parts.gallery_model.rowCount()),
                    timeout=15000)  # fmt: skip
    assert [r for r in simulator.requests if r.path.endswith("/images/generations")]


def test_without_the_allowance_a_job_over_budget_fails_with_the_budget_message(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any
) -> None:
    parts = make_app()
    parts.settings.update(provider="custom", base_url=simulator.base_url, monthly_budget_usd=1.0)
    memory_keyring.store[("imagestudio", "api-key:custom")] = simulator.api_key
    parts.window.prompt_editor._studio.ledger.append(
        LedgerEntry(at=time.time(), kind="generate", provider="custom", model="gpt-image-2", cost_usd=2.0)
    )
    job = parts.controller.submit(GenerationRequest(prompt="x", model="gpt-image-2"))
    qtbot.waitUntil(lambda: job.state is JobState.FAILED, timeout=15000)
    assert job.error and "budget" in job.error and not simulator.requests


def test_generate_asks_when_the_estimate_would_pass_the_budget(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, memory_keyring: Any
) -> None:
    parts = make_app()
    parts.settings.update(provider="custom", base_url=simulator.base_url, monthly_budget_usd=3.0)
    memory_keyring.store[("imagestudio", "api-key:custom")] = simulator.api_key
    studio = parts.window.prompt_editor._studio
    studio.ledger.append(LedgerEntry(at=time.time(), kind="generate", provider="custom", model="gpt-image-2",
                                     cost_usd=2.95))  # fmt: skip
    studio.refresh_totals()
    qtbot.waitUntil(lambda: studio.last_totals is not None and studio.last_totals.month_usd == 2.95, timeout=10000)
    assert not studio.last_totals.blocked  # not spent yet: only this request would pass it
    editor = parts.window.prompt_editor
    sent: list[Any] = []
    editor.generateRequested.connect(sent.append)
    editor.model.setCurrentIndex(editor.model.findData("gpt-image-2"))
    editor.prompt.setPlainText("a lighthouse")
    asked: list[float] = []
    editor.ask_over_budget = lambda _parent, _totals, upcoming: asked.append(upcoming) or False
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    assert len(asked) == 1 and asked[0] > 0.05 and not sent  # asked with the estimate, nothing sent
