"""QueueRunner: runs the persistent queue's jobs in this process (no Qt; the GUI and the CLI both use it). One per
process, registered in ``queue_runners``; jobs are claimed with a conditional UPDATE, so two processes never run the
same job. Jobs run in queue order with a concurrency limit per profile; a 429 makes the whole profile wait. Every
state change is written before it is reported, and a job is written before any request is sent. The images a job
receives are stored with its progress in one transaction: after a crash only the missing ones are asked again.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import socket
import uuid
from collections.abc import Callable, Coroutine
from typing import Any, TypeVar

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import BadResponse, ImageDecodeError, ImageStudioError, ServerError
from imagestudio.core.library.db import InTransaction
from imagestudio.core.money.pricing import result_cost
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.queue.host import STALE_HEARTBEAT_S, RunnerHost, accepts, pid_alive, runner_alive
from imagestudio.core.queue.retry import RetryPolicy, waiting_message
from imagestudio.core.queue.store import Job, JobStore, Runner
from imagestudio.core.types import GenerationResult, JobState

__all__ = ["STALE_HEARTBEAT_S", "QueueRunner", "RunnerHost", "pid_alive", "runner_alive"]

log = logging.getLogger(__name__)
T = TypeVar("T")
ProfileKey = tuple[str, str]  # (provider, base_url)
_FEWER = "The server sent fewer images than asked for."


class QueueRunner:
    def __init__(
        self,
        store: JobStore,
        host: RunnerHost,
        capabilities: Capabilities,
        *,
        spawn: Callable[[Coroutine[Any, Any, None], str], asyncio.Task[None]],
        concurrency: Callable[[], int] = lambda: 3,
        policy: RetryPolicy | None = None,
        on_jobs: Callable[[list[Job]], None] = lambda jobs: None,
        on_partial: Callable[[int, int, bytes], None] | None = None,
        on_ids: Callable[[set[int]], None] | None = None,
        batch: str | None = None,
        poll_interval: float = 1.0,
        alive: Callable[[Runner], bool] | None = None,
    ) -> None:
        self.store = store
        self.token = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self._host = host
        self._caps = capabilities
        self._spawn = spawn
        self._concurrency = concurrency
        self.policy = policy or RetryPolicy()
        self._on_jobs = on_jobs
        self._on_partial = on_partial
        self._on_ids = on_ids  # every job id after another process committed: notices removed jobs
        self._batch = batch
        self._poll = poll_interval
        self._alive = alive or (lambda r: runner_alive(r, now=store.db.clock.now()))
        self._wake = asyncio.Event()
        self._scheduling = asyncio.Lock()
        self._tasks: dict[int, asyncio.Task[None]] = {}
        self._running: dict[ProfileKey, int] = {}
        self._backoff_until: dict[ProfileKey, float] = {}
        self._stopping_as: JobState | None = None
        self._closed = False
        self._data_version = -1
        self._seen_until = 0.0
        self._claiming = False
        self.paused = False
        self.interrupted_at_start: list[int] = []

    # -- life --------------------------------------------------------------------------------------
    async def start(self) -> list[Job]:
        """Register, turn the jobs of dead processes into ``interrupted``, return every job."""
        await self._db(self.store.register_runner, self.token, os.getpid(), socket.gethostname())
        self.interrupted_at_start = await self._db(self.store.recover, self._alive, token=self.token)
        self._seen_until = self.store.db.clock.now()
        return await self._db(self.store.all, batch=self._batch)

    async def run(self) -> None:
        """Schedule until closed: claim what fits, watch other processes' changes, heartbeat."""
        last_beat = last_recover = last_watch = 0.0
        while not self._closed:
            now = self.store.db.clock.now()
            # cleared before looking, never after: a slot freed while this pass awaits the DB must wake the next
            self._wake.clear()
            try:
                # A freed slot is refilled first. The rest is housekeeping at the poll interval, not at every wake:
                # a job that ends while this loop waits on the DB for it would wait too (bench P6).
                timeout = await self._schedule()
                if now - last_beat > 2.0:
                    await self._db(self.store.heartbeat, self.token)
                    last_beat = now
                if now - last_watch >= min(self._poll, 1.0):
                    last_watch = now
                    await self._watch_others()
                if now - last_recover > 5.0:
                    last_recover = now
                    gone = await self._db(self.store.recover, self._alive, token=self.token)
                    if gone:
                        await self._report(gone)
            except Exception:  # a locked or full disk must not stop the queue for good
                log.exception("queue scheduling failed; trying again")
                timeout = max(self._poll, 1.0)
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), timeout)

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self._host.db(functools.partial(fn, *args, **kwargs))

    def wake(self) -> None:
        self._wake.set()

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def active(self) -> int:
        return len(self._tasks)

    def running_ids(self) -> list[int]:
        return list(self._tasks)

    async def stop(self, *, running_become: JobState = JobState.CANCELLED, timeout: float = 10.0) -> None:
        """Stop claiming; cancel running jobs (recorded as ``running_become``); unregister."""
        self._closed = True
        self._stopping_as = running_become
        self.wake()
        tasks = list(self._tasks.values())
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
        await self._db(self.store.unregister_runner, self.token)

    async def wait_idle(self) -> None:
        """Until this runner has nothing running and nothing it could claim (the CLI batch uses it)."""
        while True:
            if not self._tasks and not self._claiming:
                waiting = await self._db(self.store.candidates, self.token, batch=self._batch, limit=1)
                # the scheduler may have claimed a job while we looked: it is no longer a candidate then
                if not waiting and not self._tasks and not self._claiming:
                    return
            await asyncio.sleep(0.05)

    # -- user actions (persist first, then report) ----------------------------------------------------
    async def cancel(self, job_id: int) -> None:
        ended = await self._db(self.store.request_cancel, job_id)
        task = self._tasks.get(job_id)
        if task is not None:
            task.cancel()
        elif ended:
            await self._report([job_id])

    async def act(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a JobStore action (retry, move, duplicate…), then report the jobs it touched and reschedule."""
        since = self.store.db.clock.now() - 0.001
        out = await self._db(fn, *args)
        changed = await self._db(self.store.changed_since, since)
        if changed:
            self._on_jobs(changed)
        self.wake()
        return out

    # -- scheduling ---------------------------------------------------------------------------------
    def _refill(self) -> None:
        """A slot freed: claim the next job at once (a task of its own, alongside this job's saving), not after
        the scheduling loop's next turn."""
        try:
            self._spawn(self.schedule_now(), "queue-refill")
        except RuntimeError:  # the app is shutting down: nothing more is claimed
            self.wake()

    async def schedule_now(self) -> None:
        """Claim what fits right away (new jobs were just written), without waiting for the loop's next turn."""
        try:
            await self._schedule()
        except Exception:  # the loop tries again
            log.exception("queue scheduling failed; trying again")

    async def _schedule(self) -> float:
        """Claim every job that fits now; return how long to sleep before looking again."""
        async with self._scheduling:  # one look at a time: each sees the slots the previous one filled
            if self.paused or self._closed:
                return self._poll
            limit = max(1, self._concurrency())
            self._claiming = True
            try:
                # one trip to the DB thread for the look and the claims: a freed slot is refilled sooner
                claimed, next_look = await self._db(
                    self.store.claim_fitting, self.token, self._batch, limit, dict(self._running),
                    dict(self._backoff_until), set(self._tasks), self._poll,
                )  # fmt: skip
            finally:
                self._claiming = False
            loop = asyncio.get_running_loop()
            for job, key in claimed:
                self._running[key] = self._running.get(key, 0) + 1
                self._tasks[job.id] = self._spawn(self._run(job, key), f"job-{job.id}")
                # reported after the job's first step: its request starts before the views redraw
                loop.call_soon(self._on_jobs, [job])
            return max(0.01, next_look - self.store.db.clock.now())

    async def _watch_others(self) -> None:
        """Another process (the CLI, a second window) committed: report what it changed."""
        version = await self._db(self.store.data_version)
        if version == self._data_version:
            return
        self._data_version = version
        since, self._seen_until = self._seen_until - 5.0, self.store.db.clock.now()
        changed = await self._db(self.store.changed_since, since)
        if self._batch is not None:
            changed = [j for j in changed if j.batch == self._batch]
        if changed:
            self._on_jobs(changed)
        if self._on_ids is not None:
            self._on_ids(await self._db(self.store.ids))
        for job_id in await self._db(self.store.cancel_requested_ids, self.token):
            task = self._tasks.get(job_id)
            if task is not None:
                task.cancel()

    async def _report(self, ids: list[int]) -> None:
        jobs = await self._db(self.store.get_many, ids)
        if jobs:
            self._on_jobs(jobs)

    # -- one attempt of one job ----------------------------------------------------------------------
    async def _run(self, job: Job, key: ProfileKey) -> None:
        attempt = job.attempts
        provider: ImageProvider | None = None
        slot_held = True
        try:
            try:
                provider = await self._host.make_provider(job.profile, job.base_url)
                result = await self._call(provider, job)
                if not result.images:  # an answer paid for (in the ledger) without one usable image
                    raise result.error if isinstance(result.error, ImageStudioError) else ServerError(_FEWER)
            except asyncio.CancelledError as e:
                kept = getattr(e, "partial_result", None)  # images paid for before the cancel: stored all the same
                if isinstance(kept, GenerationResult) and kept.images and job.remaining:
                    kept, _done, hook = self._progress(job, attempt, kept)
                    with contextlib.suppress(Exception):
                        await asyncio.shield(asyncio.ensure_future(self._keep(job, kept, hook)))
                state = self._stopping_as if self._closed and self._stopping_as else JobState.CANCELLED
                error = None if state is JobState.CANCELLED else "Stopped while running (it may have been charged)."
                await self._end(job, attempt, state, error, "cancelled")
                raise
            except ImageStudioError as e:
                await self._failed(job, attempt, key, e)
                return
            # the limit is on requests in flight: the next job's request overlaps this job's saving
            slot_held = False
            self._running[key] = max(0, self._running.get(key, 1) - 1)
            self._refill()
            await self._save(job, attempt, result)
        except asyncio.CancelledError:
            raise
        except Exception as e:  # never let a job die silently
            log.exception("job %d crashed", job.id)
            message = f"Unexpected error ({type(e).__name__}); see the log."
            await self._end(job, attempt, JobState.FAILED, message, "bug")
        finally:
            self._tasks.pop(job.id, None)
            if slot_held:
                self._running[key] = max(0, self._running.get(key, 1) - 1)
            if provider is not None:
                with contextlib.suppress(Exception):
                    await self._host.release_provider(provider)
            self.wake()

    async def _call(self, provider: ImageProvider, job: Job) -> GenerationResult:
        request = dataclasses.replace(job.request, n=job.remaining)  # only what is still missing
        method: Any = getattr(provider, job.kind, None) if job.kind in ("edit", "refine") else provider.generate
        if method is None:
            raise ImageStudioError(f"The {provider.name} provider cannot {job.kind} images.")
        kwargs: dict[str, Any] = {}
        if self._on_partial is not None and accepts(method, "on_partial"):
            on_partial = self._on_partial
            kwargs["on_partial"] = lambda index, data: on_partial(job.id, index, data)
        result: GenerationResult = await method(request, **kwargs)
        return result

    def _progress(
        self, job: Job, attempt: int, result: GenerationResult
    ) -> tuple[GenerationResult, bool, InTransaction]:
        """The images to keep (extra ones do not overfill a job; a refine answer's all stay), done?, the hook."""
        result = dataclasses.replace(result, images=result.images[: None if job.kind == "refine" else job.remaining])
        done = len(result.images) >= job.remaining
        cost = result_cost(self._caps, job.request, result)  # as the metering wrapper priced it, if it did
        hook = self.store.progress_hook(
            job.id, attempt, cost=cost.usd, estimated=cost.estimated, request_id=result.request_id, done=done
        )
        return result, done, hook

    async def _save(self, job: Job, attempt: int, result: GenerationResult) -> None:
        result, done, hook = self._progress(job, attempt, result)
        # Paid images are never dropped half-way: saving — from marking the job "saving" on — runs to its end even
        # when the job is cancelled, however early the cancel lands.
        saving = asyncio.ensure_future(self._keep(job, result, hook))
        try:
            await asyncio.shield(saving)
        except asyncio.CancelledError:
            with contextlib.suppress(ImageDecodeError, OSError):  # reported by the next run of the job
                await saving
            if not done:
                await self._end(job, attempt, JobState.CANCELLED, None, "cancelled", closed=True)
            else:
                await self._report([job.id])
            raise
        except ImageDecodeError as e:
            # the server's bytes are not a usable image: a bad answer, retried like one (nothing was stored)
            bad = BadResponse(f"The server sent an image that cannot be used: {e.message}")
            await self._failed(job, attempt, (job.profile, job.base_url), bad, closed=True)
            return
        except OSError as e:
            # Disk full, read-only or no permission: the images were paid for but cannot be kept. Retrying on
            # its own would pay again into the same full disk, so the job waits for the person (Resume).
            reason = e.strerror or type(e).__name__
            message = f"Could not save the images: {reason}. Free space or fix the folder, then resume the job."
            log.warning("job %d: saving failed: %s", job.id, reason)
            await self._end(job, attempt, JobState.INTERRUPTED, message, "save_failed", closed=True)
            return
        if not done:  # fewer images than asked (or a request broke after some arrived): ask again for the rest
            fewer = result.error if isinstance(result.error, ImageStudioError) else ServerError(_FEWER)
            await self._failed(job, attempt, (job.profile, job.base_url), fewer, closed=True)
            return
        await self._report([job.id])

    async def _keep(self, job: Job, result: GenerationResult, hook: InTransaction) -> None:
        if shown := await self._db(self._set_saving, job.id):  # one trip: the write and the row to show
            self._on_jobs(shown)
        await self._host.ingest(job.request, result, hook)

    def _set_saving(self, job_id: int) -> list[Job]:
        self.store.set_saving(job_id)
        return self.store.get_many([job_id])

    async def _failed(
        self, job: Job, attempt: int, key: ProfileKey, error: ImageStudioError, *, closed: bool = False
    ) -> None:
        log.info("job %d attempt %d failed: %s", job.id, attempt, type(error).__name__)
        this_run = [a for a in job.attempt_log if a.number > job.retry_base and a.number != attempt]
        rate_limited = sum(1 for a in this_run if a.outcome == "rate_limited")
        charged = sum(1 for a in this_run if (a.outcome or "").endswith("possibly_charged"))
        decision = self.policy.decide(
            error, attempt=len(this_run) + 1 - rate_limited, rate_limited_before=rate_limited, charged_before=charged
        )
        outcome = "rate_limited" if decision.profile_wide else type(error).__name__
        if error.possibly_charged:
            outcome = "possibly_charged"
        if decision.wait_for_user:
            message = waiting_message(error)
            await self._end(job, attempt, JobState.INTERRUPTED, message, outcome, error.request_id, closed=closed)
            return
        if decision.retry:
            until = self.store.db.clock.now() + decision.delay
            if decision.profile_wide:
                self._backoff_until[key] = max(self._backoff_until.get(key, 0.0), until)
            message = f"{error.message} Retrying in {decision.delay:.0f} s (attempt {attempt})."
            await self._end(job, attempt, JobState.QUEUED, message, outcome, error.request_id, until, closed=closed)
        else:
            await self._end(job, attempt, JobState.FAILED, error.message, outcome, error.request_id, closed=closed)

    async def _end(
        self,
        job: Job,
        attempt: int,
        state: JobState,
        error: str | None,
        outcome: str,
        request_id: str | None = None,
        not_before: float = 0.0,
        *,
        closed: bool = False,
    ) -> None:
        # a cancel must still be written: shield the DB write, then let the cancel go on
        write = self._db(
            self.store.end_attempt,
            job.id,
            attempt,
            state=state,
            error=error,
            outcome=outcome if not closed else ("short_possibly_charged" if outcome == "possibly_charged" else "short"),
            request_id=request_id,
            not_before=not_before,
        )
        await asyncio.shield(asyncio.ensure_future(write))
        await self._report([job.id])
