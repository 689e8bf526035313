"""The GUI's face of refine in conversation (``core/refine.py``): builds a turn from the shown image and the
current settings, shows its estimate, queues it through the ``GenerationController`` (the same persistent queue as
every generation) and reports the turn's previews and its end to whoever sent it (the viewer's Refine panel)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from imagestudio.core import refine
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.money.pricing import Estimate, estimate_request
from imagestudio.core.types import LibraryImage, RefineRequest

if TYPE_CHECKING:
    from imagestudio.app.controller import GenerationController
    from imagestudio.app.settings_store import SettingsStore
    from imagestudio.core.queue.store import Job


class Refiner(QObject):
    preview = Signal(int, object)  # job id, QImage of the latest partial
    finished = Signal(object)  # Job (done, failed or cancelled)

    def __init__(
        self,
        controller: GenerationController,
        settings: SettingsStore,
        capabilities: Capabilities,
        safety_identifier: str | None = None,
    ) -> None:
        super().__init__(controller)
        self._controller = controller
        self._settings = settings
        self._caps = capabilities
        self._sid = safety_identifier
        self._mine: list[Job] = []
        self._cancel_when_written: list[Job] = []
        controller.jobPreview.connect(self._preview)
        controller.jobFinished.connect(self._finished)
        controller.jobAdded.connect(self._written)

    def request(self, image: LibraryImage, instruction: str) -> RefineRequest:
        """The next turn from ``image`` with the current settings (text model and ``store`` from Settings →
        Refine; quality, moderation and previews as for Generate; the size the server picks from the image)."""
        s = self._settings.current
        options: dict[str, Any] = {
            "quality": s.quality,
            "moderation": s.moderation or None,
            "partial_images": s.partial_images or 1,  # the result streams in
            "safety_identifier": self._sid,
        }
        return refine.request_for(
            image, image.path, instruction, self._caps, text_model=s.refine_text_model, store=s.refine_store, **options
        )

    def estimate(self, request: RefineRequest) -> Estimate:
        return estimate_request(self._caps, request)

    def validate(self, request: RefineRequest) -> None:
        refine.validate(self._caps, request)

    def submit(self, request: RefineRequest) -> Job:
        """Validated again by the controller (InvalidRequest before anything is written or sent)."""
        job = self._controller.submit(request)
        self._mine.append(job)
        return job

    def cancel(self, job: Job) -> None:
        """Cancel a turn like any job (``GenerationController.cancel``: the queue ends it; a request already sent
        gets its "possibly charged" ledger line). A turn whose row is not written yet is cancelled once it is."""
        if job.id:
            self._controller.cancel(job.id)
        elif job not in self._cancel_when_written:
            self._cancel_when_written.append(job)

    def _written(self, job: Job) -> None:
        if any(waiting is job for waiting in self._cancel_when_written):
            self._cancel_when_written = [w for w in self._cancel_when_written if w is not job]
            self._controller.cancel(job.id)

    def _preview(self, job_id: int, image: object) -> None:
        if any(job.id == job_id for job in self._mine):
            self.preview.emit(job_id, image)

    def _finished(self, job: Job) -> None:
        if any(mine is job or (mine.id and mine.id == job.id) for mine in self._mine):
            self._mine = [m for m in self._mine if not (m is job or (m.id and m.id == job.id))]
            self.finished.emit(job)
