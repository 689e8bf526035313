"""The strip above the panes that says what needs attention (no key, no secure keyring) with one action."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QWidget

from imagestudio.ui.plain_text import plain


class Banner(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.setAutoFillBackground(True)
        # without it a plain QWidget ignores its style sheet background (dark text on a dark theme)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.setStyleSheet("#banner { background: #fff4ce; } #banner QLabel { color: #3d2e00; }")
        self.text = plain(QLabel())
        self.text.setWordWrap(True)
        self.action = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.addWidget(QLabel("⚠"))
        layout.addWidget(self.text, 1)
        layout.addWidget(self.action)
        self.hide()
