"""Settings in a window of their own (not a permanent column: the gallery gets the width). Every route opens it:
File → Settings… (Ctrl+,) and the banner's action (at the key field). Not modal: the window behind stays usable
while it is open."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFrame, QScrollArea, QVBoxLayout, QWidget

from imagestudio.ui.settings.settings_pane import SettingsPane


class SettingsDialog(QDialog):
    def __init__(self, pane: SettingsPane, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("settingsDialog")
        self.setWindowTitle(self.tr("Settings"))
        self.pane = pane
        area = QScrollArea()
        area.setWidget(pane)
        area.setWidgetResizable(True)
        area.setFrameShape(QFrame.Shape.NoFrame)
        area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.area = area
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(area, 1)
        layout.addWidget(buttons)
        self.resize(max(480, pane.sizeHint().width() + 40), 640)

    def open_at(self, field: QWidget | None = None) -> None:
        """Show (or bring forward) the dialog, fitted to the screen, with ``field`` (else the first one) focused."""
        screen = self.screen() if self.isVisible() else (self.parentWidget() or self).screen()
        if screen is not None:
            room = screen.availableGeometry()
            self.resize(min(self.width(), room.width() - 40), min(self.height(), room.height() - 60))
        self.show()
        self.raise_()
        self.activateWindow()
        target = field or self.pane.provider
        target.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.area.ensureWidgetVisible(target)
