"""Fast checks of the packaging sources; nothing here builds a bundle (that is `make package-test`).

The version is defined once, the desktop entry and AppStream metainfo are valid and agree with the app's ids, the
icons render from the one SVG, the PyInstaller spec keeps the Qt plugins the app needs and drops the rest, and the
app's smoke-test switch really quits once the window is shown.
"""

from __future__ import annotations

import ast
import configparser
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tomllib
import xml.etree.ElementTree as ET
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from PIL import Image

from imagestudio import APP_ID, APP_NAME, __version__
from imagestudio.core.files.imageio import ALLOWED_FORMATS

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DESKTOP = PACKAGING / "linux" / f"{APP_ID}.desktop"
METAINFO = PACKAGING / "linux" / f"{APP_ID}.metainfo.xml"
SPEC = PACKAGING / "imagestudio.spec"
WORKFLOW = ROOT / ".github" / "workflows" / "release.yml"


def _load(path: Path, name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(name, path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _spec_rules() -> dict[str, Any]:
    """The spec's constants and filter functions, without running PyInstaller's Analysis."""
    tree = ast.parse(SPEC.read_text(encoding="utf-8"))
    wanted = {"DROPPED_PLUGIN_TYPES", "DROPPED_PLUGINS", "KEPT_TRANSLATIONS", "EXCLUDES"}
    body: list[ast.stmt] = [
        node
        for node in tree.body
        if (isinstance(node, ast.FunctionDef) and node.name in {"_plugin_name", "_wanted_plugin", "_wanted_data"})
        or (isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id in wanted for t in node.targets))
    ]
    namespace: dict[str, Any] = {"Path": Path}
    exec(compile(ast.Module(body=body, type_ignores=[]), str(SPEC), "exec"), namespace)
    return namespace


def test_version_is_defined_once() -> None:
    assert re.fullmatch(r"\d+\.\d+\.\d+", __version__)
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in pyproject["project"] and "version" in pyproject["project"]["dynamic"]
    assert pyproject["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "imagestudio.__version__"}
    # The metainfo's newest release must name the current version (the .deb's changelog is made from it) ...
    releases = ET.parse(METAINFO).getroot().findall("./releases/release")
    assert releases and releases[0].get("version") == __version__
    # ... and nothing else in the packaging writes the number down.
    literal = re.compile(rf"(?<![\d.]){re.escape(__version__)}(?![\d.])")
    holders = [
        p.relative_to(ROOT)
        for p in [*PACKAGING.rglob("*"), *([WORKFLOW] if WORKFLOW.exists() else [])]
        if p.is_file() and p != METAINFO and literal.search(p.read_text(encoding="utf-8", errors="replace"))
    ]
    assert holders == []


def test_desktop_entry_matches_the_app() -> None:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    entry = parser["Desktop Entry"]
    assert entry["Type"] == "Application"
    assert entry["Icon"] == APP_ID  # the hicolor icons are installed under the app id
    assert entry["StartupWMClass"] == APP_NAME  # Qt's X11 WM_CLASS is the application name
    assert entry["Exec"].split()[0] == "imagestudio" == entry["TryExec"]
    assert entry["Terminal"] == "false"
    assert "Graphics" in entry["Categories"].split(";")
    assert entry["Name[zh_CN]"] and entry["Comment[zh_CN]"]


@pytest.mark.skipif(shutil.which("desktop-file-validate") is None, reason="needs desktop-file-utils")
def test_desktop_entry_validates() -> None:
    run = subprocess.run(["desktop-file-validate", str(DESKTOP)], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0 and "error" not in run.stdout, run.stdout + run.stderr


def test_metainfo_describes_the_app() -> None:
    root = ET.parse(METAINFO).getroot()
    assert root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == DESKTOP.name
    assert root.findtext("./provides/binary") == "imagestudio"
    assert len(root.findall("./description/p")) >= 2
    images = root.findall("./screenshots/screenshot/image")
    assert images and all((el.text or "").startswith("https://") for el in images)
    # every screenshot URL names a file in this repository, with the size the metainfo states
    for el in images:
        with Image.open(ROOT / (el.text or "").split("/main/", 1)[1]) as shot:
            assert shot.size == (int(el.get("width", 0)), int(el.get("height", 0))), el.text
    rating = root.find("content_rating")
    assert rating is not None and rating.get("type") == "oars-1.1"
    assert all(r.get("date") for r in root.findall("./releases/release"))


@pytest.mark.skipif(shutil.which("appstreamcli") is None, reason="needs appstream")
def test_metainfo_validates() -> None:
    run = subprocess.run(
        ["appstreamcli", "validate", "--no-net", str(METAINFO)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stdout + run.stderr


def test_debian_changelog_comes_from_the_metainfo(tmp_path: Path) -> None:
    meta = _load(PACKAGING / "debian_meta.py", "debian_meta")
    text = meta.changelog()
    assert text.startswith(f"imagestudio ({__version__}) unstable; urgency=medium\n")
    assert re.search(r"^ -- .+ <.+@.+>  \w{3}, \d\d \w{3} \d{4} ", text, re.M)
    stale = tmp_path / "stale.xml"
    stale.write_text(METAINFO.read_text(encoding="utf-8").replace(f'version="{__version__}"', 'version="0.0.1"'))
    with pytest.raises(SystemExit, match=r"newest <release> is 0\.0\.1"):
        meta.changelog(stale)


@pytest.mark.gui
def test_icons_render_from_the_one_svg(qapp: object, tmp_path: Path) -> None:
    icons = _load(PACKAGING / "render_icons.py", "render_icons")
    written = icons.render(tmp_path)
    for size in (16, 22, 24, 32, 48, 64, 128, 256, 512):
        png = tmp_path / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
        with Image.open(png) as im:
            assert im.size == (size, size) and im.mode == "RGBA"
            assert im.getpixel((size // 2, size // 2))[3] == 255  # drawn, not an empty canvas
            assert im.getpixel((0, 0))[3] == 0  # transparent corner (rounded square)
    svg = tmp_path / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg"
    assert svg.read_bytes() == (ROOT / "resources" / "icons" / "imagestudio.svg").read_bytes()
    with Image.open(tmp_path / "imagestudio.ico") as ico:
        assert ico.format == "ICO"
    with Image.open(tmp_path / "imagestudio.icns") as icns:
        assert icns.format == "ICNS"
    assert len(written) == 12


def test_spec_keeps_the_plugins_the_app_uses() -> None:
    rules = _spec_rules()
    wanted = rules["_wanted_plugin"]
    kept = {
        "platforms": ["libqxcb.so", "libqwayland.so", "libqoffscreen.so", "qwindows.dll", "libqcocoa.dylib"],
        "platforminputcontexts": ["libibusplatforminputcontextplugin.so", "libcomposeplatforminputcontextplugin.so"],
        "iconengines": ["libqsvgicon.so"],
        "xcbglintegrations": ["libqxcb-glx-integration.so"],
        "platformthemes": ["libqxdgdesktopportal.so"],
        "wayland-shell-integration": ["libxdg-shell.so"],
        "styles": ["qmodernwindowsstyle.dll", "libqmacstyle.dylib"],
    }
    for plugin_type, files in kept.items():
        for name in files:
            assert wanted(plugin_type, f"/qt/plugins/{plugin_type}/{name}"), (plugin_type, name)
    # every image format the library accepts can be shown by Qt (PNG is built into QtGui)
    for fmt in set(ALLOWED_FORMATS.values()) - {"png"}:
        assert wanted("imageformats", f"/qt/plugins/imageformats/libq{fmt}.so"), fmt
    dropped = {
        "platformthemes": "libqgtk3.so",  # pulls in GTK3
        "sqldrivers": "libqsqlite.so",
        "tls": "libqopensslbackend.so",
        "platforms": "libqvnc.so",
        "imageformats": "libqtiff.so",
    }
    for plugin_type, name in dropped.items():
        assert not wanted(plugin_type, f"/qt/plugins/{plugin_type}/{name}"), (plugin_type, name)


def test_spec_keeps_zh_cn_translations_and_excludes_keyrings_alt() -> None:
    rules = _spec_rules()
    wanted_data = rules["_wanted_data"]
    assert wanted_data("PySide6/Qt/translations/qtbase_zh_CN.qm")
    assert not wanted_data("PySide6/Qt/translations/qtbase_de.qm")
    assert wanted_data("resources/translations/imagestudio_zh_CN.qm")
    assert wanted_data("resources/translations/imagestudio_zh_CN.ts")  # the CLI reads it without Qt
    assert wanted_data("resources/models.json")
    assert "keyrings" in rules["EXCLUDES"]  # keyrings.alt's plaintext backends never ship
    assert not {"keyring", "secretstorage", "jeepney", "openai", "win32ctypes"} & set(rules["EXCLUDES"])


def test_scripts_parse() -> None:
    for script in ("build-deb.sh", "smoke_test.sh"):
        run = subprocess.run(["bash", "-n", str(PACKAGING / script)], capture_output=True, text=True, timeout=30)
        assert run.returncode == 0, run.stderr
    run = subprocess.run(["sh", "-n", str(PACKAGING / "system-deps.sh")], capture_output=True, text=True, timeout=30)
    assert run.returncode == 0, run.stderr


def test_release_workflow_uses_the_same_spec_and_pins() -> None:
    text = WORKFLOW.read_text(encoding="utf-8")
    assert "packaging/imagestudio.spec" in text
    assert ".[package]" in text  # PyInstaller's pinned version comes from pyproject, not the workflow
    for runner in ("ubuntu-", "windows-", "macos-"):
        assert runner in text
    assert "iscc" in text.lower() and "hdiutil" in text
    assert "IMAGESTUDIO_SMOKE_TEST" in text and "--version" in text
    for backend in ("keyring.backends.Windows", "keyring.backends.macOS"):
        assert backend in text


def test_smoke_test_switch_quits_once_the_window_is_shown(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "DBUS_SESSION_BUS_ADDRESS")}
    env.update(
        IMAGESTUDIO_HOME=str(tmp_path),
        IMAGESTUDIO_SMOKE_TEST="1",
        QT_QPA_PLATFORM="offscreen",
        PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",  # never the developer's real keyring
    )
    run = subprocess.run(
        [sys.executable, "-m", "imagestudio"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=90
    )
    assert run.returncode == 0, run.stderr[-2000:]
    assert "smoke test: main window shown; gallery holds 0 images; icon ok" in run.stdout
