"""Drag-out with a real mouse on a real X server, into another program.

Xvfb (+ openbox when installed) runs the real app (``python -m imagestudio``, demo provider, a temporary
IMAGESTUDIO_HOME holding a few imported images) and, as a second process, a tiny drop target
(tests/xdrop_target.py). xdotool moves the pointer with XTEST events — press on a thumbnail, several motions,
release over the target — and the files the target received are compared byte for byte with the library's
originals. Thumbnails and the target are found on screen grabs by their colour, as a person finds them, so the
test does not depend on the window's layout. Skipped only when Xvfb/xdotool are missing (CI installs them).
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from tests import xsession
from tests.xdrop_target import COLOUR as TARGET_COLOUR

pytestmark = [pytest.mark.gui, pytest.mark.timeout(240)]
ROOT = Path(__file__).resolve().parent.parent

#: one flat colour per image, none of them a colour of the app's light theme
COLOURS = {"red": (205, 30, 60), "violet": (150, 40, 200), "amber": (230, 150, 20)}
TARGET = (1480, 560, 400, 400)  # x, y, w, h: right of the thumbnails, below the window's top


def _png(colour: tuple[int, int, int], size: tuple[int, int]) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def screen() -> Any:
    yield from xsession.screen_for_a_test(1920, 1080)


def _prepare_home(home: Path, tmp: Path) -> dict[str, tuple[int, Path]]:
    """Settings (demo provider, first-run guide done, export defaults for Alt-drags) and three imported images;
    returns colour name → (image id, path of the library's original)."""
    config = home / "config"
    config.mkdir(parents=True)
    settings = {"provider": "demo", "onboarding_done": True, "language": "en", "theme": "light"}
    (config / "settings.json").write_text(json.dumps(settings), encoding="utf-8")
    export = {"format": "jpeg", "max_edge": 64, "template": "{prompt}"}
    (config / "export.json").write_text(json.dumps(export), encoding="utf-8")
    sources = []
    for n, (name, colour) in enumerate(COLOURS.items()):
        path = tmp / f"{name}.png"
        path.write_bytes(_png(colour, (480 + 40 * n, 360)))
        sources.append(str(path))
    env = _base_env(home)
    done = subprocess.run(
        [sys.executable, "-m", "imagestudio", "library", "import", "--json", *sources],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)["files"]
    from imagestudio.core.library.library import Library
    from imagestudio.core.paths import AppPaths

    library = Library(AppPaths.from_environment({"IMAGESTUDIO_HOME": str(home)}))
    try:
        found: dict[str, tuple[int, Path]] = {}
        for item in items:
            image = library.db.get(item["id"])
            assert image is not None
            original = library.absolute(image.path)
            assert original.read_bytes() == Path(item["path"]).read_bytes()
            found[Path(item["path"]).stem] = (image.id, original)
    finally:
        library.close()
    assert set(found) == set(COLOURS)
    return found


def _base_env(home: Path) -> dict[str, str]:
    import os

    env = {k: v for k, v in os.environ.items() if not k.startswith(("OPENAI_", "QT_QPA"))}
    env.update(IMAGESTUDIO_HOME=str(home), PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring", LANG="C.UTF-8")
    return env


def _centre(box: tuple[int, int, int, int]) -> tuple[int, int]:
    return (box[0] + box[2]) // 2, (box[1] + box[3]) // 2


def _thumbnails(screen: xsession.XSession) -> dict[str, tuple[int, int]] | None:
    """Where each image's thumbnail is on screen (None until all three are painted)."""
    grab = screen.grab()
    found = {}
    for name, colour in COLOURS.items():
        box = screen.find_colour(grab, colour)
        if box is None or box[2] - box[0] > 400 or box[3] - box[1] > 400:  # absent, or also shown elsewhere
            return None
        found[name] = _centre(box)
    return found


def _drops(out: Path, count: int) -> list[dict[str, Any]] | None:
    path = out / "drops.json"
    if not path.exists():
        return None
    drops: list[dict[str, Any]] = json.loads(path.read_text(encoding="utf-8"))
    return drops if len(drops) >= count else None


def test_real_mouse_drags_thumbnails_into_another_program(screen: xsession.XSession, tmp_path: Path) -> None:
    home, out = tmp_path / "home", tmp_path / "target"
    out.mkdir()
    originals = _prepare_home(home, tmp_path)
    env = screen.env(_base_env(home))
    app = screen.start([sys.executable, "-m", "imagestudio"], env, tmp_path / "app.log", cwd=ROOT)
    thumbs = xsession.wait_for("three thumbnails on screen", lambda: _thumbnails(screen), timeout=60)
    x, y, w, h = TARGET
    target_argv = [sys.executable, "-m", "tests.xdrop_target", str(out), str(x), str(y), str(w), str(h)]
    screen.start(target_argv, screen.env(_base_env(home)), tmp_path / "target.log", cwd=ROOT)
    xsession.wait_for("the drop target", lambda: (out / "ready.json").exists(), timeout=30)
    box = xsession.wait_for("the target on screen", lambda: screen.find_colour(screen.grab(), TARGET_COLOUR, 0))
    drop_at = _centre(box)
    thumbs = xsession.wait_for("thumbnails still visible", lambda: _thumbnails(screen))
    screen.grab().save(tmp_path / "before-drag.png")

    # 1. one thumbnail, pressed and dragged without selecting it first: the original file, byte for byte
    screen.drag(thumbs["red"], drop_at)
    [first] = xsession.wait_for("the first drop", lambda: _drops(out, 1), timeout=30)
    red_path = originals["red"][1]
    assert first["problems"] == [] and len(first["files"]) == 1, first
    [name] = first["files"]
    assert name.endswith(".png"), name  # named by the export template, the original format kept
    assert (out / "drop-1" / name).read_bytes() == red_path.read_bytes()
    assert "text/uri-list" in first["formats"]

    # 2. two thumbnails: click one, Ctrl+click another, drag the selection by one of them
    screen.click(*thumbs["violet"])
    screen.click(*thumbs["amber"], hold="ctrl")
    screen.drag(thumbs["amber"], drop_at)
    drops = xsession.wait_for("the second drop", lambda: _drops(out, 2), timeout=30)
    second = drops[1]
    assert second["problems"] == [] and len(second["files"]) == 2, second
    got = {(out / "drop-2" / n).read_bytes() for n in second["files"]}
    assert got == {originals["violet"][1].read_bytes(), originals["amber"][1].read_bytes()}

    # 3. Alt held during the drag: converted with the export defaults (JPEG, longest edge 64 px)
    screen.click(*thumbs["red"])
    screen.drag(thumbs["red"], drop_at, hold="alt")
    drops = xsession.wait_for("the third drop", lambda: _drops(out, 3), timeout=30)
    [converted] = drops[2]["files"]
    assert converted.endswith(".jpg"), drops[2]
    with Image.open(out / "drop-3" / converted) as im:
        assert im.format == "JPEG" and max(im.size) == 64
        r, g, b = im.convert("RGB").getpixel((im.size[0] // 2, im.size[1] // 2))
        assert abs(r - 205) < 12 and abs(g - 30) < 12 and abs(b - 60) < 12  # the red image, not another

    # 4. a press on empty gallery space that moves draws a rubber band: nothing leaves the window, and the band
    #    selects what it covers
    amber_box = screen.find_colour(screen.grab(), COLOURS["amber"])
    assert amber_box is not None
    below_amber = (thumbs["amber"][0], amber_box[3] + 6)  # inside amber's cell, under the picture
    background = screen.grab().getpixel(below_amber)  # amber is not selected: the gallery's own background
    empty = _empty_gallery_point(screen, thumbs, background)
    assert empty is not None, "no empty gallery space found beside the thumbnails"
    screen.drag(empty, drop_at)
    screen.drag(empty, thumbs["amber"])
    xsession.wait_for("amber selected by the band", lambda: screen.grab().getpixel(below_amber) != background)
    assert json.loads((out / "entered.json").read_text(encoding="utf-8")) == 3  # the band never reached the target
    assert len(json.loads((out / "drops.json").read_text(encoding="utf-8"))) == 3
    screen.grab().save(tmp_path / "after-drags.png")
    assert app.poll() is None, (tmp_path / "app.log").read_text(errors="replace")[-2000:]


def _empty_gallery_point(
    screen: xsession.XSession, thumbs: dict[str, tuple[int, int]], background: tuple[int, int, int]
) -> tuple[int, int] | None:
    """A point beside or below the thumbnails where the gallery's background shows in a 80×60 patch."""
    grab = screen.grab()
    lowest = max(thumbs.values(), key=lambda p: p[1])
    candidates = [(x + d, y) for x, y in thumbs.values() for d in range(140, 700, 10)]
    candidates += [(lowest[0], lowest[1] + d) for d in range(140, 600, 10)]
    for x, y in candidates:
        if not (40 < x < screen.width - 40 and 30 < y < screen.height - 30):
            continue
        if all(grab.getpixel((x + dx, y + dy)) == background for dx in (-40, -20, 0, 20, 40) for dy in (-30, 0, 30)):
            return x, y
    return None
