"""Moves Python's wall clock ahead for the whole suite and every Python process it starts (`make test-future`).

On PYTHONPATH only for that run. `IMAGESTUDIO_TIME_TRAVEL` is a local date and time (ISO); the first process turns
it into an offset from the real clock and hands the offset down, so the test process, the CLI and GUI children all
agree on "now" (a child started later must not be minutes behind its parent: heartbeats would look stale).
time-machine moves `time.time()` and `datetime` only; monotonic clocks and the file system's clock stay real, so
a test that ages files by mtime sets the mtime itself (os.utime).
"""

from __future__ import annotations

import datetime as dt
import os
import time

_destination = os.environ.get("IMAGESTUDIO_TIME_TRAVEL")
if _destination:
    import time_machine

    _offset = os.environ.get("IMAGESTUDIO_TIME_TRAVEL_OFFSET")
    if _offset is None:
        _offset = repr(dt.datetime.fromisoformat(_destination).timestamp() - time.time())
        os.environ["IMAGESTUDIO_TIME_TRAVEL_OFFSET"] = _offset
    time_machine.travel(time.time() + float(_offset), tick=True).start()
