"""P10: flick-scrolling a big library — p95 frame time and how soon the visible thumbnails are complete once the
scroll stops, each against a baseline taken in the same run (bench/flick_child.py does the scrolling)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from bench.harness import Result, median_and_spread

ROOT = Path(__file__).resolve().parent.parent


def _child(mode: str, home: Path, count: int, viewport: str = "") -> dict[str, list[float]]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "IMAGESTUDIO_HOME": str(home)}
    env.pop("OPENAI_API_KEY", None)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    out = subprocess.run(
        [sys.executable, "-m", "bench.flick_child", mode, str(count), *([viewport] if viewport else [])],
        env=env, cwd=ROOT, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    lines = [ln for ln in out.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        raise RuntimeError(out.stderr.strip()[-500:] or f"exit code {out.returncode}")
    return json.loads(lines[-1])  # type: ignore[no-any-return]


def _p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def measure_flick(library_home: Path, count: int, runs: int) -> list[Result]:
    frame = Result("P10", f"flick-scroll frame time p95, {count:,} images", "ms", "≤ 16 ms")
    settle = Result("P10s", "visible thumbnails complete after a flick stops", "ms", "≤ 300 ms")
    load = os.getloadavg()[0]  # frame times on a shared machine follow its load: the note says what it was
    ours_p95, bare_p95, settles, decodes = [], [], [], []
    frames_total = 0
    from bench.scale import gallery_tiles

    tiles = gallery_tiles(library_home)  # the app's rows: one per stack (bench/make_library.py stacks 75 %)
    for _ in range(runs):  # interleaved: drift on a noisy machine hits both alike
        ours = _child("app", library_home, tiles)
        width, height = (int(v) for v in ours["viewport"])
        bare = _child("bare", library_home, tiles, f"{width}x{height}")
        bare_p95.append(_p95(bare["frames"]) * 1000)
        ours_p95.append(_p95(ours["frames"]) * 1000)
        frames_total += len(ours["frames"])
        settles.extend(s * 1000 for s in ours["settles"])
        decodes.extend(d * 1000 for d in bare["decodes"])
    frame.value, frame.spread = median_and_spread(ours_p95)
    frame.baseline = median_and_spread(bare_p95)[0]
    frame.ratio = frame.value / frame.baseline if frame.baseline else None
    frame.passed = frame.value <= 16
    frame.runs = ours_p95
    frame.note = (
        f"{frames_total} frames over {runs}×8 flicks (wheel events at 60 Hz, kinetic decay) in a 1366×768 window; "
        "baseline = a bare QListView of the same viewport size with nothing to load; median of the runs' p95; "
        f"load average {load:.1f} on {os.cpu_count()} cores at the start"
    )
    settle.value = _p95(settles)
    settle.spread = median_and_spread(settles)[1] if settles else None
    settle.baseline = median_and_spread(decodes)[0] if decodes else None
    settle.ratio = settle.value / settle.baseline if settle.baseline else None
    settle.passed = settle.value <= 300
    settle.runs = settles
    settle.note = (
        f"p95 of {len(settles)} flicks (median {median_and_spread(settles)[0]:.0f} ms); "
        "baseline = decoding as many thumbnails on one thread"
    )
    return [frame, settle]
