"""Jobs area: one row per job with its state, elapsed time, message and a Cancel button."""

from __future__ import annotations

import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.controller import GenerationController, Job
from imagestudio.core.types import JobState

_STATE_TEXT = {
    JobState.QUEUED: "Queued",
    JobState.RUNNING: "Generating…",
    JobState.SAVING: "Saving…",
    JobState.DONE: "Done",
    JobState.FAILED: "Failed",
    JobState.CANCELLED: "Cancelled",
}


class JobRow(QFrame):
    def __init__(self, job: Job, controller: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job.id
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"job-{job.id}")
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.state = QLabel()
        self.state.setObjectName("jobState")
        self.elapsed = QLabel()
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy indicator while the server works
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.message = QLabel()
        self.message.setObjectName("jobMessage")
        self.message.setWordWrap(True)
        self.message.hide()
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("cancelJob")
        self.cancel_button.setAccessibleName(self.tr("Cancel job %1").replace("%1", str(job.id)))
        self.cancel_button.clicked.connect(lambda: controller.cancel(self.job_id))

        top = QHBoxLayout()
        top.addWidget(self.state)
        top.addStretch(1)
        top.addWidget(self.elapsed)
        top.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(self.progress)
        layout.addWidget(self.message)
        self.update_from(job)

    def update_from(self, job: Job) -> None:
        r = job.request
        prompt = " ".join(r.prompt.split())
        self.title.setText(f"{prompt[:60]}{'…' if len(prompt) > 60 else ''}")
        self.title.setToolTip(r.prompt)
        provider = f" · {job.provider}" if job.provider else ""
        self.state.setText(f"{self.tr(_STATE_TEXT[job.state])} · {r.model} · {r.size} · ×{r.n}{provider}")
        self.elapsed.setText(f"{job.elapsed(time.monotonic()):.0f} s")
        self.progress.setVisible(not job.state.finished)
        self.cancel_button.setVisible(not job.state.finished)
        if job.error:
            self.message.setText(job.error)
            self.message.setStyleSheet("color: #b3261e;")
            self.message.show()
        elif job.state is JobState.DONE:
            count = len(job.image_ids)
            self.message.setText(self.tr("%n image(s) saved to the library", "", count))
            self.message.setStyleSheet("")
            self.message.show()


class JobsPanel(QWidget):
    def __init__(self, controller: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._controller = controller
        self._rows: dict[int, JobRow] = {}
        self._jobs: dict[int, Job] = {}
        header = QLabel(self.tr("<b>Jobs</b>"))
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
        scroll.setWidgetResizable(True)
        scroll.setWidget(holder)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(header)
        layout.addWidget(scroll)
        controller.jobAdded.connect(self._add)
        controller.jobChanged.connect(self._changed)
        self._ticker = QTimer(self)
        self._ticker.setInterval(1000)
        self._ticker.timeout.connect(self._tick)
        self._ticker.start()

    def row(self, job_id: int) -> JobRow:
        return self._rows[job_id]

    def _add(self, job: Job) -> None:
        self._empty.hide()
        row = JobRow(job, self._controller)
        self._rows[job.id] = row
        self._jobs[job.id] = job
        self._list.insertWidget(0, row)  # newest on top

    def _changed(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is not None:
            row.update_from(job)

    def _tick(self) -> None:
        for job_id, job in self._jobs.items():
            if not job.state.finished:
                self._rows[job_id].update_from(job)
