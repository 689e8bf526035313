"""Library → Check library…: the same check as ``imagestudio library check [--repair]``, with progress and Cancel.

The check runs on the CPU pool (``LibraryActions.check_library``); the dialog is non-modal and can be closed
while it runs (the status bar keeps showing the progress and its own Cancel).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.library_actions import LibraryActions
from imagestudio.app.tasks import TaskOwner

if TYPE_CHECKING:  # integrity pulls in Pillow; this dialog is built before the main window shows
    from imagestudio.core.library.integrity import IntegrityReport


class LibraryCheckDialog(QDialog):
    def __init__(self, actions: LibraryActions, tasks: TaskOwner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Check library"))
        self.setObjectName("libraryCheck")
        self._actions = actions
        self._tasks = tasks
        self.report: IntegrityReport | None = None
        intro = QLabel(
            self.tr(
                "Looks for missing or damaged originals, files the library does not know, missing thumbnails "
                "and a search index out of step."
            )
        )
        intro.setWordWrap(True)
        self.verify = QCheckBox(self.tr("Verify file contents (slower)"))
        self.verify.setChecked(True)
        self.verify.setAccessibleDescription(self.tr("Reads every original and compares it with its checksum"))
        self.repair = QCheckBox(self.tr("Repair what can be repaired"))
        self.repair.setAccessibleDescription(
            self.tr("Rebuilds thumbnails and the search index and marks missing files; never deletes originals")
        )
        self.bar = QProgressBar()
        self.bar.setAccessibleName(self.tr("Check progress"))
        self.bar.hide()
        self.output = QPlainTextEdit()
        self.output.setReadOnly(True)
        self.output.setAccessibleName(self.tr("Check result"))
        self.output.hide()
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.start_button = QPushButton(self.tr("Start check"))
        self.start_button.setDefault(True)
        self.buttons.addButton(self.start_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.cancel_button = QPushButton(self.tr("Cancel check"))
        self.cancel_button.hide()
        self.buttons.addButton(self.cancel_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.buttons.rejected.connect(self.reject)
        self.start_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(lambda: actions.cancel("check"))
        actions.progress.connect(self._progress)
        layout = QVBoxLayout(self)
        for widget in (intro, self.verify, self.repair, self.bar, self.output, self.buttons):
            layout.addWidget(widget)
        self.resize(520, 260)

    def start(self) -> None:
        if self._actions.running("check"):
            return
        self.start_button.setEnabled(False)
        self.cancel_button.show()
        self.bar.setRange(0, 0)
        self.bar.show()
        self.output.hide()
        self._tasks.spawn_if_open(self._run(), name="library-check")

    async def _run(self) -> None:
        try:
            report = await self._actions.check_library(
                repair=self.repair.isChecked(), verify_hashes=self.verify.isChecked()
            )
        finally:
            self.start_button.setEnabled(True)
            self.cancel_button.hide()
            self.bar.hide()
        self.report = report
        self.output.setPlainText("\n".join(self.describe(report)))
        self.output.show()

    def _progress(self, name: str, done: int, total: int) -> None:
        if name == "check":
            self.bar.setRange(0, total)
            self.bar.setValue(done)

    def describe(self, report: IntegrityReport) -> list[str]:
        """The report in the interface language (the CLI prints ``report.lines()`` in English)."""
        if report.cancelled:
            return [self.tr("The check was cancelled; nothing was repaired.")]
        lines = [self.tr("Checked %n image(s).", "", report.checked)]
        if report.database:
            lines.append(self.tr("The library database is damaged: %1").replace("%1", "; ".join(report.database)))
        counts = (
            (report.missing, self.tr("Missing originals: %1")),
            (report.mismatched, self.tr("Damaged originals (content does not match): %1")),
            (report.orphans, self.tr("Files the library does not know: %1")),
            (report.missing_thumbnails, self.tr("Missing thumbnails: %1")),
        )
        for items, text in counts:
            if items:
                lines.append(text.replace("%1", str(len(items))))
        if report.search_out_of_step:
            lines.append(self.tr("The search index is out of step."))
        if not report.problems:
            lines.append(self.tr("No problems found."))
        if report.fixed:
            lines.append(self.tr("Repaired: %n problem(s).", "", len(report.fixed)))
        if report.not_fixed:
            lines.append(self.tr("Could not repair: %1").replace("%1", "; ".join(report.not_fixed)))
        return lines
