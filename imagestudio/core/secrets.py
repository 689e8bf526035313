"""API keys: OS keyring only, the ``OPENAI_API_KEY`` environment variable, or a session-only key.

No plaintext fallback exists: if the keyring backend is not a real secure store (``fail.Keyring``,
``keyrings.alt`` file backends, a chainer of those), keys can only be held in memory for this session.
Keyring calls may block (a locked collection prompts the user): the GUI calls them off its thread.
"""

from __future__ import annotations

import logging
import os
import re
import sys
import threading
from dataclasses import dataclass
from enum import StrEnum

from imagestudio.core.errors import SecretStoreUnavailable
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill

SERVICE = "imagestudio"
ENV_VAR = "OPENAI_API_KEY"

# Backends that store secrets in the OS's protected store. Anything else is refused.
_SECURE_BACKEND_MODULES = (
    "keyring.backends.SecretService",
    "keyring.backends.libsecret",
    "keyring.backends.kwallet",
    "keyring.backends.macOS",
    "keyring.backends.Windows",
)
# Keys nobody told the redactor about (another profile's, one pasted into a prompt) and Authorization headers.
_KEY_SHAPED = re.compile(r"\b(sk-[A-Za-z0-9_\-]{3})[A-Za-z0-9_\-]{12,}([A-Za-z0-9_\-]{4})\b")
_AUTH_HEADER = re.compile(r"(?i)\b(authorization|api-key|x-api-key)(['\"]?\s*[:=]\s*['\"]?)(bearer\s+)?[^\s'\",}]+")
# Test doubles declare themselves secure with this attribute (see tests/memory_keyring.py).
_TEST_SECURE_ATTR = "imagestudio_trusted_for_tests"


class KeySource(StrEnum):
    NONE = "none"
    ENVIRONMENT = "environment"
    SESSION = "session"
    KEYRING = "keyring"


@dataclass(frozen=True, slots=True)
class KeyStatus:
    source: KeySource
    masked: str  # e.g. "sk-…abcd"; empty when there is no key
    keyring_available: bool
    keyring_name: str
    #: Why the keyring could not be read (e.g. locked), when it could not.
    problem: str | None = None


def mask(key: str) -> str:
    """The only form of a key that may be shown: its first three and last four characters."""
    key = key.strip()
    if len(key) <= 8:
        return "…" if key else ""
    return f"{key[:3]}…{key[-4:]}"


def _is_secure_backend(backend: object) -> bool:
    if getattr(backend, _TEST_SECURE_ATTR, False):
        return True
    children = getattr(backend, "backends", None)
    if children is not None:
        # ChainerBackend writes to its first backend but reads from all: every one must be secure
        return bool(children) and all(_is_secure_backend(b) for b in children)
    module = type(backend).__module__
    return module.startswith(_SECURE_BACKEND_MODULES)


def _secure_store_reachable() -> bool:
    """False when no secure store can answer, decided without importing keyring: its backend discovery imports
    every backend (secretstorage's cryptography too) — ~20 MB and ~0.1 s for an answer known in advance.

    On Linux every secure store (Secret Service, libsecret, KWallet) is reached over the D-Bus session bus, and
    jeepney finds that bus only through DBUS_SESSION_BUS_ADDRESS. A keyring the user configured
    (PYTHON_KEYRING_BACKEND, keyringrc.cfg) or one already loaded (tests set an in-memory one) is always asked.
    """
    if sys.platform != "linux" or "keyring" in sys.modules:
        return True
    if os.environ.get("DBUS_SESSION_BUS_ADDRESS") or os.environ.get("PYTHON_KEYRING_BACKEND"):
        return True
    config_home = os.environ.get("XDG_CONFIG_HOME") or os.path.join(os.path.expanduser("~"), ".config")
    return os.path.exists(os.path.join(config_home, "python_keyring", "keyringrc.cfg"))


def _mask_header(m: re.Match[str]) -> str:
    if "…" in m.group(0):  # a key the redactor knew, already masked to its first and last characters
        return m.group(0)
    return f"{m.group(1)}{m.group(2)}{m.group(3) or ''}***"


class SecretRedactor(logging.Filter):
    """A logging filter that replaces every known key with its masked form, wherever it appears."""

    def __init__(self) -> None:
        super().__init__()
        self._secrets: set[str] = set()
        self._lock = threading.Lock()

    def add(self, secret: str) -> None:
        if secret and len(secret) >= 8:
            with self._lock:
                self._secrets.add(secret)

    def redact(self, text: str) -> str:
        with self._lock:
            secrets = list(self._secrets)
        for s in secrets:
            text = text.replace(s, mask(s))
        text = _AUTH_HEADER.sub(_mask_header, text)
        return _KEY_SHAPED.sub(lambda m: f"{m.group(1)}…{m.group(2)}", text)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = self.redact(message)
        if redacted != message or record.exc_info:
            record.msg, record.args = redacted, None
            if record.exc_info:
                text = logging.Formatter().formatException(record.exc_info)
                record.msg = f"{redacted}\n{self.redact(text)}"
                record.exc_info, record.exc_text = None, None
        return True


