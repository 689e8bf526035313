"""`imagestudio batch`, `generate --repeat` and `imagestudio queue`, as real processes against the simulator,
including SIGKILL in the middle of a batch and a restart that resumes it without duplicates."""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.simulator import OpenAISimulator


def _env(home: Path, key: str | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENAI_API_KEY", "OPENAI_BASE_URL")}
    env["IMAGESTUDIO_HOME"] = str(home)
    env["PYTHON_KEYRING_BACKEND"] = "keyring.backends.fail.Keyring"
    if key is not None:
        env["OPENAI_API_KEY"] = key
    return env


def cli(*args: str, home: Path, key: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "imagestudio", *args],
        env=_env(home, key),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _db(home: Path) -> sqlite3.Connection:
    return sqlite3.connect(home / "data" / "library.sqlite3")


def test_batch_runs_good_lines_and_reports_bad_ones(tmp_path: Path, simulator: OpenAISimulator) -> None:
    file = tmp_path / "jobs.jsonl"
    file.write_text(
        "\n".join(
            [
                json.dumps({"prompt": "a red kite", "n": 2, "quality": "low"}),
                json.dumps({"prompt": "too odd", "size": "1000x1000"}),
                "{not json",
                json.dumps({"prompt": "a blue kite", "size": "1536x1024", "model": "gpt-image-2"}),
                json.dumps({"prompt": "x", "colour": "red"}),
            ]
        ),
        encoding="utf-8",
    )
    out = cli("batch", str(file), "--base-url", simulator.base_url, "--json", home=tmp_path, key=simulator.api_key)
    assert out.returncode == 2, out.stderr  # bad lines → 2, but the good lines ran
    assert "jobs.jsonl:2:" in out.stderr and "multiples of 16" in out.stderr
    assert "jobs.jsonl:3:" in out.stderr and "jobs.jsonl:5:" in out.stderr and "colour" in out.stderr
    body = json.loads(out.stdout)
    assert [e["line"] for e in body["errors"]] == [2, 3, 5]
    assert [(j["prompt"], j["state"], len(j["images"])) for j in body["jobs"]] == [
        ("a red kite", "done", 2),
        ("a blue kite", "done", 1),
    ]
    sizes = [r.json["size"] for r in simulator.requests if r.json and r.path.endswith("/generations")]
    assert sorted(sizes) == ["1024x1024", "1536x1024"]

    again = cli("batch", str(file), "--base-url", simulator.base_url, home=tmp_path, key=simulator.api_key)
    assert "resuming this batch: 0 job(s)" in again.stderr  # the same file is not queued twice
    assert len([r for r in simulator.requests if r.path.endswith("/generations")]) == 2

    listed = json.loads(cli("queue", "list", "--json", home=tmp_path).stdout)
    assert [j["state"] for j in listed] == ["done", "done"]
    assert "Removed 2 finished" in cli("queue", "clear", home=tmp_path).stdout
    assert json.loads(cli("queue", "list", "--json", home=tmp_path).stdout) == []


def test_generate_repeat_queues_n_jobs(tmp_path: Path) -> None:
    out = cli("generate", "a small boat", "--provider", "demo", "--repeat", "3", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    jobs = json.loads(out.stdout)["jobs"]
    assert len(jobs) == 3 and all(j["state"] == "done" for j in jobs)
    assert cli("generate", "x", "--provider", "demo", "--repeat", "0", home=tmp_path).returncode == 2


def test_queue_cancel_and_resume(tmp_path: Path) -> None:
    # a job queued by a process that then died before running it
    code = (
        "from imagestudio.core.library.library import Library\n"
        "from imagestudio.core.paths import AppPaths\n"
        "from imagestudio.core.queue.store import JobStore\n"
        "from imagestudio.core.types import GenerationRequest as R\n"
        "lib = Library(AppPaths.from_environment().ensure())\n"
        "JobStore(lib.db).add([R('one', 'gpt-image-2', '1024x1024'), R('two', 'gpt-image-2', '1024x1024')],"
        " profile='demo')\n"
    )
    subprocess.run([sys.executable, "-c", code], env=_env(tmp_path, None), check=True, timeout=60)
    assert "Job #1 cancelled" in cli("queue", "cancel", "1", home=tmp_path).stdout
    assert cli("queue", "cancel", "99", home=tmp_path).returncode == 2
    out = cli("queue", "resume", "--json", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert [(j["prompt"], j["state"]) for j in json.loads(out.stdout)["jobs"]] == [("two", "done")]
    listed = {j["prompt"]: j["state"] for j in json.loads(cli("queue", "list", "--json", home=tmp_path).stdout)}
    assert listed == {"one": "cancelled", "two": "done"}


@pytest.mark.timeout(240)
def test_sigkill_mid_batch_then_restart_resumes_without_duplicates(tmp_path: Path) -> None:
    rng = random.Random(2026)
    prompts = [f"kill test {i}" for i in range(8)]
    file = tmp_path / "kill.jsonl"
    file.write_text("\n".join(json.dumps({"prompt": p, "n": 2, "quality": "low"}) for p in prompts), encoding="utf-8")
    with OpenAISimulator(latency=0.3) as sim:
        args = [
            sys.executable,
            "-m",
            "imagestudio",
            "batch",
            str(file),
            "--base-url",
            sim.base_url,
            "--concurrency",
            "2",
        ]
        env = _env(tmp_path, sim.api_key)
        kills = 0
        for _ in range(4):
            before = len(sim.requests)
            proc = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            target = before + rng.randint(1, 3)
            deadline = time.monotonic() + 30
            while len(sim.requests) < target and proc.poll() is None and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(rng.uniform(0.0, 0.45))  # mid-request, mid-save or between jobs
            if proc.poll() is None:
                proc.send_signal(signal.SIGKILL)
                kills += 1
            proc.wait(timeout=30)
        final = subprocess.run([*args, "--json"], env=env, capture_output=True, text=True, timeout=120)
    assert kills >= 2
    assert final.returncode == 0, final.stderr
    body = json.loads(final.stdout)
    assert sorted(j["prompt"] for j in body["jobs"]) == prompts
    assert all(j["state"] == "done" and j["received"] == 2 for j in body["jobs"])
    with _db(tmp_path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert db.execute("SELECT count(*) FROM queue_jobs").fetchone()[0] == len(prompts)  # never queued twice
        per_job = db.execute("SELECT job_id, count(*) FROM queue_job_images GROUP BY job_id").fetchall()
        assert sorted(c for _j, c in per_job) == [2] * len(prompts)  # every image recorded exactly once
        rows = db.execute("SELECT rel_path, sha256, prompt FROM images").fetchall()
    assert len(rows) == 2 * len(prompts)
    assert sorted({r[2] for r in rows}) == prompts
    for rel, sha, _prompt in rows:
        assert hashlib.sha256((tmp_path / "data" / rel).read_bytes()).hexdigest() == sha
    on_disk = {p.relative_to(tmp_path / "data").as_posix() for p in (tmp_path / "data" / "originals").rglob("*.*")}
    assert on_disk == {r[0] for r in rows}  # no orphan and no partial file
    assert not [p for p in (tmp_path / "data" / "tmp").iterdir() if p.is_file()]


def test_the_same_batch_twice_at_once_says_why_the_second_stops(tmp_path: Path) -> None:
    file = tmp_path / "busy.jsonl"
    file.write_text(json.dumps({"prompt": "a slow fox", "quality": "low"}), encoding="utf-8")
    with OpenAISimulator(latency=30) as sim:  # the first run stays in its request while the second starts
        args = [sys.executable, "-m", "imagestudio", "batch", str(file), "--base-url", sim.base_url]
        env = _env(tmp_path, sim.api_key)
        first = subprocess.Popen(args, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            deadline = time.monotonic() + 60
            while not sim.requests and first.poll() is None and time.monotonic() < deadline:
                time.sleep(0.02)
            assert sim.requests and first.poll() is None
            second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=120)
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=30)
    assert second.returncode == 4, second.stderr
    [line] = second.stderr.strip().splitlines()
    assert "already running in process" in line and str(first.pid) in line
    assert len(sim.requests) == 1  # nothing sent twice
