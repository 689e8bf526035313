"""What every CLI command that runs jobs shares: the library, the persistent queue and a queue runner.

``generate``/``edit`` (one job, waited for), ``generate --repeat``, ``batch`` and ``queue resume`` all go through
the same ``QueueRunner`` as the app: the job is written before anything is sent, retried by the queue's one
``RetryPolicy`` and resumable after a crash. No Qt.
"""

from __future__ import annotations

import asyncio
import functools
import json
import sys
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from imagestudio.cli.messages import localized
from imagestudio.core.batch.runner import BatchRunner
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import make_provider
from imagestudio.core.providers.openai_batch import batch_api_of
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.jobs import AnyRequest, Job, profile_of, settings_for_profile
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import JobState, LibraryImage

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 3


class LazySvgThumbnailer:
    """``Library(svg_thumbnailer=…)`` for the CLI: Qt is imported (an offscreen QGuiApplication, main thread only,
    ``app/svg_render.HeadlessSvgThumbnailer``) on the first SVG, never by a command that meets none."""

    def __init__(self) -> None:
        self._inner: Callable[[bytes], bytes | None] | None = None

    def __call__(self, data: bytes) -> bytes | None:
        if self._inner is None:
            from imagestudio.app.svg_render import HeadlessSvgThumbnailer

            self._inner = HeadlessSvgThumbnailer()
        return self._inner(data)


class Session:
    """Library + queue + runner for one CLI command."""

    def __init__(
        self,
        paths: AppPaths,
        keys: KeyStore,
        s: Settings,
        caps: Capabilities,
        batch: str | None,
        *,
        budget_override: bool = False,
        on_jobs: Callable[[list[Job]], None] | None = None,
        on_partial: Callable[[int, int, bytes], None] | None = None,
    ) -> None:
        self.library = Library(paths, svg_thumbnailer=LazySvgThumbnailer())
        self.store = JobStore(self.library.db)
        ledger = Ledger(paths.data)

        def factory(profile: str, base_url: str) -> ImageProvider:
            job_settings = settings_for_profile(s, profile, base_url)
            return make_provider(
                job_settings, keys, ledger=ledger, capabilities=caps, config_dir=paths.config,
                budget_override=budget_override,
            )  # fmt: skip

        self.host = LocalHost(self.library, factory)
        self.quiet = False
        self.runner = QueueRunner(
            self.store,
            self.host,
            caps,
            spawn=lambda coro, name: asyncio.ensure_future(coro),
            concurrency=lambda: s.queue_concurrency,
            on_jobs=on_jobs or self._progress,
            on_partial=on_partial,
            batch=batch,
            poll_interval=0.2,
        )
        self._said: set[tuple[int, str]] = set()
        # jobs marked "Batch" go through OpenAI's Batch API under this runner's token (core/batch/runner.py)
        self.batches = BatchRunner(
            self.runner, caps, api_factory=lambda p, b: batch_api_of(factory(p, b)), folder=paths.data / "batches",
            ledger=ledger, budget=lambda: s.monthly_budget_usd, on_jobs=on_jobs or self._progress,
        )  # fmt: skip

    def _progress(self, jobs: list[Job]) -> None:
        for job in jobs:
            if self.quiet or (job.id, job.state.value) in self._said:
                continue
            self._said.add((job.id, job.state.value))
            if job.state.finished or job.state is JobState.RUNNING:
                extra = f": {job.error}" if job.error else ""
                print(f"job {job.id} {job.state.value} ({job.received}/{job.n}){extra}", file=sys.stderr)

    async def run_until_idle(self) -> None:
        loop = asyncio.ensure_future(self.runner.run())
        try:
            await self.runner.wait_idle()
        finally:
            await self.runner.stop()
            loop.cancel()
            await self.host.close_providers()

    def close(self) -> None:
        self.host.close()
        self.library.close()


def report(session: Session, jobs: list[Job], bad: list[dict[str, Any]], as_json: bool, batch: str | None) -> int:
    final = session.store.get_many([j.id for j in jobs])
    if as_json:
        body: dict[str, Any] = {"batch": batch, "jobs": [], "errors": bad}
        for job in final:
            entry = job.to_json()
            entry["images"] = [im.to_json() for im in session.library.db.get_many(list(job.image_ids))]
            body["jobs"].append(entry)
        print(json.dumps(body, ensure_ascii=False))
    else:
        for job in final:
            print(f"#{job.id} {job.state.value} {job.received}/{job.n} {job.request.prompt[:50]}")
            for image in session.library.db.get_many(list(job.image_ids)):
                print(f"  {image.path}  #{image.id}")
    if bad:
        return EXIT_USAGE
    return EXIT_OK if all(j.state is JobState.DONE for j in final) else EXIT_FAILED


