"""A RunnerHost for processes without Qt (the CLI batch, tests): one DB thread, file work on worker threads."""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from imagestudio.core.jobs import AnyRequest
from imagestudio.core.library.db import InTransaction
from imagestudio.core.library.library import Library
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.shared import SharedProviders
from imagestudio.core.types import GenerationResult, LibraryImage

T = TypeVar("T")


class LocalHost:
    def __init__(self, library: Library, provider_factory: Callable[[str, str], ImageProvider]) -> None:
        self.library = library
        self._factory = provider_factory
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imagestudio-db")
        self._cpu = ThreadPoolExecutor(max_workers=2, thread_name_prefix="imagestudio-cpu")
        self._providers = SharedProviders()  # one client per configuration, not one per job

    async def db(self, fn: Callable[..., T], *args: Any) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    async def ingest(self, request: AnyRequest, result: GenerationResult, also: InTransaction) -> list[LibraryImage]:
        loop = asyncio.get_running_loop()
        files = [loop.run_in_executor(self._cpu, self.library.store_file, im) for im in result.images]
        stored = await asyncio.gather(*files)
        commit = functools.partial(self.library.commit, list(stored), request, result, also=also)  # type: ignore[arg-type]
        return await self.db(commit)

    async def make_provider(self, profile: str, base_url: str) -> ImageProvider:
        loop = asyncio.get_running_loop()
        return await asyncio.to_thread(lambda: self._providers.share(self._factory(profile, base_url), loop))

    async def release_provider(self, provider: ImageProvider) -> None:
        await self._providers.release(provider)

    async def close_providers(self) -> None:
        """Close the clients kept for the jobs (after the runner stopped)."""
        await self._providers.aclose()

    def close(self) -> None:
        self._cpu.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True, cancel_futures=True)
