"""The one place the app reads the calendar and the wall clock.

Everything that stamps, ages or groups by date (ledger lines and the budget month, "today", job timestamps and
heartbeats, trash retention, file-name dates) takes a `Clock`. The composition root builds one `SystemClock` and
passes it down; tests pass a `FixedClock` so no test depends on the day it runs (a budget test written on 25
November stopped blocking on 1 December). Monotonic time for timeouts and back-off is not a calendar and stays
`time.monotonic()`.
"""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol


class Clock(Protocol):
    def now(self) -> float:
        """Seconds since the epoch (UTC), like `time.time()`."""
        ...


class SystemClock:
    """The real wall clock."""

    def now(self) -> float:
        return time.time()


class FixedClock:
    """A clock that moves only when told: tests set it to 23:59:59 on the last day of a year and step over."""

    def __init__(self, at: float | dt.datetime) -> None:
        self._at = at.timestamp() if isinstance(at, dt.datetime) else float(at)

    def now(self) -> float:
        return self._at

    def set(self, at: float | dt.datetime) -> None:
        self._at = at.timestamp() if isinstance(at, dt.datetime) else float(at)

    def advance(self, seconds: float) -> None:
        self._at += seconds


def local_datetime(at: float) -> dt.datetime:
    """`at` as a naive local date and time: what the person's calendar says (budget month, "today", file names)."""
    return dt.datetime.fromtimestamp(at)


def local_date(clock: Clock) -> dt.date:
    return local_datetime(clock.now()).date()


def month_start(at: float) -> float:
    """The epoch second at which the local calendar month containing `at` began (DST-safe: built from local time)."""
    local = local_datetime(at)
    return local.replace(day=1, hour=0, minute=0, second=0, microsecond=0).timestamp()


def day_start(at: float) -> float:
    """The epoch second of local midnight that began the day containing `at`."""
    local = local_datetime(at)
    return local.replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
