"""Watch folders in the main window: File → Watch folders…, a Settings section with the same button and a summary,
and the status-bar notice "3 images imported from Downloads". The dialog is imported when first opened."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QLabel, QMainWindow, QMenu, QPushButton, QWidget

from imagestudio.app.tasks import TaskOwner
from imagestudio.app.watch_service import WatchService

if TYPE_CHECKING:
    from imagestudio.ui.dialogs.watch_folders_dialog import WatchFoldersDialog

NOTICE_MS = 10_000


class WatchFoldersUi(QObject):
    def __init__(
        self, window: QMainWindow, service: WatchService, tasks: TaskOwner, file_menu: QMenu | None = None
    ) -> None:
        super().__init__(window)
        self._window = window
        self.service = service
        self._tasks = tasks
        self.dialog: WatchFoldersDialog | None = None
        self.action = QAction(self.tr("&Watch folders…"), window)
        self.action.setObjectName("watchFolders")
        self.action.setStatusTip(self.tr("Import new images from folders you choose, such as Downloads"))
        self.action.triggered.connect(lambda _checked=False: self.show())
        if file_menu is not None:  # with the library's other File actions, above Check library… and Quit
            below = next((a for a in file_menu.actions() if a.objectName() == "quit"), None)
            file_menu.insertAction(below, self.action)  # type: ignore[arg-type]  # None: at the end
        service.imported.connect(self.notice)

    def notice(self, folder: str, count: int) -> None:
        if count == 1:
            text = self.tr("1 image imported from %1").replace("%1", folder)
        else:
            text = self.tr("%1 images imported from %2").replace("%1", str(count)).replace("%2", folder)
        self._window.statusBar().showMessage(text, NOTICE_MS)

    def show(self) -> WatchFoldersDialog:
        if self.dialog is None:
            from imagestudio.ui.dialogs.watch_folders_dialog import WatchFoldersDialog

            self.dialog = WatchFoldersDialog(self.service, self._tasks, self._window)
        else:
            self.dialog.refresh()
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog

    def settings_box(self) -> QGroupBox:
        """Settings → Watch folders: what is watched, and the button that opens the dialog."""
        return WatchBox(self)


class WatchBox(QGroupBox):
    def __init__(self, ui: WatchFoldersUi, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Watch folders"))
        self.setObjectName("watchBox")
        self._ui = ui
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.button = QPushButton(self.tr("Watch folders…"))
        self.button.setObjectName("watchBoxOpen")
        self.button.clicked.connect(lambda _checked=False: ui.show())
        layout = QHBoxLayout(self)
        layout.addWidget(self.summary, 1)
        layout.addWidget(self.button)
        ui.service.changed.connect(self.update_summary)
        self.update_summary()

    def update_summary(self) -> None:
        folders = self._ui.service.folders_seen
        active = [f for f in folders if not f.paused]
        if not folders:
            text = self.tr("No folder is watched. New images saved into a watched folder are imported automatically.")
        else:
            text = (
                self.tr("Watching %1 of %2 folder(s).").replace("%1", str(len(active))).replace("%2", str(len(folders)))
            )
            lost = sum(1 for f in active if f.status in ("missing", "unreadable", "not a folder"))
            if lost:
                text += " " + self.tr("%1 cannot be read now (tried again at each scan).").replace("%1", str(lost))
        self.summary.setText(text)
