"""What the queue runner needs from its process (``RunnerHost``), and ``LocalHost``, the one for processes without
Qt (the CLI batch, tests): one DB thread, file work on worker threads."""

from __future__ import annotations

import asyncio
import functools
import inspect
import socket
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from imagestudio.core.files.fsutil import process_alive
from imagestudio.core.held import HeldError, HeldFirst, HeldImages
from imagestudio.core.library.db import InTransaction
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.shared import SharedProviders
from imagestudio.core.queue.jobs import AnyRequest, Runner
from imagestudio.core.types import GenerationResult, LibraryImage

if TYPE_CHECKING:  # the runner imports this module; the library's code is not needed to name the type
    from imagestudio.core.library.library import Library

T = TypeVar("T")
STALE_HEARTBEAT_S = 120.0


class RunnerHost(Protocol):
    """What the runner needs from the process it runs in."""

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        """Run SQL on the one DB thread."""
        ...

    async def ingest(self, request: AnyRequest, result: GenerationResult, also: InTransaction) -> object:
        """Write the files, then ONE transaction with the image rows and ``also`` (the job's progress)."""
        ...

    async def make_provider(self, profile: str, base_url: str) -> ImageProvider:
        """The provider for one job (built off the event loop; may be shared with other jobs)."""
        ...

    async def release_provider(self, provider: ImageProvider) -> None:
        """The job is done with ``provider``: the host closes it unless it is shared."""
        ...


pid_alive = process_alive  # kept as a name for callers of this module


def runner_alive(runner: Runner, *, now: float) -> bool:
    """A runner on this machine is dead when its process is; anywhere, when its heartbeat went stale (``now`` and
    the heartbeat both come from the library's clock)."""
    if now - runner.heartbeat > STALE_HEARTBEAT_S:
        return False
    return runner.host != socket.gethostname() or pid_alive(runner.pid)


class SharedProvidersHost:
    """The provider half of a RunnerHost: each job's provider is built off the event loop's thread (reading a
    key may block on the keyring) and shared with the other jobs of the same configuration."""

    def __init__(self, provider_factory: Callable[[str, str], ImageProvider], providers: SharedProviders) -> None:
        self._factory = provider_factory
        self._providers = providers  # one client per configuration, not one per job
        self.held: HeldImages | None = None  # paid images the library could not write (core/held.py)

    async def make_provider(self, profile: str, base_url: str) -> ImageProvider:
        """Settings, key and profile are read for every job; a changed one gets a new client."""
        loop = asyncio.get_running_loop()
        shared = await asyncio.to_thread(lambda: self._providers.share(self._factory(profile, base_url), loop))
        return shared if self.held is None else HeldFirst(shared, self.held)  # type: ignore[return-value]

    async def release_provider(self, provider: ImageProvider) -> None:
        await self._providers.release(provider.inner if isinstance(provider, HeldFirst) else provider)

    async def holding(self, request: AnyRequest, result: GenerationResult, saving: Awaitable[T]) -> T:
        """``saving`` (the ingest); when the disk refuses, the paid images are held and the error says where."""
        try:
            saved = await saving
        except OSError as e:
            if self.held is None or isinstance(e, HeldError):
                raise
            folder = await asyncio.to_thread(self.held.keep, request, result)
            raise HeldError(e, len(result.images), folder) from None
        if self.held is not None and result.response_meta.get("held"):
            await asyncio.to_thread(self.held.release, request)
        return saved

    async def close_providers(self) -> None:
        """Close the clients kept for the jobs (after the runner stopped)."""
        await self._providers.aclose()


class LocalHost(SharedProvidersHost):
    def __init__(self, library: Library, provider_factory: Callable[[str, str], ImageProvider]) -> None:
        super().__init__(provider_factory, SharedProviders())
        self.library = library
        self.held = HeldImages(library.paths.data, library.paths.cache)
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imagestudio-db")
        self._cpu = ThreadPoolExecutor(max_workers=2, thread_name_prefix="imagestudio-cpu")

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    async def ingest(self, request: AnyRequest, result: GenerationResult, also: InTransaction) -> list[LibraryImage]:
        async def save() -> list[LibraryImage]:
            loop = asyncio.get_running_loop()
            files = [loop.run_in_executor(self._cpu, self.library.store_file, im) for im in result.images]
            stored = await asyncio.gather(*files)
            commit = functools.partial(self.library.commit, list(stored), request, result, also=also)  # type: ignore[arg-type]
            return await self.db(commit)

        return await self.holding(request, result, save())

    def close(self) -> None:
        self._cpu.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True, cancel_futures=True)


def accepts(fn: Callable[..., Any], name: str) -> bool:
    """Whether ``fn`` takes a parameter called ``name`` (providers without ``on_partial``)."""
    try:
        return name in inspect.signature(fn).parameters
    except (TypeError, ValueError):
        return False
