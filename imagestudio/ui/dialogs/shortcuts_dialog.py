"""Help → Keyboard shortcuts: a table built from the window's actions and shortcuts, never a hand-kept list."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QAbstractButton,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


@dataclass(frozen=True, slots=True)
class ShortcutEntry:
    place: str  # the menu path, or the pane the shortcut works in
    name: str
    keys: str  # native text, e.g. "Ctrl+Q"; several joined by ", "


def _plain(text: str) -> str:
    """Menu text without its mnemonic marker (also a translation's "文件(&F)") or trailing ellipsis."""
    text = re.sub(r"[(（]&[^&][)）]", "", text)
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()


def _keys(sequences: list[QKeySequence]) -> str:
    texts = [s.toString(QKeySequence.SequenceFormat.NativeText) for s in sequences if not s.isEmpty()]
    return ", ".join(dict.fromkeys(texts))


def collect(window: QWidget, place: str = "") -> list[ShortcutEntry]:
    """Every action with a key (a main window's menus first, in menu order), then standalone QShortcuts and buttons
    with a key of their own, in ``window`` only (another window inside it is collected on its own)."""
    entries: list[ShortcutEntry] = []
    seen: set[int] = set()

    def walk(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                walk(action.menu(), f"{path} → {_plain(action.text())}")  # type: ignore[arg-type]
                continue
            seen.add(id(action))
            keys = _keys(action.shortcuts())
            if keys and not action.isSeparator():
                entries.append(ShortcutEntry(path, _plain(action.text()), keys))

    if isinstance(window, QMainWindow):
        for top in window.menuBar().actions():
            if top.menu() is not None:
                walk(top.menu(), _plain(top.text()))  # type: ignore[arg-type]
    for action in window.findChildren(QAction):
        keys = _keys(action.shortcuts())
        if id(action) not in seen and keys and action.text() and _belongs(action.parent(), window):
            seen.add(id(action))
            entries.append(ShortcutEntry(_owner(action.parent(), place), _plain(action.text()), keys))
    for shortcut in window.findChildren(QShortcut):
        keys = _keys([shortcut.key()])
        name = shortcut.whatsThis() or _owner(shortcut.parent(), place)
        if keys and shortcut.isEnabled() and _belongs(shortcut.parent(), window):
            entries.append(ShortcutEntry(_owner(shortcut.parent(), place), _plain(name), keys))
    for button in window.findChildren(QAbstractButton):
        key = button.shortcut()
        if not key.isEmpty() and key != QKeySequence.mnemonic(button.text()) and button.window() is window:
            entries.append(ShortcutEntry(_owner(button, place), _plain(button.text()), _keys([key])))
    return list(dict.fromkeys(entries))  # the same key for the same thing twice (Enter/Return) once


def _belongs(obj: object, window: QWidget) -> bool:
    """Owned by ``window`` itself, not by another window inside it (a viewer is the main window's child)."""
    return not isinstance(obj, QWidget) or obj.window() is window


def _owner(obj: object, place: str = "") -> str:
    while isinstance(obj, QWidget):
        if obj.accessibleName():
            return obj.accessibleName()
        if obj.isWindow():
            return place  # anywhere in that window ("" for the main window)
        obj = obj.parentWidget()
    return place


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow, others: Sequence[tuple[str, QWidget]] = ()) -> None:
        """``others``: (name, window) of the app's other windows (viewer, compare, mask painter)."""
        super().__init__(window)
        self.setWindowTitle(self.tr("Keyboard shortcuts"))
        self.resize(640, 560)
        self.entries = collect(window)
        for name, other in others:
            self.entries += [e for e in collect(other, name) if e not in self.entries]
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter…"))
        self.filter.setAccessibleName(self.tr("Filter shortcuts"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self._apply_filter)
        self.table = QTableWidget(len(self.entries), 3)
        self.table.setAccessibleName(self.tr("Keyboard shortcuts"))
        self.table.setHorizontalHeaderLabels([self.tr("Keys"), self.tr("Action"), self.tr("Where")])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table, arrows move inside it
        for row, entry in enumerate(self.entries):
            for column, text in enumerate((entry.keys, entry.name, entry.place)):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.AccessibleTextRole, f"{entry.name}: {entry.keys}")
                self.table.setItem(row, column, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        # what a key does on a collapsed stack (ui/gallery/gallery_stacks.py), said once for every gallery key
        self.stack_note = QLabel(
            self.tr(
                "Gallery keys on a collapsed stack (stars, P, X, U, F, T, N, Del) act on its cover, the image its tile "
                "shows; press S to expand the stack and act on the others."
            )
        )
        self.stack_note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(self.filter)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.stack_note)
        layout.addWidget(buttons)

    def _apply_filter(self, text: str) -> None:
        needle = text.strip().lower()
        for row, entry in enumerate(self.entries):
            hay = f"{entry.keys} {entry.name} {entry.place}".lower()
            self.table.setRowHidden(row, bool(needle) and needle not in hay)
