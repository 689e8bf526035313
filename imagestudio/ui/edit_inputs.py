"""Input images for an edit: from files, drag-in or the clipboard; plus the mask or markup of the first image.

With no input images the prompt editor generates; with 1–16 it edits. Pasted and painted images are written
by StudioService off the GUI thread; this widget only keeps paths.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QImage
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

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")


class EditInputs(QWidget):
    changed = Signal()
    #: The person asked to paint on the first image: (path, mode "mask"/"markup").
    paintRequested = Signal(str, str)
    #: A clipboard image to be saved as an input (StudioService writes it, then add_paths is called).
    pasteImage = Signal(object)  # QImage

    def __init__(self, max_images: int = 16, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_images = max_images
        self.mask_path: str | None = None
        self.markup_path: str | None = None
        self.list = QListWidget()
        self.list.setObjectName("editInputs")
        self.list.setAccessibleName(self.tr("Input images"))
        self.list.setMaximumHeight(90)
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
        self.clear_overlays()

    def paste_clipboard(self) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is not None and mime.hasUrls():
            self.add_paths([u.toLocalFile() for u in mime.urls() if u.isLocalFile()])
            return
        image = QGuiApplication.clipboard().image()
        if image.isNull():
            self.status.setText(self.tr("The clipboard holds no image."))
            return
        self.pasteImage.emit(image)

    def _choose_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(
            self, self.tr("Images to edit"), "", self.tr("Images (*.png *.jpg *.jpeg *.webp)")
        )
        if files:
            self.add_paths(files)

    def _remove_selected(self) -> None:
        first = self.paths()[:1]
        for item in self.list.selectedItems():
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
        if event.mimeData().hasUrls() or event.mimeData().hasImage():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        if mime.hasUrls():
            self.add_paths([u.toLocalFile() for u in mime.urls() if u.isLocalFile()])
        elif mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.pasteImage.emit(image)
        event.acceptProposedAction()
