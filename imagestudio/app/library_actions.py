"""Everything a person does to the library from the GUI (favourite, tag, collect, trash, undo, import,
find similar): each runs on the library's DB thread / CPU pool, then broadcasts ONE ``LibraryChange``
through ``LibraryService.changed``. Widgets call the plain methods; failures become a ``message``."""

from __future__ import annotations

import asyncio
import functools
import logging
import threading
from collections.abc import Callable, Coroutine, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, Signal

from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.library.organise import NamedList
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.types import LibraryChange

if TYPE_CHECKING:  # both pull in Pillow: loaded on first use, not at app start-up (bench P1)
    from imagestudio.core.library import importer, integrity

log = logging.getLogger(__name__)
T = TypeVar("T")


class LibraryActions(QObject):
    #: A short human sentence for the status bar (a result or what went wrong).
    message = Signal(str)
    #: Whether Ctrl+Z has something to restore.
    undoAvailable = Signal(bool)
    #: A long operation ("import", "check") moved on: (name, done, total); total 0 while still counting.
    #: Emitted from worker threads too (Qt queues it to the GUI thread). ``progressEnded(name)`` when it stops.
    progress = Signal(str, int, int)
    progressEnded = Signal(str)

    def __init__(self, service: LibraryService, tasks: TaskOwner, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.service = service
        self._tasks = tasks
        self._undo: list[tuple[int, ...]] = []  # batches moved to the trash, newest last
        self.last_import: importer.ImportReport | None = None
        self._cancel: dict[str, threading.Event] = {}  # running long operations by name

    def cancel(self, name: str) -> None:
        """Stop the long operation ``name`` at its next step (work already committed stays)."""
        if name in self._cancel:
            self._cancel[name].set()

    def running(self, name: str) -> bool:
        return name in self._cancel

    # -- plumbing ------------------------------------------------------------------------------------
    async def _db(self, fn: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        return await self.service.run_db(functools.partial(fn, *args, **kwargs))

    def _emit(self, change: LibraryChange) -> None:
        self.service.changed.emit(change)

    def fire(self, coro: Coroutine[Any, Any, object], name: str) -> None:
        """Run an action as an owned task; a library error is shown, never lost."""

        async def guarded() -> None:
            try:
                await coro
            except ImageStudioError as e:
                self.message.emit(e.message)
            except OSError as e:
                log.warning("library action %s failed: %s", name, type(e).__name__)
                self.message.emit(self.tr("The library could not be changed: %1").replace("%1", str(e.strerror)))

        self._tasks.spawn_if_open(guarded(), name=name)

    # -- reads -----------------------------------------------------------------------------------------
    async def find(self, query: LibraryQuery) -> list[int]:
        return await self._db(self.service.library.find, query)

    async def lists(self) -> dict[str, list[NamedList]]:
        return await self._db(self.service.library.lists)

    async def models(self) -> list[str]:
        return await self._db(self.service.library.models)

    # -- organising --------------------------------------------------------------------------------------
    async def set_favourite(self, ids: Sequence[int], favourite: bool) -> None:
        changed = await self._db(self.service.library.set_favourite, list(ids), favourite)
        self._emit(LibraryChange(updated=tuple(changed)))

    async def toggle_favourite(self, ids: Sequence[int]) -> None:
        """Star all when any is unstarred, else unstar all (how a multi-selection toggle reads)."""
        images = await self.service.get_many(list(ids))
        await self.set_favourite(ids, not all(im.favourite for im in images))

    async def set_rating(self, ids: Sequence[int], rating: int) -> None:
        """0–5 stars on every selected image: one transaction, one change."""
        changed = await self._db(self.service.library.set_rating, list(ids), rating)
        self._emit(LibraryChange(updated=tuple(changed), culled=True))

    async def set_flag(self, ids: Sequence[int], flag: int) -> None:
        """Pick (1), unflag (0) or reject (-1) every selected image: one transaction, one change."""
        changed = await self._db(self.service.library.set_flag, list(ids), flag)
        self._emit(LibraryChange(updated=tuple(changed), culled=True))

    async def trash_rejected(self) -> None:
        """ "Empty rejected to trash": every rejected image to the trash, undone by Ctrl+Z like any trashing."""
        moved = await self._db(self.service.library.trash_rejected)
        if moved:
            self._undo.append(tuple(moved))
            self.undoAvailable.emit(True)
        self.message.emit(self.tr("%n rejected image(s) moved to the trash", "", len(moved)))
        self._emit(LibraryChange(trashed=tuple(moved), lists_changed=bool(moved)))

    async def set_note(self, image_id: int, note: str) -> None:
        await self._db(self.service.library.set_note, image_id, note)
        self._emit(LibraryChange(updated=(image_id,)))

    async def change_tags(self, ids: Sequence[int], add: Sequence[str] = (), remove: Sequence[str] = ()) -> None:
        lists_changed = await self._db(self.service.library.change_tags, list(ids), add, remove)
        self._emit(LibraryChange(updated=tuple(ids), lists_changed=lists_changed))

    async def create_collection(self, name: str, ids: Sequence[int] = ()) -> int:
        collection_id = await self._db(self.service.library.create_collection, name)
        if ids:
            await self._db(self.service.library.add_to_collection, collection_id, list(ids))
        self._emit(LibraryChange(updated=tuple(ids), lists_changed=True))
        return collection_id

    async def rename_collection(self, collection_id: int, name: str) -> None:
        await self._db(self.service.library.rename_collection, collection_id, name)
        self._emit(LibraryChange(lists_changed=True))

    async def delete_collection(self, collection_id: int) -> None:
        await self._db(self.service.library.delete_collection, collection_id)
        self._emit(LibraryChange(lists_changed=True))

    async def add_to_collection(self, collection_id: int, ids: Sequence[int]) -> None:
        added = await self._db(self.service.library.add_to_collection, collection_id, list(ids))
        self._emit(LibraryChange(updated=tuple(added), lists_changed=True))

    async def remove_from_collection(self, collection_id: int, ids: Sequence[int]) -> None:
        removed = await self._db(self.service.library.remove_from_collection, collection_id, list(ids))
        self._emit(LibraryChange(updated=tuple(removed), lists_changed=True))

    async def save_search(self, name: str, query: LibraryQuery) -> int:
        search_id = await self._db(self.service.library.save_search, name, query)
        self._emit(LibraryChange(lists_changed=True))
        return search_id

    async def delete_saved_search(self, search_id: int) -> None:
        await self._db(self.service.library.delete_saved_search, search_id)
        self._emit(LibraryChange(lists_changed=True))

    # -- stacks (core/library/stacks.py): one transaction each; the core says what changed -------------------
    async def stack(self, ids: Sequence[int]) -> None:
        change = await self._db(self.service.library.stack, list(ids))
        self.message.emit(self.tr("%n image(s) stacked", "", len(change.updated)))
        self._emit(change)

    async def unstack(self, ids: Sequence[int]) -> None:
        self._emit(await self._db(self.service.library.unstack, list(ids)))

    async def remove_from_stack(self, ids: Sequence[int]) -> None:
        self._emit(await self._db(self.service.library.remove_from_stack, list(ids)))

    async def set_stack_cover(self, image_id: int) -> None:
        self._emit(await self._db(self.service.library.set_stack_cover, image_id))

    async def stack_members(self, image_id: int) -> list[int]:
        return await self._db(self.service.library.stack_members, image_id)

    # -- trash with undo -----------------------------------------------------------------------------
    @property
    def can_undo(self) -> bool:
        return bool(self._undo)

    async def trash(self, ids: Sequence[int]) -> None:
        moved = await self._db(self.service.library.trash, list(ids))
        if moved:
            self._undo.append(tuple(moved))
            self.undoAvailable.emit(True)
            self.message.emit(self.tr("%n image(s) moved to the trash — Ctrl+Z brings them back", "", len(moved)))
        self._emit(LibraryChange(trashed=tuple(moved), lists_changed=bool(moved)))

    async def undo(self) -> None:
        if not self._undo:
            self.message.emit(self.tr("Nothing to undo"))
            return
        batch = self._undo.pop()
        self.undoAvailable.emit(bool(self._undo))
        back = await self._db(self.service.library.restore, list(batch))
        self.message.emit(self.tr("%n image(s) restored from the trash", "", len(back)))
        self._emit(LibraryChange(restored=tuple(back), lists_changed=True))

    async def restore(self, ids: Sequence[int]) -> None:
        back = await self._db(self.service.library.restore, list(ids))
        self._emit(LibraryChange(restored=tuple(back), lists_changed=True))

    async def empty_trash(self) -> None:
        ids, problems = await self._db(self.service.library.empty_trash)
        gone = set(ids)
        self._undo = [kept for kept in (tuple(i for i in b if i not in gone) for b in self._undo) if kept]
        self.undoAvailable.emit(bool(self._undo))
        text = self.tr("%n image(s) deleted for good", "", len(ids))
        if problems:
            text += " " + self.tr("(%1 file(s) could not be removed)").replace("%1", str(len(problems)))
        self.message.emit(text)
        self._emit(LibraryChange(removed=tuple(ids), lists_changed=True))

    async def delete_for_good(self, ids: Sequence[int]) -> None:
        """Only images already in the trash can be deleted for good."""
        gone, problems = await self._db(self.service.library.empty_trash, list(ids))
        if problems:
            self.message.emit(self.tr("%1 file(s) could not be removed").replace("%1", str(len(problems))))
        self._emit(LibraryChange(removed=tuple(gone), lists_changed=True))

    # -- import ------------------------------------------------------------------------------------------
    async def import_paths(self, paths: Sequence[str]) -> importer.ImportReport:
        """Files are read, verified and copied on the CPU pool; each batch of rows is one transaction on
        the DB thread and one broadcast, so a big folder fills the gallery as it goes."""
        library = self.service.library
        cancel = self._cancel.setdefault("import", threading.Event())
        try:
            return await self._import(library, paths, cancel)
        finally:
            self._cancel.pop("import", None)
            self.progressEnded.emit("import")

    async def _import(self, library: Any, paths: Sequence[str], cancel: threading.Event) -> importer.ImportReport:
        from imagestudio.core.library import importer

        self.progress.emit("import", 0, 0)
        entries = await self.service.run_cpu(lambda: list(importer.expand(paths)))
        report = importer.ImportReport()
        for start in range(0, len(entries), importer.BATCH):
            if cancel.is_set():
                self.message.emit(self.tr("Import cancelled: %1").replace("%1", report.summary()))
                self.last_import = report
                return report
            self.progress.emit("import", start, len(entries))
            chunk = entries[start : start + importer.BATCH]
            results = await asyncio.gather(
                *(
                    self.service.run_cpu(importer.prepare, library, e) if isinstance(e, Path) else _done(e)
                    for e in chunk
                )
            )
            prepared = [r for r in results if isinstance(r, importer.Prepared)]
            report.items.extend(r for r in results if isinstance(r, importer.ImportItem))
            if prepared:
                items = await self._db(importer.commit, library, prepared)
                report.items.extend(items)
                added = tuple(i.image_id for i in items if i.status == "imported" and i.image_id is not None)
                self._emit(LibraryChange(added=added))
            self.message.emit(self.tr("Importing… %1").replace("%1", report.summary()))
        self.message.emit(self.tr("Import finished: %1").replace("%1", report.summary()))
        for item in report.items:
            if item.status == "skipped":
                log.info("import skipped a file: %s", item.reason)
        self.last_import = report
        return report

    # -- check -------------------------------------------------------------------------------------------
    async def check_library(self, *, repair: bool, verify_hashes: bool) -> integrity.IntegrityReport:
        """``library check [--repair]`` on the CPU pool (hashing every original takes a while), with
        ``progress("check", …)`` and ``cancel("check")``; repairs broadcast one change."""
        from imagestudio.core.library import integrity

        cancel = self._cancel.setdefault("check", threading.Event())
        self.progress.emit("check", 0, 0)
        try:
            report = await self.service.run_cpu(
                functools.partial(
                    integrity.check,
                    self.service.library,
                    repair=repair,
                    verify_hashes=verify_hashes,
                    # every 20th image: a big library would flood the GUI thread with queued signals
                    progress=lambda done, total: self.progress.emit("check", done, total) if done % 20 == 0 else None,
                    cancelled=cancel.is_set,
                )
            )
        finally:
            self._cancel.pop("check", None)
            self.progressEnded.emit("check")
        if repair and report.fixed:
            self._emit(LibraryChange(updated=tuple(report.missing + report.missing_thumbnails)))
        return report


async def _done(value: T) -> T:
    return value
