"""The viewer's library side: the shown image's favourite (☆/★, F), tags (T, with completion), note (N), stars
(0–5) and flag (P pick, X reject, U unflag; shown on the ``cull`` button), changed through ``LibraryActions``
(the DB thread) like in the gallery; the details follow every ``LibraryChange``."""

from __future__ import annotations

import functools
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QToolButton, QWidget

from imagestudio.app.library_actions import LibraryActions
from imagestudio.core.library.culling import PICK, REJECT, UNFLAGGED
from imagestudio.core.types import LibraryChange, LibraryImage
from imagestudio.ui.dialogs import text_dialog


class ViewerOrganiser(QObject):
    def __init__(
        self,
        owner: QWidget,
        actions: LibraryActions | None,
        current: Callable[[], LibraryImage | None],
        refresh: Callable[[int], None],
    ) -> None:
        super().__init__(owner)
        self._owner = owner
        self._actions = actions
        self._current = current
        self._refresh = refresh
        #: tests may replace the questions (parent, count, tags) / (parent, note)
        self.ask_tag: Callable[[QWidget, int, list[str]], str | None] = text_dialog.ask_tag
        self.ask_note: Callable[[QWidget, str], str | None] = text_dialog.ask_note
        self.favourite = QToolButton()
        self.favourite.setObjectName("viewerFavourite")
        self.favourite.setCheckable(True)
        self.favourite.setToolTip(self.tr("Favourite (F)"))
        self.favourite.setAccessibleName(self.tr("Favourite"))
        self.favourite.clicked.connect(lambda _checked=False: self.toggle_favourite())
        self.tag = QToolButton()
        self.tag.setObjectName("viewerTag")
        self.tag.setText(self.tr("Tag…"))
        self.tag.setToolTip(self.tr("Add a tag (T)"))
        self.tag.clicked.connect(lambda _checked=False: self.add_tag())
        self.note = QToolButton()
        self.note.setObjectName("viewerNote")
        self.note.setText(self.tr("Note…"))
        self.note.setToolTip(self.tr("Edit the note (N)"))
        self.note.clicked.connect(lambda _checked=False: self.edit_note())
        self.cull = QToolButton()
        self.cull.setObjectName("viewerCulling")
        self.cull.setToolTip(self.tr("Rating 0–5 · P pick · X reject · U unflag"))
        self.cull.setAccessibleName(self.tr("Rating and flag"))
        #: the library's tag names (the gallery's sidebar knows them); set by whoever opens the viewer
        self.tag_names: Callable[[], list[str]] = list
        if actions is not None:
            actions.service.changed.connect(self._library_changed)
        self.show(None)

    def buttons(self) -> tuple[QToolButton, ...]:
        return (self.favourite, self.tag, self.note, self.cull)

    def show(self, image: LibraryImage | None) -> None:
        usable = image is not None and self._actions is not None and image.trashed_at is None
        for button in self.buttons():
            button.setEnabled(usable)
        starred = bool(image is not None and image.favourite)
        self.favourite.setChecked(starred)
        self.favourite.setText("★" if starred else "☆")
        rating, flag = (image.rating, image.flag) if image is not None else (0, 0)
        marks = {PICK: " ⚑ " + self.tr("Picked"), REJECT: " ✕ " + self.tr("Rejected")}.get(flag, "")
        self.cull.setText("★" * rating + "☆" * (5 - rating) + marks)

    def key_table(self) -> list[tuple[str, tuple[QKeySequence, ...], Callable[[], None]]]:
        """The culling keys, for the viewer's key table (Help → Keyboard shortcuts lists them)."""
        digits = [Qt.Key.Key_0, Qt.Key.Key_1, Qt.Key.Key_2, Qt.Key.Key_3, Qt.Key.Key_4, Qt.Key.Key_5]
        table: list[tuple[str, tuple[QKeySequence, ...], Callable[[], None]]] = [
            (
                self.tr("Clear rating") if n == 0 else self.tr("Rate %1").replace("%1", "★" * n + "☆" * (5 - n)),
                (QKeySequence(digits[n]),),
                functools.partial(self.rate, n),
            )
            for n in range(6)
        ]
        table += [
            (self.tr("Pick"), (QKeySequence(Qt.Key.Key_P),), functools.partial(self.flag, PICK)),
            (self.tr("Reject"), (QKeySequence(Qt.Key.Key_X),), functools.partial(self.flag, REJECT)),
            (self.tr("Unflag"), (QKeySequence(Qt.Key.Key_U),), functools.partial(self.flag, UNFLAGGED)),
        ]
        return table

    def rate(self, stars: int) -> None:
        image = self._current()
        if image is not None and self._actions is not None and image.trashed_at is None:
            self._actions.fire(self._actions.set_rating([image.id], stars), "rate")

    def flag(self, flag: int) -> None:
        image = self._current()
        if image is not None and self._actions is not None and image.trashed_at is None:
            self._actions.fire(self._actions.set_flag([image.id], flag), "flag")

    # -- actions -----------------------------------------------------------------------------------------
    def toggle_favourite(self) -> None:
        image = self._current()
        if image is not None and self._actions is not None:
            self._actions.fire(self._actions.set_favourite([image.id], not image.favourite), "favourite")

    def add_tag(self) -> None:
        image = self._current()
        if image is None or self._actions is None:
            return
        name = self.ask_tag(self._owner, 1, self.tag_names())  # the library's tags, offered while typing
        if name and name.strip():
            self._actions.fire(self._actions.change_tags([image.id], add=[name.strip()]), "tag")

    def edit_note(self) -> None:
        image = self._current()
        if image is None or self._actions is None:
            return
        note = self.ask_note(self._owner, image.note)
        if note is not None:
            self._actions.fire(self._actions.set_note(image.id, note), "note")

    def _library_changed(self, change: LibraryChange) -> None:
        image = self._current()
        if image is not None and image.id in change.updated:
            self._refresh(image.id)  # the row again (favourite, tags, note), not the pixels
