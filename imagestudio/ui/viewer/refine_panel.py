"""The viewer's Refine tab: talk to the shown image. An instruction (any language) → Send (with its estimate) →
the turn runs as a queue job, its previews show here, and the result opens as a child of the image in its lineage
(``app/refiner.py``, ``core/refine.py``). "Back to parent" undoes a step: it shows the image this one came from,
and refining from there makes a new branch. While a turn runs, Cancel (or Esc in the viewer) cancels it through
the queue like any job; the instruction stays, to edit and send again."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage, QKeySequence, QPixmap, QShortcut
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from imagestudio.app.refiner import Refiner
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.lineage import parents_of
from imagestudio.core.queue.store import Job
from imagestudio.core.types import JobState, LibraryImage, RefineRequest


class RefinePanel(QWidget):
    navigateRequested = Signal(int)  # image id (the result, or the parent)

    def __init__(self, refiner: Refiner | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("refinePanel")
        self._refiner = refiner
        self._image: LibraryImage | None = None
        self._job: Job | None = None
        self.source = QLabel()
        self.source.setWordWrap(True)
        self.source.setObjectName("refineSource")
        self.instruction = QPlainTextEdit()
        self.instruction.setObjectName("refineInstruction")
        self.instruction.setPlaceholderText(self.tr("What to change, e.g. “now make it dusk, keep the fox”"))
        self.instruction.setAccessibleName(self.tr("Refine instruction"))
        self.instruction.setTabChangesFocus(True)
        self.estimate = QLabel()
        self.estimate.setObjectName("refineEstimate")
        self.send = QPushButton(self.tr("Send"))
        self.send.setObjectName("refineSend")
        self.send.setToolTip(self.tr("Refine this image with the instruction (Ctrl+Enter)"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setObjectName("refineCancel")
        self.cancel_button.setToolTip(self.tr("Stop this refine step (Esc); a request already sent may be charged"))
        self.cancel_button.hide()
        self.back = QPushButton(self.tr("Back to parent"))
        self.back.setObjectName("refineBack")
        self.back.setToolTip(self.tr("Undo a step: show the image this one was refined or edited from"))
        self.preview = QLabel()
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setMinimumHeight(120)
        self.status = QLabel()
        self.status.setObjectName("refineStatus")
        self.status.setWordWrap(True)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        row = QHBoxLayout()
        row.addWidget(self.back)
        row.addStretch(1)
        row.addWidget(self.estimate)
        row.addWidget(self.send)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.source)
        layout.addWidget(self.instruction, 1)
        layout.addLayout(row)
        layout.addWidget(self.status)
        layout.addWidget(self.preview, 1)

        self.send.clicked.connect(self.submit)
        self.back.clicked.connect(self._back)
        self.cancel_button.clicked.connect(self.cancel)
        self.instruction.textChanged.connect(self._update)
        for keys in ("Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self.instruction)
            shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
            shortcut.activated.connect(self.submit)
        if refiner is not None:
            refiner.preview.connect(self._preview)
            refiner.finished.connect(self._finished)
        self.set_image(None)

    # -- the shown image -----------------------------------------------------------------------------
    def set_image(self, image: LibraryImage | None) -> None:
        self._image = image
        if image is None:
            self.source.setText(self.tr("No image."))
        elif self._refiner is None:
            self.source.setText(self.tr("Refining needs the app's queue (not available here)."))
        else:
            request = self._refiner.request(image, "")
            how = (
                self.tr("continues its stored conversation")
                if request.previous_response_id
                else self.tr("the image is sent with the instruction")
            )
            self.source.setText(self.tr("Refine #%1 (%2).").replace("%1", str(image.id)).replace("%2", how))
        self.back.setEnabled(image is not None and bool(parents_of(image.params)))
        self._update()

    def _request(self) -> RefineRequest | None:
        text = self.instruction.toPlainText().strip()
        if self._image is None or self._refiner is None or not text:
            return None
        return self._refiner.request(self._image, text)

    def _update(self) -> None:
        request = self._request()
        busy = self._job is not None
        self.send.setVisible(not busy)
        self.cancel_button.setVisible(busy)
        self.send.setEnabled(request is not None and not busy)
        if request is None or self._refiner is None:
            self.estimate.setText("")
            return
        label = self._refiner.estimate(request).label()
        self.estimate.setText(label)
        self.send.setToolTip(
            self.tr("Refine this image with the instruction (Ctrl+Enter); estimated %1").replace("%1", label)
        )

    # -- sending -------------------------------------------------------------------------------------
    def submit(self) -> None:
        request = self._request()
        if request is None or self._refiner is None or self._job is not None:
            return
        try:
            self._refiner.validate(request)
            self._job = self._refiner.submit(request)
        except ImageStudioError as e:
            self.status.setText(e.message)
            return
        self.preview.clear()
        self.status.setText(self.tr("Sending… the result opens here when it arrives."))
        self.cancel_button.setEnabled(True)
        self._update()

    def cancel(self) -> None:
        """Cancel the running turn (the queue ends it; its end comes back through ``_finished``)."""
        if self._job is None or self._refiner is None:
            return
        self._refiner.cancel(self._job)
        self.cancel_button.setEnabled(False)
        self.status.setText(self.tr("Cancelling…"))

    def _preview(self, job_id: int, image: object) -> None:
        if self._job is None or job_id != self._job.id or not isinstance(image, QImage):
            return
        pixmap = QPixmap.fromImage(image)
        self.preview.setPixmap(pixmap.scaled(self.preview.size(), Qt.AspectRatioMode.KeepAspectRatio))

    def _finished(self, job: Job) -> None:
        if self._job is None or not (job is self._job or job.id == self._job.id):
            return
        self._job = None
        self.preview.clear()
        if job.state is JobState.DONE and job.image_ids:
            self.instruction.clear()
            if len(job.image_ids) > 1:  # the model called the tool more than once: siblings in the lineage
                self.status.setText(self.tr("Done: the model made %1 images (%2); the last is shown, all are in the "
                                            "lineage.").replace("%1", str(len(job.image_ids))).replace(
                    "%2", ", ".join(f"#{i}" for i in job.image_ids)))  # fmt: skip
            else:
                self.status.setText(self.tr("Done: #%1. Refine it again, or go back to any step.").replace(
                    "%1", str(job.image_ids[-1])))  # fmt: skip
            self.navigateRequested.emit(job.image_ids[-1])
        elif job.state is JobState.CANCELLED:
            self.status.setText(self.tr("Cancelled. The instruction is kept: edit it and send it again."))
        else:
            self.status.setText(job.error or self.tr("The refine step failed."))
        self._update()
        if self.isVisible():
            self.instruction.setFocus()

    def _back(self) -> None:
        if self._image is not None and (parents := parents_of(self._image.params)):
            self.navigateRequested.emit(parents[0])

    @property
    def busy(self) -> bool:
        return self._job is not None
