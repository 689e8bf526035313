"""Answering the app's modal dialogs like a person, from a timer (the dialog's own event loop is running).

Each dialog is answered once: a dialog still on its way out from an earlier answer is never taken for the next one.
If the answer fails (an assertion), the dialog is closed before the error goes on, so the test fails instead of
waiting forever in the dialog's event loop."""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QDialog

D = TypeVar("D", bound=QDialog)
_ANSWERED: weakref.WeakSet[QDialog] = weakref.WeakSet()


def answer_next(kind: type[D], act: Callable[[D], Any], every_ms: int = 20) -> list[D]:
    """Run ``act(dialog)`` on the next new modal dialog of ``kind``; returns a list that then holds it."""
    seen: list[D] = []

    def poll() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, kind) or not dialog.isVisible() or dialog in _ANSWERED:
            QTimer.singleShot(every_ms, poll)
            return
        _ANSWERED.add(dialog)
        seen.append(dialog)
        try:
            act(dialog)
        except BaseException:
            dialog.reject()
            raise

    QTimer.singleShot(0, poll)
    return seen
