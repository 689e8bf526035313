"""The queue's provider requests run on the HTTP thread (core/providers/http_loop.py), not on the GUI thread's
event loop; partials and results come back to the caller's loop; a cancel reaches the request."""

from __future__ import annotations

import asyncio
import threading
from typing import Any

import pytest

from imagestudio.app.controller import GenerationController
from imagestudio.core.providers.http_loop import HttpLoop, OffLoopProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, JobState, Usage
from tests.aio import run
from tests.simulator import OpenAISimulator

REQUEST = GenerationRequest("a lighthouse", "gpt-image-2", "1024x1024", "low", partial_images=2)


class Streaming:
    """A provider that records the thread it runs on, streams two partials and can hang until cancelled."""

    name = "fake"

    def __init__(self, *, hang: bool = False) -> None:
        self.hang = hang
        self.threads: list[str] = []
        self.cancelled = threading.Event()
        self.cleaned_up = threading.Event()

    async def generate(self, request: GenerationRequest, *, on_partial: Any = None) -> GenerationResult:
        self.threads.append(threading.current_thread().name)
        try:
            for index in range(2):
                await asyncio.sleep(0)
                on_partial(index, bytes([index]))
            if self.hang:
                await asyncio.sleep(60)
            return GenerationResult((GeneratedImage(b"png", "png"),), self.name, request.model, Usage())
        except asyncio.CancelledError:
            self.cancelled.set()
            await asyncio.sleep(0.05)  # closing the stream takes a moment; the cancel waits for it
            self.cleaned_up.set()
            raise

    async def aclose(self) -> None:
        self.threads.append(threading.current_thread().name)


def test_requests_run_on_the_http_thread_and_partials_come_back_in_order_before_the_result() -> None:
    http = HttpLoop()
    inner = Streaming()
    provider = OffLoopProvider(inner, http)  # type: ignore[arg-type]
    seen: list[tuple[str, int]] = []

    async def go() -> tuple[GenerationResult, str]:
        result = await provider.generate(
            REQUEST, on_partial=lambda i, d: seen.append((threading.current_thread().name, i))
        )
        await provider.aclose()
        return result, threading.current_thread().name

    try:
        result, caller = run(go())
    finally:
        http.stop()
    assert inner.threads == ["imagestudio-http", "imagestudio-http"]  # the request and the close
    assert caller != "imagestudio-http"
    assert seen == [(caller, 0), (caller, 1)]  # on the caller's thread, in order, all before the result
    assert result.images[0].data == b"png"
    assert http.thread is None  # stopped


def test_errors_keep_their_type() -> None:
    http = HttpLoop()

    async def fail() -> None:
        raise ValueError("bad answer")

    try:
        with pytest.raises(ValueError, match="bad answer"):
            run(http.run(fail()))
    finally:
        http.stop()


def test_cancelling_the_caller_cancels_the_request_and_waits_for_it_to_end() -> None:
    http = HttpLoop()
    inner = Streaming(hang=True)
    provider = OffLoopProvider(inner, http)  # type: ignore[arg-type]

    async def go() -> bool:
        task = asyncio.ensure_future(provider.generate(REQUEST, on_partial=lambda i, d: None))
        while not inner.threads:
            await asyncio.sleep(0.01)
        await asyncio.sleep(0.02)
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        return inner.cleaned_up.is_set()  # the request had ended when the cancel returned

    try:
        assert run(go()) is True
    finally:
        http.stop()
    assert inner.cancelled.is_set()


