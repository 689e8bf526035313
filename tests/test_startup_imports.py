"""What the window may not pay for before it shows (bench P1: cold start ≤ 1.3× a bare QMainWindow)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

LAZY_DIALOGS = tuple(
    f"imagestudio.ui.{name}"
    for name in (
        "viewer.viewer", "viewer.compare", "dialogs.export_dialog", "settings.onboarding", "settings.presets_dialog",
        "dialogs.shortcuts_dialog", "settings.profiles_dialog", "dialogs.library_check_dialog",
        "dialogs.watch_folders_dialog",
    )
)  # fmt: skip


def test_window_shows_without_importing_pillow_or_openai(tmp_path: Path) -> None:
    """Pillow (~20 ms plus its plugins) loads on the first decode, export or demo image, and the SDK on the first
    request, not at start-up."""
    code = (
        f"LAZY = {LAZY_DIALOGS!r}\n"
        "import sys, asyncio, qasync\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from imagestudio.core.paths import AppPaths\n"
        "from imagestudio.core.secrets import KeyStore\n"
        "from imagestudio.main import compose\n"
        "app = QApplication([])\n"
        "loop = qasync.QEventLoop(app); asyncio.set_event_loop(loop)\n"
        "parts = compose(AppPaths.from_environment(), KeyStore(environ={}))\n"
        "parts.window.show()\n"
        "print(sorted(m for m in ('PIL', 'openai') if m in sys.modules))\n"
        "print(sorted(m for m in LAZY if m in sys.modules))\n"
        "with loop: loop.run_until_complete(parts.start()); loop.run_until_complete(parts.shutdown())\n"
        "print('openai' in sys.modules)\n"
    )
    env = {"QT_QPA_PLATFORM": "offscreen", "IMAGESTUDIO_HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[0] == "[]"
    assert out.stdout.strip().splitlines()[1] == "[]"  # dialogs are imported when first opened
    # `import openai` costs ~0.5 s: starting up (key status, first gallery page) must not pay it either
    assert out.stdout.strip().splitlines()[2] == "False"


SHOWN_FIRST = """
import sys
import imagestudio.main as m
shown = m._show_painted
def record(app, window):
    shown(app, window)
    handle = window.windowHandle()
    print("EXPOSED", bool(handle and handle.isExposed()), "PANES", hasattr(window, "prompt_editor"))
    print("LOADED", sorted(n for n in NOT_YET if n in sys.modules))
    print("PALETTE", app.palette().color(app.palette().ColorRole.Window).name())
m._show_painted = record
print("RC", m.run_gui([]))
"""


def test_the_empty_window_is_on_screen_before_the_panes_and_the_event_loop_load(tmp_path: Path) -> None:
    """run_gui shows the frame (right palette) first; asyncio, qasync, the panes and the library come after it."""
    not_yet = (
        "asyncio", "qasync", "sqlite3", "imagestudio.ui.prompt.prompt_editor", "imagestudio.ui.gallery.gallery",
        "imagestudio.app.controller", "imagestudio.core.library.library", "imagestudio.core.secrets", "keyring",
        "imagestudio.core.settings",
    )  # fmt: skip
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text('{"theme": "dark", "onboarding_done": true}')
    env = {
        "QT_QPA_PLATFORM": "offscreen", "IMAGESTUDIO_HOME": str(tmp_path), "PATH": "/usr/bin:/bin",
        "IMAGESTUDIO_SMOKE_TEST": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }  # fmt: skip
    code = f"NOT_YET = {not_yet!r}\n" + SHOWN_FIRST
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "EXPOSED True PANES False" in lines
    assert "LOADED []" in lines
    assert "PALETTE #1f2023" in lines  # the dark theme from the settings file, before anything is painted
    assert any(line.startswith("smoke test: main window shown") for line in lines)  # then the panes filled it
    assert "RC 0" in lines
