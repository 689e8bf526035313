"""API keys: keyring only (in-memory test double here), environment, session; masking and log redaction."""

from __future__ import annotations

import io
import logging
import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail
from keyring.errors import KeyringError, KeyringLocked, PasswordDeleteError

from imagestudio.core.errors import SecretStoreUnavailable
from imagestudio.core.secrets import ENV_VAR, SERVICE, KeySource, KeyStore, SecretRedactor, mask
from tests.memory_keyring import MemoryKeyring

KEY = "sk-proj-Abc123SECRETsecretSECRET9876wxyz"
KEY2 = "sk-proj-second-key-000000000000001111"
KEY3 = "sk-proj-third-key-2222222222222223333"
ENTRY = (SERVICE, "api-key:openai")


class PlaintextishKeyring(MemoryKeyring):
    """Stands for keyrings.alt's file backends: works, but is not an OS secure store (no test marker)."""

    imagestudio_trusted_for_tests = False


class FakeChainer(KeyringBackend):
    """Shaped like keyring's ChainerBackend: secure only if it chains a secure store."""

    priority = 1  # type: ignore[assignment]

    def __init__(self, children: list[KeyringBackend]) -> None:
        super().__init__()
        self.backends = children

    def get_password(self, service: str, username: str) -> str | None:
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        self.backends[0].set_password(service, username, password)

    def delete_password(self, service: str, username: str) -> None:
        raise PasswordDeleteError("not found")


class LockedKeyring(MemoryKeyring):
    """A secure store whose collection is locked: every call fails with a KeyringError."""

    def get_password(self, service: str, username: str) -> str | None:
        raise KeyringLocked("locked")

    def set_password(self, service: str, username: str, password: str) -> None:
        raise KeyringLocked(f"locked, could not store {password}")

    def delete_password(self, service: str, username: str) -> None:
        raise KeyringLocked("locked")


@pytest.fixture
def store() -> KeyStore:
    return KeyStore(environ={})


# -- keyring ----------------------------------------------------------------------------------------


def test_set_get_delete(store: KeyStore, memory_keyring: MemoryKeyring) -> None:
    assert store.get("openai") == (None, KeySource.NONE)
    assert store.set("openai", f"  {KEY}\n") == KeySource.KEYRING
    assert memory_keyring.store == {ENTRY: KEY}  # stripped
    assert store.get("openai") == (KEY, KeySource.KEYRING)
    # a fresh store (a new run of the app) finds it too
    assert KeyStore(environ={}).get("openai") == (KEY, KeySource.KEYRING)
    assert store.delete("openai") is True
    assert memory_keyring.store == {}
    assert store.get("openai") == (None, KeySource.NONE)
    assert store.delete("openai") is False


def test_profiles_are_separate(store: KeyStore, memory_keyring: MemoryKeyring) -> None:
    store.set("openai", KEY)
    store.set("custom", KEY2)
    assert store.get("openai")[0] == KEY
    assert store.get("custom")[0] == KEY2
    store.delete("custom")
    assert store.get("openai")[0] == KEY
    assert store.get("custom") == (None, KeySource.NONE)


@pytest.mark.parametrize("bad", ["", "   ", "\n"])
def test_empty_keys_are_refused(store: KeyStore, memory_keyring: MemoryKeyring, bad: str) -> None:
    with pytest.raises(ValueError):
        store.set("openai", bad)
    with pytest.raises(ValueError):
        store.set_session("openai", bad)
    assert memory_keyring.store == {}
    assert store.get("openai") == (None, KeySource.NONE)


def test_status_reports_source_mask_and_backend(store: KeyStore) -> None:
    status = store.status("openai")
    assert (status.source, status.masked, status.keyring_available) == (KeySource.NONE, "", True)
    assert status.keyring_name.endswith("MemoryKeyring")
    store.set("openai", KEY)
    status = store.status("openai")
    assert status.source == KeySource.KEYRING
    assert status.masked == "sk-…wxyz"
    assert KEY not in repr(status)


# -- precedence -----------------------------------------------------------------------------------


def test_precedence_session_then_environment_then_keyring(memory_keyring: MemoryKeyring) -> None:
    environ: dict[str, str] = {}
    store = KeyStore(environ=environ)
    store.set("openai", KEY)
    assert store.get("openai") == (KEY, KeySource.KEYRING)
    environ[ENV_VAR] = f" {KEY2} "
    assert store.get("openai") == (KEY2, KeySource.ENVIRONMENT)
    assert store.get("openai", use_environment=False) == (KEY, KeySource.KEYRING)
    store.set_session("openai", KEY3)
    assert store.get("openai") == (KEY3, KeySource.SESSION)
    assert store.status("openai").source == KeySource.SESSION
    # the session key lives in memory only; the stored key is unchanged
    assert memory_keyring.store == {ENTRY: KEY}
    # saving a key to the keyring replaces the session key
    store.set("openai", KEY)
    environ.clear()
    assert store.get("openai") == (KEY, KeySource.KEYRING)


