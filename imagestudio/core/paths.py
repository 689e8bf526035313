"""Where data, config, cache and logs live.

``IMAGESTUDIO_HOME=DIR`` puts everything under DIR (tests and portable use); otherwise the platform's
standard locations from platformdirs.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from imagestudio import APP_NAME
from imagestudio.core.fsutil import remove_dead_partials


@dataclass(frozen=True, slots=True)
class AppPaths:
    data: Path
    config: Path
    cache: Path
    logs: Path

    @classmethod
    def from_environment(cls, environ: dict[str, str] | None = None) -> AppPaths:
        env = os.environ if environ is None else environ
        home = env.get("IMAGESTUDIO_HOME")
        if home:
            root = Path(home).expanduser().resolve()
            return cls(root / "data", root / "config", root / "cache", root / "logs")
        import platformdirs

        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> AppPaths:
        for p in (self.data, self.config, self.cache, self.logs):
            p.mkdir(parents=True, exist_ok=True)
        remove_dead_partials(self.config)  # settings, profiles, presets, install id: written beside the target
        return self

    @property
    def settings_file(self) -> Path:
        return self.config / "settings.json"

    @property
    def library_db(self) -> Path:
        return self.data / "library.sqlite3"

    @property
    def originals(self) -> Path:
        return self.data / "originals"

    @property
    def tmp(self) -> Path:
        return self.data / "tmp"

    @property
    def thumbs(self) -> Path:
        return self.cache / "thumbs"


def resources_dir() -> Path:
    """The ``resources/`` folder: beside the package in a checkout, or inside a frozen bundle."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    return Path(__file__).resolve().parents[2] / "resources"
