"""An owner for asyncio tasks started from Qt code.

qasync's ``asyncSlot`` starts tasks nobody holds: their exceptions vanish and quitting leaves them
dangling. Everything the app starts goes through ``TaskOwner.spawn`` instead, so it can be cancelled and
drained on quit, and failures are logged (never silently dropped).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from typing import Any, TypeVar

log = logging.getLogger(__name__)
T = TypeVar("T")


class TaskOwner:
    def __init__(self) -> None:
        self._tasks: set[asyncio.Task[Any]] = set()
        self._closing = False

    def spawn(self, coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T]:
        if self._closing:
            coro.close()
            raise RuntimeError("the app is shutting down")
        task = asyncio.ensure_future(coro)
        if name:
            task.set_name(name)
        self._tasks.add(task)
        task.add_done_callback(self._finished)
        return task

    def spawn_if_open(self, coro: Coroutine[Any, Any, T], *, name: str | None = None) -> asyncio.Task[T] | None:
        """For lazy work a view asks for while painting: silently skipped once shutdown has begun."""
        if self._closing:
            coro.close()
            return None
        return self.spawn(coro, name=name)

    @property
    def closing(self) -> bool:
        return self._closing

    def _finished(self, task: asyncio.Task[Any]) -> None:
        self._tasks.discard(task)
        if not task.cancelled() and task.exception() is not None:
            exc = task.exception()
            log.error("task %s failed: %s", task.get_name(), type(exc).__name__, exc_info=exc)

    @property
    def running(self) -> int:
        return len(self._tasks)

    async def drain(self, timeout: float = 5.0) -> None:
        """Cancel every owned task and wait (bounded) for them to finish."""
        self._closing = True
        tasks = list(self._tasks)
        for t in tasks:
            t.cancel()
        if tasks:
            await asyncio.wait(tasks, timeout=timeout)
