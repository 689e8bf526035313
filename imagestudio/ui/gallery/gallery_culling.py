"""Culling keys as in Lightroom: 0–5 set the stars of the selection, P picks, X rejects, U unflags; plus
"Empty rejected to trash". QActions on the gallery view (they work while the gallery has focus, never while typing
in the search box), listed in the Edit menu and the right-click menu (so Help → Keyboard shortcuts shows them)."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from imagestudio.app.library_actions import LibraryActions
from imagestudio.core.library.culling import PICK, REJECT, UNFLAGGED


def stars_text(rating: int) -> str:
    return "★" * rating + "☆" * (5 - rating)


class CullingActions(QObject):
    def __init__(self, view: QWidget, actions: LibraryActions, selection: Callable[[], list[int]]) -> None:
        super().__init__(view)
        self._actions = actions
        self._selection = selection
        self.rating_actions: list[QAction] = []
        for stars in range(6):
            text = self.tr("Clear rating") if stars == 0 else self.tr("Rate %1").replace("%1", stars_text(stars))
            self.rating_actions.append(self._action(view, text, str(stars), functools.partial(self.rate, stars)))
        self.pick_action = self._action(view, self.tr("Pick"), "P", lambda: self.flag(PICK))
        self.reject_action = self._action(view, self.tr("Reject"), "X", lambda: self.flag(REJECT))
        self.unflag_action = self._action(view, self.tr("Unflag"), "U", lambda: self.flag(UNFLAGGED))
        self.trash_rejected_action = QAction(self.tr("Empty rejected to trash"), view)
        self.trash_rejected_action.setToolTip(self.tr("Move every rejected image to the trash (Ctrl+Z undoes it)"))
        self.trash_rejected_action.triggered.connect(lambda _checked=False: self.trash_rejected())

    @staticmethod
    def _action(view: QWidget, text: str, key: str, slot: Callable[[], None]) -> QAction:
        act = QAction(text, view)
        act.setShortcut(QKeySequence(key))
        act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        view.addAction(act)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def rate(self, stars: int) -> None:
        if ids := self._selection():
            self._actions.fire(self._actions.set_rating(ids, stars), "rate")

    def flag(self, flag: int) -> None:
        if ids := self._selection():
            self._actions.fire(self._actions.set_flag(ids, flag), "flag")

    def trash_rejected(self) -> None:
        self._actions.fire(self._actions.trash_rejected(), "trash-rejected")

    def add_menus(self, menu: QMenu) -> None:
        """ "Rating" and "Flag" submenus (the Edit menu and the right-click menu)."""
        rating = menu.addMenu(self.tr("Rating"))
        rating.addActions(self.rating_actions)
        flags = menu.addMenu(self.tr("Flag"))
        flags.addActions([self.pick_action, self.reject_action, self.unflag_action])
