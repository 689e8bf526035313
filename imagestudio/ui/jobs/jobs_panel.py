"""Jobs panel: every job of the persistent queue in queue order, with its state, progress, partial preview,
elapsed time, attempts, cost and error, and the actions Cancel, Retry, Duplicate, Move up/down (or drag a waiting
row); above the list Pause/Resume, Clear finished, the concurrency limit and what to do with interrupted jobs."""

from __future__ import annotations

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent, QImage
from PySide6.QtWidgets import (
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QToolButton,
    QVBoxLayout,
    QWidget,
    QWidgetAction,
)

from imagestudio.app.controller import GenerationController, Job
from imagestudio.app.settings_store import SettingsStore
from imagestudio.core.types import JobState
from imagestudio.ui.jobs.job_row import _WAITING, JobRow, dragged_job, format_cost

__all__ = ["JobRow", "JobsPanel", "format_cost"]


class JobsPanel(QWidget):
    def __init__(
        self, controller: GenerationController, settings: SettingsStore | None = None, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._controller = controller
        self._settings = settings
        self._rows: dict[int, JobRow] = {}
        self._order: list[int] = []
        self._shown: dict[int, JobState] = {}  # each row's last state: a row that just failed is scrolled to
        header = QLabel(self.tr("<b>Jobs</b>"))
        self.summary = QLabel()
        self.summary.setObjectName("jobsSummary")
        self.summary.setWordWrap(True)  # a narrow column wraps it rather than widening the column
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
            controller.pausedChanged.connect(lambda paused: settings.update(queue_paused=bool(paused)))
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
        holder = _JobList(self)
        self.list_widget = holder
        inner = QVBoxLayout(holder)
        inner.setContentsMargins(0, 0, 0, 0)
        inner.addWidget(self._empty)
        inner.addLayout(self._list)
        inner.addStretch(1)
        scroll = QScrollArea()
        scroll.setAccessibleName(self.tr("Jobs"))
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the rows wrap to its width
        scroll.setWidget(holder)
        self.list_area = scroll
        # one line of controls: the queue's options (how many at once, resume after a crash) in a menu beside them
        options = QWidget()
        options_layout = QVBoxLayout(options)
        options_layout.addWidget(self.concurrency)
        options_layout.addWidget(self.auto_resume)
        self.options_button = QToolButton()
        self.options_button.setObjectName("queueOptions")
        self.options_button.setText("⚙")
        self.options_button.setToolTip(self.tr("Queue options"))
        self.options_button.setAccessibleName(self.tr("Queue options"))
        self.options_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.options_button)
        holder_action = QWidgetAction(menu)
        holder_action.setDefaultWidget(options)
        menu.addAction(holder_action)
        self.options_button.setMenu(menu)
        bar = QHBoxLayout()
        bar.addWidget(header)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.pause_button)
        bar.addWidget(self.clear_button)
        bar.addWidget(self.options_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.interrupted)
        layout.addWidget(scroll, 1)
        controller.jobAdded.connect(self._add)
        controller.jobChanged.connect(self._changed)
        controller.jobsRemoved.connect(self._removed)
        controller.jobPreview.connect(self._preview)
        controller.interruptedFound.connect(self._interrupted_found)
        controller.countsChanged.connect(self._counts)
        controller.batchedChanged.connect(lambda _n: self._counts(*self._last_counts))
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
        self._shown[job.id] = job.state
        self._relayout()
        self.show_job(job.id)

    def show_job(self, job_id: int) -> None:
        """Scroll the list to a job's row (a new job, one that failed), once the list has laid it out."""
        row = self._rows.get(job_id)
        if row is None:
            return
        self._list.activate()
        self.list_area.ensureWidgetVisible(row, 0, 4)

        def again() -> None:  # the scroll area learns the list's new height from a posted event: look once more
            if self._rows.get(job_id) is row:
                self.list_area.ensureWidgetVisible(row, 0, 4)

        QTimer.singleShot(0, again)

    def _changed(self, job: Job) -> None:
        row = self._rows.get(job.id)
        if row is not None:
            failed_now = job.state is JobState.FAILED and self._shown.get(job.id) is not JobState.FAILED
            self._shown[job.id] = job.state
            row.update_from(job)
            self._relayout()
            if failed_now:
                self.show_job(job.id)
        self._refresh_interrupted()  # a job may have become (or stopped being) interrupted

    def _removed(self, ids: tuple[int, ...]) -> None:
        for job_id in ids:
            row = self._rows.pop(job_id, None)
            self._shown.pop(job_id, None)
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

    def drop(self, job_id: int, y: int) -> bool:
        """Move ``job_id`` to where it was dropped (``y`` in the list's coordinates): before the row under the
        pointer, after the last one below them. Only waiting jobs move, among the jobs not finished."""
        jobs = {j.id: j for j in self._controller.jobs()}
        movable = [i for i in self._order if i in jobs and not jobs[i].state.finished]
        if job_id not in movable or jobs[job_id].state not in _WAITING:
            return False
        target = len(movable)  # dropped below every row: last
        for index, other in enumerate(movable):
            row = self._rows[other]
            if y < row.y() + row.height() // 2:
                target = index
                break
        source = movable.index(job_id)
        offset = target - source - (1 if target > source else 0)
        if offset == 0:
            return False
        self._controller.move(job_id, offset)
        return True

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
        self._last_counts = (running, waiting)
        text = self.tr("%1 running · %2 waiting").replace("%1", str(running)).replace("%2", str(waiting))
        if batched := self._controller.batched_count():
            text += " · " + self.tr("%1 in a batch").replace("%1", str(batched))
        self.summary.setText(text)

    def _paused(self, paused: bool) -> None:
        self.pause_button.blockSignals(True)
        self.pause_button.setChecked(paused)
        self.pause_button.blockSignals(False)
        self.pause_button.setText(self.tr("Resume queue") if paused else self.tr("Pause queue"))

    def _tick(self) -> None:
        for job in self._controller.jobs():
            if job.state in (JobState.RUNNING, JobState.SAVING) and job.id in self._rows:
                self._rows[job.id].elapsed.setText(f"{job.elapsed(self._controller.now()):.0f} s")


class _JobList(QWidget):
    """The rows' parent: accepts a dragged job row and hands the drop to the panel."""

    def __init__(self, panel: JobsPanel) -> None:
        super().__init__()
        self._panel = panel
        self.setAcceptDrops(True)

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if dragged_job(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if dragged_job(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        job_id = dragged_job(event.mimeData())
        if job_id is not None and self._panel.drop(job_id, event.position().toPoint().y()):
            event.acceptProposedAction()
