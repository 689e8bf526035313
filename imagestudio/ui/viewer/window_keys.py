"""Keys of a window of their own (viewer, compare) as QActions on it: Help → Keyboard shortcuts lists them from
the actions, and a key that reaches the window before its shortcut can fire (not active yet) does the same."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QWidget

KeyTable = Iterable[tuple[str, Sequence[QKeySequence], Callable[[], object]]]


def install(window: QWidget, table: KeyTable) -> list[QAction]:
    actions = []
    for name, keys, slot in table:
        action = QAction(name, window)
        action.setShortcuts(list(keys))
        action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
        action.triggered.connect(lambda _checked=False, slot=slot: slot())
        window.addAction(action)
        actions.append(action)
    return actions


def trigger(event: QKeyEvent, actions: Sequence[QAction]) -> bool:
    """Run the action bound to this key press; False when none is."""
    pressed = QKeySequence(event.keyCombination())
    for action in actions:
        if any(pressed.matches(k) == QKeySequence.SequenceMatch.ExactMatch for k in action.shortcuts()):
            action.trigger()
            event.accept()
            return True
    return False
