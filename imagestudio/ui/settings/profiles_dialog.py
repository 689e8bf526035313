"""Settings → Profiles…: named provider profiles (OpenAI, Azure OpenAI, OpenAI-compatible, demo), each with its own
key in the keyring, Test connection, and which profile new jobs use."""

from __future__ import annotations

import json

from PySide6.QtCore import QT_TRANSLATE_NOOP, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from imagestudio.app.core_text import translate_message
from imagestudio.app.profile_service import ProfileService
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.errors import ConfigError, SecretStoreUnavailable
from imagestudio.core.profiles import Profile, parse_overrides
from imagestudio.core.secrets import KeySource, KeyStatus
from imagestudio.ui.plain_text import plain

KIND_LABELS = (
    ("openai", "OpenAI"),
    ("azure", str(QT_TRANSLATE_NOOP("ProfilesDialog", "Azure OpenAI"))),
    ("compatible", str(QT_TRANSLATE_NOOP("ProfilesDialog", "OpenAI-compatible server"))),
    ("demo", str(QT_TRANSLATE_NOOP("ProfilesDialog", "Demo (offline, free)"))),
)


class ProfilesDialog(QDialog):
    def __init__(self, service: ProfileService, tasks: TaskOwner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("profilesDialog")
        self.setWindowTitle(self.tr("Provider profiles"))
        self._service = service
        self._tasks = tasks
        self._editing: str | None = None  # name of the saved profile in the form; None = a new one

        self.list = QListWidget()
        self.list.setObjectName("profileList")
        self.list.setAccessibleName(self.tr("Profiles"))
        self.list.currentItemChanged.connect(self._selected)
        self.new_button = QPushButton(self.tr("&New profile"))
        self.new_button.clicked.connect(self.new_profile)
        self.delete_button = QPushButton(self.tr("&Delete profile"))
        self.delete_button.clicked.connect(self._delete)

        self.name = self._line("profileName", self.tr("Profile name"))
        self.kind = QComboBox()
        self.kind.setAccessibleName(self.tr("Kind"))
        for value, label in KIND_LABELS:
            self.kind.addItem(self.tr(label), value)
        self.kind.currentIndexChanged.connect(self._update_fields)
        self.base_url = self._line("profileBaseUrl", self.tr("Base URL"), "http://127.0.0.1:8000/v1")
        self.endpoint = self._line("azureEndpoint", self.tr("Azure endpoint"), "https://NAME.openai.azure.com")
        self.deployment = self._line("azureDeployment", self.tr("Deployment"))
        self.api_version = self._line("azureApiVersion", self.tr("API version"), "2025-04-01-preview")
        self.overrides = QPlainTextEdit()
        self.overrides.setAccessibleName(self.tr("Capability overrides (JSON)"))
        self.overrides.setPlaceholderText('{"qualities": ["low", "medium"], "edits": false}')
        self.overrides.setMaximumHeight(70)
        self.form_error = plain(QLabel())
        self.form_error.setObjectName("profileError")
        self.form_error.setWordWrap(True)
        self.save_button = QPushButton(self.tr("&Save profile"))
        self.save_button.clicked.connect(self._save)

        self.key = self._line("profileKey", self.tr("API key for this profile"), self.tr("Paste the API key"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.save_key = QPushButton(self.tr("Save &key"))
        self.save_key.clicked.connect(lambda: self._save_key(session_only=False))
        self.session_key = QPushButton(self.tr("Use for this session only"))
        self.session_key.clicked.connect(lambda: self._save_key(session_only=True))
        self.delete_key = QPushButton(self.tr("Delete key"))
        self.delete_key.clicked.connect(self._delete_key)
        self.key_status = plain(QLabel())
        self.key_status.setWordWrap(True)
        self.test = QPushButton(self.tr("&Test connection"))
        self.test.clicked.connect(self._test)
        self.test_result = plain(QLabel())
        self.test_result.setObjectName("profileTestResult")
        self.test_result.setWordWrap(True)
        self.test_result.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.use_button = QPushButton(self.tr("&Use this profile"))
        self.use_button.clicked.connect(self._use)
        self.no_profile = QPushButton(self.tr("Use no p&rofile"))
        self.no_profile.clicked.connect(lambda: self._service.set_active(""))
        self.active_label = plain(QLabel())
        self.active_label.setObjectName("activeProfile")

        self._form = QFormLayout()
        self._form.addRow(self.tr("Na&me"), self.name)
        self._form.addRow(self.tr("K&ind"), self.kind)
        self._form.addRow(self.tr("&Base URL"), self.base_url)
        self._form.addRow(self.tr("&Endpoint"), self.endpoint)
        self._form.addRow(self.tr("De&ployment"), self.deployment)
        self._form.addRow(self.tr("API &version"), self.api_version)
        self._form.addRow(self.tr("&Overrides"), self.overrides)
        self._form.addRow(self.tr("&API key"), self.key)
        key_row = QHBoxLayout()
        for b in (self.save_key, self.session_key, self.delete_key):
            key_row.addWidget(b)
        right = QVBoxLayout()
        right.addLayout(self._form)
        right.addWidget(self.form_error)
        right.addWidget(self.save_button)
        right.addLayout(key_row)
        right.addWidget(self.key_status)
        right.addWidget(self.test)
        right.addWidget(self.test_result)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addWidget(self.new_button)
        left.addWidget(self.delete_button)
        left.addWidget(self.use_button)
        left.addWidget(self.no_profile)
        columns = QHBoxLayout()
        columns.addLayout(left, 1)
        columns.addLayout(right, 2)
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.active_label)
        layout.addLayout(columns)
        layout.addWidget(close)

        service.profilesChanged.connect(self._show_profiles)
        service.activeChanged.connect(lambda _name: self._show_active())
        self._show_profiles(service.profiles)
        self.new_profile()

    def _line(self, object_name: str, accessible: str, placeholder: str = "") -> QLineEdit:
        line = QLineEdit()
        line.setObjectName(object_name)
        line.setAccessibleName(accessible)
        line.setPlaceholderText(placeholder)
        return line

    # -- list -----------------------------------------------------------------------------------
    def _show_profiles(self, profiles: list[Profile]) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        for p in profiles:
            label = dict(KIND_LABELS).get(p.kind, p.kind)
            item = QListWidgetItem(f"{p.name} — {self.tr(label)}")
            item.setData(Qt.ItemDataRole.UserRole, p.name)
            self.list.addItem(item)
            if p.name == self._editing:
                self.list.setCurrentItem(item)
        self.list.blockSignals(False)
        if self._editing is not None and not any(p.name == self._editing for p in profiles):
            self.new_profile()
        self._show_active()

    def _show_active(self) -> None:
        active = self._service.active
        text = (
            self.tr("New jobs use the profile %1.").replace("%1", active)
            if active
            else self.tr("New jobs use the provider chosen in Settings (no profile).")
        )
        self.active_label.setText(text)

    def select(self, name: str) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == name:
                self.list.setCurrentItem(item)

    def _selected(self, item: QListWidgetItem | None, _previous: QListWidgetItem | None = None) -> None:
        if item is None:
            return
        name = item.data(Qt.ItemDataRole.UserRole)
        profile = next((p for p in self._service.profiles if p.name == name), None)
        if profile is not None:
            self._fill(profile)

    def new_profile(self) -> None:
        self.list.setCurrentRow(-1)  # so choosing the last profile again counts as a change
        self._fill(Profile(name=""), editing=False)
        self.name.setFocus()

    def _fill(self, profile: Profile, *, editing: bool = True) -> None:
        self._editing = profile.name if editing else None
        self.name.setText(profile.name)
        self.kind.setCurrentIndex(max(0, self.kind.findData(profile.kind)))
        self.base_url.setText(profile.base_url)
        self.endpoint.setText(profile.azure_endpoint)
        self.deployment.setText(profile.azure_deployment)
        self.api_version.setText(profile.azure_api_version)
        overrides = profile.capability_overrides
        self.overrides.setPlainText(json.dumps(overrides, indent=1) if overrides else "")
        self.form_error.clear()
        self.test_result.clear()
        self.key.clear()
        self._update_fields()
        self._refresh_key_status()

    def _update_fields(self) -> None:
        kind = self.kind.currentData()
        shown = {
            self.base_url: kind == "compatible",
            self.overrides: kind == "compatible",
            self.endpoint: kind == "azure",
            self.deployment: kind == "azure",
            self.api_version: kind == "azure",
        }
        for widget, visible in shown.items():
            self._form.setRowVisible(widget, visible)
        saved = self._editing is not None
        needs_key = kind != "demo"
        self._form.setRowVisible(self.key, needs_key)
        for widget in (self.save_key, self.session_key, self.delete_key, self.key_status):
            widget.setVisible(needs_key)
        if needs_key:
            self._show_key_buttons(None)
        for widget in (self.save_key, self.session_key, self.delete_key, self.key, self.use_button,
                       self.delete_button):  # fmt: skip
            widget.setEnabled(saved)
        if not saved:
            self.key_status.setText(self.tr("Save the profile first, then its key."))

    # -- profile --------------------------------------------------------------------------------
    def current_profile(self) -> Profile:
        """The profile as the form describes it. Raises ConfigError for overrides that are not a JSON object."""
        return Profile(
            name=self.name.text().strip(),
            kind=str(self.kind.currentData()),
            base_url=self.base_url.text().strip() if self.kind.currentData() == "compatible" else "",
            azure_endpoint=self.endpoint.text().strip() if self.kind.currentData() == "azure" else "",
            azure_deployment=self.deployment.text().strip() if self.kind.currentData() == "azure" else "",
            azure_api_version=self.api_version.text().strip() if self.kind.currentData() == "azure" else "",
            capability_overrides=parse_overrides(self.overrides.toPlainText())
            if self.kind.currentData() == "compatible"
            else {},
        )

    def _save(self) -> None:
        try:
            profile = self.current_profile()
        except ConfigError as e:
            self.form_error.setText(translate_message(e.message))
            return
        original = self._editing

        async def save() -> None:
            try:
                await self._service.save_profile(profile, original)
            except ConfigError as e:
                self.form_error.setText(translate_message(e.message))
                return
            except OSError as e:
                self.form_error.setText(self.tr("The profiles file could not be written: %1").replace(
                    "%1", e.strerror or type(e).__name__))  # fmt: skip
                return
            self._editing = profile.name
            self.select(profile.name)
            self.form_error.setText(self.tr("Saved."))
            self._update_fields()
            self._refresh_key_status()

        self._tasks.spawn(save(), name="save-profile")

    def _delete(self) -> None:
        if self._editing is None:
            return
        name = self._editing
        self._tasks.spawn(self._service.delete_profile(name), name="delete-profile")

    def _use(self) -> None:
        if self._editing is not None:
            self._service.set_active(self._editing)

    # -- key and connection ---------------------------------------------------------------------
    def _refresh_key_status(self) -> None:
        name = self._editing
        if name is None or self.kind.currentData() == "demo":
            return

        async def refresh() -> None:
            status = await self._service.key_status(name)
            if name == self._editing:
                self._show_key_status(status)

        self._tasks.spawn(refresh(), name="profile-key-status")

    def _show_key_buttons(self, status: KeyStatus | None) -> None:
        secure = status is None or status.keyring_available
        self.save_key.setVisible(secure)
        self.session_key.setVisible(not secure)

    def _show_key_status(self, status: KeyStatus) -> None:
        self._show_key_buttons(status)
        if status.problem:
            text = translate_message(status.problem)
        elif status.source is KeySource.SESSION:
            text = self.tr("Using %1 for this session only (not saved).").replace("%1", status.masked)
        elif status.source is KeySource.KEYRING:
            text = self.tr("Key %1 is stored in the system keyring.").replace("%1", status.masked)
        elif status.source is KeySource.ENVIRONMENT:
            text = self.tr("No key saved for this profile: it uses %1 from the OPENAI_API_KEY environment variable.")
            text = text.replace("%1", status.masked)
        else:
            text = self.tr("No key set for this profile.")
        if not status.keyring_available:
            text += " " + self.tr("No secure system keyring was found; the key can be used for this session only.")
        self.key_status.setText(text)

    def _save_key(self, *, session_only: bool) -> None:
        name, key = self._editing, self.key.text().strip()
        if name is None:
            return
        if not key:
            self.key_status.setText(self.tr("Paste a key first."))
            return
        self.key.clear()  # do not keep the key in a widget longer than needed

        async def save() -> None:
            try:
                await self._service.save_key(name, key, session_only=session_only)
            except SecretStoreUnavailable as e:
                self.key_status.setText(translate_message(e.message))
                self.session_key.show()
                return
            self._refresh_key_status()

        self._tasks.spawn(save(), name="save-profile-key")

    def _delete_key(self) -> None:
        name = self._editing
        if name is None:
            return

        async def delete() -> None:
            try:
                await self._service.delete_key(name)
            except SecretStoreUnavailable as e:
                self.key_status.setText(translate_message(e.message))
                return
            self._refresh_key_status()

        self._tasks.spawn(delete(), name="delete-profile-key")

    def _test(self) -> None:
        try:
            profile = self.current_profile()
        except ConfigError as e:
            self.test_result.setText("✘ " + translate_message(e.message))
            return
        self.test.setEnabled(False)
        self.test_result.setText(self.tr("Testing…"))

        async def run() -> None:
            try:
                ok, message = await self._service.test_connection(profile)
                self.test_result.setText(("✔ " if ok else "✘ ") + translate_message(message))
            finally:
                self.test.setEnabled(True)

        self._tasks.spawn(run(), name="test-profile")
