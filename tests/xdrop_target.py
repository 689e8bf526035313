"""Another program on the same X screen that takes dropped files, as a file manager or a chat window would.

``python -m tests.xdrop_target OUT_DIR X Y W H``: a window at (X, Y) of W×H filled with one flat colour (so the
driving test can find it on a screen grab). On each drop it reads every dropped local file *during the drop*
(as a real target does) into ``OUT_DIR/drop-N/<name>`` and then writes ``OUT_DIR/drops.json``: one entry per
drop with the file names, the proposed action and the MIME formats offered; ``OUT_DIR/entered.json`` counts the
drags that entered the window. It writes ``OUT_DIR/ready.json``
(its window's position on the screen) once the window is exposed. No imagestudio code is imported here: the
two sides only talk through the X server's drag-and-drop protocol (XDND).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QDragEnterEvent, QDragMoveEvent, QDropEvent, QPainter, QPaintEvent
from PySide6.QtWidgets import QApplication, QWidget

COLOUR = (23, 201, 187)  # not a colour of the app's themes: the test finds the window by it


def _write_json(path: Path, body: object) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(body, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, path)


class DropTarget(QWidget):
    def __init__(self, out: Path) -> None:
        super().__init__(None, Qt.WindowType.Window | Qt.WindowType.WindowStaysOnTopHint)
        self.setWindowTitle("drop target")
        self.setAcceptDrops(True)
        self._out = out
        self._drops: list[dict[str, object]] = []
        self._entered = 0

    def paintEvent(self, event: QPaintEvent) -> None:
        QPainter(self).fillRect(self.rect(), QColor(*COLOUR))

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        self._entered += 1
        _write_json(self._out / "entered.json", self._entered)  # drags that reached this window, dropped or not
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasUrls():
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        mime = event.mimeData()
        folder = self._out / f"drop-{len(self._drops) + 1}"
        folder.mkdir(parents=True, exist_ok=True)
        names: list[str] = []
        problems: list[str] = []
        for url in mime.urls():
            if not url.isLocalFile():
                problems.append(f"not a local file: {url.toString()}")
                continue
            source = Path(url.toLocalFile())
            try:
                data = source.read_bytes()  # now: the source may remove its files once the app exits
            except OSError as e:
                problems.append(f"{source}: {e}")
                continue
            (folder / source.name).write_bytes(data)
            names.append(source.name)
        event.acceptProposedAction()
        self._drops.append(
            {
                "files": names,
                "problems": problems,
                "formats": list(mime.formats()),
                "action": int(event.dropAction().value),
                "drag_enters": self._entered,
            }
        )
        _write_json(self._out / "drops.json", self._drops)


def main(argv: list[str]) -> int:
    out = Path(argv[0])
    x, y, w, h = (int(v) for v in argv[1:5])
    app = QApplication([sys.argv[0]])
    window = DropTarget(out)
    window.setGeometry(x, y, w, h)
    window.show()

    def report_ready() -> None:
        handle = window.windowHandle()
        if handle is None or not handle.isExposed():
            QTimer.singleShot(50, report_ready)
            return
        top_left = window.mapToGlobal(window.rect().topLeft())
        _write_json(
            out / "ready.json",
            {"x": top_left.x(), "y": top_left.y(), "w": window.width(), "h": window.height(), "pid": os.getpid()},
        )

    QTimer.singleShot(0, report_ready)
    return app.exec()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
