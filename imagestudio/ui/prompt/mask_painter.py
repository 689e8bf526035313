"""Mask painter and markup canvas over the first input image.

Mask mode: paint where the image should change (shown as a red overlay); brush size, eraser, invert, clear,
undo. ``mask_image()`` is a PNG-ready ARGB image at exactly the first image's size: transparent where painted
(the API edits where alpha is 0), opaque black elsewhere.
Markup mode: coloured strokes, arrows and text notes on a transparent layer (``markup_image()``), which guides
an edit on models that take markup. A request never carries both.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeySequence,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPen,
    QPolygonF,
    QShortcut,
)
from PySide6.QtWidgets import (
    QButtonGroup,
    QColorDialog,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from imagestudio.ui.screen_fit import resize_within_screen

_UNDO_DEPTH = 30
BRUSH_MIN, BRUSH_MAX = 2, 400  # image pixels


def _checkerboard(painter: QPainter, rect: QRect, cell: int = 12) -> None:
    for y in range(rect.top(), rect.bottom() + 1, cell):
        for x in range(rect.left(), rect.right() + 1, cell):
            dark = ((x - rect.left()) // cell + (y - rect.top()) // cell) % 2
            painter.fillRect(x, y, cell, cell, QColor(200, 200, 200) if dark else QColor(245, 245, 245))


class MaskCanvas(QWidget):
    changed = Signal()

    def __init__(self, image: QImage, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = image
        self.mode = "mask"  # or "markup"
        self.tool = "brush"  # brush, eraser, arrow, text
        self.brush_size = 48  # in image pixels
        self.colour = QColor(230, 40, 40)
        self.coverage = QImage(image.size(), QImage.Format.Format_ARGB32_Premultiplied)
        self.coverage.fill(Qt.GlobalColor.transparent)
        self.markup = QImage(image.size(), QImage.Format.Format_ARGB32_Premultiplied)
        self.markup.fill(Qt.GlobalColor.transparent)
        self._undo: list[tuple[str, QImage]] = []
        self._last: QPointF | None = None
        self._arrow_from: QPointF | None = None
        self._hover: QPointF | None = None  # where the brush outline is drawn
        self.setMinimumSize(320, 240)
        self.setMouseTracking(True)

    # -- geometry --------------------------------------------------------------------------------
    def target_rect(self) -> QRect:
        w, h = self.image.width(), self.image.height()
        scale = min(self.width() / w, self.height() / h)
        tw, th = max(1, int(w * scale)), max(1, int(h * scale))
        return QRect((self.width() - tw) // 2, (self.height() - th) // 2, tw, th)

    def to_image(self, pos: QPointF | QPoint) -> QPointF:
        r = self.target_rect()
        return QPointF((pos.x() - r.left()) * self.image.width() / r.width(),
                       (pos.y() - r.top()) * self.image.height() / r.height())  # fmt: skip

    # -- editing ---------------------------------------------------------------------------------
    def _layer(self) -> QImage:
        return self.coverage if self.mode == "mask" else self.markup

    def _push_undo(self) -> None:
        self._undo.append((self.mode, self._layer().copy()))
        del self._undo[:-_UNDO_DEPTH]

    def undo(self) -> None:
        if not self._undo:
            return
        mode, layer = self._undo.pop()
        if mode == "mask":
            self.coverage = layer
        else:
            self.markup = layer
        self._changed()

    def clear(self) -> None:
        self._push_undo()
        self._layer().fill(Qt.GlobalColor.transparent)
        self._changed()

    def invert(self) -> None:
        self._push_undo()
        inverted = QImage(self.coverage.size(), QImage.Format.Format_ARGB32_Premultiplied)
        inverted.fill(QColor(255, 0, 0))
        p = QPainter(inverted)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOut)
        p.drawImage(0, 0, self.coverage)
        p.end()
        self.coverage = inverted
        self._changed()

    def _pen(self) -> QPen:
        colour = QColor(255, 0, 0) if self.mode == "mask" else self.colour
        width = self.brush_size if self.mode == "mask" else max(2, self.brush_size // 6)
        pen = QPen(colour, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap, Qt.PenJoinStyle.RoundJoin)
        return pen

    def stroke(self, a: QPointF, b: QPointF) -> None:
        """Paint (or erase) a line between two image points on the current layer."""
        p = QPainter(self._layer())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, self.mode == "markup")
        if self.tool == "eraser":
            p.setCompositionMode(QPainter.CompositionMode.CompositionMode_Clear)
        p.setPen(self._pen())
        p.drawLine(a, b) if a != b else p.drawPoint(a)
        p.end()
        self._changed()

    def arrow(self, a: QPointF, b: QPointF) -> None:
        p = QPainter(self.markup)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        pen = self._pen()
        p.setPen(pen)
        p.drawLine(a, b)
        angle = math.atan2(b.y() - a.y(), b.x() - a.x())
        head = pen.widthF() * 4
        points = [b] + [
            QPointF(b.x() - head * math.cos(angle + d), b.y() - head * math.sin(angle + d)) for d in (0.45, -0.45)
        ]
        p.setBrush(self.colour)
        p.drawPolygon(QPolygonF(points))
        p.end()
        self._changed()

    def note(self, at: QPointF, text: str) -> None:
        p = QPainter(self.markup)
        p.setRenderHint(QPainter.RenderHint.Antialiasing)
        font = p.font()
        font.setPixelSize(max(14, self.image.height() // 30))
        p.setFont(font)
        p.setPen(self.colour)
        p.drawText(at, text)
        p.end()
        self._changed()

    def _changed(self) -> None:
        self.update()
        self.changed.emit()

    def has_mask(self) -> bool:
        return not _is_empty(self.coverage)

    def has_markup(self) -> bool:
        return not _is_empty(self.markup)

    # -- results ---------------------------------------------------------------------------------
    def mask_image(self) -> QImage:
        """Opaque black, transparent where painted; exactly the first image's size."""
        out = QImage(self.image.size(), QImage.Format.Format_ARGB32)
        out.fill(QColor(0, 0, 0, 255))
        p = QPainter(out)
        p.setCompositionMode(QPainter.CompositionMode.CompositionMode_DestinationOut)
        p.drawImage(0, 0, self.coverage)
        p.end()
        return out

    def markup_image(self) -> QImage:
        return self.markup.convertToFormat(QImage.Format.Format_ARGB32)

    # -- events ----------------------------------------------------------------------------------
    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() != Qt.MouseButton.LeftButton:
            return
        point = self.to_image(event.position())
        if self.mode == "markup" and self.tool == "text":
            text, ok = QInputDialog.getText(self, self.tr("Note"), self.tr("Text of the note:"))
            if ok and text.strip():
                self._push_undo()
                self.note(point, text.strip())
            return
        self._push_undo()
        if self.mode == "markup" and self.tool == "arrow":
            self._arrow_from = point
            return
        self._last = point
        self.stroke(point, point)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        self._hover = event.position()
        self.update()
        if self._last is not None:
            point = self.to_image(event.position())
            self.stroke(self._last, point)
            self._last = point

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._arrow_from is not None:
            self.arrow(self._arrow_from, self.to_image(event.position()))
        self._last = self._arrow_from = None

    def leaveEvent(self, event: QEvent) -> None:
        self._hover = None
        self.update()
        super().leaveEvent(event)

    def paintEvent(self, _event: QPaintEvent) -> None:
        p = QPainter(self)
        r = self.target_rect()
        _checkerboard(p, r)  # transparent inputs show on a checkerboard
        p.drawImage(r, self.image)
        p.setOpacity(0.45)
        p.drawImage(r, self.coverage)
        p.setOpacity(1.0)
        p.drawImage(r, self.markup)
        if self._hover is not None and self.tool in ("brush", "eraser"):  # the brush's size, where it would paint
            radius = self._pen().widthF() / 2 * r.width() / max(1, self.image.width())
            p.setPen(QPen(QColor(255, 255, 255), 1))
            p.drawEllipse(self._hover, radius, radius)
            p.setPen(QPen(QColor(0, 0, 0), 1, Qt.PenStyle.DotLine))
            p.drawEllipse(self._hover, radius, radius)
        p.end()


