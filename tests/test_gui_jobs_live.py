"""The jobs panel follows other processes while the app runs: a CLI runner that dies leaves interrupted jobs
(resumed when the setting says so, else offered), `queue cancel` / `queue clear` from a terminal show up;
Pause survives a restart; rows are reordered by dragging them."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import pytest
from PySide6.QtCore import Qt

from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest, JobState

pytestmark = pytest.mark.gui


@pytest.fixture
def other_process(paths: AppPaths) -> Iterator[JobStore]:
    """The queue as a CLI process sees it: its own connection to the same library."""
    library = Library(paths)
    yield JobStore(library.db)
    library.close()


def _cli_runner_dies_with_a_running_job(store: JobStore) -> int:
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    token = f"{socket.gethostname()}:{dead}:cli"
    store.register_runner(token, dead, socket.gethostname())
    request = GenerationRequest("left by a dead batch", "gpt-image-2", "1024x1024", "low", 2)
    job = store.add([request], profile="demo", owner=token)[0]  # only that runner may claim it
    assert store.claim(job.id, token) is not None
    # another CLI command starting up (or the app's own periodic check) finds the runner dead
    assert store.recover(lambda r: r.token != token) == [job.id]
    return job.id


def test_job_interrupted_while_running_resumes_when_auto(
    qtbot: Any, make_app: Any, paths: AppPaths, other_process: JobStore
) -> None:
    paths.settings_file.write_text(json.dumps({"schema": 1, "resume_interrupted": "auto"}), encoding="utf-8")
    parts = make_app()
    job_id = _cli_runner_dies_with_a_running_job(other_process)
    qtbot.waitUntil(lambda: job_id in {j.id for j in parts.controller.jobs()}, timeout=5000)
    job = parts.controller.job(job_id)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=15000)
    assert job.received == 2 and len(job.image_ids) == 2
    assert not parts.window.jobs_panel.interrupted.isVisible()


def test_job_interrupted_while_running_is_offered_when_ask(qtbot: Any, make_app: Any, other_process: JobStore) -> None:
    parts = make_app()
    found: list[list[int]] = []
    parts.controller.interruptedFound.connect(lambda jobs: found.append([j.id for j in jobs]))
    panel = parts.window.jobs_panel
    job_id = _cli_runner_dies_with_a_running_job(other_process)
    qtbot.waitUntil(panel.interrupted.isVisible, timeout=5000)
    assert found == [[job_id]]
    assert parts.controller.job(job_id).state is JobState.INTERRUPTED  # nothing is sent without consent
    qtbot.mouseClick(panel.resume_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: parts.controller.job(job_id).state is JobState.DONE, timeout=15000)


def test_cancel_and_clear_from_another_process_show_up(qtbot: Any, make_app: Any, other_process: JobStore) -> None:
    parts = make_app()
    parts.controller.set_paused(True)
    request = GenerationRequest("from a terminal", "gpt-image-2", "1024x1024", "low", 1)
    first, second = other_process.add([request, request], profile="demo")
    panel = parts.window.jobs_panel
    qtbot.waitUntil(lambda: panel.order() == [first.id, second.id], timeout=5000)

    assert other_process.request_cancel(first.id)  # `imagestudio queue cancel ID`
    qtbot.waitUntil(lambda: parts.controller.job(first.id).state is JobState.CANCELLED, timeout=5000)
    assert "Cancelled" in panel.row(first.id).state.text()

    assert other_process.clear_finished() == [first.id]  # `imagestudio queue clear`
    qtbot.waitUntil(lambda: panel.order() == [second.id], timeout=5000)
    assert [j.id for j in parts.controller.jobs()] == [second.id]


def test_pause_is_kept_across_restarts(qtbot: Any, make_app: Any, arun: Any, paths: AppPaths) -> None:
    parts = make_app()
    qtbot.mouseClick(parts.window.jobs_panel.pause_button, Qt.MouseButton.LeftButton)
    assert parts.controller.paused
    arun(parts.shutdown())
    parts.window.close()
    assert json.loads(paths.settings_file.read_text(encoding="utf-8"))["queue_paused"] is True

    again = make_app()
    assert again.controller.paused
    panel = again.window.jobs_panel
    assert panel.pause_button.isChecked() and panel.pause_button.text() == "Resume queue"
    job = again.controller.submit(GenerationRequest("waits", "gpt-image-2", "1024x1024", "low", 1))
    qtbot.waitUntil(lambda: job.id != 0, timeout=5000)
    qtbot.wait(300)
    assert job.state is JobState.QUEUED  # still paused: nothing runs until Resume
    qtbot.mouseClick(panel.pause_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=10000)


def _drop(panel: Any, job_id: int, y: int) -> None:
    from PySide6.QtCore import QPointF
    from PySide6.QtGui import QDragEnterEvent, QDropEvent

    mime = panel.row(job_id).mime()
    target = panel.list_widget
    pos = QPointF(10, y)
    enter = QDragEnterEvent(
        pos.toPoint(), Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    target.dragEnterEvent(enter)
    assert enter.isAccepted()
    drop = QDropEvent(pos, Qt.DropAction.MoveAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    target.dropEvent(drop)


def test_drag_a_waiting_row_to_reorder(qtbot: Any, make_app: Any) -> None:
    parts = make_app()
    parts.controller.set_paused(True)
    panel = parts.window.jobs_panel
    jobs = []
    for i in range(3):
        job = parts.controller.submit(GenerationRequest(f"drag {i}", "gpt-image-2", "1024x1024", "low", 1))
        qtbot.waitUntil(lambda job=job: job.id != 0, timeout=5000)
        jobs.append(job.id)
    a, b, c = jobs
    qtbot.waitUntil(lambda: panel.order() == [a, b, c], timeout=5000)
    qtbot.wait(50)  # rows laid out

    _drop(panel, c, panel.row(a).y() + 2)  # onto the top half of the first row: before it
    qtbot.waitUntil(lambda: panel.order() == [c, a, b], timeout=5000)
    qtbot.wait(50)
    _drop(panel, c, panel.row(b).y() + panel.row(b).height() + 40)  # below the last row: last
    qtbot.waitUntil(lambda: panel.order() == [a, b, c], timeout=5000)
    qtbot.wait(50)
    _drop(panel, a, panel.row(c).y() + 2)  # before c: after b
    qtbot.waitUntil(lambda: panel.order() == [b, a, c], timeout=5000)
    assert [j.id for j in parts.controller.jobs()] == [b, a, c]  # the queue order itself changed

    parts.controller.set_paused(False)
    qtbot.waitUntil(lambda: parts.controller.job(c).state is JobState.DONE, timeout=10000)
    qtbot.wait(50)
    assert not panel.drop(c, 0)  # a finished job does not move
