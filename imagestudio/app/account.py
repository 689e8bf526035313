"""API keys and connection tests for the settings pane. Keyring calls may block: they run off-thread."""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

from imagestudio.app.settings_store import SettingsStore
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import key_profile, make_provider
from imagestudio.core.secrets import KeySource, KeyStatus, KeyStore


class AccountService(QObject):
    #: KeyStatus after any change, for the settings pane and the banner.
    keyStatusChanged = Signal(object)

    def __init__(
        self,
        keys: KeyStore,
        settings: SettingsStore,
        provider_factory: Callable[[], ImageProvider],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._keys = keys
        self._settings = settings
        self._provider_factory = provider_factory
        self.last_status: KeyStatus | None = None

    def _profile(self) -> str:
        return key_profile(self._settings.current.provider)

    async def refresh_status(self) -> KeyStatus:
        status = await asyncio.to_thread(self._keys.status, self._profile())
        self.last_status = status
        self.keyStatusChanged.emit(status)
        return status

    async def save_key(self, key: str, *, session_only: bool = False) -> KeySource:
        """Store in the keyring (or for this session only). Raises SecretStoreUnavailable."""
        profile = self._profile()
        try:
            if session_only:
                return self._keys.set_session(profile, key)
            return await asyncio.to_thread(self._keys.set, profile, key)
        finally:
            await self.refresh_status()

    async def delete_key(self) -> bool:
        try:
            return await asyncio.to_thread(self._keys.delete, self._profile())
        finally:
            await self.refresh_status()

    async def test_connection(self, key: str | None = None) -> tuple[bool, str]:
        """(ok, human message) — never raises for provider problems. With ``key`` (typed, not saved yet): that
        key against the chosen provider, whatever is stored; it stays in memory only and is redacted in logs."""
        if not key or not key.strip():
            return await check_connection(self._provider_factory)
        typed = KeyStore(self._keys.redactor, environ={})  # only this key: no environment, no keyring
        typed.set_session(self._profile(), key)
        settings = self._settings.current.with_changes(profile="")
        return await check_connection(lambda: make_provider(settings, typed))


async def check_connection(build: Callable[[], ImageProvider]) -> tuple[bool, str]:
    """Build a provider off the GUI thread (reading its key may block on the keyring), ask it to check the
    connection, close it: (ok, human message). Provider problems become the message, never an exception."""
    try:
        provider = await asyncio.to_thread(build)
    except ImageStudioError as e:
        return False, e.message
    try:
        return True, await provider.check()
    except ImageStudioError as e:
        return False, e.message
    finally:
        await provider.aclose()
