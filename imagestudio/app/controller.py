"""GenerationController: the GUI's face of the persistent job queue (``core/queue/store.py`` +
``core/queue/runner.py``).

Jobs live in the library DB; this object keeps one ``Job`` per id (refreshed in place, so views can hold it),
turns the runner's reports into Qt signals and forwards the person's actions. The GUI thread only awaits:
SQL runs on the LibraryService DB thread, files and decoding on its CPU pool, provider I/O on asyncio.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

from PySide6.QtCore import QObject, Signal

from imagestudio.app.job_host import ProviderFactory, QtHost
from imagestudio.app.job_host import decode_preview as _decode_preview
from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core import refine
from imagestudio.core.batch.runner import BatchRunner
from imagestudio.core.batch.store import ApiBatchStore, resume_except_missing
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.providers.openai_batch import BatchApi
from imagestudio.core.queue.retry import RetryPolicy
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import AnyRequest, Job, JobStore
from imagestudio.core.types import JobState, RefineRequest

log = logging.getLogger(__name__)

__all__ = ["GenerationController", "Job", "ProviderFactory", "QuitMode", "_decode_preview"]

QuitMode = Literal["cancel", "leave"]


class GenerationController(QObject):
    jobAdded = Signal(object)  # Job
    jobChanged = Signal(object)  # Job
    jobFinished = Signal(object)  # Job, once, when it reaches done / failed / cancelled
    jobsRemoved = Signal(object)  # tuple[int, ...]
    jobPreview = Signal(int, object)  # job id, QImage of the latest partial image
    #: jobs a crash or kill interrupted ("ask" setting), found at start or later (a dead CLI runner's): maybe charged
    interruptedFound = Signal(object)  # list[Job]
    countsChanged = Signal(int, int)  # running, waiting
    batchedChanged = Signal(int)  # jobs in an OpenAI batch: neither running nor waiting here
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
        batch_api: Callable[[str, str], BatchApi | None] | None = None,
        batch_folder: Path | None = None,
        ledger: Ledger | None = None,
        budget: Callable[[], float] = lambda: 0.0,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._caps = capabilities
        self._library = library
        self._tasks = tasks
        self._host = QtHost(library, provider_factory)
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
        self._unwritten: list[Job] = []  # submitted, not yet taken by a write
        self._early: dict[int, Job] = {}
        self._counts = (0, 0, 0)  # running, waiting, batched
        self._partials: dict[int, bytes] = {}  # job id → its newest partial not decoded yet
        self._decoding = False
        self._warmed: tuple[str, str] | None = None  # the profile whose client warm_up last prepared
        self.runner: QueueRunner | None = None
        #: jobs marked "Batch" go through OpenAI's Batch API (core/batch/runner.py); None: not offered
        self.batches: BatchRunner | None = None
        self._batch_setup = (batch_api, batch_folder, ledger, budget)
        #: what quitting does with jobs still running or waiting (the main window asks the person)
        self.quit_mode: QuitMode = "leave"

    # -- start -------------------------------------------------------------------------------------
    async def start(self) -> None:
        """Open the queue, recover jobs of processes that died, show every job, start running."""
        store = await self._library.run_db(JobStore, self._library.library.db)
        self.runner = QueueRunner(
            store, self._host, self._caps, spawn=lambda coro, name: self._tasks.spawn(coro, name=name),
            concurrency=self._concurrency, policy=self._policy, on_jobs=self._on_jobs, on_partial=self._on_partial,
            on_ids=self._on_ids, poll_interval=self._poll,
        )  # fmt: skip
        if self._start_paused():  # paused when the app last quit: waiting jobs stay queued
            self.runner.paused = True
            self.pausedChanged.emit(True)
        self._on_jobs(await self.runner.start())
        self._ready.set()
        interrupted = [j for j in self._jobs.values() if j.state is JobState.INTERRUPTED]
        if interrupted:
            await self._resume_or_ask(interrupted)
        self._tasks.spawn(self.runner.run(), name="job-queue")
        api, folder, ledger, budget = self._batch_setup
        if api is not None and folder is not None:
            self.batches = BatchRunner(self.runner, self._caps, api_factory=api, folder=folder, ledger=ledger,
                                       budget=budget, on_jobs=self._on_jobs)  # fmt: skip
            self._tasks.spawn(self.batches.run(), name="batch-api")

    # -- queries -----------------------------------------------------------------------------------
    def job(self, job_id: int) -> Job:
        return self._jobs[job_id]

    def jobs(self) -> list[Job]:
        """Every job in queue order."""
        return sorted(self._jobs.values(), key=lambda j: (j.position, j.id))

    def now(self) -> float:
        """The library's clock (the one that stamped the jobs): what a job's elapsed time is measured against."""
        return self._library.library.db.clock.now()

    def active_count(self) -> int:
        """Jobs that are running or waiting to run in this app (including ones being written right now)."""
        waiting = (JobState.QUEUED, JobState.RUNNING, JobState.SAVING)
        return len(self._pending) + sum(1 for j in self._jobs.values() if j.state in waiting)

    def running_count(self) -> int:
        return sum(1 for j in self._jobs.values() if j.state in (JobState.RUNNING, JobState.SAVING))

    def batched_count(self) -> int:
        return sum(1 for j in self._jobs.values() if j.state is JobState.BATCHED)

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
        if isinstance(request, RefineRequest):
            refine.validate(self._caps, request)
        else:
            self._caps.validate(request)
        profile, base_url = self._current_profile()
        placeholders = [Job(0, request, profile=profile, base_url=base_url, n=request.n) for _ in range(repeat)]
        self._pending.extend(placeholders)
        self._unwritten.extend(placeholders)
        if len(self._unwritten) == len(placeholders):  # no write waiting yet: this submit starts one
            self._adding += 1
            self._tasks.spawn(self._add(), name="queue-add")
        return placeholders[0]

    async def _add(self) -> None:
        """Write every job submitted until now in one DB trip (a burst of submits is one transaction, so the
        first job's claim does not queue behind one write per job)."""
        placeholders: list[Job] = []
        try:
            await self._ready.wait()
            assert self.runner is not None
            placeholders, self._unwritten = self._unwritten, []
            store = self.runner.store

            def write() -> list[Job]:  # one add per run of jobs for the same profile
                rows: list[Job] = []
                for (profile, base_url), same in itertools.groupby(placeholders, lambda p: (p.profile, p.base_url)):
                    rows.extend(store.add([p.request for p in same], profile=profile, base_url=base_url))
                return rows

            rows = await self._library.run_db(write)
            await self.runner.schedule_now()  # the first jobs' requests go out before their rows are built
            for n, (placeholder, row) in enumerate(zip(placeholders, rows, strict=True)):
                if n and not n % 8:
                    await asyncio.sleep(0)  # the queue's claim and the GUI's paints between batches of new rows
                placeholder.refresh_from(self._early.pop(row.id, row))
                self._jobs[row.id] = placeholder
                self.jobAdded.emit(placeholder)
        finally:
            self._adding -= 1
            written = {id(p) for p in placeholders}  # by identity: equal placeholders may still be unwritten
            self._pending = [p for p in self._pending if id(p) not in written]
            if not self._adding:
                for job in self._early.values():  # seen early but not ours (another process): show anyway
                    self._register(job)
                self._early.clear()
        self._emit_counts()
        self.runner.wake()
        if self.batches is not None and any(p.request.via_batch_api for p in placeholders):
            self.batches.wake()

    def warm_up(self) -> asyncio.Task[None] | None:
        """The person is writing a prompt: import the SDK and build the current profile's client now, on a worker
        thread, so the first Generate does not wait ~0.5 s for it (nothing is sent; once per profile)."""
        profile = self._current_profile()
        if self._warmed == profile or not self._ready.is_set() or self.closed:
            return None
        self._warmed = profile
        return self._tasks.spawn_if_open(self._warm(profile), name="provider-warm-up")

    async def _warm(self, profile: tuple[str, str]) -> None:
        try:
            provider = await self._host.make_provider(*profile)
            await self._host.release_provider(provider)  # the shared client stays, ready for the first job
        except Exception as e:  # no key yet, a bad setting: the job itself will say so
            # not tried again on the next keystroke (each try reads the keyring, which may ask to unlock it):
            # a failed profile is warmed again only after another profile was current
            log.debug("provider warm-up skipped: %s", type(e).__name__)

    def cancel(self, job_id: int) -> None:
        if self.runner is not None:
            self._tasks.spawn(self._cancel(job_id), name=f"cancel-{job_id}")

    async def _cancel(self, job_id: int) -> None:
        assert self.runner is not None
        await self.runner.cancel(job_id)
        if self.batches is not None:  # a batch whose jobs are all cancelled is cancelled at the API
            self.batches.wake()

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
            self._tasks.spawn(self._acted(method, *args), name=f"queue-{name}")

    async def _acted(self, method: Callable[..., Any], *args: Any) -> None:
        assert self.runner is not None
        await self.runner.act(method, *args)
        if self.batches is not None:  # a retried or resumed batch-mode job is sent again
            self.batches.wake()

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
        if self.batches is not None:  # batches go on at the API; any later start collects them
            await self.batches.close()
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
        await self._resume_or_ask([self._jobs[i] for i in sorted(ids) if i in self._jobs])

    async def _resume_or_ask(self, jobs: list[Job]) -> None:
        """Resume (the "auto" setting) or ask; jobs an ended Batch API batch missed are always asked about."""
        assert self.runner is not None
        missing = await self._library.run_db(ApiBatchStore(self.runner.store).missing_ids)
        asked = [j for j in jobs if j.id in missing or self._resume_mode() != "auto"]
        if len(asked) < len(jobs):
            await self._acted(resume_except_missing, self.runner.store)
        if asked:
            self.interruptedFound.emit(asked)

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
        running = self.running_count()
        counts, before = (running, self.active_count() - running, self.batched_count()), self._counts
        self._counts = counts
        if counts[:2] != before[:2]:
            self.countsChanged.emit(*counts[:2])
        if counts[2] != before[2]:
            self.batchedChanged.emit(counts[2])

    def _on_partial(self, job_id: int, _index: int, data: bytes) -> None:
        # Only each job's newest partial is kept, and previews are decoded one at a time: Pillow holds the GIL
        # for parts of a decode, so eight jobs streaming at once would otherwise keep both CPU workers busy and
        # the GUI thread waiting for the GIL (bench P2); an older partial nobody has seen yet is not worth it.
        self._partials.pop(job_id, None)
        self._partials[job_id] = data  # to the end: jobs take turns
        if not self._decoding:
            self._decoding = True
            if self._tasks.spawn_if_open(self._decode_previews(), name="previews") is None:
                self._decoding = False
                self._partials.clear()

    async def _decode_previews(self) -> None:
        try:
            while self._partials:
                job_id = next(iter(self._partials))
                data = self._partials.pop(job_id)
                image = await self._library.run_cpu(_decode_preview, data)
                if not image.isNull():
                    self.jobPreview.emit(job_id, image)
        finally:
            self._decoding = False