def with_concurrency(s: Settings, value: int | None) -> Settings | None:
    if value is None:
        return s
    return s.with_changes(queue_concurrency=value) if 1 <= value <= 16 else None


# -- one job, waited for (``generate`` and ``edit``) ---------------------------------------------------------
@dataclass
class OneJob:
    """How a CLI ``generate``/``edit`` job ended. ``job`` is None when Ctrl+C came before it was written."""

    job: Job | None
    images: list[LibraryImage] = field(default_factory=list)
    interrupted: bool = False  # Ctrl+C (SIGINT): the job was cancelled


def run_one(
    paths: AppPaths,
    keys: KeyStore,
    s: Settings,
    caps: Capabilities,
    request: AnyRequest,
    *,
    budget_override: bool = False,
    on_partial: Callable[[int, int, bytes], None] | None = None,
) -> OneJob:
    """Queue ``request`` as a job of its own (written before anything is sent), run it here through the queue's
    runner (its retry policy included) and wait for it to end. Ctrl+C cancels the job.

    The job is owned by this process and in a batch of its own, so neither this runner takes other jobs nor
    another process (the app) this one; after a crash it is ``interrupted`` and ``queue resume`` finishes it."""
    said: set[str] = set()

    def on_jobs(jobs: list[Job]) -> None:
        for job in jobs:  # a retry is announced once: what went wrong, and when the queue tries again
            if job.state is JobState.QUEUED and job.error and job.error not in said:
                said.add(job.error)
                print(f"imagestudio: {localized(job.error)}", file=sys.stderr)

    batch = uuid.uuid4().hex[:16]
    session = Session(
        paths, keys, s, caps, batch, budget_override=budget_override, on_jobs=on_jobs, on_partial=on_partial
    )
    try:
        job_id, interrupted = asyncio.run(_wait_for(session, request, batch, *profile_of(s)))
        # jobs of processes that died (a kill, a crash) or that wait for the person: say so, and how to go on
        found = session.library.db.read("SELECT id FROM queue_jobs WHERE state = 'interrupted'")
        waiting = [int(r[0]) for r in found if int(r[0]) != job_id]  # this job's own end is said by the caller
        if waiting:
            ids = ", ".join(f"#{i}" for i in waiting)
            print(
                f"imagestudio: {len(waiting)} interrupted job(s) wait ({ids}): `imagestudio queue resume` finishes "
                "them (they may already have been charged), `imagestudio queue cancel ID` drops one.",
                file=sys.stderr,
            )
        job = session.store.get(job_id) if job_id is not None else None
        images = session.library.db.get_many(list(job.image_ids)) if job is not None else []
        return OneJob(job, images, interrupted)
    finally:
        session.close()


async def _wait_for(
    session: Session, request: AnyRequest, batch: str, profile: str, base_url: str
) -> tuple[int | None, bool]:
    runner, store = session.runner, session.store
    job_id: int | None = None
    scheduling: asyncio.Future[None] | None = None
    try:
        await runner.start()  # registered first: no other process takes the job for an orphan
        add = functools.partial(
            store.add, [request], profile=profile, base_url=base_url, batch=batch, owner=runner.token
        )
        adding = asyncio.ensure_future(session.host.db(add))
        try:
            job_id = (await asyncio.shield(adding))[0].id
        except asyncio.CancelledError:  # Ctrl+C while it was being written: written all the same, then cancelled
            job_id = (await adding)[0].id
            raise
        scheduling = asyncio.ensure_future(runner.run())
        await runner.wait_idle()
        return job_id, False
    except asyncio.CancelledError:  # asyncio.run turns the first Ctrl+C into a cancel of this coroutine
        if job_id is not None:
            await runner.cancel(job_id)  # a waiting job ends at once; a running one's request is cancelled
        return job_id, True
    finally:
        await runner.stop()  # waits for the job's task to record how it ended
        if scheduling is not None:
            scheduling.cancel()
        await session.host.close_providers()


def send_via_batch_api(
    paths: AppPaths, keys: KeyStore, s: Settings, caps: Capabilities, requests: list[AnyRequest], batch: str,
    as_json: bool, budget_override: bool = False,
) -> int:  # fmt: skip
    """``generate --batch``, ``batch FILE --via-batch-api``: the jobs are queued in batch mode and sent now."""
    from imagestudio.cli.batch_api import submit

    session = Session(paths, keys, s, caps, batch, budget_override=budget_override)
    try:
        return submit(session, s, requests, batch, as_json=as_json)
    finally:
        session.close()
