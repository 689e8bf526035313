"""Runs library work off the GUI thread and broadcasts what changed.

One DB thread (SQLite work is serialised there) and a small CPU pool (decode, hash, file writes,
thumbnails). The GUI thread only awaits results.
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from PySide6.QtCore import QObject, Signal

from imagestudio.core.library.db import InTransaction
from imagestudio.core.library.library import Library
from imagestudio.core.types import GenerationRequest, GenerationResult, LibraryChange, LibraryImage

T = TypeVar("T")


class LibraryService(QObject):
    #: One LibraryChange per operation; every view decides for itself what to refresh.
    changed = Signal(object)

    def __init__(self, library: Library, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.library = library
        self._db = ThreadPoolExecutor(max_workers=1, thread_name_prefix="imagestudio-db")
        self._cpu = ThreadPoolExecutor(max_workers=2, thread_name_prefix="imagestudio-cpu")

    async def _on_db(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._db, fn, *args)

    async def _on_cpu(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.get_running_loop().run_in_executor(self._cpu, fn, *args)

    async def ingest(
        self, request: GenerationRequest, result: GenerationResult, *, also: InTransaction | None = None
    ) -> list[LibraryImage]:
        """Store every image (files first, in parallel), then one DB transaction, then broadcast.
        ``also`` runs inside that transaction (the job queue records the job's progress there)."""
        stored = await asyncio.gather(*(self._on_cpu(self.library.store_file, im) for im in result.images))
        images = await self._on_db(functools.partial(self.library.commit, list(stored), request, result, also=also))
        stacked = any(im.stack_id is not None for im in images)  # a job's variants, stacked as they landed
        self.changed.emit(LibraryChange(added=tuple(im.id for im in images), stacks_changed=stacked))
        return images

    async def ids_newest_first(self) -> list[int]:
        return await self._on_db(self.library.db.ids_newest_first)

    async def get_many(self, ids: list[int]) -> list[LibraryImage]:
        return await self._on_db(self.library.db.get_many, ids)

    async def run_cpu(self, fn: Callable[..., T], *args: object) -> T:
        return await self._on_cpu(fn, *args)

    async def run_db(self, fn: Callable[..., T], *args: object) -> T:
        """Other components' SQL on the one DB thread (the job queue keeps its tables in this DB)."""
        return await self._on_db(fn, *args)

    def shutdown(self) -> None:
        self._cpu.shutdown(wait=True, cancel_futures=True)
        self._db.shutdown(wait=True, cancel_futures=True)
        self.library.close()


def svg_thumbnail(data: bytes) -> bytes | None:
    """The GUI's ``Library(svg_thumbnailer=…)``: QtSvg is imported on the first SVG, not at start-up."""
    from imagestudio.app.svg_render import svg_thumbnail_jpeg

    return svg_thumbnail_jpeg(data)
