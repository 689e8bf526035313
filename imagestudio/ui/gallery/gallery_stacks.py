"""Stacks in the gallery: Stack selected (Ctrl+G), Unstack (Ctrl+Shift+G), Remove from stack, Use as stack cover,
Expand / collapse stack (S, or a click on the tile's count badge). QActions on the gallery view, so they work while
the gallery has focus and Help → Keyboard shortcuts lists them; the right-click and Edit menus show them.

A collapsed stack is one tile (its cover). Rating, flag, favourite, tag, trash… act on the images shown, so on a
collapsed stack they act on its cover; expand the stack (S) to act on other members. Stack/Unstack act on whole
stacks: stacking a collapsed tile with others merges its stack, unstacking it dissolves it."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QMenu, QWidget

from imagestudio.app.gallery_model import GalleryModel
from imagestudio.app.library_actions import LibraryActions


class StackActions(QObject):
    def __init__(
        self, view: QWidget, model: GalleryModel, actions: LibraryActions, selection: Callable[[], list[int]]
    ) -> None:
        super().__init__(view)
        self._model = model
        self._actions = actions
        self._selection = selection
        self.stack_action = self._action(view, self.tr("Stack selected"), "Ctrl+G", self.stack)
        self.stack_action.setToolTip(self.tr("Show the selected images (and their stacks) as one tile"))
        self.unstack_action = self._action(view, self.tr("Unstack"), "Ctrl+Shift+G", self.unstack)
        self.remove_action = self._action(view, self.tr("Remove from stack"), None, self.remove)
        self.cover_action = self._action(view, self.tr("Use as stack cover"), None, self.set_cover)
        self.expand_action = self._action(view, self.tr("Expand or collapse stack"), "S", self.toggle_selected)

    @staticmethod
    def _action(view: QWidget, text: str, key: str | None, slot: Callable[[], None]) -> QAction:
        act = QAction(text, view)
        if key is not None:
            act.setShortcut(QKeySequence(key))
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            view.addAction(act)
        act.triggered.connect(lambda _checked=False: slot())
        return act

    def _stacks_of(self, ids: list[int]) -> list[int]:
        found = [(d.stack_id, d.stack_size) for d in (self._model.details(i) for i in ids) if d is not None]
        return list(dict.fromkeys(s for s, size in found if s is not None and size > 1))

    def stack(self) -> None:
        if len(ids := self._selection()) >= 2:
            self._actions.fire(self._actions.stack(ids), "stack")
        elif ids:
            self._actions.message.emit(self.tr("Select at least two images to stack them"))

    def unstack(self) -> None:
        if ids := self._selection():
            self._actions.fire(self._actions.unstack(ids), "unstack")

    def remove(self) -> None:
        if ids := self._selection():
            self._actions.fire(self._actions.remove_from_stack(ids), "unstack-some")

    def set_cover(self) -> None:
        if ids := self._selection():
            self._actions.fire(self._actions.set_stack_cover(ids[0]), "stack-cover")

    def toggle(self, stack_id: int) -> None:
        """Expand a collapsed stack in place (its members next to each other), or collapse it again."""
        self._model.set_expanded(stack_id, not self._model.is_expanded(stack_id))

    def toggle_selected(self) -> None:
        """S: the stacks of the selected tiles open (or, when all are open, close). The rows are read again (a
        key pressed right after a rating may come before the tile's details are back)."""
        if not (ids := self._selection()):
            return

        async def toggle() -> None:
            images = await self._actions.service.get_many(ids)
            stacks = list(dict.fromkeys(im.stack_id for im in images if im.stack_id is not None and im.stack_size > 1))
            expand = not all(self._model.is_expanded(s) for s in stacks)
            for s in stacks:
                self._model.set_expanded(s, expand)

        self._actions.fire(toggle(), "stack-expand")

    def add_menu(self, menu: QMenu, ids: list[int]) -> None:
        """The right-click menu's stack entries for the selection ``ids``."""
        stacks = self._stacks_of(ids)
        sub = menu.addMenu(self.tr("Stack"))
        if stacks:
            expanded = all(self._model.is_expanded(s) for s in stacks)
            self.expand_action.setText(self.tr("Collapse stack") if expanded else self.tr("Expand stack"))
            sub.addAction(self.expand_action)
        sub.addAction(self.stack_action)
        if stacks:
            sub.addActions([self.unstack_action, self.remove_action, self.cover_action])

    def add_to(self, menu: QMenu) -> None:
        """The Edit menu's Stack submenu (every entry, so the shortcuts list shows them)."""
        self.expand_action.setText(self.tr("Expand or collapse stack"))
        sub = menu.addMenu(self.tr("Stack"))
        sub.addActions(
            [self.expand_action, self.stack_action, self.unstack_action, self.remove_action, self.cover_action]
        )
