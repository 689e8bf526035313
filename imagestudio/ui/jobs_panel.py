"""Jobs panel: every job of the persistent queue in queue order, with its state, progress, partial preview,
elapsed time, attempts, cost and error, and the actions Cancel, Retry, Duplicate, Move up/down; above the list
Pause/Resume, Clear finished, the concurrency limit and what to do with interrupted jobs."""

from __future__ import annotations

import time

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.controller import GenerationController, Job
from imagestudio.app.settings_store import SettingsStore
from imagestudio.core.types import JobState

# marked for lupdate; JobRow translates them when it shows them
_STATE_TEXT: dict[JobState, object] = {
    JobState.QUEUED: str(QT_TRANSLATE_NOOP("JobRow", "Queued")),
    JobState.RUNNING: str(QT_TRANSLATE_NOOP("JobRow", "Generating…")),
    JobState.SAVING: str(QT_TRANSLATE_NOOP("JobRow", "Saving…")),
    JobState.DONE: str(QT_TRANSLATE_NOOP("JobRow", "Done")),
    JobState.FAILED: str(QT_TRANSLATE_NOOP("JobRow", "Failed")),
    JobState.CANCELLED: str(QT_TRANSLATE_NOOP("JobRow", "Cancelled")),
    JobState.INTERRUPTED: str(QT_TRANSLATE_NOOP("JobRow", "Interrupted")),
}
_WAITING = (JobState.QUEUED, JobState.INTERRUPTED)
PREVIEW_SIZE = 56


def format_cost(cost: float | None) -> str:
    """Dollars; "—" when a price is unknown (never a guess)."""
    if cost is None:
        return "—"
    return f"${cost:.3f}" if 0 < cost < 0.01 else f"${cost:.2f}"


