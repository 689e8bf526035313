"""The viewer: one image large with zoom (fit, 100 %, wheel, keys), pan, next/previous, full screen, the
metadata panel and the lineage tree. Pixels are decoded on a worker thread; the GUI thread only makes the
pixmap. Dragging the image (when it fits) drags out a real file; Ctrl+C copies it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QGuiApplication, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSplitter,
    QTabWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.clipboard import copy_images
from imagestudio.app.dragdrop import drag_images
from imagestudio.app.image_loader import LoadedImage
from imagestudio.app.library_actions import LibraryActions
from imagestudio.core.files.provenance import FileFacts
from imagestudio.core.types import LibraryImage
from imagestudio.ui.screen_fit import resize_within_screen
from imagestudio.ui.viewer import window_keys
from imagestudio.ui.viewer.image_canvas import ImageCanvas
from imagestudio.ui.viewer.lineage_view import LineageView
from imagestudio.ui.viewer.metadata_panel import MetadataPanel
from imagestudio.ui.viewer.refine_panel import RefinePanel
from imagestudio.ui.viewer.viewer_organise import ViewerOrganiser
from imagestudio.ui.viewer.viewer_services import ViewerServices, drag_options

__all__ = ["ViewerServices", "ViewerWindow", "drag_options"]  # the services moved; old imports keep working


class ViewerWindow(QWidget):
    reuseRequested = Signal(object)  # GenerationRequest
    exportRequested = Signal(list)  # image ids
    compareRequested = Signal(list)  # image ids
    compareStepsRequested = Signal(list, str)  # two lineage steps, their prompt diff (rich text)

    def __init__(
        self, services: ViewerServices, parent: QWidget | None = None, *, actions: LibraryActions | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("viewer")
        self.setAccessibleName(self.tr("Viewer"))  # where its keys work (Help → Keyboard shortcuts)
        self.setWindowTitle(self.tr("Viewer"))
        resize_within_screen(self, 1280, 860)
        self._services = services
        self._ids: list[int] = []
        self._stacks: list[list[int]] = []  # the stacks walked member by member (to say "2 of 4 in stack")
        self._index = 0
        self._current: LibraryImage | None = None
        self.canvas = ImageCanvas()
        self.metadata = MetadataPanel(services.capabilities)
        self.lineage = LineageView()
        self.refine = RefinePanel(services.refiner)
        self.position = QLabel()
        self.position.setObjectName("viewerPosition")
        self.zoom_label = QLabel()
        self.zoom_label.setObjectName("viewerZoom")

        bar = QHBoxLayout()
        self.buttons: dict[str, QToolButton] = {}
        for key, text, tip, slot in (
            ("prev", "◀", self.tr("Previous (Left)"), self.previous),
            ("next", "▶", self.tr("Next (Right)"), self.next),
            ("fit", self.tr("Fit"), self.tr("Zoom to fit (0)"), self.canvas.fit),
            ("actual", "100 %", self.tr("Actual size (1)"), self.canvas.actual_size),
            ("zoom_out", "−", self.tr("Zoom out (-)"), self.canvas.zoom_out),
            ("zoom_in", "+", self.tr("Zoom in (+)"), self.canvas.zoom_in),
            ("full", self.tr("Full screen"), self.tr("Full screen (F11)"), self.toggle_full_screen),
            ("copy", self.tr("Copy"), self.tr("Copy the image (Ctrl+C)"), self.copy),
            ("export", self.tr("Export…"), self.tr("Export this image"), self._export),
            ("compare", self.tr("Compare"), self.tr("Compare with the next image"), self._compare),
        ):
            button = QToolButton()
            button.setText(text)
            button.setToolTip(tip)
            button.setAccessibleName(tip)
            button.clicked.connect(slot)
            self.buttons[key] = button
            bar.addWidget(button)
        #: favourite, tags and note of the shown image (ui/viewer/viewer_organise.py)
        self.organiser = ViewerOrganiser(self, actions, lambda: self._current, self._refresh_row)
        for button in self.organiser.buttons():
            bar.addWidget(button)
        bar.addStretch(1)
        bar.addWidget(self.zoom_label)
        bar.addWidget(self.position)

        self.side = QTabWidget()
        self.side.addTab(self.metadata, self.tr("Details"))
        self.side.addTab(self.lineage, self.tr("Lineage"))
        self.side.addTab(self.refine, self.tr("Refine"))
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.canvas)
        split.addWidget(self.side)
        split.setStretchFactor(0, 1)
        split.setSizes([900, 360])
        self.split = split
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(split, 1)

        self.canvas.viewChanged.connect(lambda *_: self._show_zoom())
        self.canvas.dragOutRequested.connect(self.drag_out)
        self.canvas.rasterWanted.connect(self._sharper)
        self.metadata.reuseRequested.connect(self.reuseRequested)
        self.metadata.navigateRequested.connect(self.show_id)
        self.lineage.navigateRequested.connect(self.show_id)
        self.lineage.compareRequested.connect(self.compareStepsRequested)
        self.refine.navigateRequested.connect(self.show_id)
        self._facts: FileFacts | None = None
        self._install_keys()

    # -- navigation ------------------------------------------------------------------------------
    def open(self, ids: list[int], index: int, stacks: dict[int, list[int]] | None = None) -> None:
        """Show ``ids[index]``; next/previous walk ``ids`` (the gallery's order when opened, a stack opened from
        its tile spread out member by member); ``stacks``: the members of each stack in ``ids``, in order."""
        self._stacks = [members for members in (stacks or {}).values() if len(members) > 1]
        self._ids = list(ids)
        self._index = max(0, min(index, len(ids) - 1))
        self.show()
        self.raise_()
        self.activateWindow()
        self.canvas.setFocus()
        if self._ids:
            self._load(self._ids[self._index])

    def show_id(self, image_id: int) -> None:
        """Open an image from the lineage or a parent link; it joins the navigation list if absent."""
        if image_id not in self._ids:
            self._ids.insert(self._index + 1, image_id)
        self._index = self._ids.index(image_id)
        self._load(image_id)

    def spread_stack(self, image_id: int, members: list[int]) -> None:
        """The shown image is in this stack: walk its ``members`` from here (if it is still the one shown)."""
        if self.current_id != image_id or image_id not in members:
            return
        rest = [i for i in self._ids if i == image_id or i not in members]
        at = rest.index(image_id)
        self._ids = rest[:at] + members + rest[at + 1 :]
        self._index = self._ids.index(image_id)
        self._stacks.append(members)
        self._show_position(image_id)

    def next(self) -> None:
        if self._index + 1 < len(self._ids):
            self._index += 1
            self._load(self._ids[self._index])

    def previous(self) -> None:
        if self._index > 0:
            self._index -= 1
            self._load(self._ids[self._index])

    @property
    def current_id(self) -> int | None:
        return self._ids[self._index] if self._ids else None

    @property
    def current(self) -> LibraryImage | None:
        return self._current

    def _load(self, image_id: int) -> None:
        self._current = None
        self._show_position(image_id)
        self.canvas.set_image(None, self.tr("Loading…"))
        self.metadata.set_image(None)
        self.refine.set_image(None)
        self._services.tasks.spawn_if_open(self._fetch(image_id), name=f"viewer-{image_id}")

    def _show_position(self, image_id: int) -> None:
        members = next((m for m in self._stacks if image_id in m), None)
        in_stack = self.tr("%1 of %2 in stack").replace("%1", str(members.index(image_id) + 1)) if members else ""
        in_stack = "  ·  " + in_stack.replace("%2", str(len(members))) if members else ""
        self.position.setText(f"{self._index + 1} / {len(self._ids)}{in_stack}")
        self.buttons["prev"].setEnabled(self._index > 0)
        self.buttons["next"].setEnabled(self._index + 1 < len(self._ids))

    def _sharper(self, side: int) -> None:
        image = self._current
        if image is not None and image.format.lower() == "svg":
            self._services.tasks.spawn_if_open(self._render(image.id, image.path, side), name=f"viewer-svg-{side}")

    async def _render(self, image_id: int, path: str, side: int) -> None:
        raster = await self._services.loader.render_svg(path, side)
        if self.current_id == image_id:
            self.canvas.show_sharper(raster)

    async def _fetch(self, image_id: int) -> None:
        loaded = await self._services.loader.load(image_id)
        if self.current_id != image_id:
            return  # the person moved on meanwhile
        self._show(image_id, loaded)
        lineage = await self._services.loader.lineage(image_id)
        if self.current_id == image_id:
            self.lineage.set_lineage(lineage)

    def _show(self, image_id: int, loaded: LoadedImage | None) -> None:
        if loaded is None:
            self.canvas.set_image(None, self.tr("Image #%1 is no longer in the library.").replace("%1", str(image_id)))
            return
        self._current = loaded.image
        self.setWindowTitle(f"#{image_id} — {' '.join(loaded.image.prompt.split())[:80]}")
        problem = self.tr("The original file could not be shown: %1").replace("%1", loaded.problem or "?")
        self.canvas.set_image(loaded.pixels, "" if not loaded.pixels.isNull() else problem)
        if not loaded.pixels.isNull() and loaded.image.format.lower() in ("gif", "svg"):
            self.canvas.play_original(loaded.image.path, loaded.image.format.lower())  # animation / vectors
        self._facts = loaded.facts
        self.metadata.set_image(loaded.image, loaded.facts)
        self.refine.set_image(loaded.image)
        self.organiser.show(loaded.image)
        self._show_zoom()

    def _refresh_row(self, image_id: int) -> None:
        """The shown image's row changed (favourite, tags, note): read it again, keep the pixels."""
        self._services.tasks.spawn_if_open(self._reread(image_id), name=f"viewer-row-{image_id}")

    async def _reread(self, image_id: int) -> None:
        images = await self._services.loader.images([image_id])
        if images and self.current_id == image_id and self._current is not None:
            self._current = images[0]
            self.metadata.set_image(images[0], self._facts)
            self.organiser.show(images[0])

    def _show_zoom(self) -> None:
        self.zoom_label.setText(f"{self.canvas.zoom * 100:.0f} %" + (self.tr(" (fit)") if self.canvas.fitted else ""))

    # -- actions ---------------------------------------------------------------------------------
    def toggle_full_screen(self) -> None:
        if self.isFullScreen():
            self.showNormal()
            self.side.show()
        else:
            self.side.hide()  # the whole screen for the image
            self.showFullScreen()

    def copy(self) -> None:
        if self._current is not None:
            task = copy_images(QGuiApplication.clipboard(), self._services.session, [self._current])
            self._services.tasks.spawn(task, name="copy-image")

    def drag_out(self) -> None:
        if self._current is not None:
            pixmap = self.canvas.grab(self.canvas.target_rect().toAlignedRect())
            drag_images(self, self._services.session, [self._current], drag_options(self._services.prefs), pixmap)

    def _export(self) -> None:
        if self.current_id is not None:
            self.exportRequested.emit([self.current_id])

    def _compare(self) -> None:
        if self.current_id is not None:
            others = [i for i in self._ids[self._index + 1 : self._index + 2] if i != self.current_id]
            self.compareRequested.emit([self.current_id, *others])

    def show_refine(self) -> None:
        """The Refine tab, ready for an instruction."""
        self.side.show()
        self.side.setCurrentWidget(self.refine)
        self.refine.instruction.setFocus()

    def _install_keys(self) -> None:
        """Every key of the viewer is a QAction on this window (listed by Help → Keyboard shortcuts). F, T, N, 0–5,
        P, X and U mean Favourite, Tag, Note, stars, Pick, Reject and Unflag as in the gallery (Lightroom's culling
        keys); Ctrl+0 fits the image, Ctrl+1 shows it at actual size (as in Photoshop)."""
        key = QKeySequence
        table: tuple[tuple[str, tuple[QKeySequence, ...], Callable[[], None]], ...] = (
            (self.tr("Next image"), (key(Qt.Key.Key_Right), key(Qt.Key.Key_PageDown), key(Qt.Key.Key_Space)),
             self.next),
            (self.tr("Previous image"), (key(Qt.Key.Key_Left), key(Qt.Key.Key_PageUp), key(Qt.Key.Key_Backspace)),
             self.previous),
            (self.tr("Zoom in"), (key(Qt.Key.Key_Plus), key(Qt.Key.Key_Equal)), self.canvas.zoom_in),
            (self.tr("Zoom out"), (key(Qt.Key.Key_Minus), key(Qt.Key.Key_Underscore)), self.canvas.zoom_out),
            (self.tr("Zoom to fit"), (key("Ctrl+0"),), self.canvas.fit),
            (self.tr("Actual size"), (key("Ctrl+1"),), self.canvas.actual_size),
            (self.tr("Full screen"), (key(Qt.Key.Key_F11),), self.toggle_full_screen),
            (self.tr("Cancel the refine step, leave full screen or close"), (key(Qt.Key.Key_Escape),), self._escape),
            (self.tr("Copy the image"), (key(key.StandardKey.Copy),), self.copy),
            (self.tr("Export…"), (key("Ctrl+E"),), self._export),
            (self.tr("Favourite"), (key(Qt.Key.Key_F),), self.organiser.toggle_favourite),
            (self.tr("Add tag…"), (key(Qt.Key.Key_T),), self.organiser.add_tag),
            (self.tr("Edit note…"), (key(Qt.Key.Key_N),), self.organiser.edit_note),
            *self.organiser.key_table(),
        )  # fmt: skip
        self.key_actions = window_keys.install(self, table)

    def _escape(self) -> None:
        if self.refine.busy and self.side.isVisible() and self.side.currentWidget() is self.refine:
            self.refine.cancel()  # a refine turn runs: Esc stops it (the window stays)
        elif self.isFullScreen():
            self.toggle_full_screen()
        else:
            self.close()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not window_keys.trigger(event, self.key_actions):
            super().keyPressEvent(event)

    def closeEvent(self, event: QCloseEvent) -> None:
        self._ids, self._current = [], None
        self.canvas.set_image(None)  # free the full-size pixmap
        super().closeEvent(event)
