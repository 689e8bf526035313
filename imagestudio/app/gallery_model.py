"""GalleryModel: the library as an id-only list model, newest first. Row details are fetched in pages on
the DB thread when the view first asks for them; thumbnails come from the ThumbnailCache."""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QPersistentModelIndex, QSize, Qt

from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner
from imagestudio.app.thumbcache import ThumbnailCache
from imagestudio.core.types import LibraryChange, LibraryImage

ImageIdRole = Qt.ItemDataRole.UserRole + 1
ImageRole = Qt.ItemDataRole.UserRole + 2
PAGE = 200

_Index = QModelIndex | QPersistentModelIndex


class GalleryModel(QAbstractListModel):
    def __init__(self, service: LibraryService, thumbs: ThumbnailCache, tasks: TaskOwner, parent: Any = None) -> None:
        super().__init__(parent)
        self._service = service
        self._thumbs = thumbs
        self._tasks = tasks
        self._ids: list[int] = []
        self._row_of: dict[int, int] = {}
        self._details: dict[int, LibraryImage] = {}
        self._pages_loading: set[int] = set()
        self.item_size = QSize(216, 236)
        service.changed.connect(self._on_library_changed)
        thumbs.thumbnailReady.connect(self._on_thumbnail)

    # -- loading ---------------------------------------------------------------------------------
    async def reload(self) -> None:
        ids = await self._service.ids_newest_first()
        self.beginResetModel()
        self._ids = ids
        self._reindex()
        self._details.clear()
        self._pages_loading.clear()
        self.endResetModel()

    def _reindex(self) -> None:
        self._row_of = {image_id: row for row, image_id in enumerate(self._ids)}

    def _on_library_changed(self, change: LibraryChange) -> None:
        new = [i for i in change.added if i not in self._row_of]
        if new:
            # results arrive newest-last in a batch; show the batch at the top, newest first
            new.sort(reverse=True)
            self.beginInsertRows(QModelIndex(), 0, len(new) - 1)
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
        self._tasks.spawn_if_open(self._load_details(ids), name=f"gallery-page-{page}")

    async def _load_details(self, ids: list[int]) -> None:
        images = await self._service.get_many(ids)
        for image in images:
            self._details[image.id] = image
        rows = [self._row_of[i.id] for i in images if i.id in self._row_of]
        if rows:
            self.dataChanged.emit(self.index(min(rows)), self.index(max(rows)))

    def _on_thumbnail(self, image_id: int) -> None:
        row = self._row_of.get(image_id)
        if row is not None:
            index = self.index(row)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.DecorationRole])

    # -- Qt model API ----------------------------------------------------------------------------
    def rowCount(self, parent: _Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._ids)

    def image_id(self, row: int) -> int:
        return self._ids[row]

    def details(self, image_id: int) -> LibraryImage | None:
        return self._details.get(image_id)

    def data(self, index: _Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not 0 <= index.row() < len(self._ids):
            return None
        image_id = self._ids[index.row()]
        if role == ImageIdRole:
            return image_id
        if role == Qt.ItemDataRole.SizeHintRole:
            # constant, so the view can lay out every row without loading any of them
            return self.item_size
        image = self._details.get(image_id)
        if image is None:
            self._request_page(index.row())
            return None
        if role == ImageRole:
            return image
        if role == Qt.ItemDataRole.DisplayRole:
            text = " ".join(image.prompt.split())
            return text if len(text) <= 40 else text[:39] + "…"
        if role == Qt.ItemDataRole.DecorationRole:
            return self._thumbs.get(image_id, image.thumb_path)
        if role in (Qt.ItemDataRole.ToolTipRole, Qt.ItemDataRole.AccessibleTextRole):
            when = time.strftime("%Y-%m-%d %H:%M", time.localtime(image.created_at))
            demo = " · demo" if image.is_demo else ""
            return f"{image.prompt}\n{image.model} · {image.width}×{image.height} · {when}{demo}"
        return None
