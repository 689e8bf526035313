"""Starting the GUI on a library it cannot open: a clear dialog and exit 1, never a traceback or a change."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import sys
from unittest import mock
from PySide6.QtWidgets import QMessageBox
with mock.patch.object(QMessageBox, "critical", side_effect=lambda *a: print("DIALOG:", a[2].replace("\\n", " "))):
    from imagestudio.main import run_gui
    print("RC", run_gui([]))
"""


@pytest.mark.parametrize("content", [b"this is not a database at all" * 10, b""])
def test_unopenable_library_gets_a_dialog_and_is_left_alone(tmp_path: Path, content: bytes) -> None:
    db = tmp_path / "data" / "library.sqlite3"
    db.parent.mkdir(parents=True)
    db.write_bytes(content or b"\x00" * 4096)
    before = db.read_bytes()
    env = {**os.environ, "IMAGESTUDIO_HOME": str(tmp_path), "QT_QPA_PLATFORM": "offscreen"}
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert "RC 1" in out.stdout, out.stderr
    assert "could not be opened" in out.stdout and "library check --repair" in out.stdout
    assert "Traceback" not in out.stderr
    assert db.read_bytes() == before
