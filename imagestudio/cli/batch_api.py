"""The CLI's side of OpenAI's Batch API (core/batch/runner.py): ``generate … --batch``, ``batch FILE
--via-batch-api`` (queue the jobs in batch mode and send them), ``queue batches`` (poll, collect what is ready;
``--wait`` until every batch ended). Results arrive within 24 h; any later ``queue batches`` (or the app) collects
them, so nothing waits in a terminal for a day."""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from imagestudio.cli.messages import localized
from imagestudio.cli.session import EXIT_FAILED, EXIT_OK, Session
from imagestudio.core.batch.runner import NO_BATCH_API
from imagestudio.core.batch.store import ApiBatch
from imagestudio.core.money.pricing import batch_saving
from imagestudio.core.queue.jobs import AnyRequest, profile_of
from imagestudio.core.settings import Settings
from imagestudio.core.types import JobState

_STATUS = {
    "validating": "validating",
    "in_progress": "in progress",
    "finalizing": "finalizing",
    "completed": "completed",
    "failed": "failed",
    "expired": "expired",
    "cancelling": "cancelling",
    "cancelled": "cancelled",
}


def time_left(seconds: float | None) -> str:
    if seconds is None:
        return ""
    minutes = max(0, int(seconds // 60))
    return f"{minutes // 60} h {minutes % 60:02d} min left" if minutes >= 60 else f"{minutes} min left"


def describe(b: ApiBatch, now: float) -> str:
    """One line per batch: ``#3 batch_… in progress 2/5 · 23 h 10 min left``."""
    if b.step in ("prepared", "uploading", "uploaded", "submitting"):
        state = "being sent" if not b.error else f"waiting to be sent again ({b.error})"
    elif b.step == "abandoned":
        state = "not sent (every job was cancelled)"
    else:
        state = _STATUS.get(b.status or "", b.status or "?")
        if b.status == "in_progress" and b.total:
            state += f" {b.completed + b.failed}/{b.total}"
    left = time_left(b.expires_at - now) if b.expires_at and b.step == "submitted" else ""
    return " · ".join(x for x in (f"#{b.id} {b.batch_id or '(not sent yet)'} {state}", left) if x)


def submit(session: Session, s: Settings, requests: list[AnyRequest], batch: str, *, as_json: bool) -> int:
    """Queue ``requests`` in batch mode (a file run again resumes: its jobs are not queued twice) and send them."""
    caps = session.batches._caps
    now_usd = sum(batch_saving(caps, r)[0].usd for r in requests)
    batch_usd = sum(batch_saving(caps, r)[1].usd for r in requests)
    estimated = any(batch_saving(caps, r)[1].estimated for r in requests)

    async def go() -> list[int]:
        await session.runner.start()
        existing = await asyncio.to_thread(session.store.all, batch=batch)
        if existing:
            ids = [j.id for j in existing]
        else:
            profile, base_url = profile_of(s)
            added = await asyncio.to_thread(
                lambda: session.store.add(requests, profile=profile, base_url=base_url, batch=batch)
            )
            ids = [j.id for j in added]
        try:
            await session.batches.tick()
        finally:
            await session.batches.close()
        jobs = await asyncio.to_thread(session.store.get_many, ids)
        if any(j.mode == "now" and j.state is JobState.QUEUED for j in jobs):
            await session.run_until_idle()  # a provider without a Batch API (the demo): sent now, waited for
        else:
            await session.runner.stop()
        return ids

    ids = asyncio.run(go())
    jobs = session.store.get_many(ids)
    about = "≈ " if estimated else ""
    saving = f"{about}${batch_usd:.2f} instead of ${now_usd:.2f} (saves {about}${now_usd - batch_usd:.2f})"
    if as_json:
        body: dict[str, Any] = {"jobs": [j.to_json() for j in jobs], "estimate_usd": batch_usd,
                                "estimate_now_usd": now_usd, "estimated": estimated}  # fmt: skip
        print(json.dumps(body, ensure_ascii=False))
    else:
        for job in jobs:
            where = f"in Batch API batch #{job.api_batch}" if job.api_batch else job.state.value
            print(f"#{job.id} {where}: {job.request.prompt[:50]}{'  ' + job.error if job.error else ''}")
        if any(j.mode == "now" for j in jobs):
            print(f"imagestudio: {localized(NO_BATCH_API)}", file=sys.stderr)
        if any(j.mode == "batch" for j in jobs):
            print(f"Estimated cost through the Batch API: {saving}.", file=sys.stderr)
            print(
                "Results arrive within 24 hours; `imagestudio queue batches` collects them (the app does too).",
                file=sys.stderr,
            )
    failed = [j for j in jobs if j.state is JobState.FAILED]
    return EXIT_FAILED if failed else EXIT_OK


def run_batches(session: Session, *, wait: bool, every: float, as_json: bool) -> int:
    """Poll every batch now, collect what ended; with ``wait``, again every ``every`` s until all ended."""
    clock = session.library.db.clock

    async def go() -> None:
        await session.runner.start()
        try:
            while True:
                await session.batches.tick(poll_now=True)
                if not wait or not await asyncio.to_thread(session.batches.store.active):
                    return
                await asyncio.sleep(every)  # a real pause between polls (monotonic), not a clock reading
        finally:
            await session.batches.close()
            await session.runner.stop()

    asyncio.run(go())
    batches = session.batches.store.all()
    now = clock.now()
    if as_json:
        print(json.dumps([b.to_json() | {"seconds_left": (b.expires_at - now) if b.expires_at else None}
                          for b in batches]))  # fmt: skip
    elif not batches:
        print("No Batch API batches.")
    for b in [] if as_json else batches:
        print(describe(b, now))
    missing = session.batches.store.missing_ids()
    if missing and not as_json:
        ids = ", ".join(f"#{i}" for i in sorted(missing))
        print(
            f"imagestudio: {len(missing)} job(s) ({ids}) did not run before their batch ended (not charged); "
            "`imagestudio queue resume --resubmit-missing` sends them again in a new batch.",
            file=sys.stderr,
        )
    return EXIT_OK
