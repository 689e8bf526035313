"""Settings pane: provider (OpenAI / demo / custom base URL), API key → keyring, Test connection."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.account import AccountService
from imagestudio.app.core_text import translate_message
from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.errors import SecretStoreUnavailable
from imagestudio.core.secrets import KeySource, KeyStatus
from imagestudio.core.settings import Settings
from imagestudio.ui.plain_text import plain
from imagestudio.ui.settings.appearance import AppearanceBox

_PROVIDERS = (
    ("openai", "OpenAI"),
    ("demo", str(QT_TRANSLATE_NOOP("SettingsPane", "Demo (offline, free)"))),
    ("custom", str(QT_TRANSLATE_NOOP("SettingsPane", "Custom OpenAI-compatible server"))),
)


class SettingsPane(QWidget):
    def __init__(
        self, settings: SettingsStore, account: AccountService, tasks: TaskOwner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self._account = account
        self._tasks = tasks

        self.provider = QComboBox()
        self.provider.setObjectName("provider")
        self.provider.setAccessibleName(self.tr("Provider"))
        for value, label in _PROVIDERS:
            self.provider.addItem(self.tr(label), value)
        self.base_url = QLineEdit(settings.current.base_url)
        self.base_url.setObjectName("baseUrl")
        self.base_url.setPlaceholderText("http://127.0.0.1:8000/v1")
        self.base_url.setAccessibleName(self.tr("Base URL"))
        self.base_url.editingFinished.connect(self._base_url_changed)
        #: why the Base URL field is greyed out (OpenAI and the demo have their own address, or none)
        self.base_url_hint = QLabel()
        self.base_url_hint.setObjectName("baseUrlHint")
        self.base_url_hint.setWordWrap(True)
        self.base_url_hint.setEnabled(False)  # drawn in the disabled (grey) text colour, like the field

        self.key = QLineEdit()
        self.key.setObjectName("apiKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("Paste your API key (sk-…)"))
        self.key.setAccessibleName(self.tr("API key"))
        self.save_key = QPushButton(self.tr("Save key"))
        self.save_key.setObjectName("saveKey")
        self.save_key.clicked.connect(self._save_key)
        self.session_key = QPushButton(self.tr("Use for this session only"))
        self.session_key.setObjectName("sessionKey")
        self.session_key.clicked.connect(lambda: self._save_key(session_only=True))
        self.session_key.hide()
        self.delete_key = QPushButton(self.tr("Delete key"))
        self.delete_key.setObjectName("deleteKey")
        self.delete_key.clicked.connect(self._delete_key)
        self.key_status = plain(QLabel())
        self.key_status.setObjectName("keyStatus")
        self.key_status.setWordWrap(True)
        self.test = QPushButton(self.tr("Test connection"))
        self.test.setObjectName("testConnection")
        self.test.clicked.connect(self._test)
        self.test_result = plain(QLabel())
        self.test_result.setObjectName("testResult")
        self.test_result.setWordWrap(True)

        key_buttons = QHBoxLayout()
        for b in (self.save_key, self.session_key, self.delete_key):
            key_buttons.addWidget(b)
        form = QFormLayout()
        form.addRow(self.tr("&Provider"), self.provider)
        form.addRow(self.tr("&Base URL"), self.base_url)
        form.addRow("", self.base_url_hint)
        form.addRow(self.tr("API &key"), self.key)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel(self.tr("<b>Settings</b>")))
        layout.addLayout(form)
        layout.addLayout(key_buttons)
        layout.addWidget(self.key_status)
        layout.addWidget(self.test)
        layout.addWidget(self.test_result)
        self.appearance = AppearanceBox(settings)  # language and theme
        layout.addWidget(self.appearance)
        layout.addStretch(1)

        self.provider.setCurrentIndex(max(0, self.provider.findData(settings.current.provider)))
        self.provider.currentIndexChanged.connect(self._provider_changed)
        account.keyStatusChanged.connect(self.show_status)
        settings.changed.connect(self._settings_changed)
        self._update_enabled()

    def add_section(self, widget: QWidget) -> None:
        """Another settings section (budget, profiles…) above the stretch at the bottom."""
        layout = self.layout()
        if isinstance(layout, QVBoxLayout):
            layout.insertWidget(layout.count() - 1, widget)

    def _update_enabled(self) -> None:
        provider = self.provider.currentData()
        custom = provider == "custom"
        self.base_url.setEnabled(custom)
        if custom:
            reason = ""
        elif provider == "demo":
            reason = self.tr("Not used: the demo makes images offline. Only a custom server needs a base URL.")
        else:
            reason = self.tr("Not used: OpenAI's own address is used. Only a custom server needs a base URL.")
        self.base_url_hint.setText(reason)
        self.base_url_hint.setVisible(bool(reason))
        self.base_url.setToolTip(reason)
        self.base_url.setAccessibleDescription(reason)

    def _settings_changed(self, settings: Settings) -> None:
        index = self.provider.findData(settings.provider)
        if index != self.provider.currentIndex():
            self.provider.setCurrentIndex(index)  # emits _provider_changed, which is idempotent

    def _provider_changed(self) -> None:
        self._settings.update(provider=self.provider.currentData())
        self._update_enabled()
        self.test_result.clear()
        self._tasks.spawn(self._account.refresh_status(), name="key-status")

    def _base_url_changed(self) -> None:
        url = self.base_url.text().strip()
        if url and not url.startswith(("http://", "https://")):
            self.test_result.setText(self.tr("The base URL must start with http:// or https://"))
            return
        self._settings.update(base_url=url)

    def show_status(self, status: KeyStatus) -> None:
        if status.problem:
            text = status.problem
        elif status.source is KeySource.NONE:
            text = self.tr("No key set.")
        elif status.source is KeySource.ENVIRONMENT:
            text = self.tr("Using %1 from the OPENAI_API_KEY environment variable.").replace("%1", status.masked)
        elif status.source is KeySource.SESSION:
            text = self.tr("Using %1 for this session only (not saved).").replace("%1", status.masked)
        else:
            text = self.tr("Key %1 is stored in the system keyring.").replace("%1", status.masked)
        if not status.keyring_available:
            text += " " + self.tr(
                "No secure system keyring was found, so keys cannot be saved; you can use one for this session only."
            )
        self.session_key.setVisible(not status.keyring_available)
        self.save_key.setVisible(status.keyring_available)
        self.key_status.setText(text)

    def _save_key(self, session_only: bool = False) -> None:
        key = self.key.text().strip()
        if not key:
            self.key_status.setText(self.tr("Paste a key first."))
            return
        self.key.clear()  # do not keep the key in a widget longer than needed

        async def save() -> None:
            try:
                await self._account.save_key(key, session_only=session_only)
                if self.provider.currentData() == "demo":  # a key means they want the real thing
                    self.provider.setCurrentIndex(self.provider.findData("openai"))
            except SecretStoreUnavailable as e:
                self.key_status.setText(e.message)
                self.session_key.show()

        self._tasks.spawn(save(), name="save-key")

    def _delete_key(self) -> None:
        self._tasks.spawn(self._account.delete_key(), name="delete-key")

    def _test(self) -> None:
        self.test.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))

        async def run() -> None:
            try:
                ok, message = await self._account.test_connection()
                self.test_result.setText(("✔ " if ok else "✘ ") + translate_message(message))
            finally:
                self.test.setEnabled(True)

        self._tasks.spawn(run(), name="test-connection")
