"""Input images for an edit: from files, drag-in or the clipboard; plus the mask or markup of the first image.

With no input images the prompt editor generates; with 1–16 it edits. Each input shows as a thumbnail (decoded
and shrunk by StudioService on a worker thread: this widget asks with ``thumbnailWanted`` and receives
``set_thumbnail``); they can be removed (button, Delete), reordered (drag, or the ◀ ▶ buttons) and one can be
made the mask base (the first image: the one a mask is painted on, whose size the mask must have). Pasted and
painted images are written by StudioService off the GUI thread; this widget only keeps paths.
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer, Signal
from PySide6.QtGui import (
    QDragEnterEvent,
    QDropEvent,
    QGuiApplication,
    QIcon,
    QImage,
    QKeySequence,
    QPixmap,
    QShortcut,
)
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.clipboard import has_images, images_from_mime
from imagestudio.app.dragdrop import image_ids_from
from imagestudio.ui.prompt.input_list import THUMB, InputList, placeholder, tool_button

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".webp")
PathRole = Qt.ItemDataRole.UserRole
_SCRATCH_NAME = re.compile(r"^input-\d+\.\w+$")  # what StudioService names a pasted or dropped picture


class EditInputs(QWidget):
    changed = Signal()
    #: The person asked to paint on the first image: (path, mode "mask"/"markup").
    paintRequested = Signal(str, str)
    #: Encoded image bytes from a drop or paste (bytes, extension): saved by StudioService, then add_paths.
    pasteData = Signal(bytes, str)
    #: Library image ids dropped or pasted from our own gallery/viewer: the editor looks up their files.
    libraryIdsDropped = Signal(list)
    #: A thumbnail is needed for this path (decoded off the GUI thread, then ``set_thumbnail``).
    thumbnailWanted = Signal(str)

    def __init__(self, max_images: int = 16, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.max_images = max_images
        self.mask_path: str | None = None
        self.markup_path: str | None = None
        self._library_ids: dict[str, int] = {}  # path → library id: the edit's parents (lineage)
        self._thumbs: dict[str, QPixmap] = {}
        self.list = InputList()
        self.list.setObjectName("editInputs")
        self.list.setAccessibleName(self.tr("Input images"))
        self.list.setToolTip(
            self.tr("Drop images here, paste with Ctrl+V, or use Add… — they will be edited. Drag to reorder.")
        )
        self.add = QPushButton(self.tr("Add…"))
        self.add.setObjectName("addInput")
        self.paste = QPushButton(self.tr("Paste"))
        self.remove = tool_button(self.tr("Remove"), "removeInput", self.tr("Remove the selected images (Del)"))
        self.move_left = tool_button("◀", "moveInputLeft", self.tr("Move the selected image earlier"))
        self.move_right = tool_button("▶", "moveInputRight", self.tr("Move the selected image later"))
        self.mask_base = tool_button(
            self.tr("Set as mask base"), "setMaskBase",
            self.tr("Make the selected image the first one: the mask is painted on it"),
        )  # fmt: skip
        self.paint = QPushButton(self.tr("Mask / markup…"))
        self.paint.setObjectName("paintMask")
        self.clear_mask = QPushButton(self.tr("No mask"))
        self.clear_mask.setObjectName("clearMask")
        self.status = QLabel()
        self.status.setObjectName("editStatus")
        self.status.setWordWrap(True)
        self.add.clicked.connect(self._choose_files)
        self.paste.clicked.connect(self.paste_clipboard)
        self.remove.clicked.connect(self._remove_selected)
        self.move_left.clicked.connect(lambda: self._move_selected(-1))
        self.move_right.clicked.connect(lambda: self._move_selected(+1))
        self.mask_base.clicked.connect(self._make_mask_base)
        self.paint.clicked.connect(lambda: self._paint("mask"))
        self.clear_mask.clicked.connect(self.clear_overlays)
        self.list.itemSelectionChanged.connect(self._refresh_buttons)
        self.list.orderChanged.connect(self._order_changed)
        delete = QShortcut(QKeySequence(QKeySequence.StandardKey.Delete), self.list)
        delete.setContext(Qt.ShortcutContext.WidgetShortcut)
        delete.setWhatsThis(self.tr("Remove the selected edit images"))
        delete.activated.connect(self._remove_selected)
        order, buttons = QHBoxLayout(), QHBoxLayout()
        for tool in (self.move_left, self.move_right, self.mask_base, self.remove):
            order.addWidget(tool)
        for button in (self.add, self.paste, self.paint, self.clear_mask):
            buttons.addWidget(button)
        order.addStretch(1)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("<b>Images to edit</b> (optional)"))
        title.setBuddy(self.list)
        layout.addWidget(title)
        layout.addWidget(self.list)
        layout.addLayout(order)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.setAcceptDrops(True)
        self._last_order: tuple[str, ...] = ()
        self._refresh()

    def paths(self) -> tuple[str, ...]:
        return tuple(self.list.item(i).data(PathRole) for i in range(self.list.count()))

    def add_paths(self, paths: list[str]) -> list[str]:
        """Add image files; returns what was refused (wrong type, too many) so the caller can say so."""
        refused, before = [], self.list.count()
        for path in paths:
            if Path(path).suffix.lower() not in IMAGE_SUFFIXES or len(self.paths()) >= self.max_images:
                refused.append(path)
                continue
            if path in self.paths():
                continue
            self.list.addItem(self._make_item(path))
        self._order_changed()
        if self.list.count() > before:  # added: bring the thumbnails into view in the scrolling prompt column
            QTimer.singleShot(0, self._into_view)
        if refused:
            self.status.setText(self.tr("Not added (PNG, JPEG or WebP; at most %1): %2").replace(
                "%1", str(self.max_images)).replace("%2", ", ".join(Path(p).name for p in refused)))  # fmt: skip
        return refused

    def _into_view(self) -> None:
        parent = self.parentWidget()
        while parent is not None and not isinstance(parent, QScrollArea):
            parent = parent.parentWidget()
        if isinstance(parent, QScrollArea) and self.isVisible():
            parent.ensureWidgetVisible(self, 0, 0)

    def _make_item(self, path: str) -> QListWidgetItem:
        item = QListWidgetItem(self._caption(path))
        item.setData(PathRole, path)
        item.setToolTip(path)
        item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsDropEnabled)  # dropped between items, never onto one
        item.setSizeHint(self.list.gridSize())
        pixmap = self._thumbs.get(path)
        item.setIcon(QIcon(pixmap if pixmap is not None else placeholder()))
        if pixmap is None:
            self.thumbnailWanted.emit(path)
        return item

    def _caption(self, path: str) -> str:
        image_id = self._library_ids.get(path)
        if image_id is not None:
            return f"#{image_id}"  # library originals are named by their SHA-256: the id means more
        name = Path(path).name
        return self.tr("Pasted") if _SCRATCH_NAME.match(name) else name

    def set_thumbnail(self, path: str, image: QImage) -> None:
        """The decoded thumbnail of ``path`` (a null image when it could not be read: a mark says so)."""
        if image.isNull():
            pixmap = placeholder(broken=True)
        else:
            pixmap = QPixmap.fromImage(
                image.scaled(
                    THUMB, THUMB, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
                )
            )
        self._thumbs[path] = pixmap
        for i in range(self.list.count()):
            item = self.list.item(i)
            if item.data(PathRole) == path:
                item.setIcon(QIcon(pixmap))
                if image.isNull():
                    item.setToolTip(self.tr("%1 (could not be read)").replace("%1", path))

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
        self._last_order = ()
        self.add_paths([path for path, _id in entries])
        self.mask_path, self.markup_path = mask, (markup if mask is None else None)
        self._last_order = self.paths()
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
        self._last_order = ()
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

    # -- remove, reorder, mask base ----------------------------------------------------------------
    def _selected_rows(self) -> list[int]:
        return sorted(self.list.row(item) for item in self.list.selectedItems())

    def _remove_selected(self) -> None:
        rows = self._selected_rows()
        for row in reversed(rows):
            item = self.list.takeItem(row)
            if item is not None:
                self._library_ids.pop(item.data(PathRole), None)
        if rows:
            self._order_changed()

    def _move_selected(self, step: int) -> None:
        rows = self._selected_rows()
        if len(rows) != 1:
            return
        row = rows[0]
        target = row + step
        if not 0 <= target < self.list.count():
            return
        item = self.list.takeItem(row)
        self.list.insertItem(target, item)
        self.list.setCurrentItem(item)
        self._order_changed()

    def _make_mask_base(self) -> None:
        rows = self._selected_rows()
        if len(rows) != 1 or rows[0] == 0:
            return
        item = self.list.takeItem(rows[0])
        self.list.insertItem(0, item)
        self.list.setCurrentItem(item)
        self._order_changed()

    def _order_changed(self) -> None:
        order = self.paths()
        first_changed = order[:1] != self._last_order[:1]
        self._last_order = order
        had_overlay = bool(self.mask_path or self.markup_path)
        if first_changed and had_overlay:
            # a mask belongs to the first image's size: a new first image invalidates it — and we say so
            self.mask_path = self.markup_path = None
            self._refresh()
            self.status.setText(self.tr("The mask was cleared: it was painted on the previous first image."))
            return
        self._refresh()

    def _paint(self, mode: str) -> None:
        if self.paths():
            self.paintRequested.emit(self.paths()[0], mode)

    def _refresh_buttons(self) -> None:
        rows = self._selected_rows()
        one = len(rows) == 1
        self.remove.setEnabled(bool(rows))
        self.move_left.setEnabled(one and rows[0] > 0)
        self.move_right.setEnabled(one and rows[0] + 1 < self.list.count())
        self.mask_base.setEnabled(one and rows[0] > 0)

    def _refresh(self) -> None:
        has = bool(self.paths())
        self.list.setVisible(has)
        self.list.fit_height()
        base = self.tr("Image 1 is the mask base: a mask is painted on it and must have its size.")
        for i in range(self.list.count()):  # numbered: the order is the order sent, and image 1 is the mask base
            item = self.list.item(i)
            path = item.data(PathRole)
            item.setText(f"{i + 1}  {self._caption(path)}")
            item.setToolTip(f"{base}\n{path}" if i == 0 else path)
        self._refresh_buttons()
        for widget in (self.move_left, self.move_right, self.mask_base, self.remove):
            widget.setVisible(has)
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
