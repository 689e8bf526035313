"""Guard against the PySide6 6.12.0 emit bug: every ``emit()`` drops one reference to ``True`` too many, and a
plain script aborts after ~570 emits with ``Fatal Python error: bool_dealloc`` (see
shared/design/packaging-notes.md). The emit loop runs in a subprocess, so a regression fails this test instead
of killing the pytest process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from importlib.metadata import version

EMITS = 20_000
MARKER = "IMAGESTUDIO-EMIT-LOOP-DONE"
MARGIN = 50  # references; the bug loses one per emit

SCRIPT = f"""
import gc, json, sys
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    flag = Signal(bool)
    payload = Signal(object)
    unconnected = Signal(bool)  # the bug needs no connected slot

class Counter:
    def __init__(self):
        self.flags = self.payloads = 0
    def on_flag(self, value):
        assert value is True or value is False
        self.flags += 1
    def on_payload(self, value):
        self.payloads += 1

app = QCoreApplication(sys.argv)
emitter, counter = Emitter(), Counter()
emitter.flag.connect(counter.on_flag)
emitter.payload.connect(counter.on_payload)
sentinel = object()
gc.collect()
true_before, sentinel_before = sys.getrefcount(True), sys.getrefcount(sentinel)
for i in range({EMITS}):
    emitter.flag.emit(True)
    emitter.unconnected.emit(True)
    emitter.payload.emit(sentinel if i % 2 else {{"i": i, "ok": True}})
gc.collect()
print({MARKER!r}, json.dumps({{
    "true_before": true_before, "true_after": sys.getrefcount(True),
    "sentinel_before": sentinel_before, "sentinel_after": sys.getrefcount(sentinel),
    "flags": counter.flags, "payloads": counter.payloads,
}}), flush=True)
"""


def _version_tuple(text: str) -> tuple[int, int, int]:
    """``6.11.3`` -> (6, 11, 3); a pre-release such as ``6.12.0rc1`` counts as its release."""
    match = re.match(r"(\d+)\.(\d+)(?:\.(\d+))?", text)
    assert match, text
    major, minor, micro = match.groups()
    return int(major), int(minor), int(micro or 0)


def test_emit_loop_keeps_the_refcount_of_true() -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, f"rc={proc.returncode} (bool_dealloc abort?)\nstderr: {proc.stderr[-2000:]}"
    lines = [line for line in proc.stdout.splitlines() if line.startswith(MARKER)]
    assert lines, f"no marker\nstdout: {proc.stdout[-2000:]}\nstderr: {proc.stderr[-2000:]}"
    result = json.loads(lines[-1][len(MARKER) :])
    assert result["flags"] == EMITS
    assert result["payloads"] == EMITS
    assert result["true_after"] >= result["true_before"] - MARGIN, result
    assert result["true_after"] <= result["true_before"] + MARGIN, result  # and no reference leak either
    assert abs(result["sentinel_after"] - result["sentinel_before"]) <= MARGIN, result


def test_pyside6_is_pinned_below_6_12() -> None:
    import PySide6

    installed = version("PySide6-Essentials")
    assert (6, 11, 2) <= _version_tuple(installed) < (6, 12), installed
    assert _version_tuple(PySide6.__version__) == _version_tuple(installed), (PySide6.__version__, installed)
