"""One job in the jobs panel: state, progress, partial preview, elapsed time, attempts, cost, error, and the
actions Cancel, Retry/Resume, Duplicate, Move up/down; a waiting row can be dragged to another place."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QMimeData, QPoint, Qt
from PySide6.QtGui import QDrag, QImage, QMouseEvent, QPixmap
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.controller import GenerationController, Job
from imagestudio.app.core_text import translate_message
from imagestudio.core.types import JobState
from imagestudio.ui.plain_text import plain
from imagestudio.ui.prompt.option_labels import provider_label

# marked for lupdate; JobRow translates them when it shows them
_STATE_TEXT: dict[JobState, object] = {
    JobState.QUEUED: str(QT_TRANSLATE_NOOP("JobRow", "Queued")),
    JobState.RUNNING: str(QT_TRANSLATE_NOOP("JobRow", "Generating…")),
    JobState.SAVING: str(QT_TRANSLATE_NOOP("JobRow", "Saving…")),
    JobState.DONE: str(QT_TRANSLATE_NOOP("JobRow", "Done")),
    JobState.FAILED: str(QT_TRANSLATE_NOOP("JobRow", "Failed")),
    JobState.CANCELLED: str(QT_TRANSLATE_NOOP("JobRow", "Cancelled")),
    JobState.INTERRUPTED: str(QT_TRANSLATE_NOOP("JobRow", "Interrupted")),
    JobState.BATCHED: str(QT_TRANSLATE_NOOP("JobRow", "In batch")),
}
# what the Batch API says about the batch holding a job ("in batch: in progress 3/10")
_BATCH_TEXT: dict[str, object] = {
    "sending": str(QT_TRANSLATE_NOOP("JobRow", "In batch: sending…")),
    "validating": str(QT_TRANSLATE_NOOP("JobRow", "In batch: validating")),
    "in_progress": str(QT_TRANSLATE_NOOP("JobRow", "In batch: in progress %1/%2")),
    "finalizing": str(QT_TRANSLATE_NOOP("JobRow", "In batch: finalizing")),
    "ended": str(QT_TRANSLATE_NOOP("JobRow", "In batch: collecting the results")),
    "cancelling": str(QT_TRANSLATE_NOOP("JobRow", "In batch: cancelling")),
}
_WAITING = (JobState.QUEUED, JobState.INTERRUPTED)
PREVIEW_SIZE = 56
# what a dragged job row carries: its id (only this panel accepts it)
JOB_MIME = "application/x-imagestudio-job"


def dragged_job(mime: QMimeData) -> int | None:
    if not mime.hasFormat(JOB_MIME):
        return None
    try:
        return int(bytes(mime.data(JOB_MIME).data()).decode("ascii"))
    except ValueError:
        return None


def format_cost(cost: float | None, estimated: bool = False) -> str:
    """Dollars; "≈" when part of it is an estimate; "—" when nothing is known."""
    if cost is None:
        return "—"
    return ("≈ " if estimated else "") + (f"${cost:.3f}" if 0 < cost < 0.01 else f"${cost:.2f}")


class JobRow(QFrame):
    def __init__(self, job: Job, controller: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.job_id = job.id
        self._controller = controller
        self._waiting = job.state in _WAITING
        self._press: QPoint | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setObjectName(f"job-{job.id}")
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_SIZE, PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.hide()
        self.title = plain(QLabel())
        self.title.setWordWrap(True)
        self.state = plain(QLabel())
        self.state.setWordWrap(True)  # the rows fit the form's column, however narrow
        self.state.setObjectName("jobState")
        self.details = plain(QLabel())  # attempts · cost
        self.details.setWordWrap(True)
        self.details.setObjectName("jobDetails")
        self.elapsed = QLabel()
        self.progress = QProgressBar()
        self.progress.setMaximumHeight(6)
        self.progress.setTextVisible(False)
        self.message = plain(QLabel())
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
        top.addWidget(self.state, 1)  # the labels take the free width (they wrap only when there is none)
        top.addWidget(self.elapsed)
        actions = QHBoxLayout()
        actions.addWidget(self.details, 1)
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

    # -- drag a waiting job to another place in the queue ------------------------------------------
    def mime(self) -> QMimeData:
        data = QMimeData()
        data.setData(JOB_MIME, str(self.job_id).encode("ascii"))
        return data

    def mousePressEvent(self, event: QMouseEvent) -> None:
        waiting = self._waiting and event.button() == Qt.MouseButton.LeftButton
        self._press = event.position().toPoint() if waiting else None
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        press = self._press if event.buttons() & Qt.MouseButton.LeftButton else None
        moved = (event.position().toPoint() - press).manhattanLength() if press is not None else 0
        if press is not None and moved >= QApplication.startDragDistance():
            self._press = None
            drag = QDrag(self)
            drag.setMimeData(self.mime())
            drag.setPixmap(self.grab().scaledToWidth(min(240, max(1, self.width()))))
            drag.exec(Qt.DropAction.MoveAction)
            return
        super().mouseMoveEvent(event)

    def set_preview(self, image: QImage) -> None:
        pixmap = QPixmap.fromImage(image).scaled(
            PREVIEW_SIZE, PREVIEW_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        self.preview.setPixmap(pixmap)
        self.preview.show()

    def batch_text(self, job: Job) -> str:
        """ "In batch: in progress 3/10 · 23 h 05 min left" from the batch as last polled."""
        info = job.batch_info or {}
        step, status = str(info.get("step") or ""), str(info.get("status") or "")
        key = "sending" if step in ("prepared", "uploading", "uploaded", "submitting") else status
        key = "ended" if key in ("completed", "expired", "cancelled", "failed") else key
        text = self.tr(str(_BATCH_TEXT.get(key, _STATE_TEXT[JobState.BATCHED])))
        text = text.replace("%1", str(info.get("done") or 0)).replace("%2", str(info.get("total") or 0))
        expires = info.get("expires_at")
        if step == "submitted" and isinstance(expires, int | float) and expires > self._controller.now():
            minutes = int((expires - self._controller.now()) // 60)
            left = self.tr("%1 h %2 min left").replace("%1", str(minutes // 60)).replace("%2", f"{minutes % 60:02d}")
            text += " · " + left
        return text

    def update_from(self, job: Job) -> None:
        r = job.request
        prompt = " ".join(r.prompt.split())
        self.title.setText(f"{prompt[:60]}{'…' if len(prompt) > 60 else ''}")
        self.title.setToolTip(r.prompt)
        kind = self.tr("Edit") + " · " if job.kind == "edit" else ""
        where = provider_label(job.profile)  # "demo" in the interface's language; a profile's own name as it is
        state = self.batch_text(job) if job.state is JobState.BATCHED else self.tr(str(_STATE_TEXT[job.state]))
        self.state.setText(f"#{job.id} {state} · {kind}{r.model} · {r.size} · ×{job.n} · {where}")
        self.elapsed.setText(f"{job.elapsed(self._controller.now()):.0f} s" if job.started_at else "")
        self.details.setText(
            self.tr("%1/%2 images · attempts %3 · cost %4")
            .replace("%1", str(job.received))
            .replace("%2", str(job.n))
            .replace("%3", str(job.attempts))
            .replace("%4", format_cost(job.cost, job.cost_estimated))
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
        self._waiting = job.state in _WAITING
        self.up_button.setVisible(self._waiting)
        self.down_button.setVisible(self._waiting)
        self.setCursor(Qt.CursorShape.OpenHandCursor if self._waiting else Qt.CursorShape.ArrowCursor)
        if job.error:
            self.message.setText(translate_message(job.error))
            self.message.setStyleSheet("color: #b3261e;")
            self.message.show()
        elif job.state is JobState.DONE:
            self.message.setText(self.tr("%n image(s) saved to the library", "", job.received))
            self.message.setStyleSheet("")
            self.message.show()
        else:
            self.message.hide()
