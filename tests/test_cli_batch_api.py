"""The CLI's Batch API commands as a person runs them (real processes, the real SDK, the loopback Files/Batches
service): ``generate --batch`` sends and returns, ``queue batches`` shows the status and the time left and
collects, ``queue resume`` resends what an expired batch missed only with ``--resubmit-missing``; the strict SDK
parses every shape the service sends."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from tests.batch_sim import BatchService
from tests.simulator import OpenAISimulator
from tests.test_cli import cli


@pytest.fixture
def service(simulator: OpenAISimulator) -> BatchService:
    return BatchService(simulator)


def _states(home: Path) -> list[tuple[str, int, str]]:
    with sqlite3.connect(home / "data" / "library.sqlite3") as db:
        return [(str(r[0]), int(r[1]), str(r[2])) for r in db.execute("SELECT state, received, mode FROM queue_jobs")]


def test_generate_batch_sends_then_queue_batches_collects(
    tmp_path: Path, simulator: OpenAISimulator, service: BatchService
) -> None:
    out = cli("generate", "a paper boat", "--n", "2", "--quality", "high", "--size", "1024x1024", "--batch",
              "--base-url", simulator.base_url, home=tmp_path, key=simulator.api_key)  # fmt: skip
    assert out.returncode == 0, out.stderr
    assert "in Batch API batch #1" in out.stdout
    assert "$0.21 instead of $0.42 (saves $0.21)" in out.stderr  # published gpt-image-2 batch price: half
    assert "within 24 hours" in out.stderr
    assert _states(tmp_path) == [("batched", 0, "batch")]
    assert not [r for r in simulator.requests if r.path.startswith("/v1/images/")]  # nothing sent the dear way

    listed = cli("queue", "batches", home=tmp_path, key=simulator.api_key)
    assert listed.returncode == 0, listed.stderr
    assert "validating" in listed.stdout and "23 h 59 min left" not in listed.stdout  # the app's clock is real
    assert " min left" in listed.stdout

    service.advance(steps=4)
    done = cli("queue", "batches", "--json", home=tmp_path, key=simulator.api_key)
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body[0]["status"] == "completed" and body[0]["step"] == "ended"
    assert _states(tmp_path) == [("done", 2, "batch")]
    ledger = cli("ledger", "--json", home=tmp_path)
    recent = json.loads(ledger.stdout)["recent"]
    assert len(recent) == 1 and recent[0]["batch_line"].endswith("/imagestudio-1-1")


def test_estimate_with_batch_is_the_batch_price(tmp_path: Path) -> None:
    now = cli("generate", "x", "--model", "gpt-image-2", "--quality", "high", "--size", "1024x1024", "--estimate",
              "--json", home=tmp_path)  # fmt: skip
    batch = cli("generate", "x", "--model", "gpt-image-2", "--quality", "high", "--size", "1024x1024", "--estimate",
                "--batch", "--json", home=tmp_path)  # fmt: skip
    assert now.returncode == batch.returncode == 0, batch.stderr
    now_usd, batch_body = json.loads(now.stdout)["estimate"]["usd"], json.loads(batch.stdout)
    assert batch_body["estimate"]["usd"] == pytest.approx(now_usd / 2, abs=1e-6) and batch_body["batch_api"] is True


def test_expired_batch_waits_for_resubmit_missing(
    tmp_path: Path, simulator: OpenAISimulator, service: BatchService
) -> None:
    lines = tmp_path / "ads.jsonl"
    lines.write_text("\n".join(json.dumps({"prompt": f"ad {i}", "quality": "low"}) for i in range(3)))
    sent = cli("batch", str(lines), "--via-batch-api", "--base-url", simulator.base_url, home=tmp_path,
               key=simulator.api_key)  # fmt: skip
    assert sent.returncode == 0, sent.stderr
    b = service.only_batch()
    service.advance(b.id)
    service.run_lines(b.id, 1)
    service.expire(b.id)
    collected = cli("queue", "batches", home=tmp_path, key=simulator.api_key)
    assert "did not run before their batch ended" in collected.stderr and "--resubmit-missing" in collected.stderr
    assert sorted(s for s, _, _ in _states(tmp_path)) == ["done", "interrupted", "interrupted"]

    plain = cli("queue", "resume", home=tmp_path, key=simulator.api_key)
    assert plain.returncode == 0, plain.stderr
    assert len(service.batches) == 1  # not resent without being asked
    asked = cli("queue", "resume", "--resubmit-missing", home=tmp_path, key=simulator.api_key)
    assert asked.returncode == 0, asked.stderr
    assert len(service.batches) == 2
    newest = max(service.batches.values(), key=lambda x: x.created_at)
    service.advance(newest.id, steps=4)
    assert newest.status == "completed" and len(newest.lines) == 2
    cli("queue", "batches", home=tmp_path, key=simulator.api_key)
    assert sorted(s for s, _, _ in _states(tmp_path)) == ["done", "done", "done"]


def test_every_shape_parses_with_a_strict_sdk(simulator: OpenAISimulator, service: BatchService) -> None:
    from openai import OpenAI

    client = OpenAI(api_key=simulator.api_key, base_url=simulator.base_url, max_retries=0,
                    _strict_response_validation=True)  # fmt: skip
    line = {"custom_id": "c1", "method": "POST", "url": "/v1/images/generations",
            "body": {"model": "gpt-image-2", "prompt": "a kite", "quality": "low", "size": "1024x1024"}}  # fmt: skip
    uploaded = client.files.create(file=("in.jsonl", json.dumps(line).encode(), "application/jsonl"), purpose="batch")
    created = client.batches.create(input_file_id=uploaded.id, endpoint="/v1/images/generations",
                                    completion_window="24h", metadata={"k": "v"})  # fmt: skip
    assert created.status == "validating" and created.expires_at == created.created_at + 24 * 3600
    service.advance(created.id, steps=3)
    ended = client.batches.retrieve(created.id)
    assert ended.status == "completed" and ended.request_counts is not None and ended.request_counts.completed == 1
    assert ended.output_file_id is not None
    output = json.loads(client.files.content(ended.output_file_id).read())
    assert output["custom_id"] == "c1" and output["response"]["status_code"] == 200
    listed = list(client.batches.list(limit=1))
    files = list(client.files.list(purpose="batch"))
    assert [b.id for b in listed] == [created.id] and [f.id for f in files] == [uploaded.id]
    for obj in (uploaded, created, ended, *listed, *files):
        assert not obj.model_extra, obj.model_extra  # no field the SDK does not know
    cancelled = client.batches.cancel(created.id)
    assert cancelled.status == "completed"  # an ended batch stays as it is


def test_generate_batch_with_the_demo_provider_runs_now_and_says_so(tmp_path: Path) -> None:
    out = cli("generate", "a demo kite", "--batch", "--provider", "demo", home=tmp_path)
    assert out.returncode == 0, out.stderr
    assert "no Batch API" in out.stderr and "within 24 hours" not in out.stderr
    assert _states(tmp_path) == [("done", 1, "now")]
