"""GalleryModel: the library as an id-only list model for one ``LibraryQuery`` (newest first by default).
Row details are fetched in pages on the DB thread when the view first asks for them; thumbnails come from
the ThumbnailCache. Changes arrive as ``LibraryChange`` and become row inserts/removals, not resets, so
the view keeps its scroll position and selection.

While a job streams, a *placeholder* row per job sits at the top showing its latest partial image (decoded off
the GUI thread by the controller). Placeholder rows are not library images: ``image_id(row)`` is ``None`` for
them, they cannot be selected or dragged, and they go away when the job finishes (its images arrive as a
``LibraryChange``)."""

from __future__ import annotations

import functools
from collections import OrderedDict
from datetime import datetime
from typing import Any, NamedTuple

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt
from PySide6.QtGui import QImage, QPixmap

from imagestudio.app.i18n import format_datetime
from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.app.thumbcache import ThumbnailCache
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.types import LibraryChange, LibraryImage

ImageIdRole = Qt.ItemDataRole.UserRole + 1
ImageRole = Qt.ItemDataRole.UserRole + 2
# the job id on a placeholder row (a job still generating), None on a library row
PlaceholderRole = Qt.ItemDataRole.UserRole + 3
# on a stacked image: ``StackPlace`` (its stack, size, whether shown expanded, first/last of the expanded group)
StackRole = Qt.ItemDataRole.UserRole + 4
PAGE = 200
#: details kept for this many rows (the most recently loaded pages): scrolling through 100k images keeps
#: memory flat; a row whose details were dropped loads its page again when it is painted
MAX_DETAILS = 5000

_Index = QModelIndex | QPersistentModelIndex


class StackPlace(NamedTuple):
    stack_id: int
    size: int  # members not in the trash
    expanded: bool
    first: bool  # of its expanded group on screen (a collapsed tile is both first and last)
    last: bool


