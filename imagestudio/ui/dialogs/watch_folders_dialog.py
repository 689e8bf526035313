"""File → Watch folders…: folders (e.g. the browser's Downloads) whose new images are imported once complete.

Add a folder (a folder chooser), include its subfolders or not, pause / resume, remove, scan now; each folder's
state (watching, paused, not found, no access…), last scan and count; the log of what was imported, skipped or
failed, with the reason. The work is ``app/watch_service.py``'s; this dialog only shows and asks.
"""

from __future__ import annotations

import datetime
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.core_text import translate_message
from imagestudio.app.i18n import format_datetime
from imagestudio.app.tasks import TaskOwner
from imagestudio.app.watch_service import WatchService
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.files.outside import printable
from imagestudio.core.library.watch import LogEntry, WatchFolder
from imagestudio.ui.screen_fit import resize_within_screen


class WatchFoldersDialog(QDialog):
    def __init__(self, service: WatchService, tasks: TaskOwner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Watch folders"))
        self.setObjectName("watchFolders")
        self._service = service
        self._tasks = tasks
        self.folders: list[WatchFolder] = []
        self.chooser: QFileDialog | None = None
        self._select_id: int | None = None  # the folder just added: selected once the list shows it
        self._entries: list[LogEntry] | None = None  # the log as shown
        self._list_ids: list[int] | None = None  # the folders as listed
        self.reloads = 0  # how often it showed what the service says (tests wait on it)
        #: the platform's own folder chooser when it has one; tests type into Qt's (False)
        self.native_chooser = True
        intro = QLabel(
            self.tr(
                "Images saved into these folders — for example your browser's Downloads folder, where ChatGPT "
                "images land — are added to the library once they are completely written. The files stay where "
                "they are; the same image is never added twice."
            )
        )
        intro.setWordWrap(True)
        self.list = QTreeWidget()
        self.list.setObjectName("watchFolderList")
        self.list.setAccessibleName(self.tr("Watched folders"))
        self.list.setHeaderLabels([self.tr("Folder"), self.tr("State"), self.tr("Last scan"), self.tr("Imported")])
        self.list.setRootIsDecorated(False)
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self._fit_columns(self.list, stretch=0)
        self.list.itemSelectionChanged.connect(self._selection_changed)
        self.add_button = QPushButton(self.tr("&Add folder…"))
        self.add_button.setObjectName("watchAdd")
        self.pause_button = QPushButton(self.tr("&Pause"))
        self.pause_button.setObjectName("watchPause")
        self.remove_button = QPushButton(self.tr("&Remove"))
        self.remove_button.setObjectName("watchRemove")
        self.remove_button.setToolTip(self.tr("Stops watching the folder; its files and the imported images stay"))
        self.scan_button = QPushButton(self.tr("&Scan now"))
        self.scan_button.setObjectName("watchScan")
        self.recursive = QCheckBox(self.tr("Include &subfolders"))
        self.recursive.setObjectName("watchRecursive")
        self.recursive.setToolTip(self.tr("Also import images saved into folders inside the selected folder"))
        self.add_button.clicked.connect(self.choose_folder)
        self.pause_button.clicked.connect(self._toggle_pause)
        self.remove_button.clicked.connect(self._remove)
        self.scan_button.clicked.connect(service.request_scan)
        self.recursive.clicked.connect(self._toggle_recursive)
        row = QHBoxLayout()
        for widget in (self.add_button, self.pause_button, self.remove_button, self.scan_button):
            row.addWidget(widget)
        row.addStretch(1)
        row.addWidget(self.recursive)
        self.error = QLabel()
        self.error.setObjectName("watchError")
        self.error.setWordWrap(True)
        self.error.hide()
        log_title = QLabel(self.tr("&Log (newest first)"))
        self.log = QTreeWidget()
        self.log.setObjectName("watchLog")
        self.log.setAccessibleName(self.tr("What was imported, skipped or failed"))
        log_title.setBuddy(self.log)
        self.log.setHeaderLabels([self.tr("Time"), self.tr("Result"), self.tr("File"), self.tr("Details")])
        self.log.setRootIsDecorated(False)
        self._fit_columns(self.log, stretch=2)  # the file name takes the room; a reason is a few words
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.list, 2)
        layout.addLayout(row)
        layout.addWidget(self.error)
        layout.addWidget(log_title)
        layout.addWidget(self.log, 3)
        layout.addWidget(buttons)
        service.changed.connect(self.refresh)
        self._selection_changed()
        resize_within_screen(self, 1000, 640)
        self.refresh()

    @staticmethod
    def _fit_columns(tree: QTreeWidget, stretch: int) -> None:
        header = tree.header()
        header.setStretchLastSection(False)
        for column in range(tree.columnCount()):
            mode = QHeaderView.ResizeMode.Stretch if column == stretch else QHeaderView.ResizeMode.ResizeToContents
            header.setSectionResizeMode(column, mode)

    # -- showing -----------------------------------------------------------------------------------------
    def refresh(self) -> None:
        self._tasks.spawn_if_open(self._reload(), name="watch-dialog")

    async def _reload(self) -> None:
        folders, _damaged = await self._service.folders()
        entries = await self._service.log()
        selected = self.selected()
        wanted = self._select_id if self._select_id is not None else selected.id if selected is not None else None
        self._select_id = None
        self.folders = folders
        rows = [[printable(f.shown), self._state(f), self._when(f.last_scan_at), str(f.imported)] for f in folders]
        if self._list_ids != [f.id for f in folders]:  # added or removed: a new list (else updated in place)
            self._list_ids = [f.id for f in folders]
            self.list.clear()
            for folder in folders:
                new = QTreeWidgetItem()
                new.setData(0, Qt.ItemDataRole.UserRole, folder.id)
                new.setToolTip(0, printable(folder.shown))
                self.list.addTopLevelItem(new)
        for i, texts in enumerate(rows):
            shown = self.list.topLevelItem(i)
            if shown is None:
                continue
            for column, text in enumerate(texts):
                shown.setText(column, text)
            if folders[i].id == wanted:
                self.list.setCurrentItem(shown)
        first = self.list.topLevelItem(0)
        if self.list.currentItem() is None and first is not None:
            self.list.setCurrentItem(first)
        self._show_log(entries)
        self._selection_changed()
        self.reloads += 1

    def _show_log(self, entries: list[LogEntry]) -> None:
        """File names relative to their watched folder (the whole path in the tooltip); the reason in words, the
        importer's own detail in the tooltip. Rebuilt only when it changed, keeping where the person scrolled to."""
        if entries == self._entries:
            return
        self._entries = entries
        where = {f.id: f.shown.rstrip("/\\") for f in self.folders}
        scrolled = self.log.verticalScrollBar().value()
        self.log.clear()
        for e in entries:
            details = f"#{e.image_id}" if e.status == "imported" and e.image_id else translate_message(e.reason)
            root = where.get(e.folder_id, "")
            name = e.path[len(root) + 1 :] if root and e.path.startswith(root) and e.status != "folder" else e.path
            item = QTreeWidgetItem([self._when(e.at), self._result(e.status), printable(name), printable(details)])
            item.setToolTip(2, printable(e.path))
            if e.detail:
                item.setToolTip(3, printable(translate_message(e.detail)))
            self.log.addTopLevelItem(item)
        self.log.verticalScrollBar().setValue(scrolled)

    def _when(self, at: float | None) -> str:
        return self.tr("not yet") if at is None else format_datetime(datetime.datetime.fromtimestamp(at))

    def _result(self, status: str) -> str:
        words = {
            "imported": self.tr("Imported"),
            "duplicate": self.tr("Already in the library"),
            "skipped": self.tr("Skipped"),
            "failed": self.tr("Failed, will retry"),
            "folder": self.tr("Folder"),
        }
        return words.get(status, status)

    def _state(self, folder: WatchFolder) -> str:
        if folder.paused:
            text = self.tr("Paused")
        else:
            text = {
                "new": self.tr("Waiting for the first scan"),
                "ok": self.tr("Watching"),
                "missing": self.tr("Folder not found — tried again at each scan"),
                "unreadable": self.tr("No access — tried again at each scan"),
                "not a folder": self.tr("Not a folder — tried again at each scan"),
            }.get(folder.status, folder.status)
        if folder.recursive:
            text += self.tr(", with subfolders")
        pending = self._service.pending.get(folder.id)
        if pending and not folder.paused:
            waiting, downloading = pending
            if waiting:
                text += " · " + self.tr("%1 waiting until complete").replace("%1", str(waiting))
            if downloading:
                text += " · " + self.tr("%1 still downloading").replace("%1", str(downloading))
        if folder.detail and folder.status == "ok":
            text += " · " + translate_message(folder.detail)
        return text

    def selected(self) -> WatchFolder | None:
        item = self.list.currentItem()
        if item is None or not item.isSelected():
            return None
        folder_id = item.data(0, Qt.ItemDataRole.UserRole)
        return next((f for f in self.folders if f.id == folder_id), None)

    def _selection_changed(self) -> None:
        folder = self.selected()
        for widget in (self.pause_button, self.remove_button, self.recursive):
            widget.setEnabled(folder is not None)
        self.pause_button.setText(self.tr("Res&ume") if folder is not None and folder.paused else self.tr("&Pause"))
        self.recursive.setChecked(folder is not None and folder.recursive)

    # -- asking ------------------------------------------------------------------------------------------
    def choose_folder(self) -> None:
        """Opens the folder chooser (non-modal to the app: ``fileSelected`` adds the folder)."""
        chooser = QFileDialog(self, self.tr("Choose a folder to watch"))
        chooser.setObjectName("watchChooser")
        chooser.setFileMode(QFileDialog.FileMode.Directory)
        chooser.setOption(QFileDialog.Option.ShowDirsOnly, True)
        chooser.setOption(QFileDialog.Option.DontUseNativeDialog, not self.native_chooser)
        chooser.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        chooser.fileSelected.connect(self.add_folder)
        chooser.destroyed.connect(lambda _obj=None: setattr(self, "chooser", None))
        self.chooser = chooser
        chooser.open()

    def add_folder(self, path: str) -> None:
        if path:
            self._run(self._add(path))

    async def _add(self, path: str) -> None:
        folder = await self._service.add(path, False)
        self._select_id = folder.id
        self.refresh()

    def _toggle_pause(self) -> None:
        folder = self.selected()
        if folder is not None:
            self._run(self._service.set_paused(folder.id, not folder.paused))

    def _remove(self) -> None:
        folder = self.selected()
        if folder is not None:
            self._run(self._service.remove(folder.id))

    def _toggle_recursive(self, checked: bool) -> None:
        folder = self.selected()
        if folder is not None:
            self._run(self._service.set_recursive(folder.id, checked))

    def _run(self, coro: Any) -> None:
        self.error.hide()

        async def guarded() -> None:
            try:
                await coro
            except ImageStudioError as e:  # not a folder, watched already: said here, in the person's language
                self.error.setText(translate_message(e.message))
                self.error.show()

        self._tasks.spawn_if_open(guarded(), name="watch-change")
