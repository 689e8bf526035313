"""A zoomable, pannable image view: fit or any zoom, wheel zoom around the cursor, drag to pan, transparent
areas over a checkerboard. Its view (zoom + centre, relative to the image) can be mirrored by other canvases
for side-by-side comparison.

An SVG is never drawn from its vectors here (a 190k-element drawing took 14 s a paint, and Qt's renderer follows
``<image href>`` to local files): the viewer shows a raster of the safe copy made off the GUI thread, and when
the zoom needs more pixels the canvas asks for a sharper one (``rasterWanted``) and swaps it in."""

from __future__ import annotations

from PySide6.QtCore import QPoint, QPointF, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QBrush,
    QColor,
    QImage,
    QMouseEvent,
    QMovie,
    QPainter,
    QPaintEvent,
    QPixmap,
    QResizeEvent,
    QWheelEvent,
)
from PySide6.QtWidgets import QApplication, QSizePolicy, QWidget

MIN_ZOOM, MAX_ZOOM = 0.02, 32.0
STEP = 1.25


def checkerboard_brush(cell: int = 10) -> QBrush:
    tile = QPixmap(cell * 2, cell * 2)
    tile.fill(QColor(255, 255, 255))
    painter = QPainter(tile)
    painter.fillRect(0, 0, cell, cell, QColor(204, 204, 204))
    painter.fillRect(cell, cell, cell, cell, QColor(204, 204, 204))
    painter.end()
    return QBrush(tile)


