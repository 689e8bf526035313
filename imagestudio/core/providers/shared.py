"""One prepared provider per configuration, shared by the queue's jobs instead of one new client per job.

Building an AsyncOpenAI client costs ~50 ms of CPU (most of it loading the TLS trust store) and every client
starts with an empty connection pool: one per job made a 50-job queue a third slower than its server (bench P6)
and the GIL time it took stalled the GUI thread (P2). The runner host asks the factory for a provider per job as
before — so the current settings, key and profile are read every time — and ``share`` swaps in the prepared
provider already kept for the same configuration (kind, endpoint, key, timeout). A changed key, endpoint or
profile is a new configuration and gets a new client; the one it replaces is closed as soon as no job uses it.
Everything still open is closed at shutdown (``aclose``). The metering wrapper stays per job (it is cheap and
carries the current budget); only the provider inside it is shared.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import threading
from collections.abc import Hashable

from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import MeteredProvider, prepared
from imagestudio.core.providers.http_loop import HttpLoop, OffLoopProvider

log = logging.getLogger(__name__)


def _inner(provider: ImageProvider) -> ImageProvider:
    return provider.inner if isinstance(provider, MeteredProvider) else provider


class SharedProviders:
    """Thread-safe: ``share`` runs on worker threads (it may prepare a client), the rest on the event loop."""

    def __init__(self, http: HttpLoop | None = None) -> None:
        #: with ``http``, the kept providers run their requests on that loop's thread (the GUI passes one:
        #: see http_loop.py); without, on the loop of the job that asks (the CLI)
        self._http = http
        self._lock = threading.Lock()
        self._by_config: dict[tuple[asyncio.AbstractEventLoop, Hashable], ImageProvider] = {}
        # (loop, provider name) → its latest config: what a new config of the same provider replaces
        self._current: dict[tuple[asyncio.AbstractEventLoop, str], tuple[asyncio.AbstractEventLoop, Hashable]] = {}
        self._users: dict[int, int] = {}  # id(shared provider) → jobs holding it
        self._retired: dict[int, ImageProvider] = {}  # replaced by a newer config, closed when unused

    def share(self, provider: ImageProvider, loop: asyncio.AbstractEventLoop) -> ImageProvider:
        """The provider to use for one job: ``provider`` (just built, not prepared) with the kept prepared one
        of the same configuration inside. Blocking (it may build a client): call it on a worker thread.
        ``loop`` is the loop the job runs on: an HTTP connection pool belongs to one loop."""
        inner = _inner(provider)
        config_key = getattr(inner, "config_key", None)
        if not callable(config_key):  # nothing worth sharing (the demo provider, test fakes)
            return prepared(provider)
        if self._http is not None:
            loop = self._http.loop()  # the clients live on the HTTP loop, whoever awaits them
        slot = (loop, provider.name)
        config = (loop, config_key())
        with self._lock:  # one client per config even when two jobs start at once
            self._retire_closed_loops()
            kept = self._by_config.get(config)
            if kept is None:
                kept = prepared(inner)
                if self._http is not None:
                    kept = OffLoopProvider(kept, self._http)
                self._by_config[config] = kept
                replaced = self._current.get(slot)
                old = self._by_config.pop(replaced, None) if replaced is not None else None
                if old is not None:
                    self._retired[id(old)] = old
            self._current[slot] = config
            self._users[id(kept)] = self._users.get(id(kept), 0) + 1
        if isinstance(provider, MeteredProvider):
            provider.inner = kept
            return provider
        return kept

    def _retire_closed_loops(self) -> None:
        """A loop that ended (a CLI command, a test) cannot use its clients again."""
        for config in [c for c in self._by_config if c[0].is_closed()]:
            old = self._by_config.pop(config)
            self._retired[id(old)] = old
        for slot in [s for s in self._current if s[0].is_closed()]:
            del self._current[slot]

    def is_shared(self, provider: ImageProvider) -> bool:
        inner = _inner(provider)
        with self._lock:
            return id(inner) in self._users

    async def release(self, provider: ImageProvider) -> None:
        """A job is done with ``provider``: close it unless it is shared; close retired ones nobody uses."""
        inner = _inner(provider)
        with self._lock:
            shared = id(inner) in self._users
            if shared:
                self._users[id(inner)] -= 1
            idle = [p for key, p in self._retired.items() if self._users.get(key, 0) <= 0]
            for p in idle:
                del self._retired[id(p)]
                self._users.pop(id(p), None)
        for p in idle if shared else [*idle, provider]:
            await _close(p)

    async def aclose(self) -> None:
        """Close every kept client (at shutdown, after the jobs stopped)."""
        with self._lock:
            kept = [*self._by_config.values(), *self._retired.values()]
            self._by_config.clear()
            self._current.clear()
            self._users.clear()
            self._retired.clear()
        for provider in kept:
            await _close(provider)

    def __len__(self) -> int:
        with self._lock:
            return len(self._by_config)


async def _close(provider: ImageProvider) -> None:
    with contextlib.suppress(Exception):  # a client bound to a loop that is gone: nothing left to close
        await provider.aclose()
