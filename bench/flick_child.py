"""Child process of P10 (bench/flick.py): flick-scroll a gallery the way a touchpad does and time every frame.

``python -m bench.flick_child app|bare EXPECTED_ROWS [VIEWPORT_WxH]``

``app``: the real app composed on ``IMAGESTUDIO_HOME`` (a big library from bench/make_library.py). ``bare``: the
floor — a plain QListView in the same mode, cell size and viewport size (the app run reports its gallery's) over a
model that answers every row at once with one ready pixmap, painted by a delegate that only draws that pixmap and
a caption (no database, no loading). Both get the same flicks: wheel events with a pixel delta sent to the
view's viewport at 60 Hz, the delta decaying like kinetic scrolling, then the view rests.

A frame's time is from when it was due (its 16.7 ms tick, or the end of the previous frame if that ran late) to
the end of its paint: the wheel event, whatever else the GUI thread had queued (pages of rows arriving,
thumbnails turning into pixmaps) and the repaint. After each flick: how long until every visible cell has its
caption and its thumbnail ("settle"), and, in ``bare``, how long decoding those thumbnails from disk takes on
one thread (the settle time's baseline). One JSON line on stdout.
"""

from __future__ import annotations

import json
import os
import sys
import time
from typing import Any

FRAME = 1 / 60
#: (start velocity px/s, direction, velocity at which it stops): fast and slow flicks both ways, like someone
#: hunting through a library; half coast out, half are caught by a finger while still fast (the harder case for
#: "the thumbnails are there once it stops": nothing loaded during a slow tail)
FLICKS = [
    (24000, 1, 400), (9000, 1, 3000), (40000, 1, 400), (6000, -1, 2000),
    (24000, -1, 6000), (60000, 1, 400), (12000, 1, 4000), (30000, -1, 400),
]  # fmt: skip
DECAY = 0.95  # per frame: a flick of v px/s coasts about v / 3 px
WINDOW = (1366, 768)


