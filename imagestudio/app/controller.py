"""GenerationController: the GUI's face of the persistent job queue (``core/queue.py`` + ``core/runner.py``).

Jobs live in the library DB; this object keeps one ``Job`` per id (refreshed in place, so views can hold it),
turns the runner's reports into Qt signals and forwards the person's actions. The GUI thread only awaits:
SQL runs on the LibraryService DB thread, files and decoding on its CPU pool, provider I/O on asyncio.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.db import InTransaction
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.shared import SharedProviders
from imagestudio.core.queue import AnyRequest, Job, JobStore
from imagestudio.core.retry import RetryPolicy
from imagestudio.core.runner import QueueRunner
from imagestudio.core.types import GenerationResult, JobState

log = logging.getLogger(__name__)

__all__ = ["GenerationController", "Job", "QuitMode"]

QuitMode = Literal["cancel", "leave"]
ProviderFactory = Callable[[str, str], ImageProvider]  # (provider, base_url) → provider; may block (keyring)


def _decode_preview(data: bytes, max_side: int = 256) -> QImage:
    """A small QImage of a streamed partial. Pillow decodes and shrinks with the GIL released; QImage's own
    loader holds it for the whole decode (~30 ms for 1536×1024), which stalls the GUI thread meanwhile."""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size
            im.thumbnail((max_side, max_side))
            small = im.convert("RGBA")
    except Exception:  # a broken partial is skipped; the next one (or the final image) is what counts
        return QImage()
    raw = small.tobytes("raw", "RGBA")
    return QImage(raw, small.width, small.height, small.width * 4, QImage.Format.Format_RGBA8888).copy()


class _Host:
    """The runner's view of this process: the library's DB thread and ingest, providers built off-thread."""

    def __init__(self, library: LibraryService, factory: ProviderFactory) -> None:
        self._library = library
        self._factory = factory
        self._providers = SharedProviders()  # one client per configuration, not one per job (bench P2, P6)

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self._library.run_db(fn, *args)

    async def ingest(self, request: AnyRequest, result: GenerationResult, also: InTransaction) -> object:
        return await self._library.ingest(request, result, also=also)  # type: ignore[arg-type]

    async def make_provider(self, profile: str, base_url: str) -> ImageProvider:
        """Settings, key and profile are read for every job; a changed one gets a new client."""
        loop = asyncio.get_running_loop()
        return await asyncio.to_thread(lambda: self._providers.share(self._factory(profile, base_url), loop))

    async def release_provider(self, provider: ImageProvider) -> None:
        await self._providers.release(provider)

    async def close_providers(self) -> None:
        await self._providers.aclose()


class GenerationController(QObject):
    jobAdded = Signal(object)  # Job
    jobChanged = Signal(object)  # Job
    jobFinished = Signal(object)  # Job, once, when it reaches done / failed / cancelled
    jobsRemoved = Signal(object)  # tuple[int, ...]
    jobPreview = Signal(int, object)  # job id, QImage of the latest partial image
    #: jobs a crash or kill interrupted (the "ask" setting), found at start or later (a CLI runner that died
    #: while this app runs): they may have been charged
    interruptedFound = Signal(object)  # list[Job]
    countsChanged = Signal(int, int)  # running, waiting
    pausedChanged = Signal(bool)

    def __init__(
        self,
        capabilities: Capabilities,
        provider_factory: ProviderFactory,
        library: LibraryService,
        tasks: TaskOwner,
        *,
        current_profile: Callable[[], tuple[str, str]] = lambda: ("demo", ""),
        concurrency: Callable[[], int] = lambda: 3,
        resume_mode: Callable[[], str] = lambda: "ask",
        start_paused: Callable[[], bool] = lambda: False,
        policy: RetryPolicy | None = None,
        poll_interval: float = 1.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._caps = capabilities
        self._library = library
        self._tasks = tasks
        self._host = _Host(library, provider_factory)
        self._current_profile = current_profile
        self._concurrency = concurrency
        self._resume_mode = resume_mode
        self._start_paused = start_paused
        self._newly_interrupted: set[int] = set()
        self._policy = policy
        self._poll = poll_interval
        self._jobs: dict[int, Job] = {}
        self._ready = asyncio.Event()
        self._adding = 0
        self._pending: list[Job] = []  # submitted, row not written yet
        self._early: dict[int, Job] = {}
        self._counts = (0, 0)
        self._previewing: set[int] = set()
        self.runner: QueueRunner | None = None
        #: what quitting does with jobs still running or waiting (the main window asks the person)
        self.quit_mode: QuitMode = "leave"

    # -- start -------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the queue, recover jobs of processes that died, show every job, start running."""
        store = await self._library.run_db(JobStore, self._library.library.db)
        self.runner = QueueRunner(
            store,
            self._host,
            self._caps,
            spawn=lambda coro, name: self._tasks.spawn(coro, name=name),
            concurrency=self._concurrency,
            policy=self._policy,
            on_jobs=self._on_jobs,
            on_partial=self._on_partial,
            on_ids=self._on_ids,
            poll_interval=self._poll,
        )
        if self._start_paused():  # paused when the app last quit: waiting jobs stay queued
            self.runner.paused = True
            self.pausedChanged.emit(True)
        self._on_jobs(await self.runner.start())
        self._ready.set()
        interrupted = [j for j in self._jobs.values() if j.state is JobState.INTERRUPTED]
        if interrupted:
            if self._resume_mode() == "auto":
                await self.runner.act(store.resume_interrupted)
            else:
                self.interruptedFound.emit(interrupted)
        self._tasks.spawn(self.runner.run(), name="job-queue")

    # -- queries -----------------------------------------------------------------------------------
    def job(self, job_id: int) -> Job:
        return self._jobs[job_id]

    def jobs(self) -> list[Job]:
        """Every job in queue order."""
        return sorted(self._jobs.values(), key=lambda j: (j.position, j.id))

    def active_count(self) -> int:
        """Jobs that are running or waiting to run in this app (including ones being written right now)."""
        waiting = (JobState.QUEUED, JobState.RUNNING, JobState.SAVING)
        return len(self._pending) + sum(1 for j in self._jobs.values() if j.state in waiting)

    def running_count(self) -> int:
        return sum(1 for j in self._jobs.values() if j.state in (JobState.RUNNING, JobState.SAVING))

    @property
    def closed(self) -> bool:
        """The queue has stopped in this process (shutdown ran)."""
        return self.runner is not None and self.runner.closed

    @property
    def paused(self) -> bool:
        return self.runner is not None and self.runner.paused

    # -- actions -----------------------------------------------------------------------------------
    def submit(self, request: AnyRequest, *, repeat: int = 1) -> Job:
        """Validate (raises InvalidRequest before anything is written or sent), then queue ``repeat`` jobs.

        Returns the first job at once; its ``id`` is set (and ``jobAdded`` emitted) when the row is written.
        """
        self._caps.validate(request)  # type: ignore[arg-type]
        profile, base_url = self._current_profile()
        placeholders = [Job(0, request, profile=profile, base_url=base_url, n=request.n) for _ in range(repeat)]
        self._adding += 1
        self._pending.extend(placeholders)
        self._tasks.spawn(self._add(placeholders), name="queue-add")
        return placeholders[0]

    async def _add(self, placeholders: list[Job]) -> None:
        try:
            await self._ready.wait()
            assert self.runner is not None
            first = placeholders[0]
            rows = await self._library.run_db(
                lambda: self.runner.store.add(  # type: ignore[union-attr]
                    [p.request for p in placeholders], profile=first.profile, base_url=first.base_url
                )
            )
            for placeholder, row in zip(placeholders, rows, strict=True):
                placeholder.refresh_from(self._early.pop(row.id, row))
                self._jobs[row.id] = placeholder
                self.jobAdded.emit(placeholder)
        finally:
            self._adding -= 1
            self._pending = [p for p in self._pending if p not in placeholders]
            if not self._adding:
                for job in self._early.values():  # seen early but not ours (another process): show anyway
                    self._register(job)
                self._early.clear()
        self._emit_counts()
        self.runner.wake()

    def cancel(self, job_id: int) -> None:
        if self.runner is not None:
            self._tasks.spawn(self.runner.cancel(job_id), name=f"cancel-{job_id}")

    def retry(self, job_id: int) -> None:
        self._act("retry", job_id)

    def duplicate(self, job_id: int) -> None:
        self._act("duplicate", job_id)

    def move(self, job_id: int, offset: int) -> None:
        self._act("move", job_id, offset)

    def resume_interrupted(self) -> None:
        self._act("resume_interrupted")

    def clear_finished(self) -> None:
        if self.runner is not None:
            self._tasks.spawn(self._clear(), name="queue-clear")

    async def _clear(self) -> None:
        assert self.runner is not None
        removed = await self._library.run_db(self.runner.store.clear_finished)
        for job_id in removed:
            self._jobs.pop(job_id, None)
        if removed:
            self.jobsRemoved.emit(tuple(removed))

    def set_paused(self, paused: bool) -> None:
        if self.runner is None or self.runner.paused == paused:
            return
        self.runner.paused = paused
        self.runner.wake()
        self.pausedChanged.emit(paused)

    def _act(self, name: str, *args: Any) -> None:
        if self.runner is not None:
            method = getattr(self.runner.store, name)
            self._tasks.spawn(self.runner.act(method, *args), name=f"queue-{name}")

    async def wait_idle(self) -> None:
        while self.active_count():
            await asyncio.sleep(0.1)

    async def shutdown(self, mode: QuitMode | None = None) -> None:
        """On quit: ``cancel`` cancels every job of this app; ``leave`` keeps waiting jobs queued for next time
        (running ones are stopped and become ``interrupted``: they may have been charged)."""
        if self.runner is None:
            return
        mode = mode or self.quit_mode
        if mode == "cancel":
            for job in list(self._jobs.values()):
                if job.state in (JobState.QUEUED, JobState.INTERRUPTED) and job.owner in (None, self.runner.token):
                    await self.runner.cancel(job.id)
        await self.runner.stop(running_become=JobState.CANCELLED if mode == "cancel" else JobState.INTERRUPTED)
        await self._host.close_providers()

    # -- reports from the runner ---------------------------------------------------------------------
    def _on_jobs(self, snapshots: list[Job]) -> None:
        for snapshot in snapshots:
            known = self._jobs.get(snapshot.id)
            if known is None:
                if self._adding:
                    self._early[snapshot.id] = snapshot  # _add is about to register it
                else:
                    self._register(snapshot)
                continue
            was_finished = known.state.finished
            if snapshot.state is JobState.INTERRUPTED and known.state is not JobState.INTERRUPTED:
                self._interrupted_later(snapshot.id)
            known.refresh_from(snapshot)
            self.jobChanged.emit(known)
            if known.state.finished and not was_finished:
                self.jobFinished.emit(known)
        self._emit_counts()

    def _register(self, job: Job) -> None:
        if job.id not in self._jobs:
            self._jobs[job.id] = job
            self.jobAdded.emit(job)
            if job.state is JobState.INTERRUPTED:
                self._interrupted_later(job.id)

    def _interrupted_later(self, job_id: int) -> None:
        """A job became interrupted while this app runs (another process running it died): resume it or ask,
        as at start. Jobs this app interrupts itself (quitting) and the ones found at start are not new."""
        if not self._ready.is_set() or self.closed:
            return
        if not self._newly_interrupted:
            self._tasks.spawn_if_open(self._handle_interrupted(), name="queue-interrupted")
        self._newly_interrupted.add(job_id)

    async def _handle_interrupted(self) -> None:
        await asyncio.sleep(0)  # one report may carry several jobs: handle them together
        ids, self._newly_interrupted = self._newly_interrupted, set()
        if self.runner is None or self.closed:
            return
        if self._resume_mode() == "auto":
            await self.runner.act(self.runner.store.resume_interrupted)
        else:
            jobs = [self._jobs[i] for i in sorted(ids) if i in self._jobs]
            if jobs:
                self.interruptedFound.emit(jobs)

    def _on_ids(self, present: set[int]) -> None:
        """Another process removed jobs (`queue clear`): drop them here too. Only finished jobs can be cleared,
        so a job this app is adding right now is never mistaken for a removed one."""
        removed = tuple(i for i, job in self._jobs.items() if i not in present and job.state.finished)
        for job_id in removed:
            del self._jobs[job_id]
        if removed:
            self.jobsRemoved.emit(removed)
            self._emit_counts()

    def _emit_counts(self) -> None:
        counts = (self.running_count(), self.active_count() - self.running_count())
        if counts != self._counts:
            self._counts = counts
            self.countsChanged.emit(*counts)

    def _on_partial(self, job_id: int, _index: int, data: bytes) -> None:
        if job_id in self._previewing:
            return  # still decoding the previous one: skip, the next partial is better anyway
        self._previewing.add(job_id)
        self._tasks.spawn_if_open(self._preview(job_id, data), name=f"preview-{job_id}")

    async def _preview(self, job_id: int, data: bytes) -> None:
        try:
            image = await self._library.run_cpu(_decode_preview, data)
        finally:
            self._previewing.discard(job_id)
        if not image.isNull():
            self.jobPreview.emit(job_id, image)
