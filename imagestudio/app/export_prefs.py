"""The export defaults (the dialog's last choices, used by Alt-drags too), kept in ``config/export.json`` and
saved off the GUI thread."""

from __future__ import annotations

import asyncio
import json
import logging
from dataclasses import replace
from pathlib import Path

from PySide6.QtCore import QObject

from imagestudio.app.tasks import TaskOwner
from imagestudio.core.export.convert import ExportOptions
from imagestudio.core.files.fsutil import atomic_write

log = logging.getLogger(__name__)


def load(path: Path) -> ExportOptions:
    try:
        return ExportOptions.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return ExportOptions()


class ExportPrefs(QObject):
    def __init__(self, path: Path, tasks: TaskOwner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._path = path
        self._tasks = tasks
        self.options = load(path)
        #: the last folder exported to (empty: ask in the person's Pictures folder)
        self.last_directory = ""

    def converted(self) -> ExportOptions:
        """What an Alt-drag writes: the dialog's format, or PNG when the default is "original"."""
        return self.options if self.options.format != "original" else replace(self.options, format="png")

    def remember(self, options: ExportOptions) -> None:
        if options == self.options:
            return
        self.options = options
        text = json.dumps(options.to_json(), ensure_ascii=False, indent=2)
        self._tasks.spawn_if_open(asyncio.to_thread(atomic_write, self._path, text.encode()), name="save-export")
