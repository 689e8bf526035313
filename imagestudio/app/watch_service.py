"""Watch folders in the running app: scans off the GUI thread, on a timer and on file-system hints.

Polling with the stability check (``core/library/watch_scan.py``) is the correctness basis: a scan every
``interval_s`` seconds, the first one right at start (files that arrived while the app was closed). A
``QFileSystemWatcher`` on the active folders only brings the next scan forward when something changes (debounced),
plus one ``settle_s`` later, so a download is imported a few seconds after it completes rather than at the next
tick. Each folder's scan (listing, reading, the importer's one transaction, the record) is one job on the CPU
pool (SQLite calls are serialised by ``LibraryDB``'s lock). Imported
images go out through ``LibraryService.changed`` (the gallery shows them); ``imported(folder, count)`` feeds the
status-bar notice and ``changed`` the Watch folders dialog.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QFileSystemWatcher, QObject, QTimer, Signal

from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.library.watch import SETTLE_S, LogEntry, WatchFolder, WatchStore
from imagestudio.core.types import LibraryChange

if TYPE_CHECKING:  # the scanner reads images (Pillow): imported by the first scan, after the window shows
    from imagestudio.core.library.library import Library
    from imagestudio.core.library.watch_scan import FolderResult

log = logging.getLogger(__name__)
T = TypeVar("T")
INTERVAL_S = 5.0
HINT_DELAY_MS = 700  # a burst of file-system events becomes one scan
PER_SCAN = 40  # complete files imported per folder and scan; more are taken by the scan that follows at once


class WatchService(QObject):
    #: folders, their status or the log changed (the dialog refreshes)
    changed = Signal()
    #: (folder as shown, how many images) after a scan imported some
    imported = Signal(str, int)

    def __init__(
        self,
        library: LibraryService,
        tasks: TaskOwner,
        *,
        interval_s: float = INTERVAL_S,
        settle_s: float = SETTLE_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._library = library
        self._tasks = tasks
        self.settle_s = settle_s
        self._store: WatchStore | None = None
        self._scanning = False
        self._again = False
        self.folders_seen: list[WatchFolder] = []
        #: per folder id, from its last scan: (files waiting until complete, partial downloads)
        self.pending: dict[int, tuple[int, int]] = {}
        self.scans = 0  # completed scans (tests wait on it)
        self._timer = QTimer(self)
        self._timer.setInterval(int(interval_s * 1000))
        self._timer.timeout.connect(self._tick)
        self._idle = False  # no active folder: the timer does nothing until one is added or resumed
        self._hint = QTimer(self)
        self._hint.setSingleShot(True)
        self._hint.setInterval(HINT_DELAY_MS)
        self._hint.timeout.connect(self._after_hint)
        self._settled = QTimer(self)
        self._settled.setSingleShot(True)
        self._settled.setInterval(int(settle_s * 1000) + HINT_DELAY_MS)
        self._settled.timeout.connect(self.request_scan)
        self._fs = QFileSystemWatcher(self)
        self._fs.directoryChanged.connect(lambda _path: self._hint.start())

    # -- lifecycle ---------------------------------------------------------------------------------------
    def start(self) -> None:
        """The start-up scan now, then one every interval."""
        self._timer.start()
        self.request_scan()

    def stop(self) -> None:
        for timer in (self._timer, self._hint, self._settled):
            timer.stop()
        if self._fs.directories():
            self._fs.removePaths(self._fs.directories())

    async def _db(self, fn: Callable[..., T], *args: object) -> T:
        return await self._library.run_db(fn, *args)

    async def store(self) -> WatchStore:
        if self._store is None:
            self._store = await self._db(WatchStore, self._library.library.db)
        return self._store

    # -- what the dialog asks ----------------------------------------------------------------------------
    async def folders(self) -> tuple[list[WatchFolder], list[str]]:
        store = await self.store()
        return await self._db(store.folders)

    async def log(self, folder_id: int | None = None, limit: int = 500) -> list[LogEntry]:
        store = await self.store()
        return await self._db(lambda: store.log(folder_id, limit=limit))

    async def add(self, path: str, recursive: bool) -> WatchFolder:
        """Raises ``WatchError`` (not a folder, watched already) with the message to show."""
        store = await self.store()
        folder = await self._db(lambda: store.add(path, recursive=recursive))
        self._changed_and_scan()
        return folder

    async def remove(self, folder_id: int) -> None:
        store = await self.store()
        await self._db(store.remove, folder_id)
        self._changed_and_scan()

    async def set_paused(self, folder_id: int, paused: bool) -> None:
        store = await self.store()
        await self._db(store.set_paused, folder_id, paused)
        self._changed_and_scan()

    async def set_recursive(self, folder_id: int, recursive: bool) -> None:
        store = await self.store()
        await self._db(store.set_recursive, folder_id, recursive)
        self._changed_and_scan()

    def _changed_and_scan(self) -> None:
        self.changed.emit()
        self.request_scan()

    # -- scanning ----------------------------------------------------------------------------------------
    def _tick(self) -> None:
        if not self._idle:
            self.request_scan()

    def _after_hint(self) -> None:
        self.request_scan()
        self._settled.start()  # what changed is complete once it kept still for settle_s: look again then

    def request_scan(self) -> None:
        """A scan soon (never two at once: a request during a scan runs another right after)."""
        if self._scanning:
            self._again = True
            return
        self._tasks.spawn_if_open(self.scan_now(), name="watch-scan")

    async def scan_now(self) -> list[FolderResult]:
        if self._scanning:
            self._again = True
            return []
        self._scanning = True
        try:
            results = await self._scan()
        finally:
            self._scanning = False
        self.scans += 1
        self.changed.emit()
        if self._again:
            self._again = False
            self.request_scan()
        return results

    async def _scan(self) -> list[FolderResult]:
        store = await self.store()
        folders, damaged = await self._db(store.folders)
        for line in damaged:
            log.warning("%s", line)
        self.folders_seen = folders
        self._idle = all(f.paused for f in folders)
        results: list[FolderResult] = []
        for folder in folders:
            if folder.paused:
                continue
            try:
                results.append(await self._scan_folder(store, folder))
            except Exception:  # one folder's surprise never stops the others (nor the next scan)
                log.exception("watch folder #%d could not be scanned", folder.id)
        self._watch_paths([r.folder.path for r in results if r.status == "ok"])  # found by the scan, off this thread
        if results:  # the states this scan found (the summary in Settings reads them)
            self.folders_seen = (await self._db(store.folders))[0]
        return results

    async def _scan_folder(self, store: WatchStore, folder: WatchFolder) -> FolderResult:
        """One job on the CPU pool from listing to the record: quitting (which cancels this coroutine) never
        leaves it half-done, with copies in the library and no rows for them."""
        library, settle_s = self._library.library, self.settle_s
        result = await self._library.run_cpu(lambda: _scan_folder(library, store, folder, settle_s))
        self.pending[folder.id] = (result.waiting, result.downloading)
        if result.more:
            self._again = True  # a folder full of old images fills the gallery batch by batch
        added = tuple(result.added_ids)
        if added:
            self._library.changed.emit(LibraryChange(added=added))
            self.imported.emit(os.path.basename(folder.shown.rstrip(os.sep)) or folder.shown, len(added))
        return result

    def _watch_paths(self, paths: list[str]) -> None:
        wanted = set(paths)
        current = set(self._fs.directories())
        if current - wanted:
            self._fs.removePaths(sorted(current - wanted))
        if wanted - current:
            self._fs.addPaths(sorted(wanted - current))  # a path the platform cannot watch is simply polled


def _scan_folder(library: Library, store: WatchStore, folder: WatchFolder, settle_s: float) -> FolderResult:
    from imagestudio.core.library import watch_scan  # Pillow loads here, on a worker thread

    return watch_scan.scan_folder(library, store, folder, settle_s=settle_s, limit=PER_SCAN)
