"""Where the app keeps things: on Linux our XDG reading must agree with platformdirs, or a user's library moves."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs
import pytest

from imagestudio import APP_NAME
from imagestudio.core.paths import AppPaths

XDG = ("XDG_DATA_HOME", "XDG_CONFIG_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")


@pytest.mark.skipif(sys.platform != "linux", reason="the XDG shortcut is Linux-only")
@pytest.mark.parametrize(
    "xdg",
    [
        {},
        dict(zip(XDG, ("/srv/d", "/srv/c", "/srv/k", "/srv/s"), strict=True)),
        {"XDG_DATA_HOME": "", "XDG_CONFIG_HOME": "relative/dir", "XDG_CACHE_HOME": "  ", "XDG_STATE_HOME": "/srv/s"},
    ],
)
def test_linux_locations_are_the_ones_platformdirs_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, xdg: dict[str, str]
) -> None:
    monkeypatch.delenv("IMAGESTUDIO_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    for name in XDG:
        monkeypatch.delenv(name, raising=False)
    for name, value in xdg.items():
        monkeypatch.setenv(name, value)
    ours = AppPaths.from_environment(dict(os.environ))
    assert ours.data == Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    assert ours.config == Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))
    assert ours.cache == Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
    assert ours.logs == Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    assert str(ours.data).startswith(xdg.get("XDG_DATA_HOME") or str(tmp_path))


def test_imagestudio_home_puts_everything_under_one_folder(tmp_path: Path) -> None:
    paths = AppPaths.from_environment({"IMAGESTUDIO_HOME": str(tmp_path)})
    assert {p.parent for p in (paths.data, paths.config, paths.cache, paths.logs)} == {tmp_path.resolve()}
