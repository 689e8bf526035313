"""Input images for an edit: from files, drag-in or the clipboard; plus the mask or markup of the first image.

With no input images the prompt editor generates; with 1–16 it edits. Pasted and painted images are written
by StudioService off the GUI thread; this widget only keeps paths.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.clipboard import has_images, images_from_mime
from imagestudio.app.dragdrop import image_ids_from

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


class EditInputs(QWidget):
    changed = Signal()
    #: The person asked to paint on the first image: (path, mode "mask"/"markup").
    paintRequested = Signal(str, str)
    #: Encoded image bytes from a drop or paste (bytes, extension): saved by StudioService, then add_paths.
    pasteData = Signal(bytes, str)
    #: Library image ids dropped or pasted from our own gallery/viewer: the editor looks up their files.
    libraryIdsDropped = Signal(list)

    def __init__(self, max_images: int = 16, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_images = max_images
        self.mask_path: str | None = None
        self.markup_path: str | None = None
        self._library_ids: dict[str, int] = {}  # path → library id: the edit's parents (lineage)
        self.list = QListWidget()
        self.list.setObjectName("editInputs")
        self.list.setAccessibleName(self.tr("Input images"))
        self.list.setMaximumHeight(90)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.setToolTip(self.tr("Drop images here, paste with Ctrl+V, or use Add… — they will be edited"))
        self.add = QPushButton(self.tr("Add…"))
        self.paste = QPushButton(self.tr("Paste"))
        self.remove = QPushButton(self.tr("Remove"))
        self.paint = QPushButton(self.tr("Mask / markup…"))
        self.paint.setObjectName("paintMask")
        self.clear_mask = QPushButton(self.tr("No mask"))
        self.status = QLabel()
        self.status.setObjectName("editStatus")
        self.add.clicked.connect(self._choose_files)
        self.paste.clicked.connect(self.paste_clipboard)
        self.remove.clicked.connect(self._remove_selected)
        self.paint.clicked.connect(lambda: self._paint("mask"))
        self.clear_mask.clicked.connect(self.clear_overlays)
        buttons = QHBoxLayout()
        for b in (self.add, self.paste, self.remove, self.paint, self.clear_mask):
            buttons.addWidget(b)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(QLabel(self.tr("<b>Images to edit</b> (optional)")))
        layout.addWidget(self.list)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.setAcceptDrops(True)
        self._refresh()

    def paths(self) -> tuple[str, ...]:
        return tuple(self.list.item(i).data(Qt.ItemDataRole.UserRole) for i in range(self.list.count()))

    def add_paths(self, paths: list[str]) -> list[str]:
        """Add image files; returns what was refused (wrong type, too many) so the caller can say so."""
        first = self.paths()[:1]
        refused = []
        for path in paths:
            if Path(path).suffix.lower() not in IMAGE_SUFFIXES or len(self.paths()) >= self.max_images:
                refused.append(path)
                continue
            if path in self.paths():
                continue
            item = QListWidgetItem(Path(path).name)
            item.setData(Qt.ItemDataRole.UserRole, path)
            item.setToolTip(path)
            self.list.addItem(item)
        if self.paths()[:1] != first:
            self._first_changed()
        else:
            self._refresh()
        if refused:
            self.status.setText(self.tr("Not added (PNG, JPEG or WebP; at most %1): %2").replace(
                "%1", str(self.max_images)).replace("%2", ", ".join(Path(p).name for p in refused)))  # fmt: skip
        return refused

    def add_library_images(self, images: list[tuple[int, str]]) -> list[str]:
        """Library images (id, original path): added like files, and remembered as the edit's parents."""
        for image_id, path in images:
            self._library_ids.setdefault(path, image_id)
        return self.add_paths([path for _id, path in images])

    def entries(self) -> list[tuple[str, int | None]]:
        """(path, library id or None) per input, in order: what a prompt draft keeps."""
        return [(p, self._library_ids.get(p)) for p in self.paths()]

    def set_entries(self, entries: list[tuple[str, int | None]], mask: str | None, markup: str | None) -> None:
        self.list.clear()
        self._library_ids.clear()
        for path, image_id in entries:
            if image_id is not None:
                self._library_ids[path] = image_id
        self.add_paths([path for path, _id in entries])
        self.mask_path, self.markup_path = mask, (markup if mask is None else None)
        self._refresh()

    def parent_ids(self) -> tuple[int, ...]:
        """Library ids of the listed inputs, in input order (outside files have none)."""
        return tuple(self._library_ids[p] for p in self.paths() if p in self._library_ids)

    def set_overlay(self, mode: str, path: str) -> None:
        if mode == "mask":
            self.mask_path, self.markup_path = path, None
        else:
            self.markup_path, self.mask_path = path, None
        self._refresh()

    def clear_overlays(self) -> None:
        self.mask_path = self.markup_path = None
        self._refresh()

    def clear(self) -> None:
        self.list.clear()
        self._library_ids.clear()
        self.clear_overlays()

    def paste_clipboard(self) -> None:
        if not self.take_mime(QGuiApplication.clipboard().mimeData()):
            self.status.setText(self.tr("The clipboard holds no image."))

    def take_mime(self, mime: QMimeData | None) -> bool:
        """A drop or paste: our own library images by id (so the edit links to them), else image files, else
        encoded bytes (saved to a file first). Returns False when the data holds no image."""
        if mime is None:
            return False
        ids = image_ids_from(mime)
        if ids:
            self.libraryIdsDropped.emit(ids)
            return True
        found = images_from_mime(mime)
        files = [str(image.path) for image in found if image.path is not None]
        if files:
            self.add_paths(files)
        for image in found:
            if image.path is None and image.data is not None:
                self.pasteData.emit(image.data, image.extension)
        return bool(found)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Images to edit"), "", self.tr("Images (*.png *.jpg *.jpeg *.webp)")
        )
        if files:
            self.add_paths(files)

    def _remove_selected(self) -> None:
        first = self.paths()[:1]
        for item in self.list.selectedItems():
            self._library_ids.pop(item.data(Qt.ItemDataRole.UserRole), None)
            self.list.takeItem(self.list.row(item))
        if self.paths()[:1] != first:
            self._first_changed()
        self._refresh()

    def _first_changed(self) -> None:
        # a mask belongs to the first image's size: a new first image invalidates it
        self.mask_path = self.markup_path = None
        self._refresh()

    def _paint(self, mode: str) -> None:
        if self.paths():
            self.paintRequested.emit(self.paths()[0], mode)

    def _refresh(self) -> None:
        has = bool(self.paths())
        self.remove.setEnabled(has)
        self.paint.setEnabled(has)
        self.clear_mask.setEnabled(bool(self.mask_path or self.markup_path))
        if self.mask_path:
            self.status.setText(self.tr("Mask set: the painted area will change."))
        elif self.markup_path:
            self.status.setText(self.tr("Markup set: the drawing guides the edit."))
        elif has:
            self.status.setText(self.tr("%1 image(s): Generate becomes Edit.").replace("%1", str(len(self.paths()))))
        else:
            self.status.setText("")
        self.changed.emit()

    # -- drag and drop -------------------------------------------------------------------------
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if has_images(event.mimeData()) or image_ids_from(event.mimeData()):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.take_mime(event.mimeData()):
            event.acceptProposedAction()
