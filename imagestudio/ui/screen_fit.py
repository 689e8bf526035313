"""Windows other than the main one (viewer, compare, large dialogs) open at a comfortable size that never
exceeds the free area of the screen they open on: on a 1366×768 laptop nothing is off-screen."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

#: room left for a usual window frame (title bar, borders), which is not known before the window is shown
FRAME_W, FRAME_H = 8, 36


def resize_within_screen(window: QWidget, width: int, height: int) -> None:
    """``window.resize`` to at most ``width``×``height`` and at most the screen's available area."""
    screen = window.screen()
    if screen is not None:
        room = screen.availableGeometry()
        width, height = min(width, room.width() - FRAME_W), min(height, room.height() - FRAME_H)
    window.resize(width, height)
