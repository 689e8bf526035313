"""P1 (cold start to main window shown) and P9 (RSS 5 s after shown), each against a bare PySide6
QMainWindow started the same way in the same run."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time

from bench.harness import Result, median_and_spread

# Each child prints one JSON line: seconds from its exec to the first Expose of the window, and RSS later.
_CHILD_COMMON = r"""
import json, os, sys, time
T0 = float(os.environ["BENCH_T0"])
from PySide6.QtCore import QEvent, QObject, QTimer
def rss_mb():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
class Shown(QObject):
    def __init__(self, app, wait):
        super().__init__()
        self.app, self.wait, self.at = app, wait, None
    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Expose and self.at is None:
            self.at = time.time() - T0
            QTimer.singleShot(int(self.wait * 1000), self.report)
        return False
    def report(self):
        print(json.dumps({"shown": self.at, "rss_mb": rss_mb()}), flush=True)
        os._exit(0)
"""

BARE = (
    _CHILD_COMMON
    + r"""
from PySide6.QtWidgets import QApplication, QMainWindow
app = QApplication([])
w = QMainWindow(); w.resize(1400, 860)
shown = Shown(app, float(sys.argv[1])); app.installEventFilter(shown)
w.show()
app.exec()
"""
)

APP = (
    _CHILD_COMMON
    + r"""
import asyncio, qasync
from PySide6.QtWidgets import QApplication
from imagestudio.core.paths import AppPaths
from imagestudio.core.secrets import KeyStore
from imagestudio.main import compose
app = QApplication([])
loop = qasync.QEventLoop(app); asyncio.set_event_loop(loop)
parts = compose(AppPaths.from_environment(), KeyStore())
shown = Shown(app, float(sys.argv[1])); app.installEventFilter(shown)
parts.window.show()
loop.run_until_complete(parts.start())
loop.run_forever()
"""
)


def _launch(code: str, wait: float, home: str) -> dict[str, float]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IMAGESTUDIO_HOME": home}
    env.pop("OPENAI_API_KEY", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    env["BENCH_T0"] = repr(time.time())
    out = subprocess.run([sys.executable, "-c", code, str(wait)], env=env, capture_output=True, text=True, timeout=60)
    line = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not line:
        raise RuntimeError(out.stderr.strip()[-500:])
    return json.loads(line[-1])  # type: ignore[no-any-return]


def measure(runs: int) -> list[Result]:
    p1 = Result("P1", "cold start → main window shown", "s", "≤ 1.3× bare QMainWindow")
    p9 = Result("P9", "RSS 5 s after window shown", "MB", "≤ 2× bare QMainWindow")
    with tempfile.TemporaryDirectory(prefix="bench-start-") as home:
        _launch(APP, 0.1, home)  # warm the OS file cache and create the library once, like a second launch
        bare: list[float] = []
        ours: list[float] = []
        bare_rss: list[float] = []
        our_rss: list[float] = []
        for _ in range(runs):  # interleaved, so drift on a noisy machine hits both alike
            b = _launch(BARE, 5.0 if not bare_rss else 0.1, home)
            a = _launch(APP, 5.0 if not our_rss else 0.1, home)
            bare.append(b["shown"])
            ours.append(a["shown"])
            if len(bare_rss) < 1:
                bare_rss.append(b["rss_mb"])
                our_rss.append(a["rss_mb"])
    p1.value, p1.spread = median_and_spread(ours)
    p1.baseline = median_and_spread(bare)[0]
    p1.ratio = p1.value / p1.baseline
    p1.passed = p1.ratio <= 1.3
    p1.runs = ours
    p9.value, p9.baseline = our_rss[0], bare_rss[0]
    p9.ratio = p9.value / p9.baseline
    p9.passed = p9.ratio <= 2.0
    p9.note = "one 5 s run each"
    return [p1, p9]
