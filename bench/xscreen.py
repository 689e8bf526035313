"""Watch a virtual X screen from outside a process: when does its first top-level window get mapped?

This is how a person (or an outside checker) sees start-up: from the moment the process is started until the
X server maps its window — no code inside the measured process. Needs ``Xvfb`` and ``python-xlib``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass


def unavailable_reason() -> str | None:
    """Why the virtual screen cannot be used here, or None when it can."""
    if shutil.which("Xvfb") is None:
        return "Xvfb is not installed (packaging/system-deps.sh test installs it)"
    try:
        import Xlib.display  # noqa: F401
    except ImportError:
        return "python-xlib is not installed (the test extra has it)"
    return None


@dataclass
class Launch:
    process: subprocess.Popen[bytes]
    mapped_after: float  # seconds from Popen to the first MapNotify of a top-level window


class VirtualScreen:
    """One Xvfb server and one watching client that sees every top-level window being mapped."""

    def __init__(self, display: str, server: subprocess.Popen[bytes]) -> None:
        from Xlib import X
        from Xlib.display import Display

        self.display_name = display
        self._server = server
        self._display = Display(display)
        root = self._display.screen().root
        root.change_attributes(event_mask=X.SubstructureNotifyMask)
        self._display.sync()

    def launch(self, argv: list[str], env: dict[str, str], timeout: float = 30.0) -> Launch:
        """Start ``argv`` on this screen; return once its first top-level window is mapped."""
        from Xlib import X

        while self._display.pending_events():  # forget maps of earlier processes
            self._display.next_event()
        env = {**env, "DISPLAY": self.display_name, "QT_QPA_PLATFORM": "xcb"}
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        deadline = start + timeout
        while time.perf_counter() < deadline:
            if not self._display.pending_events():
                if process.poll() is not None:
                    err = process.stderr.read().decode(errors="replace") if process.stderr else ""
                    raise RuntimeError(f"exited with {process.returncode} before showing a window: {err[-400:]}")
                time.sleep(0.0005)  # the X connection is local: polling at 0.5 ms costs little and misses nothing
                continue
            event = self._display.next_event()
            if event.type == X.MapNotify and not event.override:
                return Launch(process, time.perf_counter() - start)
        process.kill()
        raise RuntimeError(f"no window was mapped within {timeout:.0f} s")

    def close(self) -> None:
        self._display.close()
        self._server.terminate()
        self._server.wait(5)


@contextmanager
def virtual_screen() -> Iterator[VirtualScreen]:
    read_fd, write_fd = os.pipe()
    server = subprocess.Popen(
        ["Xvfb", "-displayfd", str(write_fd), "-screen", "0", "1920x1080x24", "-nolisten", "tcp"],
        pass_fds=(write_fd,), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    os.close(write_fd)
    with os.fdopen(read_fd) as ready:
        number = ready.readline().strip()  # Xvfb writes its display number once it accepts clients
    if not number:
        server.kill()
        raise RuntimeError("Xvfb did not start")
    screen = VirtualScreen(f":{number}", server)
    try:
        yield screen
    finally:
        screen.close()


def rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for {pid}")
