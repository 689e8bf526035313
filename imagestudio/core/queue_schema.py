"""The job queue's tables in the library DB (a component of ``LibraryDB.ensure_component``).

``queue_jobs``: one row per job (its request as JSON, state, progress, cost, owner process); ``queue_job_images``:
the images a job received, written in the same transaction as the image rows; ``queue_attempts``: one row per
attempt (request id, outcome, error); ``queue_runners``: the processes running jobs, with a heartbeat. There are
no foreign keys to ``images``: the library may delete images, the record of what a job received stays.
"""

from __future__ import annotations

# Forward-only steps of the "queue" component (see LibraryDB.ensure_component). Never edit a released step.
STEPS: list[str] = [
    """
    CREATE TABLE queue_jobs (
        id               INTEGER PRIMARY KEY AUTOINCREMENT,
        position         REAL NOT NULL,
        kind             TEXT NOT NULL,
        request_json     TEXT NOT NULL,
        profile          TEXT NOT NULL,
        base_url         TEXT NOT NULL DEFAULT '',
        state            TEXT NOT NULL,
        n                INTEGER NOT NULL,
        received         INTEGER NOT NULL DEFAULT 0,
        attempts         INTEGER NOT NULL DEFAULT 0,
        retry_base       INTEGER NOT NULL DEFAULT 0,
        error            TEXT,
        cost_usd         REAL NOT NULL DEFAULT 0,
        cost_known       INTEGER NOT NULL DEFAULT 1,
        owner            TEXT,
        batch            TEXT,
        cancel_requested INTEGER NOT NULL DEFAULT 0,
        created_at       REAL NOT NULL,
        started_at       REAL,
        finished_at      REAL,
        updated_at       REAL NOT NULL,
        not_before       REAL NOT NULL DEFAULT 0
    );
    CREATE INDEX queue_jobs_order ON queue_jobs (state, position);
    CREATE TABLE queue_job_images (
        job_id   INTEGER NOT NULL REFERENCES queue_jobs (id) ON DELETE CASCADE,
        ordinal  INTEGER NOT NULL,
        image_id INTEGER NOT NULL,
        PRIMARY KEY (job_id, ordinal)
    ) WITHOUT ROWID;
    CREATE TABLE queue_attempts (
        job_id      INTEGER NOT NULL REFERENCES queue_jobs (id) ON DELETE CASCADE,
        attempt     INTEGER NOT NULL,
        asked       INTEGER NOT NULL,
        started_at  REAL NOT NULL,
        finished_at REAL,
        outcome     TEXT,
        error       TEXT,
        request_id  TEXT,
        PRIMARY KEY (job_id, attempt)
    ) WITHOUT ROWID;
    CREATE TABLE queue_runners (
        token      TEXT PRIMARY KEY,
        pid        INTEGER NOT NULL,
        host       TEXT NOT NULL,
        started_at REAL NOT NULL,
        heartbeat  REAL NOT NULL
    );
    """,
]
