"""BatchRunner: the queue's jobs marked "Batch" go through OpenAI's Batch API (half price, results within 24 h).

No Qt; the GUI controller and the CLI (``queue batches``/``resume``, ``generate --batch``) run it beside their
``QueueRunner``, under its token. One pass (``tick``): **gather** waiting batch-mode jobs of one profile and endpoint
into a JSONL file (core/batch/lines.py), claimed and recorded in ONE transaction; **upload** and **submit**, the
step written before and after each call (a restart in ``uploading`` finds the file by name, in ``submitting`` the
batch by its input file: a paid line is never sent twice); **poll** with back-off on the injected clock (a batch
whose jobs were all cancelled is cancelled at the API); **collect**: the output read line by line, each line's
images stored with the job's progress and the line's "done" in one transaction, its cost at the batch price in the
ledger once (``batch_line``); error lines fail their jobs; lines that never ran leave them ``interrupted``.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import functools
import logging
import os
import uuid
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from imagestudio.core import errors
from imagestudio.core.batch.lines import (
    ENDPOINTS,
    ResultLine,
    custom_id,
    file_name,
    parse_result_line,
    result_from_body,
    write_input_file,
)
from imagestudio.core.batch.store import ApiBatch, ApiBatchStore, Line
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.crashpoints import crash_point
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP
from imagestudio.core.money.ledger import Ledger, LedgerEntry
from imagestudio.core.money.pricing import cost_of_usage, estimate_request
from imagestudio.core.providers.openai_batch import BatchApi, BatchStatus
from imagestudio.core.queue.jobs import Job
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.types import JobState

log = logging.getLogger(__name__)
T = TypeVar("T")
NO_BATCH_API = QT_TRANSLATE_NOOP(
    "CoreMessages", "This provider has no Batch API: the job is sent now, at the normal price."
)
RETRY_S = 60.0


class BatchRunner:
    def __init__(
        self,
        runner: QueueRunner,
        capabilities: Capabilities,
        *,
        api_factory: Callable[[str, str], BatchApi | None],
        folder: Path,
        ledger: Ledger | None = None,
        budget: Callable[[], float] = lambda: 0.0,
        poll_first: float = 15.0,
        poll_max: float = 600.0,
        on_jobs: Callable[[list[Job]], None] | None = None,
    ) -> None:
        self.runner = runner
        self.store = ApiBatchStore(runner.store)
        self._caps = capabilities
        self._api_factory = api_factory
        self._apis: dict[tuple[str, str], BatchApi | None] = {}
        self.folder = folder
        self._ledger = ledger
        self._budget = budget
        self._poll_first, self._poll_max = poll_first, poll_max
        self._on_jobs = on_jobs
        self._wake = asyncio.Event()
        self._closed = False
        self._lock = asyncio.Lock()
        self._swept = False

    # -- life --------------------------------------------------------------------------------------------
    async def run(self) -> None:
        while not self._closed:
            self._wake.clear()
            try:
                delay = await self.tick()
            except Exception:  # a locked disk or a bug must not stop batches for good
                log.exception("batch pass failed; trying again")
                delay = RETRY_S
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), delay)

    def wake(self) -> None:
        self._wake.set()

    async def close(self) -> None:
        self._closed = True
        self.wake()
        try:  # a long upload or download is not waited for: each step is recorded, the next start goes on
            await asyncio.wait_for(self._lock.acquire(), 5.0)
        except TimeoutError:
            return
        try:
            await self._db(self.store.release, self.runner.token)
            for api in [a for a in self._apis.values() if a is not None]:
                with contextlib.suppress(Exception):
                    await asyncio.to_thread(api.close)
            self._apis.clear()
        finally:
            self._lock.release()

    async def tick(self, *, poll_now: bool = False) -> float:
        """Send what waits, take every batch as far as it can go now; seconds until a batch is due again."""
        async with self._lock:
            if not self._swept:  # input files a killed process wrote but never recorded
                self._swept = await self._db(self.store.sweep_inputs, self.folder)
            await self._gather()
            due = self._poll_max
            for batch in await self._db(self.store.active):
                if self._closed:
                    break
                if await self._db(self.store.take, batch.id, self.runner.token):
                    due = min(due, await self._advance(batch, poll_now))
            return max(0.05, due)

    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self.runner._host.db(functools.partial(fn, *args, **kwargs))

    async def _report(self, ids: list[int]) -> None:
        if ids and self._on_jobs is not None:
            self._on_jobs(await self._db(self.runner.store.get_many, ids))

    async def _api(self, profile: str, base_url: str) -> BatchApi | None:
        key = (profile, base_url)
        if key not in self._apis:
            self._apis[key] = await asyncio.to_thread(self._api_factory, profile, base_url)
        return self._apis[key]

    def _now(self) -> float:
        return self.store.db.clock.now()

    # -- 1. gather -----------------------------------------------------------------------------------------
    async def _gather(self) -> None:
        waiting = await self._db(self.store.waiting, self.runner.token)
        groups: dict[tuple[str, str, str], list[Job]] = defaultdict(list)
        for job in waiting:
            groups[(job.profile, job.base_url, job.kind)].append(job)
        for (profile, base_url, kind), jobs in groups.items():
            try:
                api = await self._api(profile, base_url)
            except errors.ImageStudioError as e:  # no key, a bad profile: the jobs say so and wait
                await self._refuse(jobs, e.message)
                continue
            if api is None:
                await self._db(self.store.to_now, [j.id for j in jobs], NO_BATCH_API)
                await self._report([j.id for j in jobs])
                self.runner.wake()
                continue
            if not await self._within_budget(jobs):
                continue
            await self._open(profile, base_url, kind, jobs)

    async def _within_budget(self, jobs: list[Job]) -> bool:
        if self._ledger is None or all(j.request.allow_over_budget for j in jobs):
            return True
        upcoming = sum(estimate_request(self._caps, j.request).usd for j in jobs)
        try:
            await asyncio.to_thread(self._ledger.check_budget, self._budget(), upcoming_usd=upcoming)
        except errors.ImageStudioError as e:
            await self._refuse(jobs, e.message)
            return False
        return True

    async def _refuse(self, jobs: list[Job], message: str) -> None:
        for job in jobs:
            await self._db(self.store.refuse, job.id, message)
        await self._report([j.id for j in jobs])

    async def _open(self, profile: str, base_url: str, kind: str, jobs: list[Job]) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        path = self.folder / f"input-{os.getpid()}-{uuid.uuid4().hex}.jsonl"
        by_id = {j.id: j for j in jobs}
        lines = [(j.id, custom_id(j.id, j.attempts + 1), dataclasses.replace(j.request, n=j.remaining)) for j in jobs]
        written = await asyncio.to_thread(write_input_file, path, lines)
        for job_id, why in written.refused:
            await self._db(self.store.refuse, job_id, why)
        await self._report([job_id for job_id, _ in written.refused])
        claimed = [(cid, by_id[job_id]) for cid, job_id in written.lines]
        batch = None
        if claimed:
            batch = await self._db(
                self.store.open_batch, self.runner.token, profile, base_url, ENDPOINTS[kind], claimed, str(path),
                written.sha256, written.size,
            )  # fmt: skip
        if batch is None:
            path.unlink(missing_ok=True)
            return
        crash_point("batch.after_prepare")
        await self._report([job.id for _, job in claimed])

    # -- 2. and 3. upload, submit, poll ----------------------------------------------------------------------
    async def _advance(self, b: ApiBatch, poll_now: bool) -> float:
        try:
            api = await self._api(b.profile, b.base_url)
        except errors.ImageStudioError as e:
            await self._db(self.store.update, b.id, error=e.message)
            return RETRY_S
        if api is None:
            return self._poll_max
        while True:
            found = await self._db(self.store.get, b.id)
            if found is None or self._closed:
                return self._poll_max
            b = found
            try:
                wait = await self._step(api, b, poll_now)
            except errors.ImageStudioError as e:
                log.info("batch %d: %s failed: %s", b.id, b.step, type(e).__name__)
                # refused outright (not a lost answer): an upload or a submission that never took effect
                if not e.retryable and b.step in ("prepared", "uploaded") and not b.batch_id:
                    await self._rejected(b, e)  # the API refused the batch: its jobs fail, nothing was charged
                    return self._poll_max
                await self._db(self.store.update, b.id, error=e.message, next_poll=self._now() + RETRY_S)
                return RETRY_S
            if wait is not None:
                return wait

    async def _step(self, api: BatchApi, b: ApiBatch, poll_now: bool) -> float | None:
        """One step of one batch; a number: wait that long before the next."""
        if b.step in ("prepared", "uploaded") and await self._db(self.store.live_jobs, b.id) == 0:
            await self._db(self.store.abandon, b.id)
            self._remove_files(b)
            return self._poll_max
        path, name = Path(b.file_path or ""), file_name(b.file_sha256 or "")
        if b.step in ("prepared", "uploading"):
            file_id = None
            if b.step == "uploading":  # a crash during the upload: the file may be there already
                file_id = await asyncio.to_thread(api.find_file, name, b.file_bytes)
            else:
                await self._db(self.store.update, b.id, step="uploading")
            if file_id is None:
                file_id = await asyncio.to_thread(api.upload, path, name)
            crash_point("batch.after_upload")
            await self._db(self.store.update, b.id, step="uploaded", input_file_id=file_id, error=None)
            return None
        if b.step in ("uploaded", "submitting"):
            assert b.input_file_id is not None
            status = None
            if b.step == "submitting":  # a crash during the submission: the batch may exist already
                status = await asyncio.to_thread(api.find_batch, b.input_file_id)
            else:
                await self._db(self.store.update, b.id, step="submitting")
            if status is None:
                metadata = {"imagestudio": f"{b.id}-{(b.file_sha256 or '')[:16]}"}
                status = await asyncio.to_thread(api.create, b.input_file_id, b.endpoint, metadata)
            crash_point("batch.after_submit")
            await self._record(b, status, submitted=True)
            return None
        if b.step == "submitted":
            assert b.batch_id is not None
            now = self._now()
            # every job of it was cancelled: the batch is cancelled at once, not at the next poll
            everyone_left = await self._db(self.store.live_jobs, b.id) == 0
            cancel = everyone_left and b.status not in ("cancelling", "cancelled")
            if not poll_now and not cancel and b.next_poll > now:
                return b.next_poll - now
            if cancel:
                status = await asyncio.to_thread(api.cancel, b.batch_id)
            else:
                status = await asyncio.to_thread(api.retrieve, b.batch_id)
            await self._record(b, status)
            return None if status.ended else self._delay(b.polls + 1)
        if b.step == "collecting":
            await self._collect(api, b)
            return self._poll_max
        return self._poll_max

    def _delay(self, polls: int) -> float:
        return float(min(self._poll_max, self._poll_first * 2.0 ** min(polls, 12)))

    async def _record(self, b: ApiBatch, s: BatchStatus, *, submitted: bool = False) -> None:
        now = self._now()
        values: dict[str, Any] = {
            "batch_id": s.id, "status": s.status, "completed": s.completed, "failed": s.failed, "total": s.total,
            "expires_at": s.expires_at, "output_file_id": s.output_file_id, "error_file_id": s.error_file_id,
            "error": s.errors, "step": "collecting" if s.ended else "submitted",
            "polls": 0 if submitted else b.polls + 1,
        }  # fmt: skip
        values["next_poll"] = now + self._delay(values["polls"])
        if submitted:
            values["submitted_at"] = now
        await self._db(self.store.update, b.id, **values)
        await self._db(self.store.touched_jobs, b.id)
        await self._report(await self._db(self.store.job_ids, b.id))

    async def _rejected(self, b: ApiBatch, e: errors.ImageStudioError) -> None:
        lines = await self._db(self.store.lines, b.id)
        for line in lines.values():
            await self._db(self.store.fail_line, line, e.message, type(e).__name__)
        await self._db(self.store.end, b.id, "failed")
        self._remove_files(b)
        await self._report([line.job_id for line in lines.values()])

    # -- 4. collect ----------------------------------------------------------------------------------------
    async def _collect(self, api: BatchApi, b: ApiBatch) -> None:
        lines = await self._db(self.store.lines, b.id)
        jobs = {j.id: j for j in await self._db(self.runner.store.get_many, [ln.job_id for ln in lines.values()])}
        charged = await asyncio.to_thread(self._charged_keys)
        for file_id, part in ((b.output_file_id, "output"), (b.error_file_id, "errors")):
            if not file_id:
                continue
            dest = self.folder / f"batch-{b.id}-{part}.jsonl"
            if not dest.exists():
                await asyncio.to_thread(api.download, file_id, dest)
                crash_point("batch.after_download")
            with dest.open("rb") as f:
                while raw := await asyncio.to_thread(f.readline):
                    result = parse_result_line(raw)
                    line = lines.get(result.custom_id) if result is not None else None
                    if result is None or line is None or line.state != "pending":
                        continue
                    await self._one(b, line, jobs.get(line.job_id), result, charged)
                    lines[line.custom_id] = dataclasses.replace(line, state="seen")
        if b.status == "failed" and b.error:  # the batch as a whole was refused (validation): nothing ran
            for line in lines.values():
                if line.state == "pending":
                    await self._db(self.store.fail_line, line, b.error, "batch_failed")
        changed = await self._db(self.store.end, b.id, b.status or "ended")
        self._remove_files(b)
        await self._report(sorted(set(changed) | {ln.job_id for ln in lines.values()}))

    def _charged_keys(self) -> set[str]:
        if self._ledger is None:
            return set()
        return {e.batch_line for e in self._ledger.entries() if e.batch_line}

    async def _one(self, b: ApiBatch, line: Line, job: Job | None, r: ResultLine, charged: set[str]) -> None:
        if r.never_ran:  # left pending: the end of the batch makes the job wait to be sent again
            return
        if not r.ok or r.body is None:
            error = r.error or errors.BadResponse("The batch's answer for this job is not usable.")
            await self._db(self.store.fail_line, line, error.message, type(error).__name__)
            return
        if job is None:  # cleared from the queue meanwhile: paid for, nowhere to go
            await self._db(self.store.set_line, line.custom_id, "dropped")
            return
        request = dataclasses.replace(job.request, via_batch_api=True)
        try:
            result = result_from_body(r.body, request, job.profile, r.request_id)
        except errors.ImageStudioError as e:
            await self._db(self.store.fail_line, line, e.message, type(e).__name__)
            return
        estimate = estimate_request(self._caps, dataclasses.replace(request, n=max(1, len(result.images))))
        cost = cost_of_usage(
            self._caps, request.model, result.usage, estimate=estimate, svg_model=request.svg_model, batch=True
        )
        key = f"{b.batch_id}/{line.custom_id}"
        if self._ledger is not None and key not in charged:  # once, whatever happens next
            entry = LedgerEntry(
                at=self._now(), kind=job.kind, provider=job.profile, model=request.model, cost_usd=cost.usd,
                input_tokens=result.usage.input_tokens, output_tokens=result.usage.output_tokens,
                request_id=r.request_id, estimated=cost.estimated, usage=result.usage.to_json(), batch_line=key,
            )  # fmt: skip
            await asyncio.to_thread(self._ledger.append, entry)
            charged.add(key)
        if job.state is not JobState.BATCHED or job.attempts != line.attempt:  # cancelled: dropped on arrival
            await self._db(self.store.set_line, line.custom_id, "dropped")
            return
        images = result.images[: line.n]
        if not images:
            await self._db(self.store.fail_line, line, "The batch's answer held no image.", "BadResponse")
            return
        done = job.received + len(images) >= job.n
        progress = self.runner.store.progress_hook(
            job.id, line.attempt, cost=cost.usd, estimated=cost.estimated, request_id=r.request_id, done=done
        )
        kept = dataclasses.replace(result, images=tuple(images), cost_usd=cost.usd, cost_estimated=cost.estimated)
        try:
            await self.runner._host.ingest(request, kept, self.store.line_done_hook(progress, line.custom_id))
        except errors.ImageDecodeError as e:
            await self._db(
                self.store.fail_line, line, f"The batch sent an image that cannot be used: {e.message}", "bad"
            )
            return
        crash_point("batch.after_line")
        if not done:
            await self._db(self.store.fewer_images, line, "The batch sent fewer images than asked for.")

    def _remove_files(self, b: ApiBatch) -> None:
        for path in (Path(b.file_path or ""), *(self.folder / f"batch-{b.id}-{p}.jsonl" for p in ("output", "errors"))):
            if path.name:
                with contextlib.suppress(OSError):
                    path.unlink(missing_ok=True)
