"""Disk full (or a folder that cannot be written) while a paid job saves: the images are held — in memory and in a
recovery folder the job's message names — and resuming the job adds them without a new request. Real SDK, real
HTTP to the simulator, the queue runner as the CLI runs it; the disk refuses through ``Library.store_file``."""

from __future__ import annotations

import asyncio
import errno
from pathlib import Path
from typing import Any

import pytest

from imagestudio.core import held
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import MeteredProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest, JobState
from tests import aio
from tests.simulator import OpenAISimulator

REQUEST = GenerationRequest("a fox on a full disk", "gpt-image-2", "1024x1024", "low", n=2)


async def _run_until_idle(runner: QueueRunner) -> None:
    """The queue runs until it has nothing left to do, then stops."""
    loop = asyncio.ensure_future(runner.run())
    try:
        await asyncio.wait_for(runner.wait_idle(), 60)
    finally:
        await runner.stop()
        loop.cancel()


def _run(library: Library, store: JobStore, sim: OpenAISimulator, ledger: Ledger, job_id: int | None) -> Any:
    caps = Capabilities.load()

    def factory(_profile: str, _base_url: str) -> MeteredProvider:
        inner = OpenAIProvider(api_key=sim.api_key, base_url=sim.base_url, timeout=30)
        return MeteredProvider(inner, ledger, caps)

    host = LocalHost(library, factory)

    async def go() -> Any:
        runner = QueueRunner(store, host, caps, spawn=lambda coro, name: asyncio.ensure_future(coro),
                             poll_interval=0.02)  # fmt: skip
        await runner.start()
        if job_id is None:
            [job] = await asyncio.to_thread(store.add, [REQUEST], profile="openai", base_url=sim.base_url)
        else:
            job = store.get(job_id)
        await _run_until_idle(runner)
        return store.get(job.id)

    try:
        return aio.run(go())
    finally:
        host.close()


def test_a_full_disk_holds_the_paid_images_and_resume_adds_them_without_paying_again(
    paths: AppPaths, simulator: OpenAISimulator, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(held.tempfile, "gettempdir", lambda: str(tmp_path / "tmp"))
    library = Library(paths)
    store = JobStore(library.db)
    ledger = Ledger(paths.data)
    real = Library.store_file

    def full(self: Library, image: Any, **kw: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    try:
        monkeypatch.setattr(Library, "store_file", full)
        first = _run(library, store, simulator, ledger, None)
        assert first.state is JobState.INTERRUPTED
        assert "No space left on device" in first.error and "2 paid image(s) are kept in" in first.error
        folder = Path(first.error.split("kept in ", 1)[1].split(";", 1)[0])
        assert sorted(p.name for p in folder.iterdir()) == ["0.png", "1.png", "held.json"]
        assert library.db.count() == 0
        sent = len(simulator.requests)
        monkeypatch.setattr(Library, "store_file", real)  # space is back
        store.retry(first.id)
        second = _run(library, store, simulator, ledger, first.id)  # a new host: the folder, not memory
        assert second.state is JobState.DONE and second.received == 2
        assert len(simulator.requests) == sent  # nothing asked for, nothing paid twice
        assert library.db.count() == 2
        assert not folder.exists()
        assert len([e for e in ledger.entries() if not e.possibly_charged]) == 1
    finally:
        library.close()


class _OneBadOfTwo:
    """Answers n=2 with one good and one unusable image, then whatever is asked with good ones."""

    name = "custom"

    def __init__(self) -> None:
        self.asked: list[int] = []

    async def generate(self, request: GenerationRequest) -> Any:
        from imagestudio.core.types import GeneratedImage, GenerationResult
        from tests.make_hostile import _png

        self.asked.append(request.n)
        good = [GeneratedImage(_png((20 + len(self.asked), 20 + i), (9, 9, 9)), "png") for i in range(request.n)]
        if len(self.asked) == 1:
            good[1] = GeneratedImage(b"<svg xmlns='http://www.w3.org/2000/svg'><!DOCTYPE x></svg>", "svg")
        return GenerationResult(tuple(good), "custom", request.model)

    async def aclose(self) -> None:
        pass


def test_one_unusable_image_of_a_multi_image_answer_costs_only_itself(paths: AppPaths) -> None:
    library = Library(paths)
    store = JobStore(library.db)
    fake = _OneBadOfTwo()
    host = LocalHost(library, lambda _profile, _base: fake)  # type: ignore[arg-type,return-value]
    caps = Capabilities.load()

    async def go() -> Any:
        runner = QueueRunner(store, host, caps, spawn=lambda coro, name: asyncio.ensure_future(coro),
                             poll_interval=0.02)  # fmt: skip
        await runner.start()
        [job] = await asyncio.to_thread(store.add, [REQUEST], profile="openai", base_url="")
        await _run_until_idle(runner)
        return store.get(job.id)

    try:
        job = aio.run(go())
        assert job.state is JobState.DONE and job.received == 2
        assert fake.asked == [2, 1]  # the good image kept; only the unusable one asked for again
        assert "cannot be used" in (job.attempt_log[0].error or "")
        assert library.db.count() == 2
    finally:
        host.close()
        library.close()
