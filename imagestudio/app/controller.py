"""GenerationController: submits jobs, runs them as owned asyncio tasks, saves results, reports progress.

The GUI thread only awaits: provider I/O is asyncio, CPU and file work go to LibraryService's threads.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from PySide6.QtCore import QObject, Signal

from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.types import GenerationRequest, GenerationResult, JobState

log = logging.getLogger(__name__)


@dataclass(slots=True)
class Job:
    id: int
    request: GenerationRequest
    state: JobState = JobState.QUEUED
    provider: str = ""
    submitted_at: float = field(default_factory=time.monotonic)
    started_at: float | None = None
    finished_at: float | None = None
    error: str | None = None
    image_ids: tuple[int, ...] = ()

    def elapsed(self, now: float | None = None) -> float:
        if self.started_at is None:
            return 0.0
        end = self.finished_at if self.finished_at is not None else (now or time.monotonic())
        return max(0.0, end - self.started_at)


class GenerationController(QObject):
    jobAdded = Signal(object)  # Job
    jobChanged = Signal(object)  # Job

    def __init__(
        self,
        capabilities: Capabilities,
        provider_factory: Callable[[], ImageProvider],
        library: LibraryService,
        tasks: TaskOwner,
        *,
        max_concurrent: int = 3,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._caps = capabilities
        self._provider_factory = provider_factory
        self._library = library
        self._tasks = tasks
        self._slots = asyncio.Semaphore(max_concurrent)
        self._ids = itertools.count(1)
        self._jobs: dict[int, Job] = {}
        self._running: dict[int, asyncio.Task[None]] = {}

    def job(self, job_id: int) -> Job:
        return self._jobs[job_id]

    def active_count(self) -> int:
        return sum(1 for j in self._jobs.values() if not j.state.finished)

    def submit(self, request: GenerationRequest) -> Job:
        """Validate (raises InvalidRequest before anything is sent) and start a job."""
        self._caps.validate(request)
        job = Job(next(self._ids), request)
        self._jobs[job.id] = job
        self.jobAdded.emit(job)
        self._running[job.id] = self._tasks.spawn(self._run(job), name=f"job-{job.id}")
        return job

    def cancel(self, job_id: int) -> None:
        task = self._running.get(job_id)
        if task is not None and not task.done():
            task.cancel()

    async def shutdown(self) -> None:
        """Cancel every running job and wait for them (called on quit)."""
        for job_id in list(self._running):
            self.cancel(job_id)
        pending = [t for t in self._running.values() if not t.done()]
        if pending:
            await asyncio.wait(pending, timeout=5.0)

    def _set(self, job: Job, state: JobState, *, error: str | None = None) -> None:
        job.state = state
        if state is JobState.RUNNING and job.started_at is None:
            job.started_at = time.monotonic()
        if state.finished:
            job.finished_at = time.monotonic()
            if job.started_at is None:
                job.started_at = job.finished_at
        job.error = error
        self.jobChanged.emit(job)

    async def _save(self, job: Job, result: GenerationResult) -> None:
        # Once images are paid for, a cancel (or quit) must not lose them: saving runs to the end.
        saving = asyncio.ensure_future(self._library.ingest(job.request, result))
        try:
            images = await asyncio.shield(saving)
        except asyncio.CancelledError:
            images = await saving
        job.image_ids = tuple(im.id for im in images)
        self._set(job, JobState.DONE)

    async def _run(self, job: Job) -> None:
        provider: ImageProvider | None = None
        try:
            async with self._slots:
                self._set(job, JobState.RUNNING)
                # reading the key may block on the keyring: off the GUI thread
                provider = await asyncio.to_thread(self._provider_factory)
                job.provider = provider.name
                result = await provider.generate(job.request)
                self._set(job, JobState.SAVING)
                await self._save(job, result)
        except asyncio.CancelledError:
            self._set(job, JobState.CANCELLED)
            raise
        except ImageStudioError as e:
            log.info("job %d failed: %s", job.id, type(e).__name__)
            self._set(job, JobState.FAILED, error=e.message)
        except Exception as e:  # never let a job die silently
            log.exception("job %d crashed", job.id)
            self._set(job, JobState.FAILED, error=f"Unexpected error ({type(e).__name__}); see the log.")
        finally:
            self._running.pop(job.id, None)
            if provider is not None:
                await provider.aclose()
