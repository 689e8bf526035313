"""Status-bar widgets: how many jobs run and wait, and the progress of a long library operation with Cancel.

Today's cost is ``ui/prompt/cost_label.py``. Every state is said in words, never by colour alone.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QHBoxLayout, QLabel, QMainWindow, QMenu, QProgressBar, QPushButton, QWidget

from imagestudio.app.controller import GenerationController
from imagestudio.app.library_actions import LibraryActions
from imagestudio.app.tasks import TaskOwner
from imagestudio.ui.notifications import NotificationArea

if TYPE_CHECKING:  # imported when first opened (start-up time, bench P1)
    from imagestudio.ui.dialogs.library_check_dialog import LibraryCheckDialog


class JobsStatus(QLabel):
    """ "2 running · 3 waiting", or "No jobs" — follows ``GenerationController.countsChanged``."""

    def __init__(self, controller: GenerationController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("jobsStatus")
        self.setAccessibleName(self.tr("Jobs"))
        self.setToolTip(self.tr("Generation jobs running now and waiting in the queue"))
        self._batched = controller.batched_count()
        controller.countsChanged.connect(self.show_counts)
        controller.batchedChanged.connect(self.show_batched)
        running = controller.running_count()
        self.show_counts(running, controller.active_count() - running)

    def show_batched(self, batched: int) -> None:
        self._batched = batched
        self.show_counts(*self._counts)

    def show_counts(self, running: int, waiting: int) -> None:
        self._counts = (running, waiting)
        if not running and not waiting:
            text = self.tr("No jobs running")
        else:
            text = self.tr("Jobs: %1 running · %2 waiting").replace("%1", str(running)).replace("%2", str(waiting))
        if self._batched:  # in an OpenAI batch: results within 24 h, collected by the app
            text += " · " + self.tr("%1 in a batch").replace("%1", str(self._batched))
        self.setText(text)
        self.setAccessibleDescription(text)


class OperationProgress(QWidget):
    """Import / library check in progress: what, how far, and Cancel. Hidden when nothing runs."""

    def __init__(self, actions: LibraryActions, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("operationProgress")
        self._actions = actions
        self._name = ""
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(160)
        self.bar.setAccessibleName(self.tr("Progress"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.cancel_button.setAccessibleDescription(self.tr("Stops the running import or library check"))
        self.cancel_button.clicked.connect(self.cancel)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        actions.progress.connect(self.show_progress)
        actions.progressEnded.connect(self.ended)
        self.hide()

    def _what(self, name: str) -> str:
        return self.tr("Importing…") if name == "import" else self.tr("Checking the library…")

    def show_progress(self, name: str, done: int, total: int) -> None:
        self._name = name
        self.label.setText(self._what(name))
        self.bar.setRange(0, max(total, 0))  # 0..0 = busy indicator while the total is unknown
        self.bar.setValue(done)
        self.bar.setFormat(f"{done}/{total}" if total else "")
        self.bar.setAccessibleDescription(self._what(name) + (f" {done}/{total}" if total else ""))
        self.cancel_button.setEnabled(True)
        self.show()

    def ended(self, name: str) -> None:
        if name == self._name:
            self.hide()

    def cancel(self) -> None:
        self.cancel_button.setEnabled(False)
        self.label.setText(self.tr("Cancelling…"))
        self._actions.cancel(self._name)


class StatusFeedback(QObject):
    """Puts the feedback pieces into the main window: jobs count and operation progress in the status bar,
    the notification area over the central widget, and File → Check library…."""

    def __init__(
        self,
        window: QMainWindow,
        controller: GenerationController,
        actions: LibraryActions | None,
        tasks: TaskOwner,
        file_menu: QMenu | None = None,
    ) -> None:
        super().__init__(window)
        self._window = window
        self._actions = actions
        self._tasks = tasks
        self.jobs = JobsStatus(controller)
        window.statusBar().addPermanentWidget(self.jobs)
        self.notifications = NotificationArea(window.centralWidget() or window)
        self.progress: OperationProgress | None = None
        self.check_dialog: LibraryCheckDialog | None = None
        self.check_action: QAction | None = None
        if actions is None:
            return
        self.progress = OperationProgress(actions)
        window.statusBar().addPermanentWidget(self.progress)
        if file_menu is not None:
            self.check_action = QAction(self.tr("Check &library…"), window)
            self.check_action.setStatusTip(self.tr("Look for missing or damaged files and repair the library"))
            self.check_action.triggered.connect(self.show_check)
            # above Quit, with the library's other File actions: Quit stays the last item
            quit_action = next((a for a in file_menu.actions() if a.objectName() == "quit"), None)
            file_menu.insertAction(quit_action, self.check_action)  # type: ignore[arg-type]  # None: at the end
            if quit_action is not None:
                file_menu.insertSeparator(quit_action)

    def show_check(self) -> LibraryCheckDialog:
        assert self._actions is not None
        if self.check_dialog is None:
            from imagestudio.ui.dialogs.library_check_dialog import LibraryCheckDialog

            self.check_dialog = LibraryCheckDialog(self._actions, self._tasks, self._window)
        self.check_dialog.show()
        self.check_dialog.raise_()
        self.check_dialog.activateWindow()
        return self.check_dialog
