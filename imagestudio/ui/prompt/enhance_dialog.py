"""Original and enhanced prompt side by side, new words highlighted; accept, edit or discard."""

from __future__ import annotations

import html

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QGridLayout, QLabel, QPlainTextEdit, QTextEdit, QWidget

from imagestudio.core.enhance import Enhancement, diff_spans


def highlighted_html(original: str, enhanced: str) -> str:
    parts = []
    for text, new in diff_spans(original, enhanced):
        escaped = html.escape(text).replace("\n", "<br>")
        parts.append(f'<span style="background:#c8f7c5;color:#0b3d0b">{escaped}</span>' if new else escaped)
    return "".join(parts)


class EnhanceDialog(QDialog):
    def __init__(self, enhancement: Enhancement, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Enhanced prompt"))
        self.resize(900, 460)
        self.original = QPlainTextEdit(enhancement.original)
        self.original.setReadOnly(True)
        self.original.setAccessibleName(self.tr("Original prompt"))
        self.changes = QTextEdit()
        self.changes.setReadOnly(True)
        self.changes.setHtml(highlighted_html(enhancement.original, enhancement.enhanced))
        self.changes.setAccessibleName(self.tr("Differences"))
        self.enhanced = QPlainTextEdit(enhancement.enhanced)
        self.enhanced.setObjectName("enhancedPrompt")
        self.enhanced.setAccessibleName(self.tr("Enhanced prompt (editable)"))
        cost = self.tr("cost unknown") if enhancement.cost_usd is None else f"${enhancement.cost_usd:.4f}"
        info = QLabel(
            self.tr("%1 · %2 in / %3 out tokens · %4")
            .replace("%1", enhancement.model)
            .replace("%2", str(enhancement.input_tokens))
            .replace("%3", str(enhancement.output_tokens))
            .replace("%4", cost)
        )
        self.buttons = QDialogButtonBox()
        self.use = self.buttons.addButton(self.tr("Use enhanced"), QDialogButtonBox.ButtonRole.AcceptRole)
        self.keep = self.buttons.addButton(self.tr("Keep original"), QDialogButtonBox.ButtonRole.RejectRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        grid = QGridLayout(self)
        grid.addWidget(QLabel(self.tr("<b>Original</b>")), 0, 0)
        grid.addWidget(QLabel(self.tr("<b>Enhanced</b> (new words highlighted; edit below)")), 0, 1)
        grid.addWidget(self.original, 1, 0)
        grid.addWidget(self.changes, 1, 1)
        grid.addWidget(self.enhanced, 2, 0, 1, 2)
        grid.addWidget(info, 3, 0)
        grid.addWidget(self.buttons, 3, 1)

    def chosen_prompt(self) -> str:
        return self.enhanced.toPlainText().strip()
