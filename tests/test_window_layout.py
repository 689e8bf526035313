"""The main window reopens as it was closed: size, place and the widths of its panes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QScrollArea, QSplitter

from imagestudio.core import settings as settings_io
from imagestudio.core.paths import AppPaths

# run_gui in its smoke-test mode (closes the window the normal way once it is shown); the first run resizes the
# window and its panes before that close, the second prints what it opened with.
TWO_RUNS = """
import sys
import imagestudio.main as m
from PySide6.QtWidgets import QScrollArea, QSplitter
close = m._close_once_exposed
def report(word, window):
    print(word, window.width(), window.height(), window.findChild(QSplitter, "panes").sizes(), flush=True)
async def first(parts):
    parts.window.resize(*((3000, 1900) if sys.argv[1] == "first-large" else (1300, 950)))
    parts.window.findChild(QSplitter, "panes").moveSplitter(560, 1)  # as a drag of the divider does
    report("CLOSED", parts.window)
    await close(parts)
async def second(parts):
    report("OPENED", parts.window)
    await close(parts)
m._close_once_exposed = first if sys.argv[1].startswith("first") else second
print("RC", m.run_gui([]))
"""


def test_the_window_reopens_with_the_size_and_pane_widths_it_was_closed_with(tmp_path: Path) -> None:
    screen = tmp_path / "screen.json"  # offscreen's default 800×800 screen is smaller than the window
    screen.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": 1920, "height": 1080}]}))
    env = {
        **os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={screen}", "IMAGESTUDIO_HOME": str(tmp_path),
        "IMAGESTUDIO_SMOKE_TEST": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }  # fmt: skip
    said: dict[str, str] = {}
    for run in ("first", "second"):
        out = subprocess.run(
            [sys.executable, "-c", TWO_RUNS, run], env=env, capture_output=True, text=True, timeout=240
        )  # fmt: skip
        assert "RC 0" in out.stdout, out.stderr
        said.update(line.split(" ", 1) for line in out.stdout.splitlines() if line.startswith(("CLOSED", "OPENED")))
    saved = settings_io.load(tmp_path / "config" / "settings.json").settings
    assert saved.window_geometry and saved.panes_state
    assert said["CLOSED"].startswith("1300 950 [")
    assert said["OPENED"] == said["CLOSED"]  # same size, same pane widths
    assert json.loads(said["OPENED"].split(" ", 2)[2])[0] > 500  # not the default first pane (at most 440)


def test_a_damaged_saved_layout_falls_back_to_the_default() -> None:
    loaded = settings_io.parse({"window_geometry": "not base64 at all!", "panes_state": 42})
    assert loaded.settings.window_geometry == "" and loaded.settings.panes_state == ""
    assert len(loaded.warnings) == 2


def test_meaningless_saved_bytes_leave_the_default_layout(make_app: Any, paths: AppPaths) -> None:
    """Well-formed base64 that is not Qt's geometry: restoreGeometry/restoreState refuse it, nothing breaks."""
    paths.settings_file.parent.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text('{"window_geometry": "AAAA", "panes_state": "QUJD", "onboarding_done": true}')
    parts = make_app()
    room, least = parts.window.screen().availableGeometry(), parts.window.minimumSizeHint()
    # the default: the screen's free area (offscreen's is 800×800, narrower than the window can be)
    assert 0 < parts.window.width() <= max(room.width(), least.width()) and parts.window.height() <= room.height()
    assert parts.window.findChild(QSplitter, "panes").sizes()[1] > 0


def test_the_window_fits_a_1366_by_768_laptop_screen(qtbot: Any, make_app: Any) -> None:
    """The prompt form scrolls (Generate stays below it, in view) instead of making the window taller than the
    screen; tests/test_main_window_layout.py checks what is in view at 1366×768 and 1920×1080."""
    window = make_app().window
    smallest = window.minimumSizeHint()
    assert smallest.height() <= 700 and smallest.width() <= 1366
    window.resize(1300, 640)
    qtbot.waitUntil(lambda: window.height() == 640)
    area = window.prompt_editor.form_area
    assert isinstance(area, QScrollArea)
    qtbot.waitUntil(lambda: area.verticalScrollBar().maximum() > 0)  # the form scrolls inside a shorter pane
    button = window.prompt_editor.generate_button
    assert not area.isAncestorOf(button) and button.isVisible()


def _run_on_screen(tmp_path: Path, screen: tuple[int, int], run: str) -> str:
    """TWO_RUNS on an offscreen screen of ``screen`` px; what it printed."""
    config = tmp_path / f"screen-{screen[0]}x{screen[1]}.json"
    config.write_text(json.dumps({"screens": [{"name": "s", "x": 0, "y": 0, "width": screen[0], "height": screen[1]}]}))
    env = {
        **os.environ, "QT_QPA_PLATFORM": f"offscreen:configfile={config}", "IMAGESTUDIO_HOME": str(tmp_path),
        "IMAGESTUDIO_SMOKE_TEST": "1", "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }  # fmt: skip
    out = subprocess.run([sys.executable, "-c", TWO_RUNS, run], env=env, capture_output=True, text=True, timeout=60)
    assert "RC 0" in out.stdout, out.stderr
    return next(line for line in out.stdout.splitlines() if line.startswith(("CLOSED", "OPENED")))


def test_the_first_window_fits_a_laptop_screen_and_gives_the_gallery_most_of_it(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "settings.json").write_text('{"onboarding_done": true}')
    _word, width, height, sizes = _run_on_screen(tmp_path, (1366, 768), "second").split(" ", 3)
    assert int(width) <= 1366 and int(height) <= 768 - 30  # room for a title bar
    _form, gallery = json.loads(sizes)
    assert gallery / int(width) >= 0.6


def test_a_window_saved_on_a_larger_screen_is_shrunk_onto_this_one(tmp_path: Path) -> None:
    said = _run_on_screen(tmp_path, (3840, 2160), "first-large")
    assert said.startswith("CLOSED 3000 1900")
    _word, width, height, _sizes = _run_on_screen(tmp_path, (1366, 768), "second").split(" ", 3)
    assert int(width) <= 1366 and int(height) <= 768


def test_the_whole_form_shows_with_three_edit_inputs_and_the_jobs_list_takes_what_is_left(
    qtbot: Any, make_app: Any, paths: AppPaths, tmp_path: Path
) -> None:
    from PIL import Image

    inputs = []
    for i, colour in enumerate(((205, 30, 60), (150, 40, 200), (230, 150, 20))):
        Image.new("RGB", (160, 120), colour).save(tmp_path / f"{i}.png")
        inputs.append([str(tmp_path / f"{i}.png"), None])
    paths.config.mkdir(parents=True, exist_ok=True)
    paths.settings_file.write_text(json.dumps({"provider": "demo", "onboarding_done": True}))
    draft = {"prompt": "make it glow", "model": "", "options": {}, "inputs": inputs}
    (paths.config / "drafts.json").write_text(json.dumps({"schema": 1, "current": 0, "drafts": [draft]}))
    window = make_app().window
    window.resize(1600, 1000)
    form = window.prompt_editor.form_area
    left = window.findChild(QSplitter, "promptAndJobs")
    qtbot.waitUntil(lambda: form.verticalScrollBar().maximum() == 0, timeout=5000)  # nothing below the fold
    prompt_share, jobs_share = left.sizes()
    window.resize(1600, 900)  # less height (a banner, a smaller window): the jobs list gives it up, not the form
    qtbot.waitUntil(lambda: left.sizes()[1] < jobs_share, timeout=5000)
    assert left.sizes()[0] == prompt_share and form.verticalScrollBar().maximum() == 0
