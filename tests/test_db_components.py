"""Component migrations in the library DB (used by the job queue) and statement splitting."""

from __future__ import annotations

from pathlib import Path

import pytest

from imagestudio.core.library.db import LibraryDB, split_statements

STEPS = [
    """
    CREATE TABLE jobs (id INTEGER PRIMARY KEY, state TEXT NOT NULL);
    CREATE TRIGGER jobs_default AFTER INSERT ON jobs WHEN new.state = '' BEGIN
        UPDATE jobs SET state = 'queued' WHERE id = new.id;
    END;
    """,
    "ALTER TABLE jobs ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0",
]


def test_split_keeps_triggers_whole() -> None:
    parts = split_statements(STEPS[0])
    assert len(parts) == 2
    assert parts[1].startswith("CREATE TRIGGER") and parts[1].endswith("END;")


def test_component_migrates_forward_once_and_persists(tmp_path: Path) -> None:
    db = LibraryDB(tmp_path / "lib.sqlite3", tmp_path, tmp_path)
    assert db.ensure_component("queue", STEPS[:1]) == 1
    with db.transaction() as c:
        c.execute("INSERT INTO jobs (state) VALUES ('')")
    assert db.ensure_component("queue", STEPS) == 2  # only the new step runs
    db.close()
    again = LibraryDB(tmp_path / "lib.sqlite3", tmp_path, tmp_path)
    assert again.ensure_component("queue", STEPS) == 2
    with again.transaction() as c:
        assert c.execute("SELECT state, attempts FROM jobs").fetchall() == [("queued", 0)]
        assert c.execute("SELECT component, version FROM component_versions").fetchall() == [("queue", 2)]


def test_component_newer_than_app_is_refused(tmp_path: Path) -> None:
    db = LibraryDB(tmp_path / "lib.sqlite3", tmp_path, tmp_path)
    db.ensure_component("queue", STEPS)
    with pytest.raises(RuntimeError, match="newer imagestudio"):
        db.ensure_component("queue", STEPS[:1])


def test_failed_step_rolls_back(tmp_path: Path) -> None:
    db = LibraryDB(tmp_path / "lib.sqlite3", tmp_path, tmp_path)
    with pytest.raises(Exception, match="syntax"):
        db.ensure_component("broken", ["CREATE TABLE ok (x); CREATE TABLEE nope (y)"])
    with db.transaction() as c:
        assert c.execute("SELECT name FROM sqlite_master WHERE name = 'ok'").fetchone() is None
