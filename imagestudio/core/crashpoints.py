"""Named crash points for the kill -9 tests (tests/test_reliability_kill.py).

Only tests set ``IMAGESTUDIO_CRASH_AT``; in normal use every call is one dictionary lookup that finds nothing.
``IMAGESTUDIO_CRASH_AT=ingest.after_original`` ends the process at the first pass through that point;
``NAME@K`` at the K-th pass. The exit is ``os._exit(137)`` (what a SIGKILL looks like to a shell): no
``finally`` blocks, no atexit, no flush — exactly like a crash, so the tests see what a crash would leave.
"""

from __future__ import annotations

import os
import sys
import threading

ENV = "IMAGESTUDIO_CRASH_AT"
EXIT_CODE = 137
#: every named point in the code; the kill tests run each one
POINTS = (
    "ingest.after_original",  # original written and renamed, no thumbnail, no row
    "ingest.after_thumbnail",  # files on disk, no row
    "ingest.before_commit",  # on the DB thread, just before the one transaction
    "ingest.after_commit",  # rows committed, the job not yet reported done
    "atomic_write.before_replace",  # a temp file in tmp/, not yet renamed
    "thumbnail.before_replace",  # a thumbnail's temp file written, not yet renamed
    "import.after_prepare",  # imported files copied, rows not yet written
    "import.after_commit",  # rows written, the report not yet printed
    "trash.after_rows_deleted",  # empty trash: rows gone, files still on disk
    "settings.before_replace",  # settings: the new file written beside the old, not renamed
    "batch.after_prepare",  # Batch API: the input file written and its jobs claimed, nothing uploaded
    "batch.after_upload",  # the input file uploaded, its id not yet recorded
    "batch.after_submit",  # the batch created at the API, its id not yet recorded
    "batch.after_download",  # the output file downloaded, no line ingested
    "batch.after_line",  # one line's images committed, the next not yet
)

_lock = threading.Lock()
_hits: dict[str, int] = {}


def crash_point(name: str) -> None:
    """End the process here if a test asked for it (``IMAGESTUDIO_CRASH_AT``)."""
    wanted = os.environ.get(ENV)
    if not wanted:
        return
    target, _, nth = wanted.partition("@")
    if target != name:
        return
    with _lock:
        _hits[name] = _hits.get(name, 0) + 1
        count = _hits[name]
    if count >= (int(nth) if nth.isdigit() else 1):
        sys.stderr.write(f"imagestudio: crash point {name} reached (test)\n")
        sys.stderr.flush()
        os._exit(EXIT_CODE)
