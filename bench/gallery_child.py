"""Child process of P4 (bench/gallery_scale.py): launch the real app on ``IMAGESTUDIO_HOME``, note when the
first gallery page is painted (every visible cell has its details and thumbnail), optionally scroll the
real GalleryView from top to bottom, and print one JSON line: seconds since ``BENCH_T0`` and RSS in MB.

``python -m bench.gallery_child EXPECTED_ROWS SCROLL(0|1)``
"""

from __future__ import annotations

import json
import os
import sys
import time

T0 = float(os.environ["BENCH_T0"])


def rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    expected, scroll = int(sys.argv[1]), sys.argv[2] == "1"
    import asyncio

    import qasync
    from PySide6.QtCore import QEvent, QObject, QPoint, Qt, QTimer
    from PySide6.QtGui import QPixmap
    from PySide6.QtWidgets import QApplication

    from imagestudio.app.gallery_model import ImageRole
    from imagestudio.core.paths import AppPaths
    from imagestudio.core.secrets import KeyStore
    from imagestudio.main import compose

    app = QApplication([])
    loop = qasync.QEventLoop(app)
    asyncio.set_event_loop(loop)
    parts = compose(AppPaths.from_environment(), KeyStore())
    view = parts.window.gallery.view
    model = parts.gallery_model
    report: dict[str, float] = {}

    def page_ready() -> bool:
        """Every cell in the viewport has its caption data and its thumbnail (an empty library: no cells)."""
        if model.rowCount() != expected:
            return False
        area = view.viewport().rect()
        if expected == 0:
            return True
        hits = [view.indexAt(QPoint(x, y)) for y in range(0, 260, 8) for x in range(0, 260, 16)]
        rows = [i.row() for i in hits if i.isValid()]
        if not rows:
            return False
        first = min(rows)
        for row in range(first, min(model.rowCount(), first + 400)):
            index = model.index(row)
            if not view.visualRect(index).intersects(area):
                break
            if model.data(index, ImageRole) is None or not isinstance(
                model.data(index, Qt.ItemDataRole.DecorationRole), QPixmap
            ):
                return False
        return True

    class Painted(QObject):
        def eventFilter(self, obj: QObject, event: QEvent) -> bool:
            if event.type() == QEvent.Type.Paint and "first_page" not in report and page_ready():
                QTimer.singleShot(0, lambda: report.setdefault("first_page", time.time() - T0))
            return False

    painted = Painted()
    view.viewport().installEventFilter(painted)
    parts.window.resize(1400, 860)
    parts.window.show()

    async def run() -> None:
        await parts.start()
        while "first_page" not in report:
            await asyncio.sleep(0.005)
        report["rss_first_page_mb"] = rss_mb()
        if scroll:
            bar = view.verticalScrollBar()
            steps = 300  # like dragging the scroll bar from top to bottom: every position gets painted
            for step in range(1, steps + 1):
                bar.setValue(bar.maximum() * step // steps)
                view.viewport().repaint()
                await asyncio.sleep(0.01)
            deadline = time.monotonic() + 10
            while not page_ready() and time.monotonic() < deadline:  # the last page really arrived
                view.viewport().update()
                await asyncio.sleep(0.02)
            report["last_page_ready"] = float(page_ready())
            await asyncio.sleep(0.5)
            report["rss_after_scroll_mb"] = rss_mb()
        print(json.dumps(report), flush=True)
        os._exit(0)

    loop.run_until_complete(run())


if __name__ == "__main__":
    main()
