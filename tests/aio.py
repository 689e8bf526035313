"""Run a coroutine to completion from a plain (non-Qt) test.

The GUI tests install one session-wide qasync loop that counts as *running* in the main thread, so
``asyncio.run`` cannot be called there afterwards. A fresh thread has no running loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def run(coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="test-asyncio") as pool:
        return pool.submit(asyncio.run, coro).result(timeout=timeout)


def run_closing(provider: Any, coro: Coroutine[Any, Any, T], timeout: float = 60.0) -> T:
    """Run ``coro`` and close ``provider`` afterwards (its HTTP client belongs to that loop)."""

    async def go() -> T:
        try:
            return await coro
        finally:
            await provider.aclose()

    return run(go(), timeout)
