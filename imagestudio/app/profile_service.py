"""Provider profiles for the profiles dialog: the list in profiles.json, each profile's key, Test connection.

File and keyring calls may block, so they run off the GUI thread. Validation lives in ``core.profiles``; this
only sequences it. A profile's key goes to the keyring entry of that profile and never into profiles.json.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtCore import QObject, Signal

from imagestudio.app.account import check_connection
from imagestudio.app.settings_store import SettingsStore
from imagestudio.core import profiles as core_profiles
from imagestudio.core.profiles import Profile
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.factory import make_profile_provider
from imagestudio.core.secrets import KeySource, KeyStatus, KeyStore


class ProfileService(QObject):
    #: the list of profiles after loading or any change
    profilesChanged = Signal(list)
    #: the active profile's name ("" = none) after any settings change
    activeChanged = Signal(str)

    def __init__(
        self,
        config_dir: Path,
        keys: KeyStore,
        settings: SettingsStore,
        *,
        demo_latency: float = 0.8,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._config_dir = config_dir
        self._keys = keys
        self._settings = settings
        self._demo_latency = demo_latency
        self.profiles: list[Profile] = []
        self.warnings: list[str] = []
        self._lock = asyncio.Lock()  # one read-modify-write of profiles.json at a time
        settings.changed.connect(lambda current: self.activeChanged.emit(current.profile))

    @property
    def active(self) -> str:
        return self._settings.current.profile

    def set_active(self, name: str) -> None:
        """Use profile ``name`` for new jobs ("" = the provider chosen in Settings)."""
        self._settings.update(profile=name)

    async def load(self) -> list[Profile]:
        self.profiles, self.warnings = await asyncio.to_thread(core_profiles.load, self._config_dir)
        self.profilesChanged.emit(list(self.profiles))
        return self.profiles

    async def save_profile(self, profile: Profile, original_name: str | None = None) -> None:
        """Add or replace (and maybe rename) a profile. Raises ConfigError with a message for the person."""
        async with self._lock:
            updated = core_profiles.upsert(self.profiles, profile, original_name)
            await asyncio.to_thread(core_profiles.save, self._config_dir, updated)
            self.profiles = updated
            renamed = original_name is not None and original_name != profile.name
            if renamed:
                await self._move_key(f"profile:{original_name}", profile.key_entry)
                if self.active == original_name:
                    self.set_active(profile.name)
        self.profilesChanged.emit(list(self.profiles))

    async def _move_key(self, old_entry: str, new_entry: str) -> None:
        key, source = await asyncio.to_thread(self._keys.get, old_entry, use_environment=False)
        if not key:
            return
        if source is KeySource.SESSION:
            self._keys.set_session(new_entry, key)
        else:
            await asyncio.to_thread(self._keys.set, new_entry, key)
        await asyncio.to_thread(self._keys.delete, old_entry)

    async def delete_profile(self, name: str) -> None:
        """Remove the profile and its key; new jobs fall back to the Settings provider if it was active."""
        async with self._lock:
            updated = core_profiles.remove(self.profiles, name)
            await asyncio.to_thread(core_profiles.save, self._config_dir, updated)
            self.profiles = updated
            await asyncio.to_thread(self._keys.delete, f"profile:{name}")
            if self.active == name:
                self.set_active("")
        self.profilesChanged.emit(list(self.profiles))

    async def key_status(self, name: str) -> KeyStatus:
        """What the profile's jobs will use: its own key, else OPENAI_API_KEY (as the provider factory reads it)."""
        return await asyncio.to_thread(self._keys.status, f"profile:{name}")

    async def save_key(self, name: str, key: str, *, session_only: bool = False) -> KeySource:
        """Store ``key`` for profile ``name``. Raises SecretStoreUnavailable when there is no secure store."""
        if session_only:
            return self._keys.set_session(f"profile:{name}", key)
        return await asyncio.to_thread(self._keys.set, f"profile:{name}", key)

    async def delete_key(self, name: str) -> bool:
        return await asyncio.to_thread(self._keys.delete, f"profile:{name}")

    async def test_connection(self, profile: Profile) -> tuple[bool, str]:
        """(ok, human message) for ``profile`` as it is in the dialog (saved or not); never raises for provider
        problems."""
        timeout = self._settings.current.request_timeout_s

        def build() -> ImageProvider:
            return make_profile_provider(profile, self._keys, timeout=timeout, demo_latency=self._demo_latency)

        return await check_connection(build)
