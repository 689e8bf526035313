"""The gallery's actions: keyboard triage (F favourite, Del trash, Ctrl+Z undo, Ctrl+F search) and the
right-click menu (tags, collections, note, find similar, restore, empty trash). Each action hands the
selected ids to ``LibraryActions``; nothing here touches the DB."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from imagestudio.app.library_actions import LibraryActions
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.library.query import LibraryQuery
from imagestudio.core.types import LibraryImage
from imagestudio.ui.dialogs import text_dialog
from imagestudio.ui.gallery.gallery_culling import CullingActions
from imagestudio.ui.gallery.gallery_stacks import StackActions

if TYPE_CHECKING:
    from imagestudio.ui.gallery.gallery import GalleryPane

#: (title, label, initial text) → the text entered, or None when cancelled. Tests replace it.
AskText = Callable[[QWidget, str, str, str], "str | None"]


def confirm_dialog(parent: QWidget, title: str, text: str) -> bool:
    answer = QMessageBox.question(parent, title, text)
    return answer == QMessageBox.StandardButton.Yes


class GalleryMenu(QObject):
    previewRequested = Signal(int)

    def __init__(self, pane: GalleryPane, actions: LibraryActions, tasks: TaskOwner) -> None:
        super().__init__(pane)
        self.pane = pane
        self.actions = actions
        self._tasks = tasks
        self.ask_text: AskText = text_dialog.ask_text
        #: (parent, how many images, the library's tags) → the tag, or None when cancelled. Tests may replace it.
        self.ask_tag: Callable[[QWidget, int, list[str]], str | None] = text_dialog.ask_tag
        #: (parent, the note now) → the new note, or None when cancelled
        self.ask_note: Callable[[QWidget, str], str | None] = text_dialog.ask_note
        self.confirm: Callable[[QWidget, str, str], bool] = confirm_dialog
        self.report_box: QMessageBox | None = None
        #: the window's unobtrusive notification (text, "Details…" action); without one, the report box opens
        self.notify: Callable[[str, Callable[[], None] | None], object] | None = None
        #: actions other parts of the window add to the top of the right-click menu ("Edit selected")
        self.extra_actions: list[QAction] = []
        view = pane.view
        scoped = Qt.ShortcutContext.WidgetWithChildrenShortcut

        def action(
            text: str, slot: Callable[[], None], keys: QKeySequence | QKeySequence.StandardKey | str | None = None
        ) -> QAction:
            act = QAction(text, view)
            if keys is not None:
                act.setShortcut(QKeySequence(keys))
                act.setShortcutContext(scoped)
                view.addAction(act)  # the shortcut works while the gallery has focus
            act.triggered.connect(lambda _checked=False: slot())
            return act

        self.favourite_action = action(self.tr("Favourite"), self.toggle_favourite, "F")
        self.favourite_action.setCheckable(True)  # ticked when every selected image is a favourite
        view.selectionModel().selectionChanged.connect(lambda *_: self.sync_favourite())
        pane.model.dataChanged.connect(lambda *_: self.sync_favourite())
        self.trash_action = action(self.tr("Move to trash"), self.trash, QKeySequence.StandardKey.Delete)
        self.restore_action = action(self.tr("Restore from trash"), self.restore)
        self.empty_trash_action = action(self.tr("Empty trash…"), self.empty_trash)
        self.tag_action = action(self.tr("Add tag…"), self.add_tag, "T")
        self.note_action = action(self.tr("Edit note…"), self.edit_note, "N")
        self.new_collection_action = action(self.tr("New collection from selection…"), self.new_collection)
        self.remove_from_collection_action = action(self.tr("Remove from this collection"), self.remove_from_collection)
        # window-wide: Ctrl+Z and Ctrl+F also work from the sidebar or the search box
        self.undo_action = QAction(self.tr("Undo move to trash"), pane)
        self.undo_action.setShortcut(QKeySequence.StandardKey.Undo)
        self.undo_action.setEnabled(False)
        self.undo_action.triggered.connect(lambda _checked=False: self.undo())
        actions.undoAvailable.connect(self.undo_action.setEnabled)
        self.import_files_action = QAction(self.tr("&Import images…"), pane)
        self.import_files_action.setShortcut(QKeySequence("Ctrl+I"))
        self.import_files_action.triggered.connect(lambda _checked=False: self.choose_files())
        self.import_folder_action = QAction(self.tr("Import a &folder…"), pane)
        self.import_folder_action.triggered.connect(lambda _checked=False: self.choose_folder())
        self.find_action = QAction(self.tr("Search the library"), pane)
        self.find_action.setShortcut(QKeySequence.StandardKey.Find)
        self.find_action.triggered.connect(lambda _checked=False: pane.focus_search())
        self.culling = CullingActions(view, actions, self._selection)  # 0–5, P, X, U
        self.stacks = StackActions(view, pane.model, actions, self._selection)  # Ctrl+G, Ctrl+Shift+G, S

    # -- what the actions do ---------------------------------------------------------------------
    def _selection(self) -> list[int]:
        return self.pane.view.selected_ids()

    def sync_favourite(self) -> None:
        """The Favourite action shows the selection's state (checked when all selected are favourites)."""
        images = [self.pane.model.details(i) for i in self._selection()]
        known = [im for im in images if im is not None]
        self.favourite_action.setChecked(bool(known) and all(im.favourite for im in known))

    def toggle_favourite(self) -> None:
        if ids := self._selection():
            self.actions.fire(self.actions.toggle_favourite(ids), "favourite")

    def trash(self) -> None:
        if not (ids := self._selection()):
            return
        if self.pane.model.query.in_trash:
            self.delete_for_good(ids)
        else:
            self.actions.fire(self.actions.trash(ids), "trash")

    def undo(self) -> None:
        self.actions.fire(self.actions.undo(), "undo")

    def restore(self) -> None:
        if ids := self._selection():
            self.actions.fire(self.actions.restore(ids), "restore")

    def empty_trash(self) -> None:
        if self.confirm(
            self.pane,
            self.tr("Empty trash"),
            self.tr("Delete every image in the trash for good? Their files are removed and this cannot be undone."),
        ):
            self.actions.fire(self.actions.empty_trash(), "empty-trash")

    def delete_for_good(self, ids: list[int]) -> None:
        if self.confirm(
            self.pane,
            self.tr("Delete for good"),
            self.tr("Delete %n image(s) for good? This cannot be undone.", "", len(ids)),
        ):
            self.actions.fire(self.actions.delete_for_good(ids), "delete")

    def add_tag(self) -> None:
        ids = self._selection()
        if not ids:
            return
        tags = self.pane.sidebar.tag_names() if self.pane.sidebar is not None else []
        name = self.ask_tag(self.pane, len(ids), tags)
        if name and name.strip():
            self.actions.fire(self.actions.change_tags(ids, add=[name]), "tag")

    def remove_tag(self, name: str) -> None:
        if ids := self._selection():
            self.actions.fire(self.actions.change_tags(ids, remove=[name]), "untag")

    def edit_note(self) -> None:
        ids = self._selection()
        if not ids:
            return
        image = self.pane.model.details(ids[0])
        if image is not None:
            self._ask_note(image)
            return

        async def fetch() -> None:  # its row is being read again (it just changed): ask once it is here
            found = await self.actions.service.get_many([ids[0]])
            if found:
                QTimer.singleShot(0, lambda: self._ask_note(found[0]))  # the dialog runs outside this task

        self.actions.fire(fetch(), "note-row")

    def _ask_note(self, image: LibraryImage) -> None:
        note = self.ask_note(self.pane, image.note)
        if note is not None:
            self.actions.fire(self.actions.set_note(image.id, note), "note")

    def new_collection(self) -> None:
        name = self.ask_text(self.pane, self.tr("New collection"), self.tr("Name of the collection:"), "")
        if name and name.strip():
            self.actions.fire(self.actions.create_collection(name, self._selection()), "collection")

    def add_to_collection(self, collection_id: int) -> None:
        if ids := self._selection():
            self.actions.fire(self.actions.add_to_collection(collection_id, ids), "collect")

    def remove_from_collection(self) -> None:
        collection = self.pane.model.query.collection
        if (ids := self._selection()) and collection is not None:
            self.actions.fire(self.actions.remove_from_collection(collection, ids), "uncollect")

    def save_search(self) -> None:
        query = self.pane.effective_query()
        if query == LibraryQuery():
            self.actions.message.emit(self.tr("Type a search or choose a filter first."))
            return
        suggestion = query.text or self.tr("My search")
        name = self.ask_text(self.pane, self.tr("Save search"), self.tr("Name in the sidebar:"), suggestion)
        if name and name.strip():
            self.actions.fire(self.actions.save_search(name, query), "save-search")

    def find_similar(self) -> None:
        if ids := self._selection():
            self.pane.show_similar(ids[0])

    def choose_files(self) -> None:
        files, _filter = QFileDialog.getOpenFileNames(
            self.pane, self.tr("Import images"), "", self.tr("Images (*.png *.jpg *.jpeg *.webp *.gif);;All files (*)")
        )
        if files:
            self.import_files(files)

    def choose_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self.pane, self.tr("Import a folder of images"))
        if folder:
            self.import_files([folder])

    def import_files(self, files: list[str]) -> None:
        self.actions.fire(self._import(files), "import")

    async def _import(self, files: list[str]) -> None:
        report = await self.actions.import_paths(files)
        problems = [i for i in report.items if i.status != "imported"]
        if not problems:
            return
        box = QMessageBox(self.pane)
        box.setWindowTitle(self.tr("Import"))
        box.setIcon(QMessageBox.Icon.Information)
        box.setText(self.tr("Import finished: %1").replace("%1", report.summary()))
        box.setDetailedText("\n".join(f"{Path(i.path).name}: {i.reason or i.status}" for i in problems))
        self.report_box = box  # kept so it is not garbage-collected while open (and for tests)
        if self.notify is not None:
            self.notify(box.text(), box.open)
        else:
            box.open()

    def preview(self) -> None:
        if ids := self._selection():
            self.previewRequested.emit(ids[0])

    # -- the right-click menu ------------------------------------------------------------------------
    def popup(self, pos: QPoint) -> None:
        self.build_menu().popup(self.pane.view.viewport().mapToGlobal(pos))

    def build_menu(self) -> QMenu:
        menu = QMenu(self.pane)
        ids = self._selection()
        query = self.pane.model.query
        if query.in_trash:
            menu.addAction(self.restore_action)
            menu.addAction(self.trash_action)
            self.trash_action.setText(self.tr("Delete for good…"))
            menu.addSeparator()
            menu.addAction(self.empty_trash_action)
            return menu
        self.trash_action.setText(self.tr("Move to trash"))
        self.sync_favourite()
        if self.extra_actions:
            menu.addActions(self.extra_actions)
            menu.addSeparator()
        menu.addAction(self.favourite_action)
        self.culling.add_menus(menu)
        self.stacks.add_menu(menu, ids)
        menu.addAction(self.tag_action)
        images = [im for im in (self.pane.model.details(i) for i in ids) if im is not None]
        tags = sorted({t for im in images for t in im.tags})
        if tags:
            untag = menu.addMenu(self.tr("Remove tag"))
            for tag in tags:
                untag.addAction(tag).triggered.connect(lambda _c=False, t=tag: self.remove_tag(t))
        menu.addAction(self.note_action)
        collect = menu.addMenu(self.tr("Add to collection"))
        if self.pane.sidebar is not None:
            section = self.pane.sidebar.collections_item
            for i in range(section.childCount()):
                child = section.child(i)
                if child is None:
                    continue
                cid = child.data(0, Qt.ItemDataRole.UserRole + 12)
                collect.addAction(child.toolTip(0)).triggered.connect(
                    lambda _c=False, c=cid: self.add_to_collection(int(c))
                )
        collect.addAction(self.new_collection_action)
        if query.collection is not None:
            menu.addAction(self.remove_from_collection_action)
        menu.addAction(self.tr("Find similar")).triggered.connect(lambda _c=False: self.find_similar())
        menu.addSeparator()
        menu.addAction(self.trash_action)
        for act in menu.actions():
            if act is not self.undo_action:
                act.setEnabled(bool(ids) or act is self.new_collection_action)
        return menu
