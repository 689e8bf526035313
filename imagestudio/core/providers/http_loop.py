"""The providers' HTTP work on an asyncio loop of its own, on a worker thread.

In the GUI the app's asyncio loop is the Qt event loop (qasync), so everything a request does on it runs on the
GUI thread: the SDK building the request, httpx/h11 reading the socket, the SSE decoder splitting a streamed
event into lines, ``json.loads`` of the event (a real 1536×1024 partial is several MB of base64), pydantic
building the response objects, base64 decoding, and the SDK's first-call set-up (type hints, validators). The
queue's jobs therefore await their provider through :class:`OffLoopProvider`: the provider's coroutine runs on
the :class:`HttpLoop` thread and the GUI thread only receives the finished, decoded result. Streamed partials are
handed back to the caller's loop (``call_soon_threadsafe``) in the order they arrived, before the result.

Cancelling the awaiting task cancels the request on the HTTP loop and waits (bounded) until it has ended, so a
cancelled job's connection is closed before the job is recorded as cancelled.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import threading
from collections.abc import Coroutine
from typing import Any, TypeVar

from imagestudio.core.errors import ImageStudioError
from imagestudio.core.providers.base import ImageProvider, OnPartial
from imagestudio.core.types import EditRequest, GenerationRequest, GenerationResult, RefineRequest

T = TypeVar("T")
CANCEL_WAIT_S = 5.0  # how long a cancel waits for the request to end on the HTTP loop


class HttpLoop:
    """One daemon thread running an asyncio loop; started on first use, stopped by ``stop()``."""

    def __init__(self, name: str = "imagestudio-http") -> None:
        self._name = name
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None

    def loop(self) -> asyncio.AbstractEventLoop:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                ready = threading.Event()

                def serve() -> None:
                    asyncio.set_event_loop(loop)
                    loop.call_soon(ready.set)
                    loop.run_forever()

                self._thread = threading.Thread(target=serve, name=self._name, daemon=True)
                self._thread.start()
                ready.wait()
                self._loop = loop
            return self._loop

    @property
    def thread(self) -> threading.Thread | None:
        return self._thread

    async def run(self, coro: Coroutine[Any, Any, T]) -> T:
        """Await ``coro`` running on the HTTP loop (call from another loop)."""
        outcome: concurrent.futures.Future[T] = concurrent.futures.Future()
        started: list[asyncio.Task[T]] = []

        def start() -> None:  # on the HTTP loop
            task = loop.create_task(coro)
            started.append(task)
            task.add_done_callback(lambda t: _copy_outcome(t, outcome))

        try:
            loop = self.loop()
            loop.call_soon_threadsafe(start)
        except BaseException:
            coro.close()  # never started (the loop has stopped): closed here, not left "never awaited"
            raise
        # shielded: cancelling this task must not cancel ``outcome``, which tells when the request has ended
        waiting = asyncio.wrap_future(outcome)
        try:
            return await asyncio.shield(waiting)
        except asyncio.CancelledError:
            loop.call_soon_threadsafe(lambda: started[0].cancel())  # after start(): same loop, FIFO
            with contextlib.suppress(Exception, asyncio.CancelledError):
                await asyncio.wait_for(asyncio.shield(waiting), CANCEL_WAIT_S)
            raise

    def stop(self) -> None:
        """Stop the loop and its thread (after every client on it was closed)."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None or thread is None:
            return
        loop.call_soon_threadsafe(loop.stop)
        thread.join(timeout=5)
        if not thread.is_alive():
            loop.close()


class OffLoopProvider:
    """``inner``'s requests run on the HTTP loop; partials come back to the loop that awaits the request."""

    def __init__(self, inner: ImageProvider, http: HttpLoop) -> None:
        self.inner = inner
        self.name = inner.name
        self._http = http

    def __repr__(self) -> str:
        return f"OffLoopProvider({self.inner!r})"

    def config_key(self) -> object:
        key = getattr(self.inner, "config_key", None)
        return key() if callable(key) else id(self.inner)

    async def generate(self, request: GenerationRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        return await self._relay(self.inner.generate(request, on_partial=_back_to_caller(on_partial)))

    async def edit(self, request: EditRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        return await self._relay(self.inner.edit(request, on_partial=_back_to_caller(on_partial)))

    async def refine(self, request: RefineRequest, *, on_partial: OnPartial | None = None) -> GenerationResult:
        refine = getattr(self.inner, "refine", None)
        if refine is None:
            raise ImageStudioError(f"The {self.name} provider cannot refine images.")
        return await self._relay(refine(request, on_partial=_back_to_caller(on_partial)))

    async def _relay(self, call: Coroutine[Any, Any, GenerationResult]) -> GenerationResult:
        """A cancel carries the images that arrived before it (``partial_result``) back to the caller's side."""
        seen: list[object] = []

        async def watched() -> GenerationResult:
            try:
                return await call
            except asyncio.CancelledError as e:
                seen.append(getattr(e, "partial_result", None))
                raise

        try:
            return await self._http.run(watched())
        except asyncio.CancelledError as e:
            if seen and seen[0] is not None:
                e.partial_result = seen[0]  # type: ignore[attr-defined]
            raise

    async def list_models(self) -> list[str]:
        return await self._http.run(self.inner.list_models())

    async def check(self) -> str:
        return await self._http.run(self.inner.check())

    async def aclose(self) -> None:
        await self._http.run(self.inner.aclose())


def _copy_outcome(task: asyncio.Task[T], outcome: concurrent.futures.Future[T]) -> None:
    if task.cancelled():
        outcome.cancel()
    elif (error := task.exception()) is not None:
        outcome.set_exception(error)
    else:
        outcome.set_result(task.result())


def _back_to_caller(on_partial: OnPartial | None) -> OnPartial | None:
    """``on_partial`` called on the loop of the caller (the GUI's), never on the HTTP thread."""
    if on_partial is None:
        return None
    caller = asyncio.get_running_loop()
    callback = on_partial

    def deliver(index: int, data: bytes) -> None:
        with contextlib.suppress(RuntimeError):  # the caller's loop closed (quitting): nobody to show it to
            caller.call_soon_threadsafe(callback, index, data)

    return deliver
