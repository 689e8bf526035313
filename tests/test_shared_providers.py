"""The queue's jobs share one prepared provider (one AsyncOpenAI client) per configuration (core/providers/shared)."""

from __future__ import annotations

import asyncio
from typing import Any

import openai
import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.demo import DemoProvider
from imagestudio.core.providers.factory import MeteredProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.providers.shared import SharedProviders
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest, JobState
from tests.aio import run
from tests.simulator import OpenAISimulator


@pytest.fixture
def clients(monkeypatch: pytest.MonkeyPatch) -> list[Any]:
    """Every AsyncOpenAI client built, in order."""
    built: list[Any] = []

    class Counting(openai.AsyncOpenAI):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            built.append(self)

    monkeypatch.setattr(openai, "AsyncOpenAI", Counting)
    return built


def test_jobs_through_one_profile_build_one_client(
    paths: AppPaths, simulator: OpenAISimulator, clients: list[Any]
) -> None:
    library = Library(paths)
    ledger, caps = Ledger(paths.data), Capabilities.load()
    built: list[ImageProvider] = []

    def factory(profile: str, base_url: str) -> ImageProvider:  # as the app's: a new provider every job
        provider = MeteredProvider(
            OpenAIProvider(api_key=simulator.api_key, base_url=base_url, name=profile), ledger, caps
        )
        built.append(provider)
        return provider

    host = LocalHost(library, factory)
    store = JobStore(library.db)
    request = GenerationRequest("a lighthouse", "gpt-image-2", "1024x1024", "low")
    store.add([request] * 4, profile="custom", base_url=simulator.base_url)

    async def go() -> tuple[bool, bool]:
        runner = QueueRunner(
            store, host, caps, spawn=lambda coro, name: asyncio.ensure_future(coro),
            concurrency=lambda: 2, poll_interval=0.02,
        )  # fmt: skip
        await runner.start()
        loop = asyncio.ensure_future(runner.run())
        await asyncio.wait_for(runner.wait_idle(), 30)
        await runner.stop()
        loop.cancel()
        open_after_jobs = not clients[0].is_closed()
        await host.close_providers()
        return open_after_jobs, clients[0].is_closed()

    try:
        open_after_jobs, closed_at_shutdown = run(go())
        assert [j.state for j in store.all()] == [JobState.DONE] * 4
    finally:
        host.close()
        library.close()
    assert len(built) == 4  # settings and key were read for every job…
    assert len(clients) == 1  # …but one client served them all
    assert open_after_jobs  # the runner did not close the shared client after each job
    assert closed_at_shutdown


def _provider(key: str = "sk-test-aaaa", *, base_url: str = "http://127.0.0.1:9/v1", timeout: float = 300.0) -> Any:
    return OpenAIProvider(api_key=key, base_url=base_url, name="custom", timeout=timeout)


def test_a_changed_key_or_setting_gets_a_new_client_and_the_old_one_closes_when_unused(clients: list[Any]) -> None:
    shared = SharedProviders()

    async def go() -> None:
        loop = asyncio.get_running_loop()
        first = shared.share(_provider(), loop)
        again = shared.share(_provider(), loop)
        assert again is first and len(clients) == 1
        new_key = shared.share(_provider("sk-test-bbbb"), loop)
        assert new_key is not first and len(clients) == 2
        assert not clients[0].is_closed()  # two jobs still hold the old one
        await shared.release(first)
        assert not clients[0].is_closed()
        await shared.release(again)
        assert clients[0].is_closed()  # retired and unused
        longer = shared.share(_provider("sk-test-bbbb", timeout=60.0), loop)
        assert longer is not new_key and len(clients) == 3
        moved = shared.share(_provider("sk-test-bbbb", base_url="http://127.0.0.1:8/v1"), loop)
        assert moved is not longer and len(clients) == 4
        await shared.release(new_key)
        await shared.release(longer)
        assert clients[1].is_closed() and clients[2].is_closed()
        assert len(shared) == 1
        await shared.aclose()
        assert clients[3].is_closed() and len(shared) == 0

    run(go())


def test_each_event_loop_gets_its_own_client(clients: list[Any]) -> None:
    """A connection pool belongs to one loop (the tests, and the CLI, run several)."""
    shared = SharedProviders()

    async def use() -> ImageProvider:
        return shared.share(_provider(), asyncio.get_running_loop())

    assert run(use()) is not run(use())
    assert len(clients) == 2


def test_the_metering_wrapper_stays_per_job_and_the_key_stays_hidden(paths: AppPaths, clients: list[Any]) -> None:
    shared = SharedProviders()
    caps, ledger = Capabilities.load(), Ledger(paths.data)

    async def go() -> None:
        loop = asyncio.get_running_loop()
        a = shared.share(MeteredProvider(_provider(), ledger, caps), loop)
        b = shared.share(MeteredProvider(_provider(), ledger, caps, budget_usd=5.0), loop)
        assert isinstance(a, MeteredProvider) and isinstance(b, MeteredProvider)
        assert a is not b and a.inner is b.inner and len(clients) == 1
        assert shared.is_shared(a)
        assert "sk-test-aaaa" not in repr(a.inner) and "sk-test-aaaa" not in repr(a.inner.config_key())  # type: ignore[attr-defined]
        assert clients[0].max_retries == 0
        await shared.release(a)
        assert not clients[0].is_closed()
        await shared.aclose()
        assert clients[0].is_closed()

    run(go())


def test_providers_without_a_client_are_not_kept_and_are_closed_after_the_job() -> None:
    shared = SharedProviders()
    closed: list[str] = []

    class Demo(DemoProvider):
        async def aclose(self) -> None:
            closed.append("demo")

    async def go() -> None:
        loop = asyncio.get_running_loop()
        first = shared.share(Demo(latency=0), loop)
        assert shared.share(Demo(latency=0), loop) is not first
        assert not shared.is_shared(first)
        await shared.release(first)

    run(go())
    assert closed == ["demo"] and len(shared) == 0
