"""SQL of the Batch API batches (tables ``queue_api_batches`` / ``queue_api_lines``, core/queue/schema.py step 2).

Every step of a batch is written before the call that takes it and after (``step``: prepared → uploading →
uploaded → submitting → submitted → collecting → ended, or abandoned when every job was cancelled before it was
sent). A batch is worked on by one process at a time: ``owner`` is a live runner's token (a dead one's batches are
taken over). Synchronous; the runner calls it on the DB thread.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagestudio.core.files.fsutil import process_alive
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.library.db import InTransaction
from imagestudio.core.queue.jobs import Job
from imagestudio.core.queue.store import JobStore

ACTIVE_STEPS = ("prepared", "uploading", "uploaded", "submitting", "submitted", "collecting")
_COLUMNS = (
    "id, profile, base_url, endpoint, step, file_path, file_sha256, file_bytes, input_file_id, batch_id, status,"
    " completed, failed, total, expires_at, output_file_id, error_file_id, error, owner, polls, next_poll,"
    " created_at, submitted_at, ended_at"
)
MISSING = QT_TRANSLATE_NOOP(
    "CoreMessages",
    "The batch ended (%1) before this job's request ran; it was not charged for it. Resume sends it again.",
)
MISSING_TWICE = QT_TRANSLATE_NOOP(
    "CoreMessages", "The Batch API did not run this job twice (%1). Retry it, or send it now instead."
)
#: attempt outcome of a line the batch never ran: `queue resume` sends those again only when asked
OUTCOME_MISSING = "batch_missing"


@dataclass(frozen=True, slots=True)
class ApiBatch:
    id: int
    profile: str
    base_url: str
    endpoint: str
    step: str
    file_path: str | None
    file_sha256: str | None
    file_bytes: int
    input_file_id: str | None
    batch_id: str | None
    status: str | None
    completed: int
    failed: int
    total: int
    expires_at: float | None
    output_file_id: str | None
    error_file_id: str | None
    error: str | None
    owner: str | None
    polls: int
    next_poll: float
    created_at: float
    submitted_at: float | None
    ended_at: float | None

    def to_json(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in self.__slots__}


@dataclass(frozen=True, slots=True)
class Line:
    custom_id: str
    api_batch: int
    job_id: int
    attempt: int
    n: int
    state: str  # pending, done, failed, dropped (arrived for a cancelled job), missing (never ran)


class ApiBatchStore:
    def __init__(self, store: JobStore) -> None:
        self.jobs = store
        self.db = store.db

    # -- gathering -------------------------------------------------------------------------------------
    def waiting(self, token: str, limit: int = 50_000) -> list[Job]:
        """Batch-mode jobs waiting to be sent, in queue order."""
        where = "WHERE state = 'queued' AND mode = 'batch' AND cancel_requested = 0 AND (owner IS NULL OR owner = ?)"
        return self.jobs._select(where, [token], limit=limit)

    def open_batch(
        self, token: str, profile: str, base_url: str, endpoint: str, lines: list[tuple[str, Job]], path: str,
        sha256: str, size: int,
    ) -> int | None:  # fmt: skip
        """Claim the jobs of a written input file and record it, in ONE transaction; None when another process
        took one of them meanwhile (nothing is recorded; the caller deletes the file)."""
        now = self.db.clock.now()
        try:
            with self.db.transaction() as c:
                cur = c.execute(
                    "INSERT INTO queue_api_batches (profile, base_url, endpoint, step, file_path, file_sha256,"
                    " file_bytes, owner, created_at, updated_at) VALUES (?, ?, ?, 'prepared', ?, ?, ?, ?, ?, ?)",
                    (profile, base_url, endpoint, path, sha256, size, token, now, now),
                )
                batch = int(cur.lastrowid or 0)
                for cid, job in lines:
                    taken = c.execute(
                        "UPDATE queue_jobs SET state = 'batched', attempts = attempts + 1, api_batch = ?, error = NULL,"
                        " owner = NULL, started_at = coalesce(started_at, ?), updated_at = ? WHERE id = ?"
                        " AND state = 'queued' AND mode = 'batch' AND cancel_requested = 0 AND attempts = ?",
                        (batch, now, now, job.id, job.attempts),
                    )
                    if taken.rowcount != 1:
                        raise _Taken
                    c.execute(
                        "INSERT OR REPLACE INTO queue_attempts (job_id, attempt, asked, started_at)"
                        " VALUES (?, ?, ?, ?)",
                        (job.id, job.attempts + 1, job.remaining, now),
                    )
                    c.execute(
                        "INSERT INTO queue_api_lines (custom_id, api_batch, job_id, attempt, n) VALUES (?, ?, ?, ?, ?)",
                        (cid, batch, job.id, job.attempts + 1, job.remaining),
                    )
        except _Taken:
            return None
        return batch

    def refuse(self, job_id: int, message: str) -> None:
        """A waiting job that cannot go in a batch (an input file gone, too large): failed, nothing sent."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_jobs SET state = 'failed', error = ?, finished_at = ?, updated_at = ?"
                " WHERE id = ? AND state = 'queued'",
                (message, now, now, job_id),
            )

    def to_now(self, ids: list[int], note: str) -> None:
        """Batch-mode jobs of a provider without a Batch API (the demo) are run now, and say so."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.executemany(
                "UPDATE queue_jobs SET mode = 'now', error = ?, updated_at = ? WHERE id = ? AND state = 'queued'",
                [(note, now, i) for i in ids],
            )

    def sweep_inputs(self, folder: Path) -> bool:
        """Delete input files (``input-<pid>-….jsonl``) no batch row names, written by processes that ended."""
        known = {b.file_path for b in self.all()}
        for path in folder.glob("input-*-*.jsonl") if folder.is_dir() else ():
            pid = path.name.split("-")[1]
            if str(path) not in known and pid.isdigit() and not process_alive(int(pid)):
                path.unlink(missing_ok=True)
        return True

    # -- reading ---------------------------------------------------------------------------------------
    def get(self, batch: int) -> ApiBatch | None:
        found = self._select("WHERE id = ?", [batch])
        return found[0] if found else None

    def all(self) -> list[ApiBatch]:
        return self._select("", [])

    def active(self) -> list[ApiBatch]:
        marks = ",".join("?" * len(ACTIVE_STEPS))
        return self._select(f"WHERE step IN ({marks})", list(ACTIVE_STEPS))

    def _select(self, where: str, args: list[Any]) -> list[ApiBatch]:
        with self.db.transaction() as c:
            rows = c.execute(f"SELECT {_COLUMNS} FROM queue_api_batches {where} ORDER BY id", args).fetchall()
        return [ApiBatch(*r) for r in rows]

    def lines(self, batch: int) -> dict[str, Line]:
        with self.db.transaction() as c:
            rows = c.execute(
                "SELECT custom_id, api_batch, job_id, attempt, n, state FROM queue_api_lines WHERE api_batch = ?",
                (batch,),
            ).fetchall()
        return {str(r[0]): Line(*r) for r in rows}

    def job_ids(self, batch: int) -> list[int]:
        return sorted({line.job_id for line in self.lines(batch).values()})

    def live_jobs(self, batch: int) -> int:
        """Jobs of this batch still wanting their result (not cancelled, not removed)."""
        with self.db.transaction() as c:
            row = c.execute(
                "SELECT count(*) FROM queue_api_lines l JOIN queue_jobs j ON j.id = l.job_id"
                " WHERE l.api_batch = ? AND l.state = 'pending' AND j.state = 'batched'",
                (batch,),
            ).fetchone()
        return int(row[0])

    def missing_ids(self) -> set[int]:
        """Interrupted jobs whose batch ended before their request ran (resent only when the person asks)."""
        with self.db.transaction() as c:
            rows = c.execute(
                "SELECT j.id FROM queue_jobs j JOIN queue_attempts a ON a.job_id = j.id AND a.attempt = j.attempts"
                " WHERE j.state = 'interrupted' AND a.outcome = ?",
                (OUTCOME_MISSING,),
            ).fetchall()
        return {int(r[0]) for r in rows}

    # -- steps -----------------------------------------------------------------------------------------
    def take(self, batch: int, token: str) -> bool:
        """Work on this batch in this process: it is free, ours, or its process died."""
        with self.db.transaction() as c:
            cur = c.execute(
                "UPDATE queue_api_batches SET owner = ? WHERE id = ? AND (owner IS NULL OR owner = ?"
                " OR owner NOT IN (SELECT token FROM queue_runners))",
                (token, batch, token),
            )
            return cur.rowcount == 1

    def release(self, token: str) -> None:
        with self.db.transaction() as c:
            c.execute("UPDATE queue_api_batches SET owner = NULL WHERE owner = ?", (token,))

    def update(self, batch: int, **values: Any) -> None:
        values["updated_at"] = self.db.clock.now()
        sets = ", ".join(f"{k} = ?" for k in values)
        with self.db.transaction() as c:
            c.execute(f"UPDATE queue_api_batches SET {sets} WHERE id = ?", [*values.values(), batch])

    def touched_jobs(self, batch: int) -> None:
        """The batch's status changed: its jobs' rows are marked changed (the views redraw "in batch: …")."""
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_jobs SET updated_at = ? WHERE api_batch = ? AND state = 'batched'",
                (self.db.clock.now(), batch),
            )

    # -- results ---------------------------------------------------------------------------------------
    def line_done_hook(self, progress: InTransaction, cid: str) -> InTransaction:
        """The job's progress and the line's "done" in the transaction that stores the images."""

        def record(c: sqlite3.Connection, image_ids: list[int]) -> None:
            progress(c, image_ids)
            c.execute("UPDATE queue_api_lines SET state = 'done' WHERE custom_id = ?", (cid,))

        return record

    def set_line(self, cid: str, state: str, error: str | None = None) -> None:
        with self.db.transaction() as c:
            c.execute("UPDATE queue_api_lines SET state = ?, error = ? WHERE custom_id = ?", (state, error, cid))

    def fail_line(self, line: Line, message: str, outcome: str) -> None:
        """An error-file line: the job failed with the API's message (nothing was stored; not charged)."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_api_lines SET state = 'failed', error = ? WHERE custom_id = ?", (message, line.custom_id)
            )
            self._close_attempt(c, line, outcome, message, now)
            c.execute(
                "UPDATE queue_jobs SET state = 'failed', error = ?, finished_at = ?, updated_at = ?"
                " WHERE id = ? AND state = 'batched' AND attempts = ?",
                (message, now, now, line.job_id, line.attempt),
            )

    def end(self, batch: int, status: str) -> list[int]:
        """The batch is over: its lines that never ran make their jobs wait (interrupted, resent when asked; a
        second time they fail); lines of cancelled jobs are dropped. Returns the jobs that changed."""
        now = self.db.clock.now()
        changed: list[int] = []
        with self.db.transaction() as c:
            pending = c.execute(
                "SELECT custom_id, api_batch, job_id, attempt, n, state FROM queue_api_lines"
                " WHERE api_batch = ? AND state = 'pending'",
                (batch,),
            ).fetchall()
            for row in pending:
                line = Line(*row)
                job = c.execute("SELECT state, attempts FROM queue_jobs WHERE id = ?", (line.job_id,)).fetchone()
                if job is None or job[0] != "batched" or int(job[1]) != line.attempt:
                    c.execute("UPDATE queue_api_lines SET state = 'dropped' WHERE custom_id = ?", (line.custom_id,))
                    continue
                before = c.execute(
                    "SELECT count(*) FROM queue_attempts WHERE job_id = ? AND outcome = ?",
                    (line.job_id, OUTCOME_MISSING),
                ).fetchone()[0]
                twice = int(before) > 0
                message = fill(MISSING_TWICE if twice else MISSING, status)
                c.execute("UPDATE queue_api_lines SET state = 'missing' WHERE custom_id = ?", (line.custom_id,))
                self._close_attempt(c, line, OUTCOME_MISSING, message, now)
                c.execute(
                    "UPDATE queue_jobs SET state = ?, error = ?, updated_at = ?, finished_at = ? WHERE id = ?",
                    ("failed" if twice else "interrupted", message, now, now if twice else None, line.job_id),
                )
                changed.append(line.job_id)
            c.execute(
                "UPDATE queue_api_batches SET step = 'ended', ended_at = ?, updated_at = ? WHERE id = ?",
                (now, now, batch),
            )
        return changed

    def fewer_images(self, line: Line, message: str) -> None:
        """A line's answer held fewer images than asked: the job waits for the rest (resent when asked)."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_jobs SET state = 'interrupted', error = ?, updated_at = ?"
                " WHERE id = ? AND state = 'batched'",
                (message, now, line.job_id),
            )

    def abandon(self, batch: int) -> None:
        """Every job was cancelled before the batch was sent: nothing is sent, nothing is charged."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_api_lines SET state = 'dropped' WHERE api_batch = ? AND state = 'pending'", (batch,)
            )
            c.execute(
                "UPDATE queue_api_batches SET step = 'abandoned', ended_at = ?, updated_at = ?, owner = NULL"
                " WHERE id = ?",
                (now, now, batch),
            )

    @staticmethod
    def _close_attempt(c: sqlite3.Connection, line: Line, outcome: str, error: str | None, now: float) -> None:
        c.execute(
            "UPDATE queue_attempts SET finished_at = ?, outcome = ?, error = ? WHERE job_id = ? AND attempt = ?",
            (now, outcome, error, line.job_id, line.attempt),
        )


def resume_except_missing(store: JobStore) -> list[int]:
    """Resume interrupted jobs automatically, except those an ended batch missed: sent again only when asked."""
    missing = ApiBatchStore(store).missing_ids()
    with store.db.transaction() as c:
        ids = [int(r[0]) for r in c.execute("SELECT id FROM queue_jobs WHERE state = 'interrupted'")]
    return [i for i in ids if i not in missing and store.retry(i)]


class _Taken(Exception):
    """Another process claimed one of the jobs while the file was written."""