def test_blank_environment_variable_is_ignored(memory_keyring: MemoryKeyring) -> None:
    store = KeyStore(environ={ENV_VAR: "   "})
    assert store.get("openai") == (None, KeySource.NONE)
    store.set("openai", KEY)
    assert store.get("openai") == (KEY, KeySource.KEYRING)


def test_environment_key_is_never_written_to_the_keyring(memory_keyring: MemoryKeyring) -> None:
    environ = {ENV_VAR: KEY2}
    store = KeyStore(environ=environ)
    assert store.get("openai") == (KEY2, KeySource.ENVIRONMENT)
    assert store.get("custom") == (KEY2, KeySource.ENVIRONMENT)
    assert store.status("openai").source == KeySource.ENVIRONMENT
    assert memory_keyring.store == {}
    assert environ == {ENV_VAR: KEY2}  # and never changed


def test_keys_are_never_put_into_the_environment() -> None:
    store = KeyStore()  # the real os.environ (OPENAI_API_KEY removed by the autouse fixture)
    store.set_session("openai", KEY)
    store.set("custom", KEY2)
    store.get("openai")
    assert KEY not in os.environ.values() and KEY2 not in os.environ.values()
    assert ENV_VAR not in os.environ


# -- no secure store ------------------------------------------------------------------------------


def test_fail_backend_means_session_only() -> None:
    keyring.set_keyring(fail.Keyring())
    store = KeyStore(environ={})
    assert store.keyring_available() is False
    assert store.get("openai") == (None, KeySource.NONE)  # reading does not raise
    with pytest.raises(SecretStoreUnavailable, match="session only") as info:
        store.set("openai", KEY)
    assert KEY not in str(info.value)
    assert store.set_session("openai", KEY) == KeySource.SESSION
    assert store.get("openai") == (KEY, KeySource.SESSION)
    status = store.status("openai")
    assert (status.keyring_available, status.keyring_name, status.source) == (False, "none", KeySource.SESSION)
    assert store.delete("openai") is True  # forgets the session key without touching a keyring
    assert store.get("openai") == (None, KeySource.NONE)
    assert store.delete("openai") is False


def test_plaintext_backend_is_refused() -> None:
    backend = PlaintextishKeyring()
    backend.store[ENTRY] = KEY2  # something left there by another program
    keyring.set_keyring(backend)
    store = KeyStore(environ={})
    assert store.keyring_available() is False
    with pytest.raises(SecretStoreUnavailable):
        store.set("openai", KEY)
    assert KEY not in backend.store.values()  # never reached the file-ish store
    assert store.get("openai") == (None, KeySource.NONE)  # and it is not read from either
    store.delete("openai")
    assert backend.store == {ENTRY: KEY2}  # nor changed


def test_chainer_is_secure_only_if_every_child_is(memory_keyring: MemoryKeyring) -> None:
    # keyring's ChainerBackend writes to its first backend and reads from all of them
    keyring.set_keyring(FakeChainer([PlaintextishKeyring(), fail.Keyring()]))
    assert KeyStore(environ={}).keyring_available() is False
    keyring.set_keyring(FakeChainer([]))
    assert KeyStore(environ={}).keyring_available() is False
    keyring.set_keyring(FakeChainer([memory_keyring, PlaintextishKeyring()]))
    assert KeyStore(environ={}).keyring_available() is False
    keyring.set_keyring(FakeChainer([memory_keyring, MemoryKeyring()]))
    assert KeyStore(environ={}).keyring_available() is True


def test_locked_keyring_is_reported_not_hidden() -> None:
    keyring.set_keyring(LockedKeyring())
    environ: dict[str, str] = {}
    store = KeyStore(environ=environ)
    assert store.keyring_available() is True
    with pytest.raises(SecretStoreUnavailable, match="KeyringLocked") as info:
        store.set("openai", KEY)
    assert KEY not in str(info.value)
    assert info.value.__cause__ is None and info.value.__suppress_context__  # the backend's message is dropped
    with pytest.raises(SecretStoreUnavailable, match="locked"):
        store.get("openai")
    status = store.status("openai")
    assert status.source == KeySource.NONE and status.masked == ""
    assert status.problem is not None and "locked" in status.problem
    with pytest.raises(SecretStoreUnavailable):
        store.delete("openai")
    # keys that do not need the keyring still work while it is locked
    environ[ENV_VAR] = KEY2
    assert store.get("openai") == (KEY2, KeySource.ENVIRONMENT)
    store.set_session("openai", KEY3)
    assert store.get("openai") == (KEY3, KeySource.SESSION)
    assert store.status("openai").problem is None


def test_status_has_no_problem_normally(store: KeyStore) -> None:
    assert store.status("openai").problem is None