class KeyStore:
    """Get, set and delete API keys per provider profile."""

    def __init__(self, redactor: SecretRedactor | None = None, environ: dict[str, str] | None = None) -> None:
        self._environ = os.environ if environ is None else environ
        self._session: dict[str, str] = {}
        self._lock = threading.Lock()
        self.redactor = redactor or SecretRedactor()

    # -- backend ---------------------------------------------------------------------------------
    def backend_name(self) -> str:
        import keyring

        backend = keyring.get_keyring()
        return f"{type(backend).__module__}.{type(backend).__name__}"

    def keyring_available(self) -> bool:
        if not _secure_store_reachable():
            return False
        import keyring

        try:
            return _is_secure_backend(keyring.get_keyring())
        except Exception:  # a broken backend counts as none
            return False

    @staticmethod
    def _username(profile: str) -> str:
        return f"api-key:{profile}"

    # -- reading ---------------------------------------------------------------------------------
    def get(self, profile: str, *, use_environment: bool = True) -> tuple[str | None, KeySource]:
        """The key to use for ``profile`` and where it came from.

        Order: a session key typed in this run, then ``OPENAI_API_KEY``, then the keyring.
        """
        with self._lock:
            session = self._session.get(profile)
        if session:
            return self._seen(session), KeySource.SESSION
        env = self._environ.get(ENV_VAR, "").strip() if use_environment else ""
        if env:
            return self._seen(env), KeySource.ENVIRONMENT
        stored = self._keyring_get(profile)
        if stored:
            return self._seen(stored), KeySource.KEYRING
        return None, KeySource.NONE

    def status(self, profile: str, *, use_environment: bool = True) -> KeyStatus:
        available = self.keyring_available()
        name = self.backend_name() if available else "none"
        try:
            key, source = self.get(profile, use_environment=use_environment)
        except SecretStoreUnavailable as e:
            return KeyStatus(KeySource.NONE, "", available, name, problem=e.message)
        return KeyStatus(source, mask(key) if key else "", available, name)

    def _keyring_get(self, profile: str) -> str | None:
        if not self.keyring_available():
            return None
        import keyring
        from keyring.errors import KeyringLocked

        try:
            return keyring.get_password(SERVICE, self._username(profile))
        except KeyringLocked:
            locked = QT_TRANSLATE_NOOP("CoreMessages", "The system keyring is locked; unlock it and try again.")
            raise SecretStoreUnavailable(locked) from None
        except Exception as e:  # D-Bus and backend errors are not always KeyringErrors
            unreadable = QT_TRANSLATE_NOOP("CoreMessages", "The system keyring could not be read (%1).")
            raise SecretStoreUnavailable(fill(unreadable, type(e).__name__)) from None

    def _seen(self, key: str) -> str:
        self.redactor.add(key)
        return key

    # -- writing ---------------------------------------------------------------------------------
    def set(self, profile: str, key: str) -> KeySource:
        """Store ``key`` in the keyring. Raises SecretStoreUnavailable when there is no secure store."""
        key = key.strip()
        if not key:
            raise ValueError("empty key")
        self._seen(key)
        if not self.keyring_available():
            raise SecretStoreUnavailable(
                QT_TRANSLATE_NOOP(
                    "CoreMessages",
                    "No secure keyring is available on this system, so the key cannot be saved. "
                    "You can use it for this session only.",
                )
            )
        import keyring

        try:
            keyring.set_password(SERVICE, self._username(profile), key)
        except Exception as e:  # KeyringError, or D-Bus errors that are not
            refused = QT_TRANSLATE_NOOP("CoreMessages", "The keyring refused to store the key (%1).")
            raise SecretStoreUnavailable(fill(refused, type(e).__name__)) from None
        with self._lock:
            self._session.pop(profile, None)
        return KeySource.KEYRING

    def set_session(self, profile: str, key: str) -> KeySource:
        """Keep ``key`` in memory only, until the app quits."""
        key = key.strip()
        if not key:
            raise ValueError("empty key")
        with self._lock:
            self._session[profile] = self._seen(key)
        return KeySource.SESSION

    def delete(self, profile: str) -> bool:
        """Forget the session key and remove the stored one. True if anything was removed."""
        with self._lock:
            removed = self._session.pop(profile, None) is not None
        if self.keyring_available():
            import keyring
            from keyring.errors import PasswordDeleteError

            try:
                # delete every copy (an older keyring version may have left one with other attributes)
                for _ in range(10):
                    keyring.delete_password(SERVICE, self._username(profile))
                    removed = True
            except PasswordDeleteError:
                pass
            except Exception as e:
                raise SecretStoreUnavailable(f"The keyring refused to delete the key ({type(e).__name__}).") from None
        return removed
