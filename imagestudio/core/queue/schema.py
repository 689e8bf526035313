"""The job queue's tables in the library DB (a component of ``LibraryDB.ensure_component``).

``queue_jobs``: one row per job (its request as JSON, state, progress, cost, owner process); ``queue_job_images``:
the images a job received, written in the same transaction as the image rows; ``queue_attempts``: one row per
attempt (request id, outcome, error); ``queue_runners``: the processes running jobs, with a heartbeat. There are
no foreign keys to ``images``: the library may delete images, the record of what a job received stays.

Step 2 (OpenAI Batch API, core/batch/runner.py): ``queue_jobs.mode`` ('now' or 'batch') and ``api_batch`` (the
API batch holding the job); ``queue_api_batches``: one row per JSONL file sent to the Batch API, with the step it
reached (written before and after each call, so a crash neither loses nor repeats a paid line);
``queue_api_lines``: one row per line (``custom_id`` = job id + attempt), what became of it.
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
    """
    ALTER TABLE queue_jobs ADD COLUMN mode TEXT NOT NULL DEFAULT 'now';
    ALTER TABLE queue_jobs ADD COLUMN api_batch INTEGER;
    CREATE TABLE queue_api_batches (
        id             INTEGER PRIMARY KEY AUTOINCREMENT,
        profile        TEXT NOT NULL,
        base_url       TEXT NOT NULL DEFAULT '',
        endpoint       TEXT NOT NULL,
        step           TEXT NOT NULL,
        file_path      TEXT,
        file_sha256    TEXT,
        file_bytes     INTEGER NOT NULL DEFAULT 0,
        input_file_id  TEXT,
        batch_id       TEXT,
        status         TEXT,
        completed      INTEGER NOT NULL DEFAULT 0,
        failed         INTEGER NOT NULL DEFAULT 0,
        total          INTEGER NOT NULL DEFAULT 0,
        expires_at     REAL,
        output_file_id TEXT,
        error_file_id  TEXT,
        error          TEXT,
        owner          TEXT,
        polls          INTEGER NOT NULL DEFAULT 0,
        next_poll      REAL NOT NULL DEFAULT 0,
        created_at     REAL NOT NULL,
        submitted_at   REAL,
        ended_at       REAL,
        updated_at     REAL NOT NULL
    );
    CREATE TABLE queue_api_lines (
        custom_id TEXT PRIMARY KEY,
        api_batch INTEGER NOT NULL REFERENCES queue_api_batches (id),
        job_id    INTEGER NOT NULL,
        attempt   INTEGER NOT NULL,
        n         INTEGER NOT NULL,
        state     TEXT NOT NULL DEFAULT 'pending',
        error     TEXT
    ) WITHOUT ROWID;
    CREATE INDEX queue_api_lines_batch ON queue_api_lines (api_batch, state);
    """,
]
