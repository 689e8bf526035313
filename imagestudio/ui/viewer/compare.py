"""Compare two or more images side by side; zooming or panning one moves them all (the same relative spot)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QKeyEvent, QKeySequence
from PySide6.QtWidgets import QGridLayout, QLabel, QVBoxLayout, QWidget

from imagestudio.ui.plain_text import plain
from imagestudio.ui.screen_fit import resize_within_screen
from imagestudio.ui.viewer import window_keys
from imagestudio.ui.viewer.image_canvas import ImageCanvas
from imagestudio.ui.viewer.viewer_services import ViewerServices

MAX_COMPARE = 6


class CompareWindow(QWidget):
    def __init__(self, services: ViewerServices, parent: QWidget | None = None) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.setObjectName("compare")
        self.setWindowTitle(self.tr("Compare"))
        resize_within_screen(self, 1400, 800)
        self._services = services
        self.canvases: list[ImageCanvas] = []
        self.captions: list[QLabel] = []
        self._cells: list[QWidget] = []
        #: what differs between the images' prompts (two lineage steps), above them; hidden when empty
        self.note = QLabel()
        self.note.setObjectName("compareNote")
        self.note.setWordWrap(True)
        self.note.setTextFormat(Qt.TextFormat.RichText)
        self.note.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.note.hide()
        outer = QVBoxLayout(self)
        outer.setContentsMargins(4, 4, 4, 4)
        outer.addWidget(self.note)
        self._grid = QGridLayout()
        outer.addLayout(self._grid, 1)
        self._install_keys()

    def open(self, ids: list[int], note: str = "") -> None:
        """Show ``ids`` side by side; ``note`` (rich text, e.g. two lineage steps' prompt diff) above them."""
        self.note.setText(note)
        self.note.setVisible(bool(note))
        for cell in self._cells:  # the previous images' captions and canvases
            cell.deleteLater()
        self._cells, self.canvases, self.captions = [], [], []
        for row in range(self._grid.rowCount()):
            self._grid.setRowStretch(row, 0)
        ids = list(dict.fromkeys(ids))[:MAX_COMPARE]
        columns = len(ids) if len(ids) <= 3 else (len(ids) + 1) // 2
        for n, image_id in enumerate(ids):
            caption = plain(QLabel(f"#{image_id}"))
            caption.setWordWrap(False)
            canvas = ImageCanvas()
            canvas.set_image(None, self.tr("Loading…"))
            canvas.viewChanged.connect(lambda zoom, center, fit, source=canvas: self._sync(source, zoom, center, fit))
            # captions share a grid row, so the images line up whatever each caption's script makes its height
            row, col = 2 * (n // columns), n % columns
            self._grid.addWidget(caption, row, col)
            self._grid.addWidget(canvas, row + 1, col)
            self._grid.setRowStretch(row + 1, 1)
            self._cells += [caption, canvas]
            self.canvases.append(canvas)
            self.captions.append(caption)
            self._services.tasks.spawn_if_open(self._fetch(n, image_id), name=f"compare-{image_id}")
        self.show()
        self.raise_()
        if self.canvases:
            self.canvases[0].setFocus()

    async def _fetch(self, n: int, image_id: int) -> None:
        loaded = await self._services.loader.load(image_id)
        if n >= len(self.canvases):
            return
        if loaded is None:
            self.canvases[n].set_image(None, self.tr("Not in the library."))
            return
        image = loaded.image
        self.captions[n].setText(f"#{image_id} · {image.model} · {image.width}×{image.height} · {image.prompt[:60]}")
        self.captions[n].setToolTip(image.prompt)
        self.canvases[n].set_image(loaded.pixels, loaded.problem)
        source = self.canvases[0]
        if n and not source.fitted:
            self.canvases[n].set_view(source.zoom, source.center, False)

    def _sync(self, source: ImageCanvas, zoom: float, center: QPointF, fit: bool) -> None:
        for canvas in self.canvases:
            if canvas is not source:
                canvas.set_view(zoom, center, fit)

    def _target(self) -> ImageCanvas | None:
        return next((c for c in self.canvases if c.hasFocus()), self.canvases[0] if self.canvases else None)

    def _on_target(self, act: Callable[[ImageCanvas], None]) -> None:
        target = self._target()
        if target is not None:
            act(target)

    def _install_keys(self) -> None:
        """The same zoom keys as the viewer (Ctrl+0 fits, Ctrl+1 actual size), on the canvas that has focus."""
        key = QKeySequence
        self.key_actions = window_keys.install(self, (
            (self.tr("Zoom in"), (key(Qt.Key.Key_Plus), key(Qt.Key.Key_Equal)),
             lambda: self._on_target(ImageCanvas.zoom_in)),
            (self.tr("Zoom out"), (key(Qt.Key.Key_Minus),), lambda: self._on_target(ImageCanvas.zoom_out)),
            (self.tr("Zoom to fit"), (key("Ctrl+0"),), lambda: self._on_target(ImageCanvas.fit)),
            (self.tr("Actual size"), (key("Ctrl+1"),), lambda: self._on_target(ImageCanvas.actual_size)),
            (self.tr("Close"), (key(Qt.Key.Key_Escape),), self.close),
        ))  # fmt: skip

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if not window_keys.trigger(event, self.key_actions):
            super().keyPressEvent(event)
