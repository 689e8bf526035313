"""The jobs panel on the real main window: pause, reorder, retry, duplicate, clear, interrupted jobs after a
crash, partial previews, notifications and quitting with jobs still running."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from typing import Any

import pytest
from PySide6.QtCore import Qt

from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest, JobState
from imagestudio.main import Composition
from tests.simulator import OpenAISimulator

pytestmark = pytest.mark.gui


def _use_simulator(parts: Composition, sim: OpenAISimulator) -> None:
    parts.keys.set_session("custom", sim.api_key)
    parts.settings.update(provider="custom", base_url=sim.base_url)


def _submit(qtbot: Any, parts: Composition, prompt: str, n: int = 1, **extra: Any) -> Any:
    job = parts.controller.submit(GenerationRequest(prompt, "gpt-image-2", "1024x1024", "low", n, **extra))
    qtbot.waitUntil(lambda: job.id != 0, timeout=5000)
    return job


def _click(qtbot: Any, button: Any) -> None:
    assert button.isVisible(), button.objectName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_pause_reorder_resume_and_clear(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    panel = parts.window.jobs_panel
    _click(qtbot, panel.pause_button)
    assert parts.controller.paused and panel.pause_button.text() == "Resume queue"
    jobs = [_submit(qtbot, parts, f"job {i}") for i in range(3)]
    qtbot.wait(50)
    assert all(j.state is JobState.QUEUED for j in jobs)
    assert panel.order() == [j.id for j in jobs]
    assert "0 running · 3 waiting" in panel.summary.text()

    _click(qtbot, panel.row(jobs[2].id).up_button)
    qtbot.waitUntil(lambda: panel.order() == [jobs[0].id, jobs[2].id, jobs[1].id], timeout=5000)
    _click(qtbot, panel.row(jobs[2].id).up_button)
    qtbot.waitUntil(lambda: panel.order()[0] == jobs[2].id, timeout=5000)
    _click(qtbot, panel.row(jobs[1].id).cancel_button)
    qtbot.waitUntil(lambda: jobs[1].state is JobState.CANCELLED, timeout=5000)

    _click(qtbot, panel.pause_button)
    qtbot.waitUntil(lambda: jobs[0].state is JobState.DONE and jobs[2].state is JobState.DONE, timeout=15000)
    assert jobs[2].started_at <= jobs[0].started_at  # ran in the new order
    row = panel.row(jobs[0].id)
    assert "Done" in row.state.text() and "1/1 images" in row.details.text() and "$0.00" in row.details.text()
    assert not row.cancel_button.isVisible() and not row.up_button.isVisible()
    assert panel.row(jobs[1].id).retry_button.isVisible()  # a cancelled job can be retried

    _click(qtbot, panel.clear_button)
    qtbot.waitUntil(lambda: not parts.controller.jobs(), timeout=5000)
    assert panel.order() == []


def test_failed_job_retry_and_duplicate(qtbot: Any, make_app: Any, simulator: OpenAISimulator) -> None:
    parts = make_app()
    _use_simulator(parts, simulator)
    simulator.fail_next(429, code="insufficient_quota")
    job = _submit(qtbot, parts, "out of money")
    qtbot.waitUntil(lambda: job.state is JobState.FAILED, timeout=10000)
    row = parts.window.jobs_panel.row(job.id)
    assert "credit" in row.message.text() and job.attempts == 1
    _click(qtbot, row.retry_button)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    assert job.attempts == 2 and len(job.image_ids) == 1
    assert "attempts 2" in row.details.text()

    _click(qtbot, row.duplicate_button)
    qtbot.waitUntil(lambda: len(parts.controller.jobs()) == 2, timeout=5000)
    copy = parts.controller.jobs()[-1]
    qtbot.waitUntil(lambda: copy.state is JobState.DONE, timeout=10000)
    assert copy.request == job.request and copy.id != job.id


def _leave_interrupted_job(paths: AppPaths, base_url: str) -> None:
    """What a kill leaves behind: a running job, 1 of 3 images stored, owned by a process that is gone."""
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    library = Library(paths)
    store = JobStore(library.db)
    job = store.add([GenerationRequest("after the crash", "gpt-image-2", "1024x1024", "low", 3)], profile="custom",
                    base_url=base_url)[0]  # fmt: skip
    token = f"{socket.gethostname()}:{dead}:gone"
    store.register_runner(token, dead, socket.gethostname())
    store.claim(job.id, token)
    with store.db.transaction() as c:
        store.progress_hook(job.id, 1, cost=None, request_id="req_x", done=False)(c, [777])
    library.close()


def test_interrupted_job_is_offered_and_asks_only_for_missing(
    qtbot: Any, make_app: Any, paths: AppPaths, simulator: OpenAISimulator
) -> None:
    _leave_interrupted_job(paths, simulator.base_url)
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    panel = parts.window.jobs_panel
    job = parts.controller.job(1)
    assert job.state is JobState.INTERRUPTED
    qtbot.waitUntil(panel.interrupted.isVisible, timeout=5000)
    assert "may already have been charged" in panel.interrupted_text.text()
    assert "2 image(s)" in panel.interrupted_text.text()
    assert panel.row(1).retry_button.text() == "Resume"
    assert not simulator.requests  # nothing is sent without consent
    _click(qtbot, panel.resume_button)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    assert [r.json["n"] for r in simulator.requests if r.json] == [2]
    assert job.received == 3 and job.image_ids[0] == 777
    assert not panel.interrupted.isVisible()


def test_interrupted_job_resumes_automatically_when_set(
    qtbot: Any, make_app: Any, paths: AppPaths, simulator: OpenAISimulator
) -> None:
    _leave_interrupted_job(paths, simulator.base_url)
    paths.settings_file.write_text(json.dumps({"schema": 1, "resume_interrupted": "auto"}), encoding="utf-8")
    # the key must be there before the queue starts: set it in the keyring the app reads
    import keyring

    keyring.set_password("imagestudio", "api-key:custom", simulator.api_key)
    parts = make_app()
    assert parts.window.jobs_panel.auto_resume.isChecked()
    job = parts.controller.job(1)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    assert job.received == 3


def test_partial_previews_title_and_notification(qtbot: Any, make_app: Any, simulator: OpenAISimulator) -> None:
    simulator.latency = 0.6
    parts = make_app()
    _use_simulator(parts, simulator)
    window = parts.window
    window.isActiveWindow = lambda: False  # type: ignore[method-assign]  # the person is elsewhere
    job = _submit(qtbot, parts, "streamed", partial_images=2)
    qtbot.waitUntil(lambda: "1 running" in window.windowTitle(), timeout=5000)
    row = window.jobs_panel.row(job.id)
    qtbot.waitUntil(lambda: row.preview.isVisible(), timeout=10000)
    assert row.preview.pixmap() is not None and not row.preview.pixmap().isNull()
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)
    assert window.windowTitle() == "imagestudio"
    assert window.notifier.last_message is not None
    assert window.notifier.last_message[0] == "Job finished" and "streamed" in window.notifier.last_message[1]


def test_quit_with_running_job_asks(qtbot: Any, make_app: Any, arun: Any, simulator: OpenAISimulator) -> None:
    simulator.latency = 5.0
    parts = make_app()
    _use_simulator(parts, simulator)
    window = parts.window
    job = _submit(qtbot, parts, "slow")
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING, timeout=5000)
    asked: list[tuple[int, int]] = []
    closed: list[bool] = []
    window.closed.connect(lambda: closed.append(True))

    window.ask_quit = lambda _w, running, waiting, **_: asked.append((running, waiting)) or "stay"  # type: ignore[assignment]
    window.close()
    assert asked == [(1, 0)] and not closed and window.isVisible()

    window.ask_quit = lambda _w, running, waiting, **_: "cancel"  # type: ignore[assignment]
    window.close()
    assert closed == [True]
    arun(parts.shutdown())
    assert job.state is JobState.CANCELLED
