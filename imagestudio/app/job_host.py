"""The job queue's host in the GUI process (``RunnerHost`` for ``QueueRunner``): SQL on the LibraryService DB
thread, ingest through LibraryService, providers built off the GUI thread and shared per configuration, their
requests on the HTTP thread; and the decoding of streamed partial previews (on the CPU pool)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtGui import QImage

from imagestudio.app.library_service import LibraryService
from imagestudio.core.held import HeldImages
from imagestudio.core.library.db import InTransaction
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.http_loop import HttpLoop
from imagestudio.core.providers.shared import SharedProviders
from imagestudio.core.queue.host import SharedProvidersHost
from imagestudio.core.queue.store import AnyRequest
from imagestudio.core.types import GenerationResult

ProviderFactory = Callable[[str, str], ImageProvider]  # (provider, base_url) → provider; may block (keyring)


def decode_preview(data: bytes, max_side: int = 256) -> QImage:
    """A small QImage of a streamed partial, made on the CPU pool. Pillow releases the GIL for most of the
    decode and shrink; QImage's own loader holds it for the whole decode (~30 ms for 1536×1024), which would
    stall the GUI thread meanwhile. (Pillow still holds it for a few ms at a time: the controller decodes one
    preview at a time.)"""
    import io

    from PIL import Image

    try:
        with Image.open(io.BytesIO(data)) as im:
            im.draft("RGB", (max_side, max_side))  # JPEG: decode at reduced size
            im.thumbnail((max_side, max_side))
            small = im.convert("RGBA")
    except Exception:  # a broken partial is skipped; the next one (or the final image) is what counts
        return QImage()
    raw = small.tobytes("raw", "RGBA")
    return QImage(raw, small.width, small.height, small.width * 4, QImage.Format.Format_RGBA8888).copy()


class QtHost(SharedProvidersHost):
    """The runner's view of this process: the library's DB thread and ingest, providers built off-thread."""

    def __init__(self, library: LibraryService, factory: ProviderFactory) -> None:
        # one client per configuration, not one per job (bench P2, P6); its requests, stream parsing and
        # decoding run on the HTTP thread, not on the GUI thread's event loop (core/providers/http_loop.py)
        self.http = HttpLoop()
        super().__init__(factory, SharedProviders(self.http))
        self._library = library
        self.held = HeldImages(library.library.paths.data, library.library.paths.cache)

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        return await self._library.run_db(fn, *args)

    async def ingest(self, request: AnyRequest, result: GenerationResult, also: InTransaction) -> object:
        saving = self._library.ingest(request, result, also=also)  # type: ignore[arg-type]
        return await self.holding(request, result, saving)

    async def close_providers(self) -> None:
        await super().close_providers()
        self.http.stop()