@pytest.mark.gui
def test_the_apps_jobs_parse_the_sdk_stream_off_the_gui_thread(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    streams: list[str] = []
    partials: list[str] = []
    collect = OpenAIProvider._collect_stream

    async def recording(self: OpenAIProvider, *args: Any) -> GenerationResult:
        streams.append(threading.current_thread().name)
        return await collect(self, *args)

    monkeypatch.setattr(OpenAIProvider, "_collect_stream", recording)
    on_partial = GenerationController._on_partial

    def on_partial_recording(self: GenerationController, *args: Any) -> None:
        partials.append(threading.current_thread().name)
        on_partial(self, *args)

    monkeypatch.setattr(GenerationController, "_on_partial", on_partial_recording)
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    job = parts.controller.submit(REQUEST)
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=15000)
    assert streams == ["imagestudio-http"]
    assert partials == [threading.main_thread().name] * 2  # the GUI gets the partials on its own thread
    http = parts.controller._host.http
    assert http.thread is not None and http.thread.is_alive()


@pytest.mark.gui
def test_cancelling_a_streaming_job_in_the_app_stops_its_request(
    qtbot: Any, make_app: Any, arun: Any, simulator: OpenAISimulator, monkeypatch: pytest.MonkeyPatch
) -> None:
    simulator.latency = 30.0  # the stream would take half a minute
    cancelled: list[str] = []
    generate = OpenAIProvider.generate

    async def recording(self: OpenAIProvider, *args: Any, **kwargs: Any) -> GenerationResult:
        try:
            return await generate(self, *args, **kwargs)
        except asyncio.CancelledError:
            cancelled.append(threading.current_thread().name)
            raise

    monkeypatch.setattr(OpenAIProvider, "generate", recording)
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    job = parts.controller.submit(REQUEST)
    qtbot.waitUntil(lambda: job.state is JobState.RUNNING and len(simulator.requests) == 1, timeout=15000)
    parts.controller.cancel(job.id)
    qtbot.waitUntil(lambda: job.state is JobState.CANCELLED, timeout=10000)
    assert cancelled == ["imagestudio-http"]
    http = parts.controller._host.http
    arun(parts.shutdown())
    assert http.thread is None  # the HTTP thread ends with the app's queue


@pytest.mark.gui
def test_typing_a_prompt_gets_the_client_ready_before_generate(
    qtbot: Any, make_app: Any, simulator: OpenAISimulator
) -> None:
    parts = make_app()
    parts.keys.set_session("custom", simulator.api_key)
    parts.settings.update(provider="custom", base_url=simulator.base_url)
    kept = parts.controller._host._providers
    assert len(kept) == 0
    qtbot.keyClicks(parts.window.prompt_editor.prompt, "a lighthouse")
    qtbot.waitUntil(lambda: len(kept) == 1, timeout=15000)  # the SDK loaded, the client built …
    assert simulator.requests == []  # … and nothing sent
    job = parts.controller.submit(GenerationRequest("a lighthouse", "gpt-image-2", "1024x1024", "low"))
    qtbot.waitUntil(lambda: job.state is JobState.DONE, timeout=15000)
    assert len(kept) == 1  # the job used the client made while typing
    assert [r.path for r in simulator.requests] == ["/v1/images/generations"]


def test_a_warm_up_that_fails_is_not_tried_again_on_every_keystroke(qtbot: Any, make_app: Any) -> None:
    """No key for the custom server yet: the first keystroke tries once (a keyring read), the next ones do not."""
    parts = make_app()
    parts.settings.update(provider="custom", base_url="http://127.0.0.1:9/v1")
    host = parts.controller._host
    tries: list[tuple[str, str]] = []
    make = host.make_provider

    async def counting(profile: str, base_url: str) -> Any:
        tries.append((profile, base_url))
        return await make(profile, base_url)

    host.make_provider = counting
    qtbot.keyClicks(parts.window.prompt_editor.prompt, "a")
    qtbot.waitUntil(lambda: not [t for t in asyncio.all_tasks() if t.get_name() == "provider-warm-up"])
    qtbot.keyClicks(parts.window.prompt_editor.prompt, "bcd")
    qtbot.wait(50)
    assert len(tries) == 1 and len(host._providers) == 0  # tried once, failed (no key), not again
