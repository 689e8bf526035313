"""Drag-out: library images become real files a drop target can open (file manager, Photoshop, Figma, chat).

The files are written first into a per-session export directory, then offered as file URLs plus image data
(for apps that take pixels, decoded only if a target asks). The directory is deleted at app exit — never when
``QDrag.exec()`` returns: some targets read the files after the drop (see design/packaging-notes.md).
"""

from __future__ import annotations

import logging
import os
import shutil
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from PySide6.QtCore import QMimeData, QObject, Qt, QUrl
from PySide6.QtGui import QDrag, QImage, QPixmap

from imagestudio.core.clock import Clock, SystemClock
from imagestudio.core.export.convert import ExportOptions, ExportResult, export_images
from imagestudio.core.types import LibraryImage

log = logging.getLogger(__name__)
QT_IMAGE = "application/x-qt-image"
IMAGE_ID_MIME = "application/x-imagestudio-image-ids"  # drops back into our own windows know the ids
STALE_AFTER = 24 * 3600  # leftovers of a crashed session; a running session's directory is never this old
MAX_DRAG = 500

_MIME_OF = {"png": "image/png", "jpg": "image/jpeg", "jpeg": "image/jpeg", "webp": "image/webp", "gif": "image/gif"}


class ExportSession:
    """One directory per app run under ``<cache>/drag``; each drag gets its own numbered subdirectory so
    names from the template never collide with an earlier drag's files still being read."""

    def __init__(self, cache_dir: Path, clock: Clock | None = None) -> None:
        self._base = cache_dir / "drag"
        self._clock = clock or SystemClock()  # ages earlier sessions' folders (by their mtime, the file clock)
        self._root: Path | None = None
        self._count = 0

    @property
    def root(self) -> Path | None:
        return self._root

    def new_drag_dir(self) -> Path:
        if self._root is None:
            self._base.mkdir(parents=True, exist_ok=True)
            self._purge_stale()
            self._root = Path(tempfile.mkdtemp(prefix=f"session-{os.getpid()}-", dir=self._base))
        self._count += 1
        directory = self._root / f"{self._count:04d}"
        directory.mkdir()
        return directory

    def _purge_stale(self) -> None:
        now = self._clock.now()
        for entry in self._base.iterdir():
            try:
                if entry.is_dir() and now - entry.stat().st_mtime > STALE_AFTER:
                    shutil.rmtree(entry, ignore_errors=True)
            except OSError:
                continue

    def cleanup(self) -> None:
        """At app exit (Composition.shutdown): every file this session offered to drop targets goes."""
        if self._root is not None:
            shutil.rmtree(self._root, ignore_errors=True)
            self._root = None


class ImageMimeData(QMimeData):
    """File URLs now; pixels for ``application/x-qt-image`` only when a drop target asks (decoding a large
    image costs time the drag start should not pay)."""

    def __init__(self, files: Sequence[Path], image_ids: Sequence[int]) -> None:
        super().__init__()
        self._first = files[0] if files else None
        self.setUrls([QUrl.fromLocalFile(str(p)) for p in files])
        self.setData(IMAGE_ID_MIME, ",".join(str(i) for i in image_ids).encode())
        if self._first is not None:
            mime = _MIME_OF.get(self._first.suffix.lower().lstrip("."))
            if mime:  # apps that take encoded bytes get the exact file, no re-encode
                self.setData(mime, self._first.read_bytes())

    def formats(self) -> list[str]:
        found = list(super().formats())
        if self._first is not None and QT_IMAGE not in found:
            found.append(QT_IMAGE)
        return found

    def hasFormat(self, mimetype: str) -> bool:
        return (mimetype == QT_IMAGE and self._first is not None) or super().hasFormat(mimetype)

    def retrieveData(self, mimetype: str, preferred_type: Any) -> Any:
        if mimetype == QT_IMAGE and self._first is not None:
            return QImage(str(self._first))
        return super().retrieveData(mimetype, preferred_type)


def image_ids_from(mime: QMimeData) -> list[int]:
    """Our own drags carry the library ids (a drop inside the app need not import a copy)."""
    if not mime.hasFormat(IMAGE_ID_MIME):
        return []
    raw = bytes(mime.data(IMAGE_ID_MIME).data()).decode(errors="replace")
    return [int(part) for part in raw.split(",") if part.strip().isdigit()]


def prepare_files(session: ExportSession, images: Sequence[LibraryImage], options: ExportOptions) -> ExportResult:
    """Write the files a drag offers. Originals are copied byte for byte (a drop target may change its file;
    our original must not change with it). Called from ``startDrag``: the drag protocol needs the files
    before ``QDrag.exec``."""
    return export_images(list(images)[:MAX_DRAG], session.new_drag_dir(), options, durable=False)


def run_drag(source: QObject, mime: QMimeData, pixmap: QPixmap | None) -> Qt.DropAction:
    """``QDrag.exec`` (a nested event loop until the drop). Tests replace this function."""
    drag = QDrag(source)
    drag.setMimeData(mime)
    if pixmap is not None and not pixmap.isNull():
        drag.setPixmap(pixmap.scaled(128, 128, Qt.AspectRatioMode.KeepAspectRatio))
    return drag.exec(Qt.DropAction.CopyAction, Qt.DropAction.CopyAction)


def drag_images(
    source: QObject,
    session: ExportSession,
    images: Sequence[LibraryImage],
    options: ExportOptions,
    pixmap: QPixmap | None = None,
) -> ExportResult:
    """Export, build the mime data and run the drag. The files stay until ``session.cleanup()``."""
    result = prepare_files(session, images, options)
    for problem in result.problems:
        log.warning("drag export: %s", problem)
    if result.written:
        run_drag(source, ImageMimeData(result.written, [im.id for im in images]), pixmap)
    return result
