"""kill -9: the real CLI (batches through the job queue, imports, empty trash) against the simulator, killed at
random moments and at every named crash point; after each kill the app starts again and ``library check`` is
clean (DB integrity, every row's file with the right sha256, no partial files, no acknowledged image lost, none
stored twice) and the queue resumes. Process crashes only: a kill -9 loses nothing the OS already has, so these
tests say nothing about power loss (that is what ``synchronous=FULL`` and the fsyncs are for).

CI: ``IMAGESTUDIO_KILLS`` (default 20) random kills; ``make soak`` runs 200.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from imagestudio.core import crashpoints, settings
from tests.killer import Workbench, finish_everything, random_kill_loop
from tests.simulator import OpenAISimulator

KILLS = int(os.environ.get("IMAGESTUDIO_KILLS", "20"))
SEED = int(os.environ.get("IMAGESTUDIO_KILL_SEED", "1109"))

# which workload passes through each named point (settings have no CLI command: tests/killer.py saves them)
WORKLOAD = {
    "ingest.after_original": "batch",
    "ingest.after_thumbnail": "batch",
    "ingest.before_commit": "batch",
    "ingest.after_commit": "batch",
    "atomic_write.before_replace": "batch",
    "thumbnail.before_replace": "batch",
    "import.after_prepare": "import",
    "import.after_commit": "import",
    "trash.after_rows_deleted": "empty-trash",
    "settings.before_replace": "save-settings",
}


@pytest.fixture
def bench(tmp_path: Path) -> Workbench:
    with OpenAISimulator(latency=0.2) as sim:
        b = Workbench(tmp_path, sim.base_url, sim.api_key)
        b.prepare()
        yield b  # type: ignore[misc]


BATCH_POINTS = {p for p in crashpoints.POINTS if p.startswith("batch.")}  # tests/test_batch_api_kill.py
POINTS = [p for p in crashpoints.POINTS if p not in BATCH_POINTS]


def test_every_crash_point_is_tested() -> None:
    assert set(WORKLOAD) == set(POINTS) and BATCH_POINTS


@pytest.mark.timeout(60 + 12 * KILLS)
def test_random_sigkill_loop_leaves_a_clean_library(bench: Workbench) -> None:
    random_kill_loop(bench, KILLS, SEED)
    assert bench.kills >= KILLS
    final = finish_everything(bench)
    assert final["checked"] >= 2 * len(bench.acknowledged_jobs)
    done = bench.query("SELECT count(*) FROM queue_jobs WHERE state = 'done'")[0][0]
    assert done == bench.query("SELECT count(*) FROM queue_jobs")[0][0]  # every job finished, none stuck
    assert bench.acknowledged_jobs  # the loop really did finish jobs between kills


@pytest.mark.timeout(120)
@pytest.mark.parametrize("point", POINTS)
def test_crash_point_then_restart_recovers(bench: Workbench, point: str) -> None:
    workload = WORKLOAD[point]
    if workload == "empty-trash":
        assert bench.run("import")[0] == 0
        bench.trash_some()
    if workload == "save-settings":
        assert bench.run("save-settings")[0] == 0
    before = settings.load(bench.home / "config" / "settings.json")
    nth = "@2" if point == "ingest.after_commit" else ""  # a job acknowledged before the crash
    code, stderr = bench.run(workload, crash_at=point + nth)
    assert code == crashpoints.EXIT_CODE, stderr
    assert f"crash point {point} reached" in stderr
    bench.check_after_restart()
    if workload == "save-settings":
        after = settings.load(bench.home / "config" / "settings.json")
        assert after.warnings == [] and after.settings == before.settings  # the old file, whole
        return
    finish_everything(bench)
    if workload == "empty-trash":
        # the rows went first, so the files the crash left behind are orphans: `check --repair` adopts them back
        # (a deleted image comes back rather than a row pointing at nothing)
        assert bench.orphans_seen >= 1