class ImageCanvas(QWidget):
    #: zoom, centre (0..1 of the image), fit — emitted when the person changes the view
    viewChanged = Signal(float, QPointF, bool)
    #: a drag that cannot pan (the whole image is visible): the viewer turns it into a drag-out
    dragOutRequested = Signal()
    #: a vector image is shown larger than its raster: the long side (device pixels) a sharper raster needs
    rasterWanted = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("imageCanvas")
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMouseTracking(False)
        self._pixmap: QPixmap | None = None
        self._message = ""
        self.movie: QMovie | None = None  # an animated GIF plays here
        self.vector = False  # an SVG: rasters of it at more pixels come through show_sharper
        self._size = QSize()  # the image's own size: views, zoom and fit use it, whatever the raster's pixels
        self._asked = 0
        self._zoom = 1.0
        self._fit = True
        self._center = QPointF(0.5, 0.5)
        self._press: QPoint | None = None
        self._press_center = QPointF(0.5, 0.5)
        self._checker = checkerboard_brush()

    def sizeHint(self) -> QSize:
        return QSize(800, 600)

    # -- content ---------------------------------------------------------------------------------
    def set_image(self, image: QImage | None, message: str = "") -> None:
        """Show a decoded image (QPixmap is made here, on the GUI thread), or a message instead."""
        self._stop_media()
        self._pixmap = QPixmap.fromImage(image) if image is not None and not image.isNull() else None
        self._size = self._pixmap.size() if self._pixmap is not None else QSize()
        self._message = message
        if self._fit:
            self._zoom = self._fit_zoom()
        self._clamp()
        self.update()

    def play_original(self, path: str, fmt: str) -> None:
        """After ``set_image``: an animated GIF plays (QMovie); an SVG asks for sharper rasters when enlarged.
        The first frame / default rendering already shown stays if the file cannot be read this way."""
        self._stop_media()
        if fmt == "gif":
            movie = QMovie(path)
            if movie.isValid() and movie.frameCount() != 1:
                self.movie = movie
                movie.frameChanged.connect(self._next_frame)
                movie.start()
        elif fmt == "svg":
            self.vector = True
            self.update()

    def show_sharper(self, image: QImage) -> None:
        """A raster of the same vector image at more pixels (made off the GUI thread): drawn in the same place."""
        if self.vector and self._pixmap is not None and not image.isNull():
            self._pixmap = QPixmap.fromImage(image)
            self.update()

    def _next_frame(self, _frame: int) -> None:
        if self.movie is not None:
            self._pixmap = self.movie.currentPixmap()
            self.update()

    def _stop_media(self) -> None:
        if self.movie is not None:
            self.movie.stop()
            self.movie.frameChanged.disconnect(self._next_frame)
            self.movie = None
        self.vector = False
        self._asked = 0

    def has_image(self) -> bool:
        return self._pixmap is not None

    def image_size(self) -> QSize:
        return QSize(self._size) if self._pixmap is not None else QSize()

    def message(self) -> str:
        return self._message

    # -- view state ------------------------------------------------------------------------------
    @property
    def zoom(self) -> float:
        return self._zoom

    @property
    def fitted(self) -> bool:
        return self._fit

    @property
    def center(self) -> QPointF:
        return QPointF(self._center)

    def _fit_zoom(self) -> float:
        if self._pixmap is None or self._size.width() == 0 or self._size.height() == 0:
            return 1.0
        w, h = max(1, self.width()), max(1, self.height())
        return min(w / self._size.width(), h / self._size.height(), 1.0)  # fit never enlarges

    def fit(self) -> None:
        self._fit = True
        self._zoom = self._fit_zoom()
        self._center = QPointF(0.5, 0.5)
        self._changed()

    def actual_size(self) -> None:
        self.set_zoom(1.0)

    def zoom_in(self) -> None:
        self.set_zoom(self._zoom * STEP)

    def zoom_out(self) -> None:
        self.set_zoom(self._zoom / STEP)

    def set_zoom(self, zoom: float, anchor: QPointF | None = None) -> None:
        """Zoom keeping the image point under ``anchor`` (widget coordinates; default the centre) in place."""
        zoom = max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        if self._pixmap is not None and anchor is not None:
            before = self._image_point(anchor)
            self._zoom, self._fit = zoom, False
            after = self._image_point(anchor)
            self._center += before - after
        else:
            self._zoom, self._fit = zoom, False
        self._changed()

    def set_view(self, zoom: float, center: QPointF, fit: bool) -> None:
        """Mirror another canvas's view (no signal: the compare window would loop)."""
        self._fit = fit
        self._zoom = self._fit_zoom() if fit else max(MIN_ZOOM, min(MAX_ZOOM, zoom))
        self._center = QPointF(center)
        self._clamp()
        self.update()

    def _changed(self) -> None:
        self._clamp()
        self.update()
        self.viewChanged.emit(self._zoom, QPointF(self._center), self._fit)

    def _scaled_size(self) -> tuple[float, float]:
        if self._pixmap is None:
            return 0.0, 0.0
        return self._size.width() * self._zoom, self._size.height() * self._zoom

    def _clamp(self) -> None:
        """Keep the image on screen: centred when it fits, never panned past its edges."""
        sw, sh = self._scaled_size()
        x, y = self._center.x(), self._center.y()
        x = 0.5 if sw <= self.width() else min(max(x, self.width() / 2 / sw), 1 - self.width() / 2 / sw)
        y = 0.5 if sh <= self.height() else min(max(y, self.height() / 2 / sh), 1 - self.height() / 2 / sh)
        self._center = QPointF(x, y)

    def target_rect(self) -> QRectF:
        sw, sh = self._scaled_size()
        return QRectF(self.width() / 2 - self._center.x() * sw, self.height() / 2 - self._center.y() * sh, sw, sh)

    def _image_point(self, widget_point: QPointF) -> QPointF:
        """Where a widget point falls on the image, 0..1."""
        rect = self.target_rect()
        if rect.width() <= 0 or rect.height() <= 0:
            return QPointF(0.5, 0.5)
        return QPointF((widget_point.x() - rect.x()) / rect.width(), (widget_point.y() - rect.y()) / rect.height())

    def can_pan(self) -> bool:
        sw, sh = self._scaled_size()
        return sw > self.width() + 0.5 or sh > self.height() + 0.5

    # -- painting --------------------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(40, 40, 40))
        if self._pixmap is None:
            painter.setPen(QColor(220, 220, 220))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._message)
            return
        rect = self.target_rect()
        if self._pixmap.hasAlphaChannel():
            painter.setBrushOrigin(rect.topLeft())
            painter.fillRect(rect, self._checker)
        if self.vector:
            self._want_sharper(rect)
        if self._zoom < 1.0 or self.vector:
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)  # pixels stay crisp when enlarged
        painter.drawPixmap(rect, self._pixmap, QRectF(self._pixmap.rect()))

    def _want_sharper(self, rect: QRectF) -> None:
        if self._pixmap is None:
            return
        side = round(max(rect.width(), rect.height()) * self.devicePixelRatioF())
        if side > max(self._pixmap.width(), self._pixmap.height()) * 1.05 and side > self._asked:
            self._asked = side
            self.rasterWanted.emit(side)

    def resizeEvent(self, event: QResizeEvent) -> None:
        if self._fit:
            self._zoom = self._fit_zoom()
        self._clamp()
        super().resizeEvent(event)

    # -- mouse -----------------------------------------------------------------------------------
    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120
        if steps:
            self.set_zoom(self._zoom * STEP**steps, event.position())
        event.accept()

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._press = event.position().toPoint()
            self._press_center = QPointF(self._center)
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._press is None or not event.buttons() & Qt.MouseButton.LeftButton:
            return
        delta = event.position().toPoint() - self._press
        if not self.can_pan():
            if delta.manhattanLength() >= QApplication.startDragDistance():
                self._press = None
                self.dragOutRequested.emit()
            return
        sw, sh = self._scaled_size()
        self._center = QPointF(self._press_center.x() - delta.x() / sw, self._press_center.y() - delta.y() / sh)
        self._fit = False
        self._changed()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        self._press = None
        super().mouseReleaseEvent(event)
