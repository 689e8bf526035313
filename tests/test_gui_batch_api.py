"""The Batch choice in the real window: the footer's "Batch (cheaper, within 24 h)" shows the saving beside
Generate, the job goes through the Batch API (loopback Files/Batches service, real SDK), its card says "In batch:
validating / in progress n/m" with the time left on the app's clock, the images land in the library; a batched
job cancelled from its card says it may still be charged."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from imagestudio.core.clock import FixedClock
from imagestudio.core.paths import AppPaths
from imagestudio.core.secrets import KeyStore
from imagestudio.core.types import JobState
from imagestudio.main import Composition, compose
from tests.batch_sim import BatchService
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


@pytest.fixture
def app(paths: AppPaths, qloop: Any, qtbot: Any, arun: Any, simulator: OpenAISimulator) -> Iterator[Any]:
    service = BatchService(simulator)
    clock = FixedClock(service.now)
    parts = compose(paths, KeyStore(environ={}), demo_latency=0.05, clock=clock)
    parts.window.show()
    qtbot.waitExposed(parts.window)
    arun(parts.start())
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url, model="gpt-image-2", quality="high",
                          size="1024x1024", n=1)  # fmt: skip
    yield parts, service, clock
    if not parts.tasks.closing:
        arun(parts.shutdown())
    parts.window.close()


def _generate_in_batch(qtbot: Any, parts: Composition, prompt: str) -> Any:
    editor = parts.window.prompt_editor
    editor.prompt.setFocus()
    qtbot.keyClicks(editor.prompt, prompt)
    box = editor.footer.batch
    if not box.isChecked():
        qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert box.isChecked()
    qtbot.waitUntil(lambda: "in a batch (now" in editor.footer.estimate.text(), timeout=3000)
    before = {j.id for j in parts.controller.jobs()}
    qtbot.mouseClick(editor.generate_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: bool({j.id for j in parts.controller.jobs()} - before), timeout=5000)
    return next(j for j in parts.controller.jobs() if j.id not in before)


def test_batch_choice_shows_the_saving_and_the_job_arrives_through_the_batch(qtbot: Any, app: Any) -> None:
    parts, service, clock = app
    job = _generate_in_batch(qtbot, parts, "a lantern festival")
    footer = parts.window.prompt_editor.footer
    # gpt-image-2, quality auto (low…high), 1024²: half the price of sending it now
    assert footer.estimate.text() == "≈ $0.003–$0.105 in a batch (now ≈ $0.006–$0.211)"
    qtbot.waitUntil(lambda: job.state is JobState.BATCHED and len(service.batches) == 1, timeout=10000)
    row = parts.window.jobs_panel.row(job.id)
    qtbot.waitUntil(lambda: "In batch: validating" in row.state.text(), timeout=5000)
    assert "24 h 00 min left" in row.state.text()  # the window, from the API's expires_at and the app's clock
    assert not [r for r in service.sim.requests if r.path.startswith("/v1/images/")]
    # neither running nor waiting here, but not forgotten: the counts say where it is
    status, summary = parts.window.feedback.jobs, parts.window.jobs_panel.summary
    qtbot.waitUntil(lambda: status.text() == "No jobs running · 1 in a batch", timeout=5000)
    assert summary.text() == "0 running · 0 waiting · 1 in a batch"

    service.advance(steps=1)
    clock.advance(3600)
    parts.controller.batches.wake()  # an hour passed: the poll is due
    qtbot.waitUntil(lambda: "In batch: in progress 0/1" in row.state.text(), timeout=10000)
    assert "23 h 00 min left" in row.state.text()

    service.advance(steps=3)
    clock.advance(3600)
    parts.controller.batches.wake()
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    assert job.received == 1 and len(job.image_ids) == 1
    qtbot.waitUntil(lambda: status.text() == "No jobs running", timeout=5000)
    assert summary.text() == "0 running · 0 waiting"
    qtbot.waitUntil(lambda: job.image_ids[0] in parts.gallery_model.ids(), timeout=5000)


def test_cancel_a_batched_job_says_it_may_still_be_charged(qtbot: Any, app: Any) -> None:
    parts, service, _clock = app
    first = _generate_in_batch(qtbot, parts, "first")
    qtbot.waitUntil(lambda: first.state is JobState.BATCHED and len(service.batches) == 1, timeout=10000)
    row = parts.window.jobs_panel.row(first.id)
    qtbot.mouseClick(row.cancel_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: first.state is JobState.CANCELLED, timeout=5000)
    assert "may still be charged" in row.message.text()
    qtbot.waitUntil(lambda: service.calls["cancel"] == 1, timeout=10000)  # its only job: the batch is cancelled


def test_expired_batch_asks_before_sending_again_even_when_resuming_is_automatic(qtbot: Any, app: Any) -> None:
    parts, service, clock = app
    parts.settings.update(resume_interrupted="auto")
    job = _generate_in_batch(qtbot, parts, "a night market")
    row = parts.window.jobs_panel.row(job.id)
    qtbot.waitUntil(lambda: "In batch: validating" in row.state.text(), timeout=10000)  # submitted and recorded
    service.expire(service.only_batch().id)
    clock.advance(3600)
    parts.controller.batches.wake()
    panel = parts.window.jobs_panel
    qtbot.waitUntil(panel.interrupted.isVisible, timeout=10000)  # asked, not resent on its own
    assert job.state is JobState.INTERRUPTED and "not charged" in (job.error or "")
    assert len(service.batches) == 1
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: len(service.batches) == 2, timeout=10000)  # the person said yes: sent again, once
    qtbot.waitUntil(lambda: job.state is JobState.BATCHED, timeout=5000)
