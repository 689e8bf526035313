"""Unobtrusive notifications: small non-modal cards in the bottom-right corner of the main window.

They replace message boxes for results a person may want to read but need not act on (an import report, a
finished check): the card says it, offers "Details…" when there is more, and goes away by itself. Screen
readers hear it through the card's accessible name; Esc or the × button closes it.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QVBoxLayout, QWidget

from imagestudio.ui.plain_text import plain

#: how long a card stays (a card with Details stays longer: the person may want to open it)
TIMEOUT_MS = 8000
DETAILS_TIMEOUT_MS = 20000
MAX_CARDS = 3


class Notification(QFrame):
    def __init__(self, text: str, details: Callable[[], None] | None, parent: QWidget) -> None:
        super().__init__(parent)
        self.setObjectName("notification")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)  # the window's palette: readable in light and dark themes
        self.setAccessibleName(text)
        self.setAccessibleDescription(self.tr("Notification"))
        self.text = plain(QLabel(text))  # server messages, file names: never rich text
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAccessibleName(self.tr("Close notification"))
        self.close_button.setToolTip(self.tr("Close notification"))
        self.close_button.clicked.connect(self.dismiss)
        row = QHBoxLayout()
        row.addWidget(self.text, 1)
        row.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        column = QVBoxLayout(self)
        column.setContentsMargins(10, 8, 6, 8)
        column.addLayout(row)
        self.details_button: QPushButton | None = None
        if details is not None:
            self.details_button = QPushButton(self.tr("Details…"))
            self.details_button.setAccessibleDescription(self.tr("Opens the full report"))
            self.details_button.clicked.connect(details)
            self.details_button.clicked.connect(self.dismiss)
            column.addWidget(self.details_button, 0, Qt.AlignmentFlag.AlignRight)
        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.dismiss)
        self.timer.start(DETAILS_TIMEOUT_MS if details else TIMEOUT_MS)

    def dismiss(self) -> None:
        self.timer.stop()
        self.hide()
        self.deleteLater()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.dismiss()
            return
        super().keyPressEvent(event)


class NotificationArea(QWidget):
    """A transparent overlay column on ``host`` (the central widget); follows its size."""

    def __init__(self, host: QWidget) -> None:
        super().__init__(host)
        self.setObjectName("notifications")
        self._column = QVBoxLayout(self)
        self._column.setContentsMargins(0, 0, 0, 0)
        self._column.setSpacing(6)
        self._column.addStretch(1)
        host.installEventFilter(self)
        self.hide()

    def show_message(self, text: str, details: Callable[[], None] | None = None) -> Notification:
        """Show ``text`` (already translated) as a card; ``details`` runs when "Details…" is clicked."""
        cards = self.cards()
        for old in cards[: max(0, len(cards) - MAX_CARDS + 1)]:
            old.dismiss()
        card = Notification(text, details, self)
        card.destroyed.connect(self._place)
        self._column.addWidget(card)
        self.show()
        self._place()
        self.raise_()
        return card

    def cards(self) -> list[Notification]:
        return [c for c in self.findChildren(Notification) if not c.isHidden()]

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self._place()
        return False

    def _place(self) -> None:
        host = self.parentWidget()
        if host is None:
            return
        if not self.cards():
            self.hide()
            return
        width = min(380, max(200, host.width() // 3))
        height = min(host.height() - 16, self.sizeHint().height())
        self.setGeometry(host.width() - width - 12, host.height() - height - 12, width, height)
