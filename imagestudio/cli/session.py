"""What every CLI command that runs jobs shares: the library, the persistent queue and a queue runner.

``generate``/``edit`` (one job, waited for), ``generate --repeat``, ``batch`` and ``queue resume`` all go through
the same ``QueueRunner`` as the app: the job is written before anything is sent, retried by the queue's one
``RetryPolicy`` and resumable after a crash. No Qt.
"""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Callable
from typing import Any

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.jobs import Job, settings_for_profile
from imagestudio.core.ledger import Ledger
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import make_provider
from imagestudio.core.queue import JobStore
from imagestudio.core.runner import QueueRunner
from imagestudio.core.runner_host import LocalHost
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import Settings
from imagestudio.core.types import JobState

EXIT_OK, EXIT_USAGE, EXIT_FAILED = 0, 2, 3


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
        self.library = Library(paths)
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
