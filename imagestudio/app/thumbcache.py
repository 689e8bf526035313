"""Visible-first thumbnail loading: files are read and decoded into QImage on a worker thread; the GUI
thread only turns finished QImages into QPixmaps. A bounded LRU keeps memory flat on huge libraries. Loads of
rows scrolled away before their turn are cancelled (``keep_only``): a fast fling never queues a backlog."""

from __future__ import annotations

import asyncio
from collections import OrderedDict

from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QImage, QPixmap

from imagestudio.app.library_service import LibraryService
from imagestudio.app.tasks import TaskOwner


def _read_image(path: str, max_side: int) -> QImage:
    if path.lower().endswith(".svg"):  # an SVG with no thumbnail yet: its safe copy, drawn at thumbnail size
        from imagestudio.app.image_loader import decode_svg

        return decode_svg(path, max_side)[0]
    image = QImage(path)  # QImage (unlike QPixmap) may be created off the GUI thread
    if not image.isNull() and max(image.width(), image.height()) > max_side:
        # scaled once here, not on every paint; and the cache holds half the bytes
        image = image.scaled(
            max_side, max_side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
    return image


class ThumbnailCache(QObject):
    thumbnailReady = Signal(int)  # image id

    def __init__(
        self,
        service: LibraryService,
        tasks: TaskOwner,
        capacity: int = 400,
        parent: QObject | None = None,
        *,
        max_side: int = 192,
    ) -> None:
        """``capacity`` pixmaps of at most ``max_side`` px (400 × 192² × 4 B ≈ 60 MB; a 4K screen shows ~160)."""
        super().__init__(parent)
        self._service = service
        self._tasks = tasks
        self._capacity = capacity
        self._max_side = max_side
        self._pixmaps: OrderedDict[int, QPixmap] = OrderedDict()
        self._loading: dict[int, asyncio.Task[None]] = {}
        self._failed: set[int] = set()

    def get(self, image_id: int, path: str | None) -> QPixmap | None:
        """The cached pixmap, or None while it loads (``thumbnailReady`` fires when it is there)."""
        pixmap = self._pixmaps.get(image_id)
        if pixmap is not None:
            self._pixmaps.move_to_end(image_id)
            return pixmap
        if path and image_id not in self._loading and image_id not in self._failed:
            task = self._tasks.spawn_if_open(self._load(image_id, path), name=f"thumb-{image_id}")
            if task is not None:
                self._loading[image_id] = task
        return None

    def keep_only(self, wanted: set[int]) -> int:
        """Cancel the loads of images no longer on screen (a queued decode is then never run; one already
        decoding finishes). A row scrolled back into view asks again when it is painted. Returns how many."""
        dropped = [task for image_id, task in self._loading.items() if image_id not in wanted]
        for task in dropped:
            task.cancel()
        return len(dropped)

    @property
    def loading(self) -> int:
        return len(self._loading)

    async def _load(self, image_id: int, path: str) -> None:
        try:
            image = await self._service.run_cpu(_read_image, path, self._max_side)
        finally:
            self._loading.pop(image_id, None)
        if image.isNull():
            self._failed.add(image_id)  # shown as a placeholder; `library check` rebuilds thumbnails
            return
        self._pixmaps[image_id] = QPixmap.fromImage(image)
        while len(self._pixmaps) > self._capacity:
            self._pixmaps.popitem(last=False)
        self.thumbnailReady.emit(image_id)

    def __len__(self) -> int:
        return len(self._pixmaps)
