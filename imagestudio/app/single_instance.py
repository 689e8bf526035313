"""One GUI per library: a second window on the same data folder would be a second writer that the first
never hears about (its gallery and queue would go stale, and both would run the same jobs' follow-ups).
The CLI is not held back: its short IMMEDIATE transactions coexist with the GUI through WAL and the busy
timeout. A lock left by a crashed GUI is stale (its process is gone) and is taken over."""

from __future__ import annotations

from pathlib import Path
from typing import NamedTuple

from PySide6.QtCore import QCoreApplication, QLockFile

LOCK_NAME = "gui.lock"


class Holder(NamedTuple):  # checked before the window shows: a tuple is cheaper to define than a dataclass
    """Who holds the lock (as written in the lock file); pid 0 when it could not be read."""

    pid: int
    hostname: str


class InstanceLock:
    def __init__(self, data_dir: Path) -> None:
        self.path = data_dir / LOCK_NAME
        self._lock = QLockFile(str(self.path))
        # held for the app's whole life: only a dead holder makes it stale, never its age
        self._lock.setStaleLockTime(0)

    def acquire(self) -> bool:
        """True if this process is now the library's GUI; False if another live GUI holds it."""
        return self._lock.tryLock(0)

    def holder(self) -> Holder:
        info = self._lock.getLockInfo()  # PySide6: (pid, hostname, appname); not a tuple if unreadable
        if isinstance(info, tuple) and len(info) == 3:
            return Holder(int(info[0]), str(info[1]))
        return Holder(0, "")

    def release(self) -> None:
        if self._lock.isLocked():
            self._lock.unlock()


def already_running_message(holder: Holder) -> str:
    """What the second launch says before it exits (the first window keeps the library)."""
    text = QCoreApplication.translate(
        "InstanceLock",
        "imagestudio is already open with this library (process %1). Switch to its window; "
        "a second window would write to the same library without seeing the first one's changes.",
    )
    return text.replace("%1", str(holder.pid) if holder.pid else "?")
