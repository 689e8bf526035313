"""The current settings as a Qt object: one source of truth, saved off the GUI thread on every change."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from PySide6.QtCore import QObject, Signal

from imagestudio.app.tasks import TaskOwner
from imagestudio.core import settings as settings_io
from imagestudio.core.settings import Settings


class SettingsStore(QObject):
    changed = Signal(object)  # Settings

    def __init__(self, path: Path, initial: Settings, tasks: TaskOwner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._settings = initial
        self._tasks = tasks
        self._save_lock = asyncio.Lock()

    @property
    def current(self) -> Settings:
        return self._settings

    def update(self, **changes: Any) -> None:
        new = self._settings.with_changes(**changes)
        if new == self._settings:
            return
        self._settings = new
        self.changed.emit(new)
        self._tasks.spawn(self._save(new), name="save-settings")

    async def _save(self, snapshot: Settings) -> None:
        async with self._save_lock:  # saves land in order
            if snapshot is self._settings:
                await asyncio.to_thread(settings_io.save, self._path, snapshot)

    async def flush(self) -> None:
        async with self._save_lock:
            await asyncio.to_thread(settings_io.save, self._path, self._settings)
