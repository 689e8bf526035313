"""StudioService: the async helpers behind the prompt editor that are not jobs.

Prompt enhancement (one text-model call), "Refresh models" (``GET /v1/models``), writing pasted or painted
images to the cache (off the GUI thread), and the cost totals for the status bar. Widgets call these methods
and listen to the signals; they never touch the network or the disk themselves.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QImage

from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.enhance import Enhancement, enhance
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.ledger import Ledger, Totals
from imagestudio.core.providers.base import ImageProvider

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
            self.capabilities = self.full_capabilities.restricted_to(set(ids))
        else:
            self.capabilities = self.full_capabilities  # the demo provider lists nothing: keep the table
        self.modelsRefreshed.emit(self.capabilities)

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

    def load_image(self, path: str) -> None:
        self._tasks.spawn(self._load(path), name="load-image")

    async def _load(self, path: str) -> None:
        image = await asyncio.to_thread(QImage, path)
        self.imageLoaded.emit(path, image)

    # -- cost ----------------------------------------------------------------------------------------
    def refresh_totals(self) -> None:
        self._tasks.spawn_if_open(self._totals(), name="ledger-totals")

    async def _totals(self) -> None:
        budget = self._settings.current.monthly_budget_usd
        totals: Totals = await asyncio.to_thread(self.ledger.totals, budget)
        self.totalsChanged.emit(totals)
