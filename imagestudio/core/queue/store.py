"""The persistent job queue: rows in the library DB (``library.sqlite3``), so that the images a job receives and
the record of having received them commit in ONE transaction (see ``JobStore.progress_hook``).

Every method is synchronous SQL: the app calls it on the library's DB thread, the CLI from its own thread.
Several processes (the GUI and ``imagestudio batch``) share the queue; a job is run by the process whose
runner token is in ``owner``, claimed with a conditional UPDATE, so only one process ever runs it.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterable
from typing import Any

from imagestudio.core.library import stacks
from imagestudio.core.library.db import InTransaction, LibraryDB
from imagestudio.core.queue import jobs as batch_rules  # BATCH_CANCELLED, NO_PENDING_LINE
from imagestudio.core.queue.jobs import JOB_COLUMNS, AnyRequest, Attempt, Job, Runner, job_from_row, request_kind
from imagestudio.core.queue.schema import STEPS
from imagestudio.core.types import JobState

__all__ = ["STEPS", "AnyRequest", "Job", "JobStore", "Runner"]

FINISHED = (JobState.DONE.value, JobState.FAILED.value, JobState.CANCELLED.value)
ACTIVE = (JobState.RUNNING.value, JobState.SAVING.value)


class JobStore:
    def __init__(self, db: LibraryDB) -> None:
        self.db = db
        db.ensure_component("queue", STEPS)

    # -- adding ------------------------------------------------------------------------------------
    def add(
        self,
        requests: Iterable[AnyRequest],
        *,
        profile: str,
        base_url: str = "",
        batch: str | None = None,
        owner: str | None = None,
    ) -> list[Job]:
        """Write the jobs (state queued) in one transaction: a job exists before any request is sent."""
        now = self.db.clock.now()
        ids: list[int] = []
        with self.db.transaction() as c:
            top = c.execute("SELECT coalesce(max(position), 0) FROM queue_jobs").fetchone()[0]
            for i, request in enumerate(requests, start=1):
                cur = c.execute(
                    "INSERT INTO queue_jobs (position, kind, request_json, profile, base_url, state, n, owner, batch,"
                    " created_at, updated_at, mode) VALUES (?, ?, ?, ?, ?, 'queued', ?, ?, ?, ?, ?, ?)",
                    (
                        float(top) + i,
                        request_kind(request),
                        json.dumps(request.to_json(), ensure_ascii=False),
                        profile,
                        base_url,
                        request.n,
                        owner,
                        batch,
                        now,
                        now,
                        "batch" if request.via_batch_api else "now",
                    ),
                )
                ids.append(int(cur.lastrowid or 0))
        return self.get_many(ids)

    # -- reading -----------------------------------------------------------------------------------
    def get(self, job_id: int) -> Job | None:
        return next(iter(self.get_many([job_id])), None)

    def get_many(self, ids: list[int]) -> list[Job]:
        if not ids:
            return []
        marks = ",".join("?" * len(ids))
        return self._select(f"WHERE id IN ({marks})", ids)

    def all(self, *, batch: str | None = None) -> list[Job]:
        if batch is not None:
            return self._select("WHERE batch = ?", [batch])
        return self._select("", [])

    def _select(self, where: str, args: list[Any], *, limit: int = -1) -> list[Job]:
        with self.db.transaction() as c:  # one snapshot of jobs, images and attempts
            sql = f"SELECT {JOB_COLUMNS} FROM queue_jobs {where} ORDER BY position LIMIT {int(limit)}"
            rows = c.execute(sql, args).fetchall()
            ids = [int(r[0]) for r in rows]
            images: dict[int, list[int]] = {i: [] for i in ids}
            attempts: dict[int, list[Attempt]] = {i: [] for i in ids}
            if ids:
                marks = ",".join("?" * len(ids))
                for job_id, image_id in c.execute(
                    f"SELECT job_id, image_id FROM queue_job_images WHERE job_id IN ({marks}) ORDER BY ordinal", ids
                ):
                    images[int(job_id)].append(int(image_id))
                for a in c.execute(
                    "SELECT job_id, attempt, asked, started_at, finished_at, outcome, error, request_id"
                    f" FROM queue_attempts WHERE job_id IN ({marks}) ORDER BY attempt",
                    ids,
                ):
                    attempts[int(a[0])].append(Attempt(*a[1:]))
        return [job_from_row(r, images[int(r[0])], attempts[int(r[0])]) for r in rows]

    def ids(self) -> set[int]:  # every job id (to notice jobs another process removed, e.g. `queue clear`)
        with self.db.transaction() as c:
            return {int(r[0]) for r in c.execute("SELECT id FROM queue_jobs")}

    def data_version(self) -> int:
        """Changes when ANOTHER connection (another process) commits: cheap polling for CLI-queued jobs."""
        with self.db.transaction() as c:
            return int(c.execute("PRAGMA data_version").fetchone()[0])

    # -- running -----------------------------------------------------------------------------------
    def candidates(self, token: str, *, batch: str | None = None, limit: int = 200) -> list[Job]:
        """Queued jobs this runner may claim, in queue order."""
        where = "WHERE state = 'queued' AND mode = 'now' AND cancel_requested = 0 AND (owner IS NULL OR owner = ?)"
        args: list[Any] = [token]
        if batch is not None:
            where += " AND batch = ?"
            args.append(batch)
        return self._select(where, args, limit=limit)

    def candidate_slots(
        self, token: str, *, batch: str | None = None, limit: int = 200
    ) -> list[tuple[int, str, str, float]]:
        """``(id, profile, base_url, not_before)`` of the jobs ``candidates`` would return: the scheduler's look at
        every queued job, without loading whole jobs (it runs each time a slot frees)."""
        where = "WHERE state = 'queued' AND mode = 'now' AND cancel_requested = 0 AND (owner IS NULL OR owner = ?)"
        args: list[Any] = [token]
        if batch is not None:
            where += " AND batch = ?"
            args.append(batch)
        sql = f"SELECT id, profile, base_url, not_before FROM queue_jobs {where} ORDER BY position LIMIT {int(limit)}"
        with self.db.transaction() as c:
            return [(int(r[0]), str(r[1]), str(r[2]), float(r[3])) for r in c.execute(sql, args)]

    def claim_fitting(
        self,
        token: str,
        batch: str | None,
        limit: int,
        running: dict[tuple[str, str], int],
        backoff: dict[tuple[str, str], float],
        busy: set[int],
        poll: float,
    ) -> tuple[list[tuple[Job, tuple[str, str]]], float]:
        """The runner's look and claims in one call on the DB thread: the queued jobs that fit the free slots
        (``limit`` per (profile, base_url), ``running`` counted, ``backoff`` and ``not_before`` waited for),
        claimed in queue order; and when to look again. ``running`` is the caller's copy; it is updated."""
        now = self.db.clock.now()
        next_look = now + poll
        claimed: list[tuple[Job, tuple[str, str]]] = []
        for job_id, profile, base_url, not_before in self.candidate_slots(token, batch=batch):
            key = (profile, base_url)
            ready_at = max(not_before, backoff.get(key, 0.0))
            if ready_at > now:
                next_look = min(next_look, ready_at)
            elif running.get(key, 0) < limit and job_id not in busy:
                taken = self.claim(job_id, token)
                if taken is not None:  # else another process took it
                    running[key] = running.get(key, 0) + 1
                    claimed.append((taken, key))
        return claimed, next_look

    def changed_since(self, when: float) -> list[Job]:
        return self._select("WHERE updated_at >= ?", [when])

    def claim(self, job_id: int, token: str) -> Job | None:
        """Atomically take a queued job and open a new attempt; None if someone else got it first."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            cur = c.execute(
                "UPDATE queue_jobs SET state = 'running', owner = ?, attempts = attempts + 1, error = NULL,"
                " started_at = coalesce(started_at, ?), updated_at = ?"
                " WHERE id = ? AND state = 'queued' AND mode = 'now' AND cancel_requested = 0"
                " AND (owner IS NULL OR owner = ?)",
                (token, now, now, job_id, token),
            )
            if cur.rowcount != 1:
                return None
            attempts, n, received = c.execute(
                "SELECT attempts, n, received FROM queue_jobs WHERE id = ?", (job_id,)
            ).fetchone()
            c.execute(
                "INSERT OR REPLACE INTO queue_attempts (job_id, attempt, asked, started_at) VALUES (?, ?, ?, ?)",
                (job_id, attempts, max(0, n - received), now),
            )
        return self.get(job_id)

    def progress_hook(
        self, job_id: int, attempt: int, *, cost: float | None, request_id: str | None, done: bool, estimated: bool = False  # noqa: E501
    ) -> InTransaction:  # fmt: skip
        """What the library runs inside the transaction that inserts the images: the job's progress (an
        ``estimated`` cost is added and marks the job's cost as not exact)."""

        def record(c: sqlite3.Connection, image_ids: list[int]) -> None:
            now = self.db.clock.now()
            start = c.execute("SELECT coalesce(max(ordinal), -1) + 1 FROM queue_job_images WHERE job_id = ?", (job_id,))
            first = int(start.fetchone()[0])
            c.executemany(
                "INSERT INTO queue_job_images (job_id, ordinal, image_id) VALUES (?, ?, ?)",
                [(job_id, first + i, image_id) for i, image_id in enumerate(image_ids)],
            )
            stacks.join_job(c, job_id, now=now)  # every image the job has received so far: one stack
            c.execute(
                "UPDATE queue_jobs SET received = received + ?, cost_usd = cost_usd + ?,"
                " cost_known = cost_known AND ?, updated_at = ?,"
                " state = CASE WHEN ? THEN 'done' ELSE state END,"
                " finished_at = CASE WHEN ? THEN ? ELSE finished_at END,"
                " owner = CASE WHEN ? THEN NULL ELSE owner END WHERE id = ?",
                (len(image_ids), cost or 0.0, cost is not None and not estimated, now, done, done, now, done, job_id),
            )
            c.execute(
                "UPDATE queue_attempts SET finished_at = ?, outcome = 'ok', request_id = ?"
                " WHERE job_id = ? AND attempt = ?",
                (now, request_id, job_id, attempt),
            )

        return record

    def set_saving(self, job_id: int) -> None:
        self._update(job_id, state=JobState.SAVING.value)

    def end_attempt(
        self,
        job_id: int,
        attempt: int,
        *,
        state: JobState,
        error: str | None,
        outcome: str,
        request_id: str | None = None,
        not_before: float = 0.0,
    ) -> None:
        """Close an attempt that stored nothing: back to the queue (retry later) or finished."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_attempts SET finished_at = ?, outcome = ?, error = ?, request_id = ?"
                " WHERE job_id = ? AND attempt = ?",
                (now, outcome, error, request_id, job_id, attempt),
            )
            finished = state.value in FINISHED
            c.execute(
                "UPDATE queue_jobs SET state = ?, error = ?, not_before = ?, updated_at = ?,"
                " finished_at = CASE WHEN ? THEN ? ELSE NULL END,"
                " owner = CASE WHEN ? THEN NULL ELSE owner END, cancel_requested = 0 WHERE id = ?",
                (state.value, error, not_before, now, finished, now, finished or state is JobState.INTERRUPTED, job_id),
            )

    # -- user actions ------------------------------------------------------------------------------
    def request_cancel(self, job_id: int) -> bool:
        """Cancel a job that is not running at once; a running one is flagged for its owner. True if it ended."""
        now = self.db.clock.now()
        with self.db.transaction() as c:
            # a job in an API batch ends here, but its line runs on: dropped on arrival, it may still be charged
            cur = c.execute(
                "UPDATE queue_jobs SET state = 'cancelled', finished_at = ?, updated_at = ?, owner = NULL,"
                " error = CASE WHEN state = 'batched' THEN ? ELSE error END"
                " WHERE id = ? AND state IN ('queued', 'interrupted', 'batched')",
                (now, now, batch_rules.BATCH_CANCELLED, job_id),
            )
            if cur.rowcount:
                return True
            c.execute(
                "UPDATE queue_jobs SET cancel_requested = 1, updated_at = ? WHERE id = ? AND state IN (?, ?)",
                (now, job_id, *ACTIVE),
            )
            return False

    def cancel_requested_ids(self, token: str) -> list[int]:
        with self.db.transaction() as c:
            rows = c.execute("SELECT id FROM queue_jobs WHERE owner = ? AND cancel_requested = 1", (token,))
            return [int(r[0]) for r in rows]

    def retry(self, job_id: int) -> bool:
        """A failed, cancelled or interrupted job goes back to the queue; only its missing images are asked for."""
        return self._update(
            job_id,
            where="state IN ('failed', 'cancelled', 'interrupted') AND received < n AND " + batch_rules.NO_PENDING_LINE,
            state="queued",
            error=None,
            finished_at=None,
            owner=None,
            not_before=0.0,
            retry_base_sql="attempts",
        )

    def resume_interrupted(self) -> list[int]:
        with self.db.transaction() as c:
            ids = [int(r[0]) for r in c.execute("SELECT id FROM queue_jobs WHERE state = 'interrupted'")]
        return [i for i in ids if self.retry(i)]

    def duplicate(self, job_id: int) -> Job | None:
        job = self.get(job_id)
        if job is None:
            return None
        return self.add([job.request], profile=job.profile, base_url=job.base_url)[0]

    def move(self, job_id: int, offset: int) -> bool:
        """Move a waiting job up (offset < 0) or down among the jobs that have not finished."""
        with self.db.transaction() as c:
            rows = c.execute(
                "SELECT id, position FROM queue_jobs WHERE state NOT IN (?, ?, ?) ORDER BY position", FINISHED
            ).fetchall()
            order = [int(r[0]) for r in rows]
            if job_id not in order:
                return False
            i = order.index(job_id)
            j = max(0, min(len(order) - 1, i + offset))
            if i == j:
                return False
            order.insert(j, order.pop(i))
            positions = sorted(float(r[1]) for r in rows)
            now = self.db.clock.now()
            c.executemany(
                "UPDATE queue_jobs SET position = ?, updated_at = ? WHERE id = ? AND position != ?",
                [(p, now, i, p) for p, i in zip(positions, order, strict=True)],
            )
        return True

    def clear_finished(self) -> list[int]:
        """Forget done, failed and cancelled jobs (their images stay in the library)."""
        with self.db.transaction() as c:
            ids = [int(r[0]) for r in c.execute("SELECT id FROM queue_jobs WHERE state IN (?, ?, ?)", FINISHED)]
            c.execute("DELETE FROM queue_jobs WHERE state IN (?, ?, ?)", FINISHED)
        return ids

    def adopt(self, batch: str, token: str) -> None:
        """A rerun of a batch takes back its waiting jobs (released when the earlier run died)."""
        with self.db.transaction() as c:
            c.execute(
                "UPDATE queue_jobs SET owner = ? WHERE batch = ? AND state = 'queued' AND owner IS NULL", (token, batch)
            )

    # -- runners (one per process) -----------------------------------------------------------------
    def register_runner(self, token: str, pid: int, host: str) -> None:
        now = self.db.clock.now()
        with self.db.transaction() as c:
            c.execute(
                "INSERT OR REPLACE INTO queue_runners (token, pid, host, started_at, heartbeat) VALUES (?, ?, ?, ?, ?)",
                (token, pid, host, now, now),
            )

    def heartbeat(self, token: str) -> None:
        with self.db.transaction() as c:
            c.execute("UPDATE queue_runners SET heartbeat = ? WHERE token = ?", (self.db.clock.now(), token))

    def runners(self) -> list[Runner]:
        with self.db.transaction() as c:
            rows = c.execute("SELECT token, pid, host, heartbeat FROM queue_runners").fetchall()
        return [Runner(str(r[0]), int(r[1]), str(r[2]), float(r[3])) for r in rows]

    def recover(self, alive: Callable[[Runner], bool], *, token: str | None = None) -> list[int]:
        """Release the jobs of runners that died: running ones become ``interrupted`` (they may have been
        charged), waiting ones go back to anyone. Returns the ids that became interrupted."""
        dead = {r.token for r in self.runners() if r.token != token and not alive(r)}
        now = self.db.clock.now()
        interrupted: list[int] = []
        with self.db.transaction() as c:
            owners = {str(r[0]) for r in c.execute("SELECT DISTINCT owner FROM queue_jobs WHERE owner IS NOT NULL")}
            known = {str(r[0]) for r in c.execute("SELECT token FROM queue_runners")}
            dead |= {o for o in owners if o not in known and o != token}  # a runner row lost with its process
            for owner in dead:
                rows = c.execute(
                    "SELECT id FROM queue_jobs WHERE owner = ? AND state IN (?, ?)", (owner, *ACTIVE)
                ).fetchall()
                interrupted += [int(r[0]) for r in rows]
                c.execute(
                    "UPDATE queue_attempts SET finished_at = ?, outcome = 'interrupted' WHERE finished_at IS NULL"
                    " AND job_id IN (SELECT id FROM queue_jobs WHERE owner = ?)",
                    (now, owner),
                )
                c.execute(
                    "UPDATE queue_jobs SET state = 'interrupted', owner = NULL, updated_at = ?,"
                    " error = 'Interrupted: the app stopped while this job was running (it may have been charged).'"
                    " WHERE owner = ? AND state IN (?, ?)",
                    (now, owner, *ACTIVE),
                )
                c.execute("UPDATE queue_jobs SET owner = NULL, updated_at = ? WHERE owner = ?", (now, owner))
                c.execute("DELETE FROM queue_runners WHERE token = ?", (owner,))
        return interrupted

    def unregister_runner(self, token: str) -> None:
        """A clean exit: running jobs (there should be none) become interrupted, waiting ones stay queued."""
        self.recover(lambda r: r.token != token)
        with self.db.transaction() as c:
            c.execute("DELETE FROM queue_runners WHERE token = ?", (token,))

    # -- helpers -----------------------------------------------------------------------------------
    def _update(self, job_id: int, *, where: str = "1", retry_base_sql: str | None = None, **values: Any) -> bool:
        values["updated_at"] = self.db.clock.now()
        sets = ", ".join(f"{k} = ?" for k in values)
        if retry_base_sql:
            sets += f", retry_base = {retry_base_sql}"
        with self.db.transaction() as c:
            cur = c.execute(f"UPDATE queue_jobs SET {sets} WHERE id = ? AND {where}", [*values.values(), job_id])
            return cur.rowcount == 1
