"""Atomic file writes: temp file in the same directory tree → write → fsync → rename → fsync directory."""

from __future__ import annotations

import contextlib
import os
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from imagestudio.core.crashpoints import crash_point

if TYPE_CHECKING:  # concurrent.futures costs ~4 ms, and paths.py imports this module before the window shows
    from concurrent.futures import Executor


def fsync_dir(path: Path) -> None:
    if os.name != "posix":  # directories cannot be opened for fsync on Windows
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def ensure_dir(path: Path) -> None:
    """``mkdir -p`` that also fsyncs the parent of every folder it creates: a file made durable inside a new
    folder must not vanish with the folder's own entry at a power loss."""
    if path.is_dir():
        return
    missing = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        probe = probe.parent
    path.mkdir(parents=True, exist_ok=True)
    for created in reversed(missing):
        fsync_dir(created.parent)


def private_dir(path: Path) -> None:
    """``mkdir -p`` of a folder that holds private things (data, config, cache, logs): 0700 on POSIX, also when
    it existed before with wider rights (older versions made them 0755)."""
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    make_private(path, 0o700)


def make_private(path: Path, mode: int = 0o600) -> None:
    """``chmod mode`` on POSIX when ``path`` exists and is ours; otherwise nothing (Windows: ACLs of the profile)."""
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        if path.stat().st_mode & 0o777 != mode:
            os.chmod(path, mode)


def durable_temp(data: bytes, directory: Path, *, mode: int | None = None) -> Path:
    """The first half of ``atomic_write``: ``data`` in a new temp file in ``directory``, flushed and fsync'd.
    The caller renames it into place with ``publish`` (or deletes it). The file is 0600 (``mkstemp``) unless
    ``mode`` says otherwise (exports: the mode the user's umask gives new files)."""
    ensure_dir(directory)
    # the pid in the name lets a later start remove what a crashed process left (remove_dead_partials)
    fd, tmp_name = tempfile.mkstemp(prefix=f".part-{os.getpid()}-", dir=directory)
    try:
        if mode is not None and os.name == "posix":
            os.fchmod(fd, mode)
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        raise
    return Path(tmp_name)


def publish(tmp: Path, path: Path, *, point: str = "atomic_write.before_replace") -> None:
    """The second half of ``atomic_write``: rename the durable temp file to ``path`` and fsync the folder, so the
    new name survives a power loss too. The temp file is removed if the rename fails."""
    try:
        ensure_dir(path.parent)
        crash_point(point)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    fsync_dir(path.parent)


def atomic_write(
    path: Path,
    data: bytes,
    *,
    tmp_dir: Path | None = None,
    point: str = "atomic_write.before_replace",
    mode: int | None = None,
) -> None:
    """Replace ``path`` with ``data`` so a crash leaves either the old file or the new one, never half.

    ``tmp_dir`` must be on the same filesystem as ``path`` (the library keeps its own ``tmp/``). ``point`` names
    the crash point between the write and the rename (tests only, see ``crashpoints``).
    """
    publish(durable_temp(data, tmp_dir or path.parent, mode=mode), path, point=point)


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


class BackgroundWrite:
    """``atomic_write(path, data)`` on another thread, so the caller can work meanwhile: the write, the fsyncs and
    the rename release the GIL (the library decodes the image meanwhile). Then that thread waits for the caller's
    verdict: ``keep(then)`` runs ``then`` there (what must follow the file, in order: the thumbnail);
    ``drop(remove=True)`` deletes the file again (the caller found the data unusable). ``wait`` returns when all is
    done, or raises what went wrong.

    ``executor``: a pool whose idle thread takes the work (no thread start per file); without one, or once it is
    shut down, a thread of its own. The file is renamed into place before the verdict, so the directory fsync
    overlaps the caller's work too: until the caller commits a row that names it, it is an orphan like any other
    (``library check --repair`` adopts it) — never a row without its file."""

    def __init__(
        self,
        path: Path,
        data: bytes,
        *,
        tmp_dir: Path | None = None,
        point: str = "atomic_write.before_replace",
        executor: Executor | None = None,
    ) -> None:
        self._keep = False
        self._remove = False
        self._then: Callable[[], object] | None = None
        self._decided = threading.Event()
        self._finished = threading.Event()
        self._error: BaseException | None = None
        args = (path, data, tmp_dir or path.parent, point)
        if executor is not None:
            with contextlib.suppress(RuntimeError):  # shut down (the library is closing): a thread of its own
                executor.submit(self._run, *args)
                return
        threading.Thread(target=self._run, args=args, name="durable-write", daemon=True).start()

    def _run(self, path: Path, data: bytes, tmp_dir: Path, point: str) -> None:
        try:
            publish(durable_temp(data, tmp_dir), path, point=point)
            self._decided.wait()
            if self._keep and self._then is not None:
                self._then()
            elif self._remove:
                path.unlink(missing_ok=True)
        except BaseException as e:  # handed to the caller in wait()
            self._error = e
        finally:
            self._finished.set()

    def keep(self, *, then: Callable[[], object] | None = None) -> None:
        """The file stays; ``then`` runs on the writing thread once the file is durable in place."""
        self._then, self._keep = then, True
        self._decided.set()

    def drop(self, *, remove: bool) -> None:
        """Waits for the write to end; ``remove``: delete the file. Never raises (the caller is raising already)."""
        self._remove = remove
        self._decided.set()
        self._finished.wait()

    def wait(self) -> None:
        self._finished.wait()
        if self._error is not None:
            raise self._error