class GalleryModel(QAbstractListModel):
    def __init__(self, service: LibraryService, thumbs: ThumbnailCache, tasks: TaskOwner, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._thumbs = thumbs
        self._tasks = tasks
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._details: OrderedDict[int, LibraryImage] = OrderedDict()
        self._pages_loading: set[int] = set()
        self._absent: set[int] = set()
        self._query = LibraryQuery()
        self._expanded: set[int] = set()  # stacks shown member by member (core/library/stacks.py)
        self._generation = 0  # bumps on every query change: a slow, stale result is dropped
        self._placeholders: list[tuple[int, QPixmap]] = []  # (job id, latest partial), newest job first
        self._finished_jobs: set[int] = set()  # a preview decoded after the job ended must not come back
        self.item_size = QSize(216, 236)
        service.changed.connect(self._on_library_changed)
        thumbs.thumbnailReady.connect(self._on_thumbnail)

    # -- loading ---------------------------------------------------------------------------------
    @property
    def query(self) -> LibraryQuery:
        return self._query

    def set_query(self, query: LibraryQuery) -> None:
        """Show another search/filter; the ids are fetched off the GUI thread, then the model resets."""
        if query == self._query:
            return
        self._query = query
        self._expanded.clear()
        self._generation += 1
        self._tasks.spawn_if_open(self.reload(), name="gallery-query")

    async def _find(self) -> tuple[int, list[int]]:
        generation = self._generation
        find = functools.partial(self._service.library.find, self._query, expanded=sorted(self._expanded))
        ids = await self._service.run_db(find)
        return generation, ids

    async def reload(self) -> None:
        generation, ids = await self._find()
        if generation != self._generation:
            return
        self.beginResetModel()
        self._ids = ids
        self._reindex()
        self._details.clear()
        self._pages_loading.clear()
        self.endResetModel()

    async def refresh(self) -> None:
        """Run the query again and turn the difference into row removals and inserts (no reset)."""
        generation, ids = await self._find()
        if generation == self._generation:
            self._apply(ids)

    def _apply(self, new_ids: list[int]) -> None:
        wanted = set(new_ids)
        for row in range(len(self._ids) - 1, -1, -1):  # removals, bottom up, in contiguous runs
            if self._ids[row] in wanted:
                continue
            end = row
            while row > 0 and self._ids[row - 1] not in wanted:
                row -= 1
            self._remove_rows(row, end)
        kept = set(self._ids)
        if [i for i in new_ids if i in kept] != self._ids:
            self._reset_to(new_ids)  # the order changed (e.g. a re-sorted view): only a reset says that
            return
        for row, image_id in enumerate(new_ids):
            if image_id not in kept:
                top = len(self._placeholders)
                self.beginInsertRows(QModelIndex(), top + row, top + row)
                self._ids.insert(row, image_id)
                self.endInsertRows()
        self._reindex()
        self._pages_loading.clear()

    def _remove_rows(self, first: int, last: int) -> None:
        top = len(self._placeholders)
        self.beginRemoveRows(QModelIndex(), top + first, top + last)
        for image_id in self._ids[first : last + 1]:
            self._details.pop(image_id, None)
        del self._ids[first : last + 1]
        self.endRemoveRows()

    def _reset_to(self, ids: list[int]) -> None:
        self.beginResetModel()
        self._ids = ids
        self._reindex()
        self._pages_loading.clear()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {image_id: row for row, image_id in enumerate(self._ids)}

    def _on_library_changed(self, change: LibraryChange) -> None:
        for image_id in change.updated:
            self._details.pop(image_id, None)  # the next paint fetches the new favourite/tags/note
        if self._touches_stacks(change):  # a stack's tile, cover or count may change: the query decides, badges reload
            for image_id in [i for i, d in self._details.items() if d.stack_id is not None]:
                self._details.pop(image_id, None)
            self._pages_loading.clear()
            if self._ids:
                self._rows_changed(0, len(self._ids) - 1)
            self._tasks.spawn_if_open(self.refresh(), name="gallery-refresh")
            return
        if self._query.is_default and not change.restored and not change.culled:
            self._apply_default(change)
        elif change.added or change.removed or change.trashed or change.restored or change.updated:
            self._tasks.spawn_if_open(self.refresh(), name="gallery-refresh")
        if change.updated:
            self._pages_loading.clear()
            rows = [self._row_of[i] for i in change.updated if i in self._row_of]
            if rows:
                self._rows_changed(min(rows), max(rows))

    def _touches_stacks(self, change: LibraryChange) -> bool:
        """Whether this change may reshape a stack (its tile, cover or count). An image that leaves or comes
        back whose details are not loaded may be in one: the query is asked again to be sure."""
        moved = (*change.trashed, *change.restored, *change.removed)
        return change.stacks_changed or any(
            (d := self._details.get(i)) is None or d.stack_id is not None for i in moved
        )

    # -- stacks shown one tile each, or expanded in place ---------------------------------------------
    def is_expanded(self, stack_id: int) -> bool:
        return stack_id in self._expanded

    def expanded_stacks(self) -> set[int]:
        return set(self._expanded)

    def set_expanded(self, stack_id: int, expanded: bool) -> None:
        """Show the stack's members next to each other (or one tile again); rows move, no reset."""
        if expanded == (stack_id in self._expanded):
            return
        (self._expanded.add if expanded else self._expanded.discard)(stack_id)
        self._tasks.spawn_if_open(self.refresh(), name="gallery-stack")

    def _apply_default(self, change: LibraryChange) -> None:
        """Newest first, unfiltered: no query needed — new results go on top, deleted ones go away."""
        gone = set(change.removed) | set(change.trashed)
        if gone:
            self._apply([i for i in self._ids if i not in gone])
        new = [i for i in change.added if i not in self._row_of]
        if new:
            # results arrive newest-last in a batch; show the batch at the top, newest first
            new.sort(reverse=True)
            top = len(self._placeholders)
            self.beginInsertRows(QModelIndex(), top, top + len(new) - 1)
            self._ids[0:0] = new
            self._reindex()
            self._pages_loading.clear()
            self.endInsertRows()

    def _request_page(self, row: int) -> None:
        page = row // PAGE
        if page in self._pages_loading:
            return
        self._pages_loading.add(page)
        ids = self._ids[page * PAGE : (page + 1) * PAGE]
        self._tasks.spawn_if_open(self._load_details(page, ids), name=f"gallery-page-{page}")

    async def _load_details(self, page: int, ids: list[int]) -> None:
        try:
            images = await self._service.get_many(ids)
        finally:
            self._pages_loading.discard(page)
        for image in images:
            self._details[image.id] = image
            self._details.move_to_end(image.id)
        while len(self._details) > MAX_DETAILS:
            self._details.popitem(last=False)
        self._absent.update(set(ids) - {im.id for im in images})  # deleted meanwhile: do not ask again
        rows = [self._row_of[i.id] for i in images if i.id in self._row_of]
        if rows:
            self._rows_changed(min(rows), max(rows))

    def _rows_changed(self, first: int, last: int, roles: list[int] | None = None) -> None:
        """dataChanged for library positions ``first..last`` (placeholder rows come before them)."""
        top = len(self._placeholders)
        self.dataChanged.emit(self.index(top + first), self.index(top + last), roles or [])

    def visible_rows(self, first: int, last: int) -> None:
        """The view shows rows ``first..last``: thumbnail loads for other rows are cancelled."""
        top = len(self._placeholders)
        first, last = first - top, last - top
        first, last = max(0, first), min(len(self._ids) - 1, last)
        self._thumbs.keep_only(set(self._ids[first : last + 1]) if first <= last else set())

    def _on_thumbnail(self, image_id: int) -> None:
        row = self._row_of.get(image_id)
        if row is not None:
            self._rows_changed(row, row, [Qt.ItemDataRole.DecorationRole])

    # -- placeholders of jobs that are still generating ------------------------------------------
    def show_partial(self, job_id: int, image: QImage) -> None:
        """The job's latest streamed partial (already decoded and shrunk off the GUI thread)."""
        if job_id in self._finished_jobs or image.isNull():
            return
        pixmap = QPixmap.fromImage(image)
        for row, (known, _old) in enumerate(self._placeholders):
            if known == job_id:
                self._placeholders[row] = (job_id, pixmap)
                self.dataChanged.emit(self.index(row), self.index(row))
                return
        self.beginInsertRows(QModelIndex(), 0, 0)
        self._placeholders.insert(0, (job_id, pixmap))
        self.endInsertRows()

    def job_finished(self, job_id: int) -> None:
        """Done, failed or cancelled: the placeholder goes (a done job's images arrive as library rows)."""
        self._finished_jobs.add(job_id)
        for row, (known, _pixmap) in enumerate(self._placeholders):
            if known == job_id:
                self.beginRemoveRows(QModelIndex(), row, row)
                del self._placeholders[row]
                self.endRemoveRows()
                return

    def placeholder_jobs(self) -> list[int]:
        return [job_id for job_id, _pixmap in self._placeholders]

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._placeholders) + len(self._ids)

    def image_id(self, row: int) -> int | None:
        """The library id on ``row``; None on a placeholder row (a job still generating)."""
        top = len(self._placeholders)
        return self._ids[row - top] if row >= top else None

    def row_of(self, image_id: int) -> int | None:
        row = self._row_of.get(image_id)
        return None if row is None else row + len(self._placeholders)

    def flags(self, index: _Index) -> Qt.ItemFlag:
        if index.isValid() and index.row() < len(self._placeholders):
            return Qt.ItemFlag.ItemIsEnabled  # not selectable, not draggable: there is no image yet
        flags = super().flags(index)
        # a press on a thumbnail that moves drags it (and the rest of the selection) out as files; a press on
        # empty space still draws a rubber band (the view only drags from items that say they can be dragged)
        return flags | Qt.ItemFlag.ItemIsDragEnabled if index.isValid() else flags

    def ids(self) -> list[int]:
        return list(self._ids)

    def details(self, image_id: int) -> LibraryImage | None:
        return self._details.get(image_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < self.rowCount():
            return None
        top = len(self._placeholders)
        if index.row() < top:
            return self._placeholder_data(index.row(), role)
        library_row = index.row() - top
        image_id = self._ids[library_row]
        if role == ImageIdRole:
            return image_id
        if role == Qt.ItemDataRole.SizeHintRole:
            # constant, so the view can lay out every row without loading any of them
            return self.item_size
        image = self._details.get(image_id)
        if image is None:
            if image_id not in self._absent:
                self._request_page(library_row)
            return None
        if role == ImageRole:
            return image
        if role == StackRole:
            return self._stack_place(library_row, image)
        if role == Qt.ItemDataRole.DisplayRole:
            text = " ".join(image.prompt.split())
            return text if len(text) <= 40 else text[:39] + "…"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbs.get(image_id, image.thumb_path or (image.path if image.format == "svg" else None))
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            when = format_datetime(datetime.fromtimestamp(image.created_at))  # the locale's own date format
            demo = " · " + self.tr("demo") if image.is_demo else ""
            cull = ["★" * image.rating] if image.rating else []
            cull += [self.tr("Picked")] if image.flag > 0 else [self.tr("Rejected")] if image.flag < 0 else []
            culled = "\n" + " · ".join(cull) if cull else ""
            return f"{image.prompt}\n{image.model} · {image.width}×{image.height} · {when}{demo}{culled}"
        return None

    def _stack_place(self, row: int, image: LibraryImage) -> StackPlace | None:
        if image.stack_id is None or image.stack_size < 2:
            return None
        if image.stack_id not in self._expanded:
            return StackPlace(image.stack_id, image.stack_size, False, True, True)

        def same(other: int) -> bool:
            near = self._details.get(self._ids[other]) if 0 <= other < len(self._ids) else None
            return near is not None and near.stack_id == image.stack_id

        return StackPlace(image.stack_id, image.stack_size, True, not same(row - 1), not same(row + 1))

    def _placeholder_data(self, row: int, role: int) -> Any:
        job_id, pixmap = self._placeholders[row]
        if role == PlaceholderRole:
            return job_id
        if role == Qt.ItemDataRole.SizeHintRole:
            return self.item_size
        if role == Qt.ItemDataRole.DecorationRole:
            return pixmap
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            return self.tr("Generating…")
        return None
