"""StudioService: the async helpers behind the prompt editor that are not jobs.

Prompt enhancement (one text-model call), "Refresh models" (``GET /v1/models``), writing pasted or painted
images to the cache (off the GUI thread), and the cost totals for the status bar. Widgets call these methods
and listen to the signals; they never touch the network or the disk themselves.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage

from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.tasks import TaskOwner
from imagestudio.core import drafts as drafts_io
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.enhance import Enhancement, enhance
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.money.ledger import Ledger, Totals
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.types import LibraryImage

#: Looks library images up by id (LibraryService.get_many): "Edit selected" and drops from our own gallery.
ImageLookup = Callable[[list[int]], Awaitable[list[LibraryImage]]]

log = logging.getLogger(__name__)


class StudioService(QObject):
    enhanced = Signal(object)  # Enhancement
    enhanceFailed = Signal(str)
    modelsRefreshed = Signal(object)  # Capabilities (restricted to what the server lists)
    refreshFailed = Signal(str)
    totalsChanged = Signal(object)  # Totals
    imageSaved = Signal(str, str)  # purpose ("input", "mask", "markup"), path
    imageSaveFailed = Signal(str)
    imageLoaded = Signal(str, object)  # path, QImage (decoded off the GUI thread; null when unreadable)
    libraryImagesLoaded = Signal(object)  # list[LibraryImage] for the edit inputs
    thumbnailLoaded = Signal(str, object)  # path, small QImage for the edit inputs' list (null when unreadable)

    def __init__(
        self,
        capabilities: Capabilities,
        settings: SettingsStore,
        provider_factory: Callable[[], ImageProvider],
        ledger: Ledger,
        tasks: TaskOwner,
        scratch_dir: Path,
        safety_identifier: str | None,
        parent: QObject | None = None,
        *,
        lookup: ImageLookup | None = None,
        config_dir: Path | None = None,
    ) -> None:
        super().__init__(parent)
        self.full_capabilities = capabilities
        self.capabilities = capabilities
        self._settings = settings
        self._provider_factory = provider_factory
        self.ledger = ledger
        self._tasks = tasks
        self._scratch = scratch_dir
        self.safety_identifier = safety_identifier
        #: Set by the person after the budget warning; lasts for this session only.
        self.budget_override = False
        self._lookup = lookup
        #: the latest totals (the prompt editor asks before sending over the budget)
        self.last_totals: Totals | None = None
        self._config_dir = config_dir
        #: the prompt drafts of the last session (a small file, read once at start like the settings)
        self.drafts = drafts_io.load(config_dir) if config_dir is not None else drafts_io.DraftSet([drafts_io.Draft()])
        self._drafts_pending: tuple[list[drafts_io.Draft], int] | None = None
        self._drafts_task: asyncio.Task[None] | None = None

    # -- enhancement ---------------------------------------------------------------------------------
    def enhance(self, prompt: str) -> None:
        self._tasks.spawn(self._enhance(prompt), name="enhance")

    async def _enhance(self, prompt: str) -> None:
        s = self._settings.current
        provider: ImageProvider | None = None
        try:
            provider = await asyncio.to_thread(self._provider_factory)  # the keyring may block
            result: Enhancement = await enhance(
                provider,  # type: ignore[arg-type]
                self.full_capabilities,
                prompt,
                model=s.text_model,
                instruction=s.enhance_instruction,
            )
        except ImageStudioError as e:
            self.enhanceFailed.emit(e.message)
            return
        finally:
            if provider is not None:
                await provider.aclose()
        self.enhanced.emit(result)
        self.refresh_totals()

    # -- models --------------------------------------------------------------------------------------
    def refresh_models(self) -> None:
        self._tasks.spawn(self._refresh_models(), name="refresh-models")

    async def _refresh_models(self) -> None:
        provider: ImageProvider | None = None
        try:
            provider = await asyncio.to_thread(self._provider_factory)
            ids = await provider.list_models()
        except ImageStudioError as e:
            self.refreshFailed.emit(e.message)
            return
        finally:
            if provider is not None:
                await provider.aclose()
        if ids:
            overrides = await asyncio.to_thread(self._active_overrides)
            try:
                self.capabilities = self.full_capabilities.restricted_to(set(ids), capability_overrides=overrides)
            except (TypeError, ValueError):  # a hand-written override of the wrong type: say so, keep the table
                self.capabilities = self.full_capabilities.restricted_to(set(ids))
                self.refreshFailed.emit("The profile's capability overrides could not be used; check their values.")
        else:
            self.capabilities = self.full_capabilities  # the demo provider lists nothing: keep the table
        self.modelsRefreshed.emit(self.capabilities)

    def _active_overrides(self) -> dict[str, Any]:
        """The active provider profile's capability overrides (an OpenAI-compatible server with other rules)."""
        name = self._settings.current.profile
        if not name or self._config_dir is None:
            return {}
        from imagestudio.core import profiles

        found, _problems = profiles.load(self._config_dir)
        match = [p for p in found if p.name == name]
        return dict(match[0].capability_overrides) if match else {}

    # -- files ---------------------------------------------------------------------------------------
    def save_image(self, image: QImage, purpose: str) -> None:
        """Write a pasted/painted image as PNG into the scratch dir off the GUI thread; emits imageSaved."""
        copy = image.copy()  # the worker thread gets its own
        path = self._scratch / f"{purpose}-{time.time_ns()}.png"
        self._tasks.spawn(self._save(copy, path, purpose), name=f"save-{purpose}")

    async def _save(self, image: QImage, path: Path, purpose: str) -> None:
        def write() -> bool:
            path.parent.mkdir(parents=True, exist_ok=True)
            return bool(image.save(str(path)))  # the .png suffix picks the format

        try:
            ok = await asyncio.to_thread(write)
        except (OSError, ValueError) as e:
            ok = False
            log.warning("could not save %s: %s", purpose, e)
        if ok:
            self.imageSaved.emit(purpose, str(path))
        else:
            self.imageSaveFailed.emit(f"The {purpose} image could not be saved in {path.parent}.")

    def save_bytes(self, data: bytes, extension: str, purpose: str) -> None:
        """Dropped/pasted encoded bytes, kept exactly (no re-encode) as a file off the GUI thread; emits imageSaved."""
        ext = extension if extension in ("png", "jpg", "jpeg", "webp", "gif") else "png"
        path = self._scratch / f"{purpose}-{time.time_ns()}.{ext}"
        self._tasks.spawn(self._save_bytes(data, path, purpose), name=f"save-{purpose}")

    async def _save_bytes(self, data: bytes, path: Path, purpose: str) -> None:
        def write() -> None:
            path.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(path, data)

        try:
            await asyncio.to_thread(write)
        except OSError as e:
            log.warning("could not save %s: %s", purpose, e)
            self.imageSaveFailed.emit(f"The {purpose} image could not be saved in {path.parent}.")
            return
        self.imageSaved.emit(purpose, str(path))

    def load_library_images(self, ids: Sequence[int]) -> None:
        """Library rows for ids (DB thread); emits libraryImagesLoaded with those still in the library."""
        if self._lookup is not None:
            self._tasks.spawn(self._load_library(list(ids)), name="load-library-images")

    async def _load_library(self, ids: list[int]) -> None:
        assert self._lookup is not None
        images = await self._lookup(ids)
        by_id = {im.id: im for im in images if im.trashed_at is None}
        self.libraryImagesLoaded.emit([by_id[i] for i in ids if i in by_id])

    def load_image(self, path: str) -> None:
        self._tasks.spawn(self._load(path), name="load-image")

    async def _load(self, path: str) -> None:
        image = await asyncio.to_thread(QImage, path)
        self.imageLoaded.emit(path, image)

    def load_thumbnail(self, path: str, edge: int) -> None:
        """A small picture of an input image, decoded and shrunk on a worker thread; emits thumbnailLoaded."""
        self._tasks.spawn_if_open(self._thumbnail(path, edge), name="input-thumbnail")

    async def _thumbnail(self, path: str, edge: int) -> None:
        image = await asyncio.to_thread(decode_thumbnail, path, edge)
        self.thumbnailLoaded.emit(path, image)

    # -- drafts --------------------------------------------------------------------------------------
    def save_drafts(self, drafts: list[drafts_io.Draft], current: int) -> None:
        """Write the drafts off the GUI thread; saves in a row collapse into one (the newest wins)."""
        if self._config_dir is None:
            return
        self._drafts_pending = ([drafts_io.Draft(**vars(d)) for d in drafts], current)
        if self._drafts_task is None or self._drafts_task.done():
            self._drafts_task = self._tasks.spawn_if_open(self._save_drafts(), name="save-drafts")

    async def flush_drafts(self) -> None:
        """At quit: a save in progress finishes and whatever is still pending is written before the app exits."""
        if self._drafts_task is not None and not self._drafts_task.done():
            await asyncio.shield(self._drafts_task)
        if self._config_dir is not None and self._drafts_pending is not None:
            await self._save_drafts()

    async def _save_drafts(self) -> None:
        assert self._config_dir is not None
        while self._drafts_pending is not None:
            (drafts, current), self._drafts_pending = self._drafts_pending, None
            try:
                await asyncio.to_thread(drafts_io.save, self._config_dir, drafts, current)
            except OSError as e:
                log.warning("could not save the prompt drafts: %s", e)

    def paid_provider(self) -> bool:
        """The demo provider is free: no budget question for it."""
        s = self._settings.current
        return bool(s.profile) or s.provider != "demo"

    # -- cost ----------------------------------------------------------------------------------------
    def refresh_totals(self) -> None:
        self._tasks.spawn_if_open(self._totals(), name="ledger-totals")

    async def _totals(self) -> None:
        budget = self._settings.current.monthly_budget_usd
        totals: Totals = await asyncio.to_thread(self.ledger.totals, budget)
        self.last_totals = totals
        self.totalsChanged.emit(totals)


def decode_thumbnail(path: str, edge: int) -> QImage:
    """Read ``path`` shrunk to fit ``edge``×``edge`` (the reader scales while decoding where the format can)."""
    from PySide6.QtCore import QSize
    from PySide6.QtGui import QImageReader

    reader = QImageReader(path)
    reader.setAutoTransform(True)
    size = reader.size()
    if size.isValid() and (size.width() > edge or size.height() > edge):
        reader.setScaledSize(size.scaled(QSize(edge, edge), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    return image if not image.isNull() else QImage()
