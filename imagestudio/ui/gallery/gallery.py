"""Gallery pane: search bar, library sidebar and the thumbnails. The model supplies only what is visible."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

from PySide6.QtCore import QEvent, QPoint, QPointF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import (
    QCursor,
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QHelpEvent,
    QHoverEvent,
    QKeyEvent,
    QMouseEvent,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QApplication,
    QHBoxLayout,
    QLabel,
    QListView,
    QMenu,
    QSplitter,
    QToolTip,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.gallery_model import GalleryModel
from imagestudio.app.library_actions import LibraryActions
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.library.query import LibraryQuery
from imagestudio.ui.gallery.empty_state import EmptyState
from imagestudio.ui.gallery.gallery_menu import GalleryMenu
from imagestudio.ui.gallery.library_sidebar import LibrarySidebar
from imagestudio.ui.gallery.search_bar import SearchBar
from imagestudio.ui.gallery.tile import (
    THUMB_MAX,
    THUMB_MIN,
    THUMB_STEP,
    GalleryDelegate,
    ThumbSizeControl,
    TileSizer,
    action_at,
)

THUMB = 192


class GalleryView(QListView):
    #: Local files or folders dropped onto the gallery (imported by the pane).
    filesDropped = Signal(list)
    #: Enter / Space on the current image: open it in the viewer (double-click goes through the pane's menu)
    openRequested = Signal(int)
    #: A hover button on a tile was clicked: ("favourite" | "open" | "more", image id, position in the viewport)
    tileAction = Signal(str, int, QPoint)
    #: The thumbnail edge changed (the size control, Ctrl+wheel), in px
    thumbSizeChanged = Signal(int)
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
        self.sizer = TileSizer(THUMB)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setSpacing(0)  # the cells fill the width exactly (tile.TileSizer); the tiles pad themselves
        # always there: a scroll bar that came and went would change the width, and so the columns, back and forth
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.setItemDelegate(GalleryDelegate(self.sizer, self))
        self.setMouseTracking(True)  # the hover buttons follow the pointer
        self.viewport().setAttribute(Qt.WidgetAttribute.WA_Hover, True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setLayoutMode(QListView.LayoutMode.Batched)
        self.setBatchSize(200)
        self.setAcceptDrops(True)
        self.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        model.item_size = self.sizer.cell
        self.setModel(model)
        # once scrolling pauses, thumbnails still queued for rows that went by are cancelled
        self._scrolled = QTimer(self)
        self._scrolled.setSingleShot(True)
        self._scrolled.setInterval(80)
        self._scrolled.timeout.connect(self.report_visible_rows)
        self.verticalScrollBar().valueChanged.connect(lambda _v: self._scrolled.start())
        # rows that come or go under a still pointer move the tiles: the hover buttons follow the one under it now
        self._rehover = QTimer(self)
        self._rehover.setSingleShot(True)
        self._rehover.timeout.connect(self._refresh_hover)
        for changed in (model.rowsInserted, model.rowsRemoved, model.modelReset, model.layoutChanged):
            changed.connect(lambda *_: self._rehover.start())

    # -- tile size: whole columns that fill the width; the thumbnail edge from the control or Ctrl+wheel ----------
    @property
    def thumb_size(self) -> int:
        return self.sizer.thumb

    def set_thumb_size(self, edge: int) -> None:
        edge = max(THUMB_MIN, min(THUMB_MAX, int(edge)))
        if edge == self.sizer.thumb:
            return
        self.sizer.thumb = edge
        self.setIconSize(QSize(edge, edge))
        self._fit_cells(force=True)
        self.thumbSizeChanged.emit(edge)

    def _fit_cells(self, force: bool = False) -> None:
        if self.sizer.fit(self.viewport().width()) or force:
            model = self.model()
            if isinstance(model, GalleryModel):
                model.item_size = self.sizer.cell
            self.doItemsLayout()  # uniform item sizes: the cached cell size is asked again
            self._scrolled.start()

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit_cells()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            notches = event.angleDelta().y() / 120
            if notches:
                self.set_thumb_size(self.sizer.thumb + round(notches * THUMB_STEP) or (1 if notches > 0 else -1))
            event.accept()
            return
        super().wheelEvent(event)

    # -- hover buttons: favourite, open, more ------------------------------------------------------------------
    def _tile_action(self, pos: QPoint) -> tuple[str, int] | None:
        index = self.indexAt(pos)
        model = self.model()
        if not index.isValid() or not isinstance(model, GalleryModel):
            return None
        image_id = model.image_id(index.row())
        image = model.details(image_id) if image_id is not None else None
        stacked = image is not None and image.stack_size > 1
        name = action_at(self.visualRect(index), self.sizer.thumb, pos, stacked=stacked) if image else None
        return (name, image_id) if name is not None and image_id is not None else None

    def mousePressEvent(self, event: QMouseEvent) -> None:
        hit = self._tile_action(event.position().toPoint())
        if hit is not None and event.button() == Qt.MouseButton.LeftButton:
            event.accept()  # no selection change, no rubber band, no drag
            self.tileAction.emit(hit[0], hit[1], event.position().toPoint())
            return
        super().mousePressEvent(event)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        if self._tile_action(event.position().toPoint()) is not None:
            event.accept()  # a quick second click on a button is not a double-click on the tile
            return
        super().mouseDoubleClickEvent(event)

    def _refresh_hover(self) -> None:
        pos = self.viewport().mapFromGlobal(QCursor.pos())
        if self.viewport().rect().contains(pos):  # Qt keeps the item that was hovered, wherever it moved
            at = QPointF(pos)
            QApplication.sendEvent(self.viewport(), QHoverEvent(QEvent.Type.HoverMove, at, at, at))
            self.viewport().update()

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            hit = self._tile_action(event.pos())
            if hit is not None:
                names = {"favourite": self.tr("Favourite (F)"), "open": self.tr("Open (Enter)"),
                         "more": self.tr("More…"), "stack": self.tr("Expand or collapse this stack (S)")}  # fmt: skip
                QToolTip.showText(event.globalPos(), names[hit[0]], self.viewport())
                return True
        return super().viewportEvent(event)

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
            split.setSizes([120, 640])
            split.setCollapsible(1, False)
            layout.addWidget(split, 1)
            self.menu = GalleryMenu(self, actions, tasks)
            self.sidebar.querySelected.connect(lambda _q: self.apply_query())
            self.search.saveRequested.connect(self.menu.save_search)
            self.view.customContextMenuRequested.connect(self.menu.popup)
            self.view.filesDropped.connect(self.menu.import_files)
            self.view.doubleClicked.connect(lambda _index: self.menu.preview())
            self.view.tileAction.connect(self._tile_action)
        else:
            self.search.hide()
            layout.addWidget(self.view, 1)
        #: the thumbnail size: a slider under the grid, Ctrl+wheel, Ctrl+= / Ctrl+- (ui/gallery/tile.py)
        self.thumb_control = ThumbSizeControl(self.view, self)
        self.thumb_slider = self.thumb_control.slider
        footer = QHBoxLayout()
        footer.addWidget(self.count, 1)
        footer.addWidget(self.thumb_control)
        layout.addLayout(footer)
        #: what the gallery says when it shows nothing (ui/gallery/empty_state.py)
        self.empty_state = EmptyState(self.view, model, self.show_everything)
        self.search.changed.connect(self.apply_query)
        for sig in (model.modelReset, model.rowsInserted, model.rowsRemoved):
            sig.connect(lambda *_: self._update_count(model))
        self._update_count(model)

    def _tile_action(self, name: str, image_id: int, pos: QPoint) -> None:
        """A tile's hover button: favourite that image, open it, or its menu (the image selected first)."""
        if name == "favourite" and self.library_actions is not None:
            self.library_actions.fire(self.library_actions.toggle_favourite([image_id]), "favourite")
        elif name == "open":
            self.view.openRequested.emit(image_id)
        elif name == "stack" and (image := self.model.details(image_id)) and image.stack_id is not None:
            self.menu.stacks.toggle(image.stack_id)
        elif name == "more":
            if image_id not in self.view.selected_ids():  # the menu acts on the selection: this image
                self.view.setCurrentIndex(self.view.indexAt(pos))
            self.menu.popup(pos)

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
            menu.culling.trash_rejected_action,
        ):
            if act is None:
                edit_menu.addSeparator()
            else:
                edit_menu.addAction(act)
        menu.culling.add_menus(edit_menu)
        menu.stacks.add_to(edit_menu)

    def show_everything(self) -> None:
        """All images: the search text, favourites-only and the filters cleared, the sidebar on All images."""
        self.search.blockSignals(True)
        self.search.text.clear()
        self.search.favourites.setChecked(False)
        self.search.filters.reset()
        self.search.blockSignals(False)
        if self.sidebar is not None:
            self.sidebar.setCurrentItem(self.sidebar.all_item)
        self.apply_query()

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
