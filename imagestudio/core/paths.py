"""Where data, config, cache and logs live.

``IMAGESTUDIO_HOME=DIR`` puts everything under DIR (tests and portable use); otherwise the platform's
standard locations from platformdirs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from imagestudio import APP_NAME
from imagestudio.core.files.fsutil import private_dir, remove_dead_partials


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
        if sys.platform == "linux" and (xdg := _xdg_dirs(env)) is not None:
            return cls(*xdg)
        import platformdirs  # ~9 ms to import: Windows and macOS only, where the rules are not this simple

        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    def ensure(self) -> AppPaths:
        for p in (self.data, self.config, self.cache, self.logs):
            private_dir(p)  # 0700: prompts, images, keys' metadata and logs are nobody else's business
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
    """The ``resources/`` folder: inside a frozen bundle; inside the package when installed from a wheel
    (setup.py copies it there and compiles the translations); beside the package in a checkout."""
    frozen_root = getattr(sys, "_MEIPASS", None)
    if frozen_root:
        return Path(frozen_root) / "resources"
    package = Path(__file__).resolve().parents[1]
    installed = package / "resources"
    if (installed / "models.json").is_file():
        return installed
    return package.parent / "resources"


def _xdg_dirs(env: Mapping[str, str]) -> tuple[Path, Path, Path, Path] | None:
    """What platformdirs answers on Linux (the XDG base directories), without importing it before the window
    shows; tests/test_paths.py compares the two. None for a relative or missing HOME: platformdirs decides."""
    home = env.get("HOME", "")
    if not os.path.isabs(home):
        return None

    def base(variable: str, default: str) -> Path:
        value = env.get(variable, "")
        return Path(value) if os.path.isabs(value) else Path(home, default)

    return (
        base("XDG_DATA_HOME", ".local/share") / APP_NAME,
        base("XDG_CONFIG_HOME", ".config") / APP_NAME,
        base("XDG_CACHE_HOME", ".cache") / APP_NAME,
        base("XDG_STATE_HOME", ".local/state") / APP_NAME / "log",
    )
