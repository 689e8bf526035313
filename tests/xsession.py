"""A real X server for tests that need real input: Xvfb, a window manager (openbox, when installed), pointer and
keys through xdotool (the XTEST extension: the same path as a physical mouse), and screen grabs to find things
by how they look, as a person does. ``packaging/system-deps.sh test`` installs xvfb, xauth, xdotool and openbox.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")


def unavailable_reason() -> str | None:
    """Why a real X session cannot run here (None: it can)."""
    for tool in ("Xvfb", "xdotool"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (packaging/system-deps.sh test installs it)"
    try:
        import Xlib.display  # noqa: F401
    except ImportError:
        return "python-xlib is not installed (the test extra has it)"
    return None


def wait_for(what: str, check: Callable[[], T | None], timeout: float = 30.0, every: float = 0.05) -> T:
    """Poll ``check`` until it returns something other than None/False (not a timed assertion: the deadline
    only stops a test that would otherwise hang)."""
    deadline = time.monotonic() + timeout
    while True:
        found = check()
        if found is not None and found is not False:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(every)


class XSession:
    def __init__(self, display: str, server: subprocess.Popen[bytes], width: int, height: int) -> None:
        from Xlib.display import Display

        self.display = display
        self.width, self.height = width, height
        self._server = server
        self._children: list[subprocess.Popen[bytes]] = []
        self._x = Display(display)
        self.window_manager = False

    # -- processes on this screen ------------------------------------------------------------------
    def env(self, base: dict[str, str] | None = None) -> dict[str, str]:
        env = dict(os.environ if base is None else base)
        env.update(DISPLAY=self.display, QT_QPA_PLATFORM="xcb")
        env.pop("WAYLAND_DISPLAY", None)
        return env

    def start(
        self, argv: list[str], env: dict[str, str], log: Path, cwd: Path | None = None
    ) -> subprocess.Popen[bytes]:
        out = log.open("wb")
        process = subprocess.Popen(argv, env=env, stdout=out, stderr=subprocess.STDOUT, cwd=cwd)
        out.close()
        self._children.append(process)
        return process

    def start_window_manager(self) -> None:
        """openbox, if installed: focus, stacking and decorations as on a desktop."""
        if shutil.which("openbox") is None:
            return
        from Xlib import X

        log = Path(os.devnull)
        self.start(["openbox", "--sm-disable"], self.env(), log)
        check = self._x.intern_atom("_NET_SUPPORTING_WM_CHECK")
        root = self._x.screen().root

        def running() -> bool:
            prop = root.get_full_property(check, X.AnyPropertyType)
            return prop is not None and len(prop.value) > 0

        wait_for("the window manager", running, timeout=15)
        self.window_manager = True

    # -- input -----------------------------------------------------------------------------------
    def xdotool(self, *args: str | int) -> str:
        done = subprocess.run(
            ["xdotool", *(str(a) for a in args)],
            env=self.env(), capture_output=True, text=True, timeout=30, check=True,
        )  # fmt: skip
        return done.stdout

    def move(self, x: int, y: int) -> None:
        self.xdotool("mousemove", x, y)
        time.sleep(0.05)

    def glide(self, start: tuple[int, int], end: tuple[int, int], steps: int = 24, pause: float = 0.03) -> None:
        """Move the pointer in small steps with pauses, like a hand: a drag needs motion events after it starts."""
        for i in range(1, steps + 1):
            x = start[0] + (end[0] - start[0]) * i // steps
            y = start[1] + (end[1] - start[1]) * i // steps
            self.xdotool("mousemove", x, y)
            time.sleep(pause)

    def drag(self, start: tuple[int, int], end: tuple[int, int], *, hold: str | None = None) -> None:
        """Press on ``start``, move in steps to ``end``, release; ``hold`` (e.g. "alt") is held down once the
        button is pressed (before the drag starts) and released after the drop."""
        self.move(*start)
        time.sleep(0.6)  # longer than a double-click interval: a press right after a click would be a double-click
        self.xdotool("mousedown", 1)
        time.sleep(0.1)
        if hold:
            self.xdotool("keydown", hold)
            time.sleep(0.05)
        # past the start-drag distance first, then on to the target, then a few wiggles over it
        self.glide(start, (start[0] + 30, start[1] + 10), steps=6)
        time.sleep(0.2)  # the drag has started: Qt grabs the pointer and follows the motions from now on
        self.glide((start[0] + 30, start[1] + 10), end)
        for dx in (3, -3, 2, 0):
            self.xdotool("mousemove", end[0] + dx, end[1])
            time.sleep(0.08)
        self.xdotool("mouseup", 1)
        if hold:
            time.sleep(0.05)
            self.xdotool("keyup", hold)

    def click(self, x: int, y: int, *, hold: str | None = None) -> None:
        self.move(x, y)
        time.sleep(0.05)
        if hold:
            self.xdotool("keydown", hold, "click", 1, "keyup", hold)
        else:
            self.xdotool("click", 1)
        time.sleep(0.1)

    # -- eyes --------------------------------------------------------------------------------------
    def grab(self) -> Any:
        """The whole screen as a PIL RGB image."""
        from PIL import Image
        from Xlib import X

        root = self._x.screen().root
        raw = root.get_image(0, 0, self.width, self.height, X.ZPixmap, 0xFFFFFFFF)
        return Image.frombytes("RGB", (self.width, self.height), raw.data, "raw", "BGRX")

    @staticmethod
    def find_colour(image: Any, colour: tuple[int, int, int], tolerance: int = 10) -> tuple[int, int, int, int] | None:
        """The bounding box (x0, y0, x1, y1) of the pixels within ``tolerance`` of ``colour``, or None."""
        from PIL import ImageChops

        bands = [
            band.point(lambda v, c=c: 255 if abs(v - c) <= tolerance else 0)
            for band, c in zip(image.split(), colour, strict=True)
        ]
        mask = ImageChops.multiply(ImageChops.multiply(bands[0], bands[1]), bands[2])
        box = mask.getbbox()
        return None if box is None else (box[0], box[1], box[2], box[3])

    def close(self) -> None:
        for process in reversed(self._children):
            if process.poll() is None:
                process.terminate()
                try:
                    process.wait(10)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(5)
        self._x.close()
        self._server.terminate()
        try:
            self._server.wait(10)
        except subprocess.TimeoutExpired:
            self._server.kill()


@contextmanager
def x_session(width: int = 1920, height: int = 1080) -> Iterator[XSession]:
    """A fresh Xvfb on a free display number (``-displayfd``) with a window manager when one is installed."""
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", f"{width}x{height}x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    with os.fdopen(read_fd) as ready:
        number = ready.readline().strip()
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start")
    session = XSession(f":{number}", server, width, height)
    try:
        session.start_window_manager()
        yield session
    finally:
        session.close()


def screen_for_a_test(width: int = 1920, height: int = 1080) -> Iterator[XSession]:
    """A pytest fixture's body: a real X screen for the test, or the test skipped with the reason there is none."""
    import pytest

    reason = unavailable_reason()
    if reason:
        pytest.skip(reason)
    with x_session(width, height) as session:
        yield session
