"""Atomic file writes: temp file in the same directory tree → write → fsync → rename → fsync directory."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from imagestudio.core.crashpoints import crash_point


def fsync_dir(path: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def atomic_write(
    path: Path, data: bytes, *, tmp_dir: Path | None = None, point: str = "atomic_write.before_replace"
) -> None:
    """Replace ``path`` with ``data`` so a crash leaves either the old file or the new one, never half.

    ``tmp_dir`` must be on the same filesystem as ``path`` (the library keeps its own ``tmp/``). ``point`` names
    the crash point between the write and the rename (tests only, see ``crashpoints``).
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    directory = tmp_dir or path.parent
    directory.mkdir(parents=True, exist_ok=True)
    # the pid in the name lets a later start remove what a crashed process left (remove_dead_partials)
    fd, tmp_name = tempfile.mkstemp(prefix=f".part-{os.getpid()}-", dir=directory)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        crash_point(point)
        os.replace(tmp_name, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    fsync_dir(path.parent)


def process_alive(pid: int) -> bool:
    """Whether a process with this id runs on this machine (Windows: unknown → assume it does)."""
    if os.name != "posix":  # os.kill(pid, 0) would end the process on Windows
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def private_tmp(shared: Path) -> Path:
    """This process's own temp folder under ``shared`` (``shared/<pid>``, created on first use), after removing
    the folders of processes that are gone and loose files (their partial writes were never acknowledged).

    Per process, because several processes may use one library at once (the GUI and the CLI): emptying the
    whole shared folder at start would delete another live process's file between its write and its rename.
    """
    mine = shared / str(os.getpid())
    if shared.is_dir():
        for entry in shared.iterdir():
            with contextlib.suppress(OSError):
                if entry.is_dir():
                    if entry != mine and not (entry.name.isdigit() and process_alive(int(entry.name))):
                        for leftover in entry.iterdir():
                            leftover.unlink(missing_ok=True)
                        entry.rmdir()
                else:  # only written by versions with one shared folder
                    entry.unlink(missing_ok=True)
    return mine


def remove_if_empty(folder: Path) -> None:
    with contextlib.suppress(OSError):
        folder.rmdir()


def remove_dead_partials(folder: Path) -> None:
    """Remove ``.part-<pid>-*`` temp files of ``atomic_write`` whose process is gone (a crash between write and
    rename). Files of live processes are left alone: they may be renamed any moment."""
    if not folder.is_dir():
        return
    for entry in folder.glob(".part-*"):
        pid = entry.name.split("-")[1]
        if not (pid.isdigit() and process_alive(int(pid))):
            with contextlib.suppress(OSError):
                entry.unlink()
