"""One gallery tile: the thumbnail fitted into its cell, the prompt below it, and — under the pointer — three
buttons on the thumbnail's top-right corner: favourite, open, more (the right-click menu). Its stars sit on the
thumbnail's bottom-left corner, a pick flag (⚑) or reject mark (✕) on its bottom-right; a rejected one is dimmed.
A stack's tile has a count badge on the top-left corner (a click expands or collapses it); the members of an
expanded stack sit on a shared tinted band, the badge on its first one filled with the highlight colour."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from imagestudio.app.gallery_model import ImageRole, PlaceholderRole, StackPlace, StackRole

#: the thumbnail-size control's range (px; thumbnails are stored 256 px wide, a little more still looks fine)
THUMB_MIN, THUMB_MAX, THUMB_STEP = 96, 320, 16
CAPTION = 36
PAD = 6
BUTTON = 26
#: the hover buttons, right to left on the thumbnail's top edge
HOVER_ACTIONS = ("more", "open", "favourite")


def thumb_rect(cell: QRect, thumb: int) -> QRect:
    """Where the thumbnail's square sits in a cell: centred across, ``PAD`` from the top."""
    return QRect(cell.x() + (cell.width() - thumb) // 2, cell.y() + PAD, thumb, thumb)


def action_rects(cell: QRect, thumb: int) -> dict[str, QRect]:
    square = thumb_rect(cell, thumb)
    rects = {}
    for i, name in enumerate(HOVER_ACTIONS):
        right = square.right() - 4 - i * (BUTTON + 4)
        rects[name] = QRect(right - BUTTON + 1, square.y() + 4, BUTTON, BUTTON)
    return rects


def stack_badge_rect(cell: QRect, thumb: int) -> QRect:
    """A stack's count badge: the thumbnail's top-left corner (clicked: expand or collapse the stack)."""
    square = thumb_rect(cell, thumb)
    return QRect(square.x() + 4, square.y() + 4, 46, BUTTON)


def action_at(cell: QRect, thumb: int, pos: QPoint, *, stacked: bool = False) -> str | None:
    """The hover button at ``pos`` (viewport coordinates), or "stack" on a stack's count badge, if any."""
    hit = next((name for name, r in action_rects(cell, thumb).items() if r.contains(pos)), None)
    if hit is None and stacked and stack_badge_rect(cell, thumb).contains(pos):
        return "stack"
    return hit


class TileSizer:
    """The view's thumbnail edge and the cell size that fills its width with whole columns (no strip left over)."""

    def __init__(self, thumb: int) -> None:
        self.thumb = thumb
        self.cell = QSize(thumb + 2 * PAD, thumb + CAPTION + PAD)

    def fit(self, width: int) -> bool:
        """Cells for a viewport ``width`` px wide; whether they changed."""
        least = self.thumb + 2 * PAD
        width -= 2  # QListView wraps a row that would end exactly at the edge
        columns = max(1, width // least)
        cell = QSize(max(least, width // columns), self.thumb + CAPTION + PAD)
        changed = cell != self.cell
        self.cell = cell
        return changed


class GalleryDelegate(QStyledItemDelegate):
    def __init__(self, sizer: TileSizer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._sizer = sizer

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        return self._sizer.cell

    def paint(
        self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex
    ) -> None:
        painter.save()
        rect = option.rect  # type: ignore[attr-defined]
        palette = option.palette  # type: ignore[attr-defined]
        state = option.state  # type: ignore[attr-defined]
        selected = bool(state & QStyle.StateFlag.State_Selected)
        thumb = self._sizer.thumb
        place = index.data(StackRole)
        if isinstance(place, StackPlace) and place.expanded:
            self._paint_group(painter, rect, palette, place)
        if selected:
            painter.fillRect(rect.adjusted(2, 0, -2, 0), palette.color(QPalette.ColorRole.Highlight))
        cell = thumb_rect(rect, thumb)
        pixmap = index.data(Qt.ItemDataRole.DecorationRole)
        if isinstance(pixmap, QPixmap) and not pixmap.isNull():
            scaled = pixmap.scaled(
                cell.size(), Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
            )
            x = cell.x() + (cell.width() - scaled.width()) // 2
            y = cell.y() + (cell.height() - scaled.height()) // 2
            rejected = getattr(index.data(ImageRole), "flag", 0) < 0
            painter.setOpacity(0.4 if rejected else 1.0)  # shown (Hide rejected off) but clearly culled
            painter.drawPixmap(x, y, scaled)
            painter.setOpacity(1.0)
        else:
            painter.fillRect(cell, palette.color(QPalette.ColorRole.AlternateBase))
        if index.data(PlaceholderRole) is not None:  # a job still generating: its latest partial, marked so
            painter.setPen(QPen(palette.color(QPalette.ColorRole.Highlight), 2, Qt.PenStyle.DashLine))
            painter.drawRect(cell.adjusted(1, 1, -1, -1))
        image = index.data(ImageRole)
        hovered = bool(state & QStyle.StateFlag.State_MouseOver) and image is not None
        badge = isinstance(place, StackPlace) and place.first
        if image is not None and image.favourite and not hovered:
            painter.setPen(QColor(240, 180, 0))
            star = QRect(cell.x() + (54 if badge else 4), cell.y() + 2, 24, 24)  # beside a stack's badge
            painter.drawText(star, Qt.AlignmentFlag.AlignLeft, "★")
        if badge and isinstance(place, StackPlace):
            self._paint_badge(painter, stack_badge_rect(rect, thumb), palette, place)
        if image is not None:
            self._paint_culling(painter, cell, image.rating, image.flag)
        if hovered:
            self._paint_buttons(painter, rect, thumb, bool(image.favourite))
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        painter.setPen(palette.color(role))
        text_rect = QRect(rect.x() + 6, cell.bottom() + 4, rect.width() - 12, CAPTION - 8)
        elided = option.fontMetrics.elidedText(text, Qt.TextElideMode.ElideRight, text_rect.width())  # type: ignore[attr-defined]
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)
        painter.restore()

    @staticmethod
    def _paint_culling(painter: QPainter, cell: QRect, rating: int, flag: int) -> None:
        metrics = painter.fontMetrics()
        if rating > 0:
            text = "★" * rating
            box = QRect(cell.x() + 4, cell.bottom() - 4 - metrics.height(), metrics.horizontalAdvance(text) + 8,
                        metrics.height() + 2)  # fmt: skip
            painter.fillRect(box, QColor(0, 0, 0, 150))
            painter.setPen(QColor(240, 180, 0))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)
        if flag:
            glyph, colour = ("⚑", QColor(255, 255, 255)) if flag > 0 else ("✕", QColor(255, 90, 90))
            side = metrics.height() + 4
            box = QRect(cell.right() - 4 - side, cell.bottom() - 4 - side, side, side)
            painter.fillRect(box, QColor(0, 0, 0, 150))
            painter.setPen(colour)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, glyph)

    @staticmethod
    def _paint_group(painter: QPainter, rect: QRect, palette: QPalette, place: StackPlace) -> None:
        """An expanded stack's members share a tinted band, closed at its first and last member."""
        band = rect.adjusted(0 if not place.first else 2, 1, 0 if not place.last else -2, -1)
        tint = QColor(palette.color(QPalette.ColorRole.Highlight))
        tint.setAlpha(48)
        painter.fillRect(band, tint)
        tint.setAlpha(220)
        for edge, at in ((place.first, band.left()), (place.last, band.right() - 2)):
            if edge:
                painter.fillRect(QRect(at, band.top(), 3, band.height()), tint)

    @staticmethod
    def _paint_badge(painter: QPainter, box: QRect, palette: QPalette, place: StackPlace) -> None:
        """The count chip: two stacked squares and the number of images; filled with the highlight when open."""
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(palette.color(QPalette.ColorRole.Highlight) if place.expanded else QColor(0, 0, 0, 170))
        painter.drawRoundedRect(box, 6, 6)
        white = QColor(255, 255, 255)
        painter.setPen(QPen(white, 1.4))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        top = box.y() + (box.height() - 13) // 2
        painter.drawRect(QRect(box.x() + 9, top, 9, 9))
        painter.setBrush(QColor(0, 0, 0, 0) if place.expanded else QColor(60, 60, 60))
        painter.drawRect(QRect(box.x() + 6, top + 4, 9, 9))
        painter.setPen(white)
        text = box.adjusted(20, 0, -3, 0)
        painter.drawText(text, Qt.AlignmentFlag.AlignCenter, str(place.size))
        painter.restore()

    @staticmethod
    def _paint_buttons(painter: QPainter, rect: QRect, thumb: int, favourite: bool) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        glyphs = {"favourite": "★" if favourite else "☆", "open": "↗", "more": "⋯"}
        for name, button in action_rects(rect, thumb).items():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(0, 0, 0, 170))
            painter.drawRoundedRect(button, 6, 6)
            painter.setPen(QColor(240, 180, 0) if name == "favourite" and favourite else QColor(255, 255, 255))
            painter.drawText(button, Qt.AlignmentFlag.AlignCenter, glyphs[name])


class ThumbSizeControl(QWidget):
    """ "Thumbnails" and a slider under the grid, and the keys Ctrl+= / Ctrl+- while the gallery has the focus; they
    and Ctrl+wheel over the grid all go through ``view.set_thumb_size`` (which says ``thumbSizeChanged``)."""

    def __init__(self, view: Any, pane: QWidget) -> None:
        super().__init__(pane)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setObjectName("thumbSize")
        self.slider.setAccessibleName(self.tr("Thumbnail size"))
        self.slider.setToolTip(self.tr("Thumbnail size (Ctrl+wheel over the gallery)"))
        self.slider.setRange(THUMB_MIN, THUMB_MAX)
        self.slider.setSingleStep(THUMB_STEP)
        self.slider.setPageStep(2 * THUMB_STEP)
        self.slider.setValue(view.thumb_size)
        self.slider.setMaximumWidth(160)
        self.slider.valueChanged.connect(view.set_thumb_size)
        view.thumbSizeChanged.connect(self._follow)
        for text, keys, step in ((self.tr("Larger thumbnails"), ("Ctrl++", "Ctrl+="), THUMB_STEP),
                                 (self.tr("Smaller thumbnails"), ("Ctrl+-",), -THUMB_STEP)):  # fmt: skip
            act = QAction(text, pane)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)  # while the gallery has focus
            act.triggered.connect(lambda _c=False, step=step: view.set_thumb_size(view.thumb_size + step))
            pane.addAction(act)
        label = QLabel(self.tr("Thumbnails"))
        label.setBuddy(self.slider)
        row = QHBoxLayout(self)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(label)
        row.addWidget(self.slider)

    def _follow(self, edge: int) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(edge)
        self.slider.blockSignals(False)
