"""kill -9 through a Batch API round trip: the real CLI (``batch FILE --via-batch-api``, then ``queue batches
--wait``) against the loopback Files/Batches service, killed at every batch crash point and at random moments;
restarted until everything arrived. Every job's images arrive exactly once, nothing is submitted twice, and the
ledger holds one line per batch line at the batch price."""

from __future__ import annotations

import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core import crashpoints
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.money.pricing import cost_of_usage
from imagestudio.core.types import Usage
from tests.batch_sim import BatchService
from tests.killer import env_for
from tests.simulator import OpenAISimulator

POINTS = [p for p in crashpoints.POINTS if p.startswith("batch.")]
SUBMIT_POINTS = ("batch.after_prepare", "batch.after_upload", "batch.after_submit")
KILLS = int(os.environ.get("IMAGESTUDIO_BATCH_KILLS", "6"))
ROOT = Path(__file__).resolve().parents[1]


class Bench:
    def __init__(self, root: Path, sim: OpenAISimulator, service: BatchService) -> None:
        self.root, self.sim, self.service = root, sim, service
        self.home = root / "home"
        self.file = root / "ads.jsonl"
        source = root / "product.png"
        Image.new("RGB", (96, 64), (20, 120, 200)).save(source)
        lines = [{"prompt": f"ad variant {i}", "n": 1 + i % 2, "quality": "low", "size": "1024x1024"} for i in range(4)]
        lines += [{"prompt": f"retouch {i}", "images": [str(source)], "quality": "low", "size": "1024x1024"}
                  for i in range(2)]  # fmt: skip
        self.file.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
        self.expected = {x["prompt"]: int(x.get("n", 1)) for x in lines}
        self.kills = 0

    def run(self, *args: str, crash_at: str | None = None, kill_after: float | None = None) -> tuple[int, str]:
        cli = [sys.executable, "-m", "imagestudio", *args]
        err = self.root / "stderr.txt"
        with err.open("wb") as out:
            proc = subprocess.Popen(cli, env=env_for(self.home, self.sim.api_key, crash_at), stdout=subprocess.DEVNULL,
                                    stderr=out, cwd=ROOT)  # fmt: skip
            try:
                proc.wait(timeout=kill_after if kill_after is not None else 300)  # a slow, loaded CI machine
            except subprocess.TimeoutExpired:
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
                self.kills += 1
        return proc.returncode, err.read_text("utf-8", "replace")

    def send(self, **kw: Any) -> tuple[int, str]:
        return self.run("batch", str(self.file), "--via-batch-api", "--base-url", self.sim.base_url, **kw)

    def collect(self, **kw: Any) -> tuple[int, str]:
        return self.run("queue", "batches", "--wait", "--every", "0.02", **kw)

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with sqlite3.connect(self.home / "data" / "library.sqlite3", timeout=30) as db:
            return db.execute(sql).fetchall()

    def finish_and_check(self) -> None:
        code, err = self.send()  # a killed submission is resumed (its jobs are not queued again)
        assert code == 0, err
        code, err = self.collect()
        assert code == 0, err
        jobs = self.query("SELECT id, request_json, state, received, n FROM queue_jobs")
        assert len(jobs) == len(self.expected), jobs  # queued once
        for job_id, request_json, state, received, n in jobs:
            prompt = json.loads(request_json)["prompt"]
            assert (state, received, n) == ("done", self.expected[prompt], self.expected[prompt]), (prompt, state)
            images = self.query(f"SELECT count(*) FROM queue_job_images WHERE job_id = {job_id}")[0][0]
            assert images == n
        assert self.query("SELECT sha256 FROM images GROUP BY sha256 HAVING count(*) > 1") == []
        total = sum(self.expected.values())
        assert self.query("SELECT count(*) FROM images")[0][0] == total
        # nothing submitted twice: one batch per endpoint, each line in exactly one batch
        lines = [ln for b in self.service.batches.values() for ln in b.lines]
        assert len(self.service.batches) == 2 and len(lines) == len(self.expected)
        ledger = [json.loads(x) for x in (self.home / "data" / "ledger.jsonl").read_text().splitlines()]
        assert len(ledger) == len(self.expected) == len({e["batch_line"] for e in ledger})
        caps = Capabilities.load()
        for e in ledger:
            standard = cost_of_usage(caps, "gpt-image-2", Usage(**e["usage"])).usd
            assert e["cost_usd"] == pytest.approx(standard / 2, abs=2e-6)
        check = subprocess.run([sys.executable, "-m", "imagestudio", "library", "check", "--json"],
                               env=env_for(self.home, self.sim.api_key), capture_output=True, text=True, cwd=ROOT,
                               timeout=120)  # fmt: skip
        report = json.loads(check.stdout)
        assert not report["missing_files"] and not report["hash_mismatches"] and not report["database"], report


@pytest.fixture
def bench(tmp_path: Path) -> Any:
    with OpenAISimulator() as sim:
        yield Bench(tmp_path, sim, BatchService(sim, auto_steps=1))


def test_every_batch_crash_point_is_named() -> None:
    assert set(POINTS) == {
        "batch.after_prepare", "batch.after_upload", "batch.after_submit", "batch.after_download", "batch.after_line",
    }  # fmt: skip


@pytest.mark.timeout(240)
@pytest.mark.parametrize("point", POINTS)
def test_crash_at_each_batch_step_then_restart(bench: Bench, point: str) -> None:
    if point in SUBMIT_POINTS:
        code, err = bench.send(crash_at=point)
    else:
        assert bench.send()[0] == 0
        code, err = bench.collect(crash_at=point + ("@2" if point == "batch.after_line" else ""))
    assert code == crashpoints.EXIT_CODE, err
    assert f"crash point {point} reached" in err
    bench.finish_and_check()


@pytest.mark.timeout(600 + 40 * KILLS)
def test_random_sigkills_through_a_batch(bench: Bench) -> None:
    rng = random.Random(int(os.environ.get("IMAGESTUDIO_KILL_SEED", "1909")))
    # bounded: once everything has arrived the commands end before most kill times, and "until KILLS kills" could
    # then run for as long as the test's timeout allows (what CI met)
    for _attempt in range(10 * KILLS):
        if bench.kills >= KILLS:
            break
        step = rng.choice((bench.send, bench.collect))
        step(kill_after=rng.uniform(0.3, 2.0))
    assert bench.kills >= 1  # the runs above were cut short at least once
    bench.finish_and_check()