class JobRow(QFrame):
    def __init__(self, job: Job, controller: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job.id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"job-{job.id}")
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.hide()
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.state = QLabel()
        self.state.setObjectName("jobState")
        self.details = QLabel()  # attempts · cost
        self.details.setObjectName("jobDetails")
        self.elapsed = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.message = QLabel()
        self.message.setObjectName("jobMessage")
        self.message.setWordWrap(True)
        self.message.hide()

        def button(text: str, name: str, slot: object, tip: str) -> QPushButton | QToolButton:
            b: QPushButton | QToolButton = QPushButton(text) if len(text) > 2 else QToolButton()
            if isinstance(b, QToolButton):
                b.setText(text)
            b.setObjectName(name)
            b.setToolTip(tip)
            b.setAccessibleName(f"{tip} {job.id}")
            b.clicked.connect(slot)
            return b

        self.cancel_button = button(
            self.tr("Cancel"), "cancelJob", lambda: controller.cancel(self.job_id), self.tr("Cancel job")
        )
        self.retry_button = button(
            self.tr("Retry"), "retryJob", lambda: controller.retry(self.job_id), self.tr("Retry job")
        )
        self.duplicate_button = button(
            self.tr("Duplicate"), "duplicateJob", lambda: controller.duplicate(self.job_id), self.tr("Duplicate job")
        )
        self.up_button = button("▲", "moveUp", lambda: controller.move(self.job_id, -1), self.tr("Move up"))
        self.down_button = button("▼", "moveDown", lambda: controller.move(self.job_id, 1), self.tr("Move down"))

        top = QHBoxLayout()
        top.addWidget(self.state)
        top.addStretch(1)
        top.addWidget(self.elapsed)
        actions = QHBoxLayout()
        actions.addWidget(self.details)
        actions.addStretch(1)
        for b in (self.up_button, self.down_button, self.retry_button, self.duplicate_button, self.cancel_button):
            actions.addWidget(b)
        text = QVBoxLayout()
        text.addWidget(self.title)
        text.addLayout(top)
        text.addWidget(self.progress)
        text.addLayout(actions)
        text.addWidget(self.message)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.preview, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(text, 1)
        self.update_from(job)

    def set_preview(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image).scaled(
            PREVIEW_SIZE, PREVIEW_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.preview.setPixmap(pixmap)
        self.preview.show()

    def update_from(self, job: Job) -> None:
        r = job.request
        prompt = " ".join(r.prompt.split())
        self.title.setText(f"{prompt[:60]}{'…' if len(prompt) > 60 else ''}")
        self.title.setToolTip(r.prompt)
        kind = self.tr("Edit") + " · " if job.kind == "edit" else ""
        self.state.setText(
            f"#{job.id} {self.tr(str(_STATE_TEXT[job.state]))} · {kind}{r.model} · {r.size} · ×{job.n} · {job.profile}"
        )
        self.elapsed.setText(f"{job.elapsed(time.time()):.0f} s" if job.started_at else "")
        self.details.setText(
            self.tr("%1/%2 images · attempts %3 · cost %4")
            .replace("%1", str(job.received))
            .replace("%2", str(job.n))
            .replace("%3", str(job.attempts))
            .replace("%4", format_cost(job.cost))
        )
        ids = ", ".join(job.request_ids[-3:])
        self.details.setToolTip(self.tr("Request ids: %1").replace("%1", ids) if ids else "")
        running = job.state in (JobState.RUNNING, JobState.SAVING)
        self.progress.setVisible(not job.state.finished)
        if running and job.received == 0:
            self.progress.setRange(0, 0)  # busy indicator while the server works
        else:
            self.progress.setRange(0, max(1, job.n))
            self.progress.setValue(job.received)
        self.cancel_button.setVisible(not job.state.finished)
        self.retry_button.setVisible(
            job.state in (JobState.FAILED, JobState.CANCELLED, JobState.INTERRUPTED) and job.received < job.n
        )
        self.retry_button.setText(self.tr("Resume") if job.state is JobState.INTERRUPTED else self.tr("Retry"))
        self.up_button.setVisible(job.state in _WAITING)
        self.down_button.setVisible(job.state in _WAITING)
        if job.error:
            self.message.setText(job.error)
            self.message.setStyleSheet("color: #b3261e;")
            self.message.show()
        elif job.state is JobState.DONE:
            self.message.setText(self.tr("%n image(s) saved to the library", "", job.received))
            self.message.setStyleSheet("")
            self.message.show()
        else:
            self.message.hide()


class JobsPanel(QWidget):
    def __init__(
        self, controller: GenerationController, settings: SettingsStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self._rows: dict[int, JobRow] = {}
        self._order: list[int] = []
        header = QLabel(self.tr("<b>Jobs</b>"))
        self.summary = QLabel()
        self.summary.setObjectName("jobsSummary")
        self.pause_button = QPushButton(self.tr("Pause queue"))
        self.pause_button.setObjectName("pauseQueue")
        self.pause_button.setCheckable(True)
        self.pause_button.toggled.connect(controller.set_paused)
        self.clear_button = QPushButton(self.tr("Clear finished"))
        self.clear_button.setObjectName("clearFinished")
        self.clear_button.clicked.connect(controller.clear_finished)
        self.concurrency = QSpinBox()
        self.concurrency.setRange(1, 16)
        self.concurrency.setPrefix(self.tr("at once: "))
        self.concurrency.setAccessibleName(self.tr("Jobs running at the same time per provider"))
        self.auto_resume = QCheckBox(self.tr("Resume interrupted jobs automatically"))
        self.auto_resume.setToolTip(
            self.tr("A job that was running when the app stopped may already have been charged.")
        )
        if settings is not None:
            self.concurrency.setValue(settings.current.queue_concurrency)
            self.auto_resume.setChecked(settings.current.resume_interrupted == "auto")
            self.concurrency.valueChanged.connect(lambda v: settings.update(queue_concurrency=int(v)))
            self.auto_resume.toggled.connect(lambda on: settings.update(resume_interrupted="auto" if on else "ask"))
        else:
            self.concurrency.setEnabled(False)
            self.auto_resume.setEnabled(False)

        self.interrupted = QFrame()
        self.interrupted.setObjectName("interruptedNotice")
        self.interrupted.setStyleSheet("#interruptedNotice { background: #fff4ce; }")
        self.interrupted_text = QLabel()
        self.interrupted_text.setWordWrap(True)
        self.resume_button = QPushButton(self.tr("Resume them"))
        self.resume_button.setObjectName("resumeInterrupted")
        self.resume_button.clicked.connect(self._resume_all)
        notice = QHBoxLayout(self.interrupted)
        notice.addWidget(self.interrupted_text, 1)
        notice.addWidget(self.resume_button)
        self.interrupted.hide()

        self._empty = QLabel(self.tr("No jobs yet. Press Generate (Ctrl+Enter)."))
        self._empty.setEnabled(False)
        self._list = QVBoxLayout()
        self._list.setSpacing(4)
        holder = QWidget()
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self._empty)
        inner.addLayout(self._list)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName(self.tr("Jobs"))
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        bar = QHBoxLayout()
        bar.addWidget(header)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.clear_button)
        options = QHBoxLayout()
        options.addWidget(self.concurrency)
        options.addWidget(self.auto_resume, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addLayout(options)
        layout.addWidget(self.interrupted)
        layout.addWidget(scroll)
        controller.jobAdded.connect(self._add)
        controller.jobChanged.connect(self._changed)
        controller.jobsRemoved.connect(self._removed)
        controller.jobPreview.connect(self._preview)
        controller.interruptedFound.connect(self._interrupted_found)
        controller.countsChanged.connect(self._counts)
        controller.pausedChanged.connect(self._paused)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()
        self._counts(0, 0)

    def row(self, job_id: int) -> JobRow:
        return self._rows[job_id]

    def order(self) -> list[int]:
        """Job ids as shown, top to bottom."""
        return list(self._order)

    def _add(self, job: Job) -> None:
        self._empty.hide()
        self._rows[job.id] = JobRow(job, self._controller)
        self._relayout()

    def _changed(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is not None:
            row.update_from(job)
            self._relayout()
        self._refresh_interrupted()  # a job may have become (or stopped being) interrupted

    def _removed(self, ids: tuple[int, ...]) -> None:
        for job_id in ids:
            row = self._rows.pop(job_id, None)
            if row is not None:
                self._list.removeWidget(row)
                row.deleteLater()
        self._relayout()
        self._empty.setVisible(not self._rows)

    def _relayout(self) -> None:
        """Rows in queue order; only moved when the order really changed (cheap on every update)."""
        jobs = {j.id: j for j in self._controller.jobs()}
        order = sorted(self._rows, key=lambda i: (jobs[i].position, i) if i in jobs else (float("inf"), i))
        if order == self._order:
            return
        self._order = order
        for index, job_id in enumerate(order):
            self._list.insertWidget(index, self._rows[job_id])

    def _preview(self, job_id: int, image: QImage) -> None:
        row = self._rows.get(job_id)
        if row is not None:
            row.set_preview(image)

    def _interrupted_found(self, jobs: list[Job]) -> None:
        self._refresh_interrupted()

    def _refresh_interrupted(self) -> None:
        waiting = [j for j in self._controller.jobs() if j.state is JobState.INTERRUPTED]
        if not waiting:
            self.interrupted.hide()
            return
        missing = sum(j.remaining for j in waiting)
        self.interrupted_text.setText(
            self.tr(
                "%1 job(s) were interrupted when the app stopped and may already have been charged. "
                "Resuming asks only for the %2 image(s) not yet saved."
            )
            .replace("%1", str(len(waiting)))
            .replace("%2", str(missing))
        )
        self.interrupted.show()

    def _resume_all(self) -> None:
        self._controller.resume_interrupted()
        self.interrupted.hide()

    def _counts(self, running: int, waiting: int) -> None:
        self.summary.setText(self.tr("%1 running · %2 waiting").replace("%1", str(running)).replace("%2", str(waiting)))

    def _paused(self, paused: bool) -> None:
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume queue") if paused else self.tr("Pause queue"))

    def _tick(self) -> None:
        for job in self._controller.jobs():
            if job.state in (JobState.RUNNING, JobState.SAVING) and job.id in self._rows:
                self._rows[job.id].elapsed.setText(f"{job.elapsed(time.time()):.0f} s")
