"""Tells the person about the queue when they are looking elsewhere: the window title and the app icon's badge
show the number of running jobs, and a tray message says when jobs finish while the window is not focused."""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QMainWindow, QMessageBox, QSystemTrayIcon, QWidget

from imagestudio.app.controller import GenerationController, Job
from imagestudio.app.core_text import translate_message
from imagestudio.core.types import JobState
from imagestudio.ui.plain_text import plain_notification

translate = QCoreApplication.translate  # a literal context: lupdate and runtime agree

#: leave / cancel: quit now (see GenerationController.shutdown); wait: quit when the jobs end (in a paused queue:
#: when the running ones end); resume-wait: resume the paused queue, then quit when all end; stay: don't quit
QuitChoice = Literal["leave", "cancel", "wait", "resume-wait", "stay"]


class JobNotifier:
    def __init__(self, window: QMainWindow, controller: GenerationController, title: str = "imagestudio") -> None:
        self._window = window
        self._title = title
        self.tray: QSystemTrayIcon | None = None
        #: (title, text) of the last notification, shown or not (no tray on some desktops and offscreen)
        self.last_message: tuple[str, str] | None = None
        if QSystemTrayIcon.isSystemTrayAvailable():
            self.tray = QSystemTrayIcon(window.windowIcon(), window)
            self.tray.setToolTip(title)
            self.tray.show()
        controller.countsChanged.connect(self._counts)
        controller.jobFinished.connect(self._finished)

    def _counts(self, running: int, waiting: int) -> None:
        if running:
            self._window.setWindowTitle(
                translate("JobNotifier", "%1 — %2 running").replace("%1", self._title).replace("%2", str(running))
            )
        else:
            self._window.setWindowTitle(self._title)
        app = QGuiApplication.instance()
        if isinstance(app, QGuiApplication):
            app.setBadgeNumber(running)  # the dock/taskbar badge where the platform has one; ignored elsewhere
        if self.tray is not None:
            self.tray.setToolTip(self._window.windowTitle())

    def _finished(self, job: Job) -> None:
        if self._window.isActiveWindow():
            return
        prompt = " ".join(job.request.prompt.split())[:60]
        if job.state is JobState.DONE:
            title = translate("JobNotifier", "Job finished")
            text = translate("JobNotifier", "%n image(s) saved: ", "", job.received) + prompt
        elif job.state is JobState.FAILED:
            title = translate("JobNotifier", "Job failed")
            text = f"{prompt}\n{translate_message(job.error or '')}"
        else:
            return
        self.last_message = (title, text)
        if self.tray is not None:
            self.tray.showMessage(
                plain_notification(title), plain_notification(text), QSystemTrayIcon.MessageIcon.Information, 8000
            )


def ask_quit_mode(parent: QWidget, running: int, waiting: int, *, paused: bool = False) -> QuitChoice:
    """Jobs are still running or waiting: wait for them, cancel them, or leave them queued for next time.

    In a paused queue waiting jobs never start, so "wait" waits for the running ones only (offered only when
    some run), and "Resume, wait, then quit" is offered instead of a wait that would never end."""
    box = QMessageBox(parent)
    box.setObjectName("quitQuestion")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(translate("JobNotifier", "Jobs are still running"))
    box.setText(
        translate("JobNotifier", "%1 job(s) running and %2 waiting. What should happen to them?")
        .replace("%1", str(running))
        .replace("%2", str(waiting))
    )
    info = translate(
        "JobNotifier", "A job stopped while running may already have been charged; it is marked interrupted."
    )
    if paused and waiting:
        info += " " + translate("JobNotifier", "The queue is paused: waiting jobs do not start until it is resumed.")
    box.setInformativeText(info)
    leave = box.addButton(translate("JobNotifier", "Keep them for next time"), QMessageBox.ButtonRole.AcceptRole)
    cancel = box.addButton(translate("JobNotifier", "Cancel them and quit"), QMessageBox.ButtonRole.DestructiveRole)
    choices: dict[object, QuitChoice] = {leave: "leave", cancel: "cancel"}
    if not (paused and waiting):
        wait = box.addButton(translate("JobNotifier", "Wait, then quit"), QMessageBox.ButtonRole.ActionRole)
        choices[wait] = "wait"
    else:
        wait = box.addButton(translate("JobNotifier", "Resume, wait, then quit"), QMessageBox.ButtonRole.ActionRole)
        choices[wait] = "resume-wait"
        if running:
            only = translate("JobNotifier", "Wait for the running ones, then quit")
            choices[box.addButton(only, QMessageBox.ButtonRole.ActionRole)] = "wait"
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(wait)
    box.exec()
    return choices.get(box.clickedButton(), "stay")
