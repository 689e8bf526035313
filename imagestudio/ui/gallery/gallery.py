"""Gallery pane: search bar, library sidebar and the thumbnails. The model supplies only what is visible."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QColor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QPainter,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListView,
    QMenu,
    QSplitter,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.gallery_model import GalleryModel, ImageRole, PlaceholderRole
from imagestudio.app.library_actions import LibraryActions
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.library.query import LibraryQuery
from imagestudio.ui.gallery.gallery_menu import GalleryMenu
from imagestudio.ui.gallery.library_sidebar import LibrarySidebar
from imagestudio.ui.gallery.search_bar import SearchBar

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
        if index.data(PlaceholderRole) is not None:  # a job still generating: its latest partial, marked so
            pen = QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.drawRect(cell.adjusted(1, 1, -1, -1))
        image = index.data(ImageRole)
        if image is not None and image.favourite:
            painter.setPen(QColor(240, 180, 0))
            painter.drawText(QRect(cell.x() + 4, cell.y() + 2, 24, 24), Qt.AlignmentFlag.AlignLeft, "★")
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        text_rect = QRect(rect.x() + 4, cell.bottom() + 4, rect.width() - 8, CAPTION - 8)
        elided = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())  # type: ignore[attr-defined]
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()


class GalleryView(QListView):
    #: Local files or folders dropped onto the gallery (imported by the pane).
    filesDropped = Signal(list)
    #: Enter / Space on the current image: open it in the viewer (double-click goes through the pane's menu)
    openRequested = Signal(int)
    #: Set by the main window's MediaActions: builds real files + QMimeData (app/dragdrop.py) and runs the drag
    drag_out: Callable[[list[int]], None] | None = None

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
        self.setAcceptDrops(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        model.item_size = QSize(THUMB + 12, THUMB + CAPTION)
        self.setModel(model)
        # once scrolling pauses, thumbnails still queued for rows that went by are cancelled
        self._scrolled = QTimer(self)
        self._scrolled.setSingleShot(True)
        self._scrolled.setInterval(80)
        self._scrolled.timeout.connect(self.report_visible_rows)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled.start())

    def report_visible_rows(self) -> None:
        model = self.model()
        if not isinstance(model, GalleryModel) or not model.rowCount():
            return
        area = self.viewport().rect()
        first = self.indexAt(area.topLeft() + QPoint(self.spacing() + 2, self.spacing() + 2))
        if not first.isValid():  # between two rows of cells: the next row is the first seen
            first = self.indexAt(area.topLeft() + QPoint(self.spacing() + 2, self.spacing() + model.item_size.height()))
        first_row = first.row() if first.isValid() else 0
        cell_w = model.item_size.width() + 2 * self.spacing()
        cell_h = model.item_size.height() + 2 * self.spacing()
        per_row = max(1, area.width() // max(1, cell_w))
        rows_seen = area.height() // max(1, cell_h) + 2  # partly visible rows at both edges
        model.visible_rows(first_row, first_row + rows_seen * per_row - 1)

    # -- drop files from outside to import them (drags that start in this view are not imports) ------
    def _outside_files(self, event: QDropEvent | QDragEnterEvent | QDragMoveEvent) -> list[str]:
        if event.source() is self or not event.mimeData().hasUrls():
            return []
        return [url.toLocalFile() for url in event.mimeData().urls() if url.isLocalFile()]

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if self._outside_files(event):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if self._outside_files(event):
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        files = self._outside_files(event)
        if files:
            event.acceptProposedAction()
            self.filesDropped.emit(files)
        else:
            super().dropEvent(event)

    # -- drag out and open (imagestudio.ui.viewer.media_actions) ------------------------------------------
    def startDrag(self, supportedActions: Qt.DropAction) -> None:
        ids = self.selected_ids()
        if self.drag_out is not None and ids:
            self.drag_out(ids)
        else:
            super().startDrag(supportedActions)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        opening = event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space)
        if opening and self.currentIndex().isValid() and not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier:
            model = self.model()
            assert isinstance(model, GalleryModel)
            image_id = model.image_id(self.currentIndex().row())
            if image_id is not None:  # a generating placeholder has nothing to open yet
                self.openRequested.emit(image_id)
            event.accept()
            return
        super().keyPressEvent(event)

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.selectionModel().selectedIndexes())
        model = self.model()
        assert isinstance(model, GalleryModel)
        ids = (model.image_id(r) for r in rows if r < model.rowCount())
        return [i for i in ids if i is not None]  # placeholders of generating jobs are no images


class GalleryPane(QWidget):
    """Search bar over [sidebar | thumbnails], and the image count. ``view`` is the QListView."""

    def __init__(
        self,
        model: GalleryModel,
        actions: LibraryActions | None = None,
        tasks: TaskOwner | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.model = model
        self.library_actions = actions
        self.view = GalleryView(model)
        self.count = QLabel()
        self.count.setObjectName("galleryCount")
        self.search = SearchBar()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        title = QLabel(self.tr("<b>Gallery</b>"))
        layout.addWidget(title)
        layout.addWidget(self.search)
        self.sidebar: LibrarySidebar | None = None
        if actions is not None and tasks is not None:
            self.sidebar = LibrarySidebar(actions, tasks)
            split = QSplitter(Qt.Orientation.Horizontal)
            split.addWidget(self.sidebar)
            split.addWidget(self.view)
            split.setStretchFactor(1, 1)
            split.setSizes([130, 640])
            layout.addWidget(split, 1)
            self.menu = GalleryMenu(self, actions, tasks)
            self.sidebar.querySelected.connect(lambda _q: self.apply_query())
            self.search.saveRequested.connect(self.menu.save_search)
            self.view.customContextMenuRequested.connect(self.menu.popup)
            self.view.filesDropped.connect(self.menu.import_files)
            self.view.doubleClicked.connect(lambda _index: self.menu.preview())
        else:
            self.search.hide()
            layout.addWidget(self.view, 1)
        layout.addWidget(self.count)
        self.search.changed.connect(self.apply_query)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            sig.connect(lambda *_: self._update_count(model))
        self._update_count(model)

    def effective_query(self) -> LibraryQuery:
        """The sidebar entry narrowed by what is typed in the search bar."""
        base = self.sidebar.current_query() if self.sidebar is not None else LibraryQuery()
        typed = self.search.text.text().strip()
        text = " ".join(t for t in (base.text, typed) if t)
        sort = base.sort if base.in_trash else self.search.sort_key
        return self.search.narrow(
            dataclasses.replace(
                base, text=text, favourites=base.favourites or self.search.favourites.isChecked(), sort=sort
            )
        )

    def apply_query(self) -> None:
        self.model.set_query(self.effective_query())

    def add_menu_actions(self, file_menu: QMenu, edit_menu: QMenu) -> None:
        """The window's File and Edit menus list the library's actions (with their shortcuts)."""
        menu = self.menu
        first = file_menu.actions()[0] if file_menu.actions() else None
        if first is None:
            file_menu.addActions([menu.import_files_action, menu.import_folder_action])
        else:
            file_menu.insertActions(first, [menu.import_files_action, menu.import_folder_action])
            file_menu.insertSeparator(first)
        for act in (
            menu.undo_action,
            None,
            menu.favourite_action,
            menu.tag_action,
            menu.note_action,
            menu.trash_action,
            None,
            menu.find_action,
            menu.empty_trash_action,
        ):
            if act is None:
                edit_menu.addSeparator()
            else:
                edit_menu.addAction(act)

    def show_similar(self, image_id: int) -> None:
        """Images that look like ``image_id`` (perceptual hash), nearest first; any sidebar entry or search
        brings the normal view back."""
        self.model.set_query(LibraryQuery(similar_to=image_id))
        self.count.setToolTip(self.tr("Images similar to #%1").replace("%1", str(image_id)))

    def focus_search(self) -> None:
        self.search.text.setFocus()
        self.search.text.selectAll()

    def _update_count(self, model: GalleryModel) -> None:
        n = model.rowCount()
        if n:
            self.count.setText(self.tr("%n image(s)", "", n))
        elif not model.query.is_default:
            self.count.setText(self.tr("Nothing matches"))
        else:
            self.count.setText(self.tr("No images yet"))