def main() -> None:
    mode, expected = sys.argv[1], int(sys.argv[2])
    viewport = tuple(int(v) for v in sys.argv[3].split("x")) if len(sys.argv) > 3 else None
    import asyncio

    import qasync
    from PySide6.QtCore import QPoint, QPointF, Qt
    from PySide6.QtGui import QImage, QWheelEvent
    from PySide6.QtWidgets import QApplication, QListView

    app = QApplication([sys.argv[0]])
    app.setStyle("Fusion")
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    view: QListView
    ready: Any
    thumb_files: list[str] = []
    if mode == "app":
        view, ready, window, start = _compose_app(expected)
    else:
        view, ready, window, thumb_files = _bare(expected)
        start = None
    if viewport is None:
        window.resize(*WINDOW)
    else:  # the bare view's viewport as big as the app's gallery
        window.resize(viewport[0] + view.width() - view.viewport().width(), viewport[1])
    window.show()
    frames: list[float] = []
    settles: list[float] = []
    decodes: list[float] = []

    def wheel(dy: int) -> QWheelEvent:
        centre = QPointF(view.viewport().rect().center())
        return QWheelEvent(
            centre, QPointF(view.viewport().mapToGlobal(centre.toPoint())), QPoint(0, -dy), QPoint(0, -dy * 120 // 100),
            Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.ScrollUpdate, False,
        )  # fmt: skip

    async def settle() -> float:
        begin = time.perf_counter()
        deadline = begin + 20
        while not ready() and time.perf_counter() < deadline:
            await asyncio.sleep(0.005)  # the check is cheap next to a frame; 5 ms is the settle time's resolution
        if not ready():
            raise RuntimeError("the visible thumbnails did not all arrive within 20 s")
        return time.perf_counter() - begin

    async def run() -> None:
        if start is not None:
            await start()
        await settle()
        bar = view.verticalScrollBar()
        for flick, (velocity, direction, stop) in enumerate(FLICKS):
            # start each flick somewhere new (not measured), rested, like a person who paused to look
            bar.setValue(bar.maximum() * (flick * 2 + 1) // (len(FLICKS) * 2 + 2))
            view.viewport().repaint()
            await settle()
            await asyncio.sleep(0.2)
            v = float(velocity)
            due = time.perf_counter()
            while v > stop:
                now = time.perf_counter()
                if now < due:
                    await asyncio.sleep(due - now)  # the event loop runs meanwhile: pages, thumbnails, timers
                begun = due  # a tick the GUI thread could not take on time counts as part of the frame
                QApplication.sendEvent(view.viewport(), wheel(int(direction * v * FRAME)))
                view.viewport().repaint()
                end = time.perf_counter()
                frames.append(end - begun)
                due = max(due + FRAME, end)  # a late frame pushes the next one back, as a display would
                v *= DECAY
            settles.append(await settle())
            if thumb_files:
                decodes.append(_decode_visible(view, thumb_files, QImage, Qt))
        size = view.viewport().size()
        report = {"frames": frames, "settles": settles, "decodes": decodes, "viewport": [size.width(), size.height()]}
        print(json.dumps(report), flush=True)
        os._exit(0)

    loop.run_until_complete(run())


def _compose_app(expected: int) -> tuple[Any, Any, Any, Any]:
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QPixmap

    from imagestudio.app.gallery_model import ImageRole
    from imagestudio.core.paths import AppPaths
    from imagestudio.core.secrets import KeyStore
    from imagestudio.main import compose

    parts = compose(AppPaths.from_environment(), KeyStore())
    view = parts.window.gallery.view
    model = parts.gallery_model

    def ready() -> bool:
        """Every cell in the viewport has its caption data and its thumbnail."""
        if model.rowCount() != expected:
            return False
        rows = visible_rows(view)
        if not rows:
            return False
        for r in rows:
            index = model.index(r)
            if model.data(index, ImageRole) is None or not isinstance(
                model.data(index, Qt.ItemDataRole.DecorationRole), QPixmap
            ):
                return False
        return True

    async def start() -> None:
        await parts.start()
        # as run_gui does once the app has started (imagestudio/main.py): long-lived objects leave the collector's
        # generations, and worker threads running Python hand the GIL to the GUI thread after 1 ms, not 5
        import gc

        gc.freeze()
        sys.setswitchinterval(0.001)

    return view, ready, parts.window, start


def _bare(expected: int) -> tuple[Any, Any, Any, list[str]]:
    """The same view geometry over a model with nothing to load: what Qt alone costs per frame."""
    from pathlib import Path

    from PySide6.QtCore import QAbstractListModel, QModelIndex, QRect, QSize, Qt
    from PySide6.QtGui import QColor, QPixmap
    from PySide6.QtWidgets import QListView, QStyledItemDelegate

    home = Path(os.environ["IMAGESTUDIO_HOME"])
    thumb_files = sorted(str(p) for p in (home / "cache" / "thumbs").rglob("*.jpg"))
    pixmap = QPixmap(192, 128)
    pixmap.fill(QColor(90, 140, 200))

    class Model(QAbstractListModel):
        def rowCount(self, parent: Any = QModelIndex()) -> int:  # noqa: B008
            return 0 if parent.isValid() else expected

        def data(self, index: Any, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
            if role == Qt.ItemDataRole.DisplayRole:
                return f"a prompt for image {index.row()}"
            if role == Qt.ItemDataRole.DecorationRole:
                return pixmap
            if role == Qt.ItemDataRole.SizeHintRole:
                return QSize(204, 228)
            return None

    class Delegate(QStyledItemDelegate):
        def sizeHint(self, option: Any, index: Any) -> QSize:
            return QSize(204, 228)

        def paint(self, painter: Any, option: Any, index: Any) -> None:
            rect = option.rect
            painter.drawPixmap(rect.x() + 6, rect.y() + 4 + 32, pixmap)
            text = QRect(rect.x() + 4, rect.y() + 200, rect.width() - 8, 28)
            elided = option.fontMetrics.elidedText(index.data(), Qt.TextElideMode.ElideRight, text.width())
            painter.drawText(text, Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, elided)

    view = QListView()
    view.setViewMode(QListView.ViewMode.IconMode)
    view.setResizeMode(QListView.ResizeMode.Adjust)
    view.setMovement(QListView.Movement.Static)
    view.setUniformItemSizes(True)
    view.setIconSize(QSize(192, 192))
    view.setSpacing(6)
    view.setVerticalScrollMode(QListView.ScrollMode.ScrollPerPixel)
    view.setItemDelegate(Delegate(view))
    model = Model(view)
    view.setModel(model)
    return view, lambda: True, view, thumb_files


def _decode_visible(view: Any, files: list[str], qimage: Any, qt: Any) -> float:
    """Decode and scale, on this one thread, as many thumbnails as the viewport shows (the settle baseline)."""
    cells = len(visible_rows(view))
    begin = time.perf_counter()
    for i in range(cells):
        image = qimage(files[i % len(files)])
        image.scaled(192, 192, qt.AspectRatioMode.KeepAspectRatio, qt.TransformationMode.SmoothTransformation)
    return time.perf_counter() - begin


def visible_rows(view: Any) -> list[int]:
    """The rows with a cell at least partly in the viewport."""
    from PySide6.QtCore import QPoint

    area = view.viewport().rect()
    found: list[int] = []
    for y in range(2, 260, 24):  # down the first cell's height until a row of cells is hit (cells are ≥ 200 px)
        hits = [view.indexAt(QPoint(x, y)) for x in range(2, area.width(), 48)]
        found = [i.row() for i in hits if i.isValid()]
        if found:
            break
    if not found:
        return []
    rows = []
    for r in range(max(0, min(found) - 16), min(view.model().rowCount(), min(found) + 400)):
        if view.visualRect(view.model().index(r)).intersects(area):
            rows.append(r)
        elif rows and view.visualRect(view.model().index(r)).top() > area.bottom():
            break
    return rows


if __name__ == "__main__":
    main()
