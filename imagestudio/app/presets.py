"""Built-in and user presets for the GUI: file work off the GUI thread, one ``changed`` signal after each edit."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from imagestudio.core.presets import Preset, PresetError, UserPresets, builtin_presets, new_id


class PresetService(QObject):
    #: The list of presets changed (loaded, saved, deleted or imported).
    changed = Signal()

    def __init__(self, config_dir: Path, language: str, builtin_dir: Path | None = None) -> None:
        super().__init__()
        self.language = language  # which text of a built-in preset to show ("en" or "zh_CN")
        self.builtins = builtin_presets(builtin_dir)
        self._user = UserPresets(config_dir / "presets.json")
        self._lock = asyncio.Lock()  # one file operation at a time, in order

    def all(self) -> list[Preset]:
        return [*self.builtins, *self._user.presets]

    def user_presets(self) -> list[Preset]:
        return list(self._user.presets)

    def get(self, preset_id: str) -> Preset | None:
        return next((p for p in self.all() if p.id == preset_id), None)

    def free_id(self, name: str) -> str:
        return new_id(name, (p.id for p in self.all()))

    async def load(self) -> list[str]:
        """Read the user file; returns warnings about entries that were skipped."""
        async with self._lock:
            await asyncio.to_thread(self._user.load)
        self.changed.emit()
        return list(self._user.warnings)

    async def save(self, preset: Preset) -> None:
        """Add or replace a user preset. Raises PresetError (built-ins cannot be overwritten)."""
        if any(b.id == preset.id for b in self.builtins):
            raise PresetError("Built-in presets cannot be changed; save a copy under a new name.")
        async with self._lock:
            await asyncio.to_thread(self._user.upsert, preset)
        self.changed.emit()

    async def delete(self, preset_id: str) -> bool:
        async with self._lock:
            found = await asyncio.to_thread(self._user.delete, preset_id)
        self.changed.emit()
        return found

    async def import_file(self, path: Path) -> tuple[list[Preset], list[str]]:
        """Returns (added, problems). Raises PresetError when the file cannot be read at all."""
        async with self._lock:
            added, problems = await asyncio.to_thread(self._user.import_file, path, [b.id for b in self.builtins])
        self.changed.emit()
        return added, problems

    async def export_file(self, path: Path, presets: Iterable[Preset]) -> int:
        items = list(presets)
        async with self._lock:
            return await asyncio.to_thread(UserPresets.export_file, path, items)
