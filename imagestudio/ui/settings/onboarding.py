"""First-run wizard: choose a provider, get and store an OpenAI key (keyring) and test it, or try the demo.

Shown once (``onboarding_done`` in the settings, set however the wizard is closed) and again from
Help → Getting started.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from imagestudio.app.account import AccountService
from imagestudio.app.core_text import translate_message
from imagestudio.app.settings_store import SettingsStore
from imagestudio.app.tasks import TaskOwner
from imagestudio.core.errors import SecretStoreUnavailable
from imagestudio.core.secrets import KeyStatus
from imagestudio.ui.plain_text import plain

PROVIDER_PAGE, KEY_PAGE, DONE_PAGE = 0, 1, 2


def _label(text: str) -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    label.setOpenExternalLinks(True)
    return label


class ProviderPage(QWizardPage):
    def __init__(self, settings: SettingsStore) -> None:
        super().__init__()
        self._settings = settings
        self.setTitle(self.tr("Welcome to imagestudio"))
        self.setSubTitle(self.tr("Make images from a description and keep them in your own library."))
        self.openai = QRadioButton(self.tr("&OpenAI — use my own API key (paid per image)"))
        self.demo = QRadioButton(self.tr("Try the &demo — no key, free, works offline (images are marked DEMO)"))
        self.custom = QRadioButton(self.tr("Another &OpenAI-compatible server"))
        self.group = QButtonGroup(self)
        for i, (button, name) in enumerate(((self.openai, "openai"), (self.demo, "demo"), (self.custom, "custom"))):
            self.group.addButton(button, i)
            button.setObjectName(f"onboarding-{name}")
        self.base_url = QLineEdit(settings.current.base_url)
        self.base_url.setPlaceholderText("http://127.0.0.1:8000/v1")
        self.base_url.setAccessibleName(self.tr("Server address (base URL)"))
        self.problem = plain(QLabel())
        self.problem.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.addWidget(_label(self.tr("How do you want to make images?")))
        layout.addWidget(self.openai)
        layout.addWidget(self.demo)
        layout.addWidget(self.custom)
        layout.addWidget(self.base_url)
        layout.addWidget(self.problem)
        layout.addStretch(1)
        current = settings.current.provider
        {"demo": self.demo, "custom": self.custom}.get(current, self.openai).setChecked(True)
        self.group.idToggled.connect(lambda *_: self._update())
        self._update()

    def provider(self) -> str:
        return ("openai", "demo", "custom")[max(0, self.group.checkedId())]

    def _update(self) -> None:
        self.base_url.setVisible(self.custom.isChecked())
        self.problem.clear()

    def validatePage(self) -> bool:
        provider = self.provider()
        url = self.base_url.text().strip()
        if provider == "custom" and not url.startswith(("http://", "https://")):
            self.problem.setText("✘ " + self.tr("The base URL must start with http:// or https://"))
            self.base_url.setFocus()
            return False
        self._settings.update(provider=provider, **({"base_url": url} if provider == "custom" else {}))
        return True

    def nextId(self) -> int:
        return DONE_PAGE if self.demo.isChecked() else KEY_PAGE


class KeyPage(QWizardPage):
    def __init__(self, account: AccountService, tasks: TaskOwner) -> None:
        super().__init__()
        self._account = account
        self._tasks = tasks
        self.setTitle(self.tr("Your OpenAI API key"))
        self.setSubTitle(self.tr("The key is kept in your system's keyring, never in a file or a log."))
        steps = _label(
            self.tr(
                "<ol>"
                "<li>Sign up or log in at <a href='https://platform.openai.com/'>platform.openai.com</a>.</li>"
                "<li>In the developer console open <a href='https://platform.openai.com/api-keys'>API keys</a> and "
                "choose <i>Create new secret key</i>. Copy it: it is shown only once.</li>"
                "<li>Add credit under <a href='https://platform.openai.com/settings/organization/billing'>Billing</a>. "
                "The API is paid separately from a ChatGPT subscription; each image costs a few cents.</li>"
                "<li>Paste the key below, save it and test the connection.</li>"
                "</ol>"
            )
        )
        self.key = QLineEdit()
        self.key.setObjectName("onboardingKey")
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key.setPlaceholderText(self.tr("Paste your API key (sk-…)"))
        self.key.setAccessibleName(self.tr("API key"))
        self.save = QPushButton(self.tr("&Save key"))
        self.save.clicked.connect(self.save_key)
        self.session = QPushButton(self.tr("Use for this session only"))
        self.session.clicked.connect(lambda: self.save_key(session_only=True))
        self.session.hide()
        self.test = QPushButton(self.tr("&Test connection"))
        self.test.setToolTip(self.tr("Tests the key typed above (or the saved one when the field is empty)"))
        self.test.clicked.connect(self.test_connection)
        #: why Save is not offered: no secure keyring on this computer
        self.no_keyring = _label("")
        self.no_keyring.setObjectName("onboardingNoKeyring")
        self.no_keyring.hide()
        self.status = plain(QLabel())
        self.status.setObjectName("onboardingStatus")
        self.status.setWordWrap(True)
        self.status.setAccessibleName(self.tr("Key status"))
        row = QHBoxLayout()
        row.addWidget(self.key, 1)
        row.addWidget(self.save)
        row.addWidget(self.session)
        layout = QVBoxLayout(self)
        layout.addWidget(steps)
        layout.addLayout(row)
        layout.addWidget(self.no_keyring)
        layout.addWidget(self.test)
        layout.addWidget(self.status)
        layout.addStretch(1)
        layout.addWidget(
            _label(self.tr("No key yet? Go Back and choose the demo; you can add a key later in Settings."))
        )

        account.keyStatusChanged.connect(self._show_store)

    def initializePage(self) -> None:
        """Whether a key can be saved on this computer (asked off the GUI thread: the keyring may block)."""
        if self._account.last_status is not None:
            self._show_store(self._account.last_status)
        self._tasks.spawn(self._account.refresh_status(), name="onboarding-key-status")

    def _show_store(self, status: KeyStatus) -> None:
        available = status.keyring_available
        self.save.setVisible(available)
        self.session.setVisible(not available)
        self.no_keyring.setVisible(not available)
        self.no_keyring.setText(
            ""
            if available
            else self.tr(
                "No secure keyring was found on this computer (such as GNOME Keyring, KWallet, the macOS Keychain "
                "or the Windows Credential Manager), so the key cannot be saved. Use it for this session only, or "
                "set the OPENAI_API_KEY environment variable before starting imagestudio."
            )
        )

    def save_key(self, session_only: bool = False) -> None:
        key = self.key.text().strip()
        if not key:
            self.status.setText("✘ " + self.tr("Paste a key first."))
            self.key.setFocus()
            return
        self.key.clear()  # do not keep the key in a widget longer than needed

        async def save() -> None:
            try:
                await self._account.save_key(key, session_only=session_only)
            except SecretStoreUnavailable as e:
                self.key.setText(key)  # give it back so "this session only" can use it
                self.status.setText("✘ " + translate_message(e.message))
                self.session.show()
                return
            where = self.tr("for this session only") if session_only else self.tr("in the system keyring")
            self.status.setText("✔ " + self.tr("Key saved %1. Now test the connection.").replace("%1", where))
            self.test.setFocus()

        self._tasks.spawn(save(), name="onboarding-save-key")

    def test_connection(self) -> None:
        self.test.setEnabled(False)
        self.status.setText(self.tr("Testing…"))

        typed = self.key.text().strip()  # the key as typed, saved or not: what the person wants to know about

        async def run() -> None:
            try:
                ok, message = await self._account.test_connection(typed or None)
                text = ("✔ " if ok else "✘ ") + translate_message(message)
                if ok and typed:
                    keep = self.tr("Save it to keep it.") if self.save.isVisible() else self.tr(
                        "Use it for this session only.")  # fmt: skip
                    text += " " + self.tr("This key works.") + " " + keep
                self.status.setText(text)
            finally:
                self.test.setEnabled(True)

        self._tasks.spawn(run(), name="onboarding-test")


class DonePage(QWizardPage):
    def __init__(self) -> None:
        super().__init__()
        self.setTitle(self.tr("You are ready"))
        layout = QVBoxLayout(self)
        layout.addWidget(
            _label(
                self.tr(
                    "<p>Describe an image in any language and press <b>Ctrl+Enter</b> to generate it.</p>"
                    "<p>Presets (the toolbar above the prompt) start you off with an avatar, an artwork, an "
                    "advertising creative or a game character.</p>"
                    "<p>Every image is kept in your library with its prompt and cost. Help → Keyboard shortcuts "
                    "lists every key; Help → Getting started opens this guide again.</p>"
                )
            )
        )
        layout.addStretch(1)


class OnboardingWizard(QWizard):
    def __init__(
        self, settings: SettingsStore, account: AccountService, tasks: TaskOwner, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self._settings = settings
        self.setObjectName("onboarding")
        self.setWindowTitle(self.tr("Getting started"))
        self.setWizardStyle(QWizard.WizardStyle.ModernStyle)
        self.setMinimumSize(640, 480)
        self.provider_page = ProviderPage(settings)
        self.key_page = KeyPage(account, tasks)
        self.done_page = DonePage()
        self.setPage(PROVIDER_PAGE, self.provider_page)
        self.setPage(KEY_PAGE, self.key_page)
        self.setPage(DONE_PAGE, self.done_page)
        self.finished.connect(self._mark_done)

    def _mark_done(self, _result: int) -> None:
        # Closed either way: the person has seen it; Help → Getting started brings it back.
        self._settings.update(onboarding_done=True)
