"""One GUI per library (a second launch is refused with a clear message; a crashed GUI's lock is stale), while
the CLI may write to the same library at the same time as the GUI without "database is locked"."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from imagestudio.app.single_instance import InstanceLock, already_running_message
from imagestudio.core.paths import AppPaths
from imagestudio.core.types import GenerationRequest, JobState
from tests.test_cli import cli
from tests.test_library_import import png


def test_second_instance_is_refused_until_the_first_releases(tmp_path: Path) -> None:
    first, second = InstanceLock(tmp_path), InstanceLock(tmp_path)
    assert first.acquire()
    assert not second.acquire()
    holder = second.holder()
    assert holder.pid == os.getpid()
    assert str(os.getpid()) in already_running_message(holder)
    first.release()
    assert second.acquire()
    second.release()


def test_lock_of_a_killed_gui_is_taken_over(tmp_path: Path) -> None:
    child = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time; from pathlib import Path; from imagestudio.app.single_instance import InstanceLock;"
            " lock = InstanceLock(Path(sys.argv[1])); print(lock.acquire(), flush=True); time.sleep(60)",
            str(tmp_path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout is not None and child.stdout.readline().strip() == "True"
        assert not InstanceLock(tmp_path).acquire()  # alive: refused
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait()
    lock = InstanceLock(tmp_path)
    assert lock.acquire()  # its process is gone: the lock is stale, whatever its age
    lock.release()


@pytest.mark.gui
def test_cli_import_while_the_gui_writes(qtbot: Any, make_app: Any, paths: AppPaths, tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    for i in range(12):
        (src / f"{i}.png").write_bytes(png((i * 20, 100, 255 - i * 20), (40 + i, 40)))
    parts = make_app()
    env = {**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}  # IMAGESTUDIO_HOME: `paths`
    proc = subprocess.Popen(
        [sys.executable, "-m", "imagestudio", "library", "import", str(src)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # the GUI writes at the same time: generated images (one transaction each) and favourites
    jobs = [
        parts.controller.submit(GenerationRequest(f"gui {i}", "gpt-image-2", "1024x1024", "low", 2)) for i in range(4)
    ]
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=60000)
    out, err = proc.communicate()
    qtbot.waitUntil(lambda: all(j.state is JobState.DONE for j in jobs), timeout=30000)
    assert proc.returncode == 0, err
    assert "locked" not in err and "Traceback" not in err
    assert out.count("imported") >= 12
    with sqlite3.connect(paths.library_db) as conn:
        assert conn.execute("SELECT count(*) FROM images").fetchone()[0] == 12 + 8
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    # and the other way round: the CLI writes while the GUI holds the library open
    listed = cli(
        "library", "favourite", *[str(i) for i in jobs[0].image_ids], home=Path(os.environ["IMAGESTUDIO_HOME"])
    )
    assert listed.returncode == 0, listed.stderr
