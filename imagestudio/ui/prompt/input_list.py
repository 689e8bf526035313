"""The edit inputs' thumbnail list: a wrapping row in list mode (a drag reorders; icon mode would only move
icons), captions under the thumbnails, one or two rows tall; and the grey placeholder while a thumbnail decodes."""

from __future__ import annotations

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QColor, QDrag, QDropEvent, QPainter, QPixmap, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListView,
    QListWidget,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QToolButton,
    QWidget,
)

THUMB = 72


class _Captioned(QStyledItemDelegate):
    """Thumbnail on top, its caption centred below (list mode puts text beside the icon, out of the cell)."""

    def initStyleOption(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        super().initStyleOption(option, index)
        option.decorationPosition = QStyleOptionViewItem.Position.Top  # type: ignore[attr-defined]
        option.displayAlignment = Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop  # type: ignore[attr-defined]
        option.textElideMode = Qt.TextElideMode.ElideMiddle  # type: ignore[attr-defined]


class InputList(QListWidget):
    """The thumbnails in a wrapping row; drag one to reorder (an internal move), Delete removes."""

    orderChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.ListMode)  # list mode: a drag reorders (icon mode only moves icons)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(True)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 30, THUMB + 30))
        self.setUniformItemSizes(True)
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setItemDelegate(_Captioned(self))
        self.model().rowsMoved.connect(lambda *_: self.orderChanged.emit())

    def fit_height(self) -> None:
        """As tall as its rows of thumbnails (one or two; more scroll), never a tall empty box."""
        per_row = max(1, self.viewport().width() // self.gridSize().width())
        rows = min(2, max(1, -(-self.count() // per_row)))
        self.setFixedHeight(rows * self.gridSize().height() + 2 * self.frameWidth() + 4)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit_height()

    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        """The selected thumbnails, dragged to a new place in this list (QAbstractItemView's own drag would remove
        the rows after a move that ``dropEvent`` has already made)."""
        items = self.selectedItems()
        if not items:
            return
        drag = QDrag(self)
        drag.setMimeData(self.model().mimeData(self.selectedIndexes()))
        drag.setPixmap(items[0].icon().pixmap(THUMB // 2, THUMB // 2))
        drag.exec(Qt.DropAction.MoveAction)

    def dropEvent(self, event: QDropEvent) -> None:
        """A thumbnail dragged within the list: moved before the thumbnail it is dropped on (after it, on its right
        half). Done here rather than by QListView, whose move the list-mode model does not always make; the drop
        the drag itself (``startDrag``) never removes anything when it ends."""
        if event.source() is not self:
            event.ignore()  # outside images: the EditInputs around us take them
            return
        pos = event.position().toPoint()
        index = self.indexAt(pos)
        target = self.count()
        if index.isValid():
            target = index.row() + (1 if pos.x() > self.visualRect(index).center().x() else 0)
        rows = sorted(self.row(item) for item in self.selectedItems())
        if not rows:
            event.ignore()
            return
        moved = [self.takeItem(row) for row in reversed(rows)][::-1]
        target -= sum(1 for row in rows if row < target)
        for offset, item in enumerate(moved):
            self.insertItem(target + offset, item)
            item.setSelected(True)
        event.setDropAction(Qt.DropAction.MoveAction)
        event.accept()
        self.orderChanged.emit()


def tool_button(text: str, name: str, tip: str) -> QToolButton:
    button = QToolButton()
    button.setText(text)
    button.setObjectName(name)
    button.setToolTip(tip)
    button.setAccessibleName(tip)
    return button


def placeholder(*, broken: bool = False) -> QPixmap:
    """A grey square while the thumbnail decodes (with a ✕ when the file cannot be read)."""
    pixmap = QPixmap(THUMB, THUMB)
    pixmap.fill(QColor(128, 128, 128, 60))
    if broken:
        painter = QPainter(pixmap)
        painter.setPen(QColor(180, 40, 40))
        painter.drawText(pixmap.rect(), Qt.AlignmentFlag.AlignCenter, "✕")
        painter.end()
    return pixmap