def test_a_backend_that_breaks_while_checking_counts_as_none(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken() -> KeyringBackend:
        raise KeyringError("no D-Bus")

    monkeypatch.setattr(keyring, "get_keyring", broken)
    store = KeyStore(environ={})
    assert store.keyring_available() is False
    assert store.get("openai") == (None, KeySource.NONE)


# -- masking -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "masked"),
    [
        (KEY, "sk-…wxyz"),
        (f"  {KEY}\n", "sk-…wxyz"),
        ("sk-123456", "sk-…3456"),  # 9 characters: the shortest shown partly
        ("12345678", "…"),  # too short to show any of it
        ("abc", "…"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_mask(key: str, masked: str) -> None:
    assert mask(key) == masked


def test_mask_never_shows_the_middle() -> None:
    for length in range(0, 60):
        key = "".join(chr(ord("A") + i % 26) for i in range(length))
        shown = mask(key)
        assert len(shown.replace("…", "")) <= 7
        if length > 8:
            assert key[3:-4] not in shown


# -- log redaction --------------------------------------------------------------------------------


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO, KeyStore]]:
    """A logger whose only handler carries the KeyStore's redactor as a filter."""
    store = KeyStore(environ={})
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    handler.addFilter(store.redactor)
    logger = logging.getLogger(f"imagestudio.test.redact.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    logger.addHandler(handler)
    yield logger, out, store
    logger.removeHandler(handler)
    handler.close()


def test_redactor_learns_keys_the_store_sees(captured: tuple[logging.Logger, io.StringIO, KeyStore]) -> None:
    logger, out, store = captured
    store.set("openai", KEY)
    KeyStore(environ={ENV_VAR: KEY2}, redactor=store.redactor).get("openai")
    store.set_session("custom", KEY3)
    logger.info("keys %s %s %s", KEY, KEY2, KEY3)
    text = out.getvalue()
    assert KEY not in text and KEY2 not in text and KEY3 not in text
    assert text.count("sk-…") == 3


def test_redactor_on_messages_and_args(captured: tuple[logging.Logger, io.StringIO, KeyStore]) -> None:
    logger, out, store = captured
    store.set_session("openai", KEY)
    logger.warning(f"in the message {KEY} itself")
    logger.info("in args: %s", KEY)
    logger.info("in a dict: %s", {"headers": {"Authorization": f"Bearer {KEY}"}})
    logger.debug("in %(name)s", {"name": KEY})
    logger.info("harmless line")
    text = out.getvalue()
    assert KEY not in text
    assert text.count("sk-…wxyz") == 4
    assert "Bearer sk-…wxyz" in text
    assert "INFO harmless line" in text


def test_redactor_on_exception_tracebacks(captured: tuple[logging.Logger, io.StringIO, KeyStore]) -> None:
    logger, out, store = captured
    store.set_session("openai", KEY)

    def call_api(api_key: str) -> None:
        try:
            raise ConnectionError(f"while sending Authorization: Bearer {api_key}")
        except ConnectionError as inner:
            raise RuntimeError(f"request failed for key {api_key}") from inner

    try:
        call_api(KEY)
    except RuntimeError:
        logger.exception("generation failed")
    text = out.getvalue()
    assert KEY not in text
    assert "Traceback (most recent call last)" in text
    assert "RuntimeError: request failed for key sk-…wxyz" in text
    assert "ConnectionError: while sending Authorization: Bearer sk-…wxyz" in text  # the chained cause too
    assert text.startswith("ERROR generation failed")


def test_redactor_as_a_root_style_logger_filter() -> None:
    redactor = SecretRedactor()
    redactor.add(KEY)
    redactor.add("short")  # too short to be a key: ignored rather than masking common words
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    logger = logging.getLogger(f"imagestudio.test.redact.{uuid.uuid4().hex}")
    logger.propagate = False
    logger.addHandler(handler)
    logger.addFilter(redactor)
    try:
        logger.error("a short word and %s", KEY)
    finally:
        logger.removeHandler(handler)
    assert out.getvalue() == "a short word and sk-…wxyz\n"
    assert redactor.redact(f"x{KEY}y{KEY}") == "xsk-…wxyzysk-…wxyz"


_STATUS_WITHOUT_A_BUS = """
import sys
from imagestudio.core.secrets import KeyStore
status = KeyStore().status("openai")
print(status.keyring_available, status.keyring_name, "keyring" in sys.modules)
"""


def test_no_session_bus_means_no_secure_store_without_loading_keyring(tmp_path: Path) -> None:
    """Linux's secure stores are all behind the D-Bus session bus: with none, say so without importing keyring
    (~20 MB resident, bench P9); a keyring the user configured is still asked."""
    import subprocess
    import sys

    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", _STATUS_WITHOUT_A_BUS], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "none", "False"], out.stderr
    rc = tmp_path / ".config" / "python_keyring" / "keyringrc.cfg"
    rc.parent.mkdir(parents=True)
    rc.write_text("[backend]\ndefault-keyring=keyring.backends.fail.Keyring\n")
    out = subprocess.run([sys.executable, "-c", _STATUS_WITHOUT_A_BUS], env=env, capture_output=True, text=True)
    assert out.stdout.split() == ["False", "none", "True"], out.stderr  # asked, and it is not a secure one
