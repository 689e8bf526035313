"""Small benchmark harness: repeat, take the median and the spread, compare with a same-run baseline."""

from __future__ import annotations

import json
import platform
import statistics
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any


@dataclass
class Result:
    id: str
    measure: str
    unit: str
    goal: str
    value: float | None = None
    baseline: float | None = None
    ratio: float | None = None
    spread: float | None = None  # (max - min) / median of the measured runs
    passed: bool | None = None
    note: str = ""
    runs: list[float] = field(default_factory=list)

    def row(self) -> str:
        def fmt(v: float | None) -> str:
            return "—" if v is None else (f"{v:.3g}" if abs(v) < 1000 else f"{v:,.0f}")

        verdict = {True: "pass", False: "FAIL", None: "n/a"}[self.passed]
        ratio = "—" if self.ratio is None else f"{self.ratio:.2f}×"
        spread = "—" if self.spread is None else f"±{self.spread * 50:.0f}%"
        return (
            f"| {self.id} | {self.measure} | {fmt(self.value)} {self.unit} | {fmt(self.baseline)} | {ratio} "
            f"| {spread} | {self.goal} | {verdict} | {self.note} |"
        )


def median_and_spread(samples: list[float]) -> tuple[float, float]:
    med = statistics.median(samples)
    spread = (max(samples) - min(samples)) / med if med else 0.0
    return med, spread


def repeat(fn: Callable[[], float], times: int) -> list[float]:
    """``fn`` returns the measured quantity (seconds, bytes…) of one run."""
    return [fn() for _ in range(times)]


def timed(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return time.perf_counter() - start


def write_results(path: Path, results: list[Result]) -> None:
    body = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
        "machine": f"{platform.node()} · {platform.machine()} · {platform.python_version()} · {_cpu_count()} cores",
        "results": [asdict(r) for r in results],
    }
    path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")


def table(results: list[Result]) -> str:
    head = "| id | measure | value | baseline | ratio | spread | goal | result | note |\n" + "|---" * 9 + "|"
    return "\n".join([head, *(r.row() for r in results)])


def _cpu_count() -> int:
    import os

    return os.cpu_count() or 1
