"""Clipboard and dropped data → images, and library images → clipboard.

``images_from_mime`` is the one function every drop/paste target uses (the prompt editor for edit inputs, the
gallery for imports): it returns local image files and raw image bytes from a QMimeData, whatever the source
app put there (file URLs, encoded image/png…, or only pixels).
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QMimeData, QUrl
from PySide6.QtGui import QClipboard, QImage

from imagestudio.app.dragdrop import IMAGE_ID_MIME, ExportSession
from imagestudio.core.export.convert import ExportOptions, export_images
from imagestudio.core.types import LibraryImage

IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".webp", ".gif"}
#: Encoded formats taken as they are (no re-encode), best first.
_ENCODED = ("image/png", "image/webp", "image/jpeg", "image/gif")
_EXT = {"image/png": "png", "image/webp": "webp", "image/jpeg": "jpg", "image/gif": "gif"}


@dataclass(frozen=True, slots=True)
class MimeImage:
    """One image found in a drop or paste: a local file (``path``) or bytes (``data``, e.g. a screenshot)."""

    path: Path | None = None
    data: bytes | None = None
    extension: str = "png"

    def read(self) -> bytes:
        """The image bytes (reads the file: call it off the GUI thread for files)."""
        if self.data is not None:
            return self.data
        assert self.path is not None
        return self.path.read_bytes()

    @property
    def name(self) -> str:
        return self.path.name if self.path is not None else f"pasted.{self.extension}"


def images_from_mime(mime: QMimeData | None) -> list[MimeImage]:
    """Image files (by suffix; the bytes are checked later by ``core.files.imageio.inspect``) and, when there are
    none, one image from the data: encoded bytes if offered, else the pixels encoded as PNG."""
    if mime is None:
        return []
    found = [
        MimeImage(path=Path(url.toLocalFile()), extension=Path(url.toLocalFile()).suffix.lstrip(".").lower())
        for url in mime.urls()
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES
    ]
    if found:
        return found
    for fmt in _ENCODED:
        if mime.hasFormat(fmt):
            data = bytes(mime.data(fmt).data())
            if data:
                return [MimeImage(data=data, extension=_EXT[fmt])]
    if mime.hasImage():
        image = mime.imageData()
        if isinstance(image, QImage) and not image.isNull():
            return [MimeImage(data=png_bytes(image), extension="png")]
    return []


def has_images(mime: QMimeData | None) -> bool:
    """Cheap check for dragEnterEvent (no decoding, no file reads)."""
    if mime is None:
        return False
    if any(url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES for url in mime.urls()):
        return True
    return mime.hasImage() or any(mime.hasFormat(fmt) for fmt in _ENCODED)


def png_bytes(image: QImage) -> bytes:
    array = QByteArray()
    buffer = QBuffer(array)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # PySide6 refuses bytes here at runtime
    buffer.close()
    return bytes(array.data())


def _prepare_copy(session: ExportSession, images: Sequence[LibraryImage]) -> tuple[list[Path], QImage]:
    """Worker thread: the original files into the session directory, and the first one's pixels."""
    result = export_images(list(images), session.new_drag_dir(), ExportOptions(), durable=False)
    pixels = QImage(str(result.written[0])) if result.written else QImage()
    return list(result.written), pixels


def clipboard_mime(files: Sequence[Path], image_ids: Sequence[int], pixels: QImage) -> QMimeData:
    """A plain QMimeData (no Python overrides: the clipboard outlives Python objects at exit, and a clipboard
    manager may read it while the interpreter is finishing)."""
    mime = QMimeData()
    urls = [QUrl.fromLocalFile(str(p)) for p in files]
    mime.setUrls(urls)
    mime.setData(IMAGE_ID_MIME, ",".join(str(i) for i in image_ids).encode())
    # GNOME Files, Nautilus, Caja, Nemo paste copied files from this format; KDE and others read the URLs
    mime.setData("x-special/gnome-copied-files", ("copy\n" + "\n".join(u.toString() for u in urls)).encode())
    if not pixels.isNull():
        mime.setImageData(pixels)  # editors and chats paste the picture
    return mime


async def copy_images(clipboard: QClipboard, session: ExportSession, images: Sequence[LibraryImage]) -> int:
    """Ctrl+C: the original files (a file manager pastes real files) and the first image's pixels. Files are
    written and decoded on a worker thread. Returns how many files were put on the clipboard."""
    files, pixels = await asyncio.to_thread(_prepare_copy, session, images)
    if files:
        clipboard.setMimeData(clipboard_mime(files, [im.id for im in images], pixels))
    return len(files)
