"""The viewer's library side: the shown image's favourite (☆/★, F), tags (T, with completion) and note (N), changed
through ``LibraryActions`` (the DB thread) like in the gallery; the details follow every ``LibraryChange``."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QToolButton, QWidget

from imagestudio.app.library_actions import LibraryActions
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
        #: the library's tag names (the gallery's sidebar knows them); set by whoever opens the viewer
        self.tag_names: Callable[[], list[str]] = list
        if actions is not None:
            actions.service.changed.connect(self._library_changed)
        self.show(None)

    def buttons(self) -> tuple[QToolButton, ...]:
        return (self.favourite, self.tag, self.note)

    def show(self, image: LibraryImage | None) -> None:
        usable = image is not None and self._actions is not None and image.trashed_at is None
        for button in self.buttons():
            button.setEnabled(usable)
        starred = bool(image is not None and image.favourite)
        self.favourite.setChecked(starred)
        self.favourite.setText("★" if starred else "☆")

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
