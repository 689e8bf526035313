"""Small text questions with room to type: a tag (completed from the library's tags), a note (several lines), a
name. Wide enough for a sentence — not the 200 px of a bare ``QInputDialog``."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

MIN_WIDTH = 440


class TextDialog(QDialog):
    """One line (with completions) or several lines of text; ``value()`` is what was typed."""

    def __init__(
        self,
        parent: QWidget | None,
        title: str,
        label: str,
        text: str = "",
        *,
        completions: Sequence[str] = (),
        multiline: bool = False,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("textDialog")
        self.setWindowTitle(title)
        self.setMinimumWidth(MIN_WIDTH)
        self.label = QLabel(label)
        self.label.setWordWrap(True)
        self.line: QLineEdit | None = None
        self.lines: QPlainTextEdit | None = None
        editor: QWidget
        if multiline:
            self.lines = QPlainTextEdit(text)
            self.lines.setObjectName("textDialogLines")
            self.lines.setTabChangesFocus(True)
            self.lines.setMinimumHeight(self.fontMetrics().lineSpacing() * 6)
            editor = self.lines
        else:
            self.line = QLineEdit(text)
            self.line.setObjectName("textDialogLine")
            self.line.selectAll()
            if completions:
                completer = QCompleter(sorted(set(completions), key=str.casefold), self.line)
                completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
                completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "fox" finds "red fox" too
                completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
                self.line.setCompleter(completer)
            editor = self.line
        editor.setAccessibleName(label.rstrip(":："))
        self.label.setBuddy(editor)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.label)
        layout.addWidget(editor)
        layout.addWidget(self.buttons)
        editor.setFocus()

    def value(self) -> str:
        if self.lines is not None:
            return self.lines.toPlainText()
        return self.line.text() if self.line is not None else ""


def ask_tag(parent: QWidget, count: int, tags: Sequence[str]) -> str | None:
    """A tag for ``count`` images; the library's tags are offered as you type."""
    dialog = TextDialog(
        parent,
        QCoreApplication.translate("TextDialog", "Add tag"),
        QCoreApplication.translate("TextDialog", "Tag for %n image(s):", "", count),
        completions=tags,
    )
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_note(parent: QWidget, note: str) -> str | None:
    """The image's note, several lines if needed."""
    dialog = TextDialog(
        parent,
        QCoreApplication.translate("TextDialog", "Note"),
        QCoreApplication.translate("TextDialog", "Note on this image:"),
        note,
        multiline=True,
    )
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None


def ask_text(parent: QWidget, title: str, label: str, text: str) -> str | None:
    """A name (collection, saved search)."""
    dialog = TextDialog(parent, title, label, text)
    return dialog.value() if dialog.exec() == QDialog.DialogCode.Accepted else None
