"""Gallery pane: the library's thumbnails, newest first. The model supplies only what is visible."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import QPainter, QPalette, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.gallery_model import GalleryModel

THUMB = 192
CAPTION = 36


class GalleryDelegate(QStyledItemDelegate):
    """Draws a thumbnail fitted into a square cell, with the prompt elided below it."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return QSize(THUMB + 12, THUMB + CAPTION)

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        rect = option.rect  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        selected = bool(option.state & QStyle.StateFlag.State_Selected)  # type: ignore[attr-defined]
        if selected:
            painter.fillRect(rect, palette.color(QPalette.ColorRole.Highlight))
        cell = QRect(rect.x() + 6, rect.y() + 4, THUMB, THUMB)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(
                cell.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            x = cell.x() + (cell.width() - scaled.width()) // 2
            y = cell.y() + (cell.height() - scaled.height()) // 2
            painter.drawPixmap(x, y, scaled)
        else:
            painter.fillRect(cell, palette.color(QPalette.ColorRole.AlternateBase))
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        text_rect = QRect(rect.x() + 4, cell.bottom() + 4, rect.width() - 8, CAPTION - 8)
        elided = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())  # type: ignore[attr-defined]
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()


class GalleryView(QListView):
    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("gallery")
        self.setAccessibleName(self.tr("Gallery"))
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)  # lets the view lay out 100k rows without asking each one
        self.setIconSize(QSize(THUMB, THUMB))
        self.setSpacing(6)
        self.setItemDelegate(GalleryDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        model.item_size = QSize(THUMB + 12, THUMB + CAPTION)
        self.setModel(model)


class GalleryPane(QWidget):
    def __init__(self, model: GalleryModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.view = GalleryView(model)
        self.count = QLabel()
        self.count.setObjectName("galleryCount")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("<b>Gallery</b>"))
        layout.addWidget(title)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            sig.connect(lambda *_: self._update_count(model))
        self._update_count(model)

    def _update_count(self, model: GalleryModel) -> None:
        n = model.rowCount()
        self.count.setText(self.tr("%n image(s)", "", n) if n else self.tr("No images yet"))