def _is_empty(image: QImage) -> bool:
    probe = image.scaled(64, 64, Qt.AspectRatioMode.IgnoreAspectRatio, Qt.TransformationMode.SmoothTransformation)
    return all(probe.pixelColor(x, y).alpha() == 0 for y in range(probe.height()) for x in range(probe.width()))


class MaskPainterDialog(QDialog):
    """Paint a mask or a markup drawing; ``result_image()`` gives the PNG-ready image for ``mode``."""

    def __init__(self, image: QImage, *, allow_markup: bool, mode: str = "mask", parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(self.tr("Mask and markup"))
        self.setObjectName("maskPainter")
        resize_within_screen(self, 900, 720)
        self.canvas = MaskCanvas(image)
        self.canvas.setObjectName("maskCanvas")
        self.canvas.mode = mode if allow_markup else "mask"
        self.mask_mode = QPushButton(self.tr("Mask"))
        self.markup_mode = QPushButton(self.tr("Markup"))
        self.markup_mode.setEnabled(allow_markup)
        self.markup_mode.setToolTip(self.tr("Arrows, strokes and notes that guide the edit (2.5+ models)"))
        modes = QButtonGroup(self)
        tools = QButtonGroup(self)
        self.brush = QPushButton(self.tr("Brush"))
        self.eraser = QPushButton(self.tr("Eraser"))
        self.arrow = QPushButton(self.tr("Arrow"))
        self.text = QPushButton(self.tr("Note"))
        for group, buttons in (
            (modes, (self.mask_mode, self.markup_mode)),
            (tools, (self.brush, self.eraser, self.arrow, self.text)),
        ):
            for b in buttons:
                b.setCheckable(True)
                group.addButton(b)
        (self.markup_mode if self.canvas.mode == "markup" else self.mask_mode).setChecked(True)
        self.brush.setChecked(True)
        self.brush_slider = QSlider(Qt.Orientation.Horizontal)
        self.brush_slider.setObjectName("brushSize")
        self.brush_slider.setRange(BRUSH_MIN, BRUSH_MAX)
        self.brush_slider.setValue(self.canvas.brush_size)
        self.brush_slider.setMinimumWidth(180)  # a usable length, never squashed to a stub
        self.brush_slider.setPageStep(16)
        self.brush_slider.setAccessibleName(self.tr("Brush size"))
        self.brush_slider.setToolTip(self.tr("Brush size in image pixels ([ smaller, ] larger)"))
        self.brush_value = QLabel()
        self.brush_value.setObjectName("brushSizeValue")
        self.brush_value.setMinimumWidth(self.brush_value.fontMetrics().horizontalAdvance("400 px") + 4)
        self.brush_slider.valueChanged.connect(self._brush_changed)
        for keys, factor, name in (
            ("[", 1 / 1.25, self.tr("Smaller brush")), ("]", 1.25, self.tr("Larger brush")),
        ):  # fmt: skip
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.setWhatsThis(name)  # its name in Help → Keyboard shortcuts
            shortcut.activated.connect(lambda f=factor: self.scale_brush(f))
        self.invert = QPushButton(self.tr("Invert"))
        self.clear = QPushButton(self.tr("Clear"))
        self.undo = QPushButton(self.tr("Undo"))
        self.undo.setShortcut("Ctrl+Z")
        self.colour = QPushButton(self.tr("Colour…"))
        self.invert.clicked.connect(self.canvas.invert)
        self.clear.clicked.connect(self.canvas.clear)
        self.undo.clicked.connect(self.canvas.undo)
        self.colour.clicked.connect(self._pick_colour)
        self.mask_mode.clicked.connect(lambda: self._set_mode("mask"))
        self.markup_mode.clicked.connect(lambda: self._set_mode("markup"))
        tool_buttons = ((self.brush, "brush"), (self.eraser, "eraser"), (self.arrow, "arrow"), (self.text, "text"))
        for button, tool in tool_buttons:
            button.clicked.connect(lambda _c=False, t=tool: setattr(self.canvas, "tool", t))
        bar = QHBoxLayout()  # modes and tools
        modes_and_tools: tuple[QWidget, ...] = (self.mask_mode, self.markup_mode, QLabel("|"), self.brush)
        for w in (*modes_and_tools, self.eraser, self.arrow, self.text):
            bar.addWidget(w)
        bar.addStretch(1)
        size_row = QHBoxLayout()  # the brush size on its own row: a slider long enough to use, with its value
        size_label = QLabel(self.tr("Brush &size"))
        size_label.setBuddy(self.brush_slider)
        size_row.addWidget(size_label)
        size_row.addWidget(self.brush_slider, 1)
        size_row.addWidget(self.brush_value)
        for w in (self.invert, self.clear, self.undo, self.colour):
            size_row.addWidget(w)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(size_row)
        layout.addWidget(self.canvas, 1)
        layout.addWidget(self.buttons)
        self._set_mode(self.canvas.mode)
        self._brush_changed(self.brush_slider.value())

    def _brush_changed(self, value: int) -> None:
        self.canvas.brush_size = value
        self.brush_value.setText(self.tr("%1 px").replace("%1", str(value)))

    def scale_brush(self, factor: float) -> None:
        """[ and ]: a step that feels the same at any size (×1.25), at least one pixel."""
        value = self.brush_slider.value()
        new = round(value * factor)
        new = max(value + 1, new) if factor > 1 else min(value - 1, new)
        self.brush_slider.setValue(max(BRUSH_MIN, min(BRUSH_MAX, new)))

    def _set_mode(self, mode: str) -> None:
        self.canvas.mode = mode
        self.arrow.setEnabled(mode == "markup")
        self.text.setEnabled(mode == "markup")
        self.colour.setEnabled(mode == "markup")
        self.invert.setEnabled(mode == "mask")
        if mode == "mask" and self.canvas.tool in ("arrow", "text"):
            self.brush.click()

    def _pick_colour(self) -> None:
        colour = QColorDialog.getColor(self.canvas.colour, self, self.tr("Markup colour"))
        if colour.isValid():
            self.canvas.colour = colour

    def result_image(self) -> QImage | None:
        """The mask (mask mode) or markup image, or None when nothing was drawn in that mode."""
        if self.canvas.mode == "mask":
            return self.canvas.mask_image() if self.canvas.has_mask() else None
        return self.canvas.markup_image() if self.canvas.has_markup() else None
