"""Settings → Appearance: interface language and light/dark theme."""

from __future__ import annotations

from PySide6.QtWidgets import QComboBox, QFormLayout, QGroupBox, QLabel, QWidget

from imagestudio.app.i18n import LANGUAGES
from imagestudio.app.settings_store import SettingsStore
from imagestudio.core.settings import Settings


class AppearanceBox(QGroupBox):
    def __init__(self, settings: SettingsStore, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("Appearance"))
        self._settings = settings
        self.language = QComboBox()
        self.language.setObjectName("language")
        self.language.setAccessibleName(self.tr("Interface language"))
        self.language.addItem(self.tr("System default"), "system")
        for value, name in LANGUAGES.items():
            self.language.addItem(name, value)
        self.theme = QComboBox()
        self.theme.setObjectName("theme")
        self.theme.setAccessibleName(self.tr("Theme"))
        for value, name in (
            ("system", self.tr("Follow the system")),
            ("light", self.tr("Light")),
            ("dark", self.tr("Dark")),
        ):
            self.theme.addItem(name, value)
        self.restart_note = QLabel()
        self.restart_note.setWordWrap(True)
        form = QFormLayout(self)
        form.addRow(self.tr("&Language:"), self.language)
        form.addRow(self.tr("&Theme:"), self.theme)
        form.addRow(self.restart_note)
        self._started_with = settings.current.language
        self._show(settings.current)
        self.language.currentIndexChanged.connect(lambda _i: settings.update(language=self.language.currentData()))
        self.theme.currentIndexChanged.connect(lambda _i: settings.update(theme=self.theme.currentData()))
        settings.changed.connect(self._show)

    def _show(self, settings: Settings) -> None:
        for combo, value in ((self.language, settings.language), (self.theme, settings.theme)):
            index = combo.findData(value)
            if index >= 0 and index != combo.currentIndex():
                combo.setCurrentIndex(index)
        changed = settings.language != self._started_with
        self.restart_note.setText(self.tr("The new language is used from the next start.") if changed else "")
