"""Jobs through OpenAI's Batch API (core/batch/runner.py): the real SDK against the loopback Files/Batches service
(tests/batch_sim.py); progress driven by the test, the app's clock a FixedClock."""

from __future__ import annotations

import asyncio
import hashlib
import json
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core.batch.runner import BatchRunner
from imagestudio.core.batch.store import ApiBatch
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import FixedClock
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.money.pricing import batch_saving, cost_of_usage
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.openai_batch import OpenAIBatchApi
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import EditRequest, GenerationRequest, JobState, Usage
from tests.aio import run
from tests.batch_sim import BatchService
from tests.simulator import OpenAISimulator

T0 = 1_796_000_000.0


def gen(prompt: str, n: int = 1) -> GenerationRequest:
    return GenerationRequest(prompt, "gpt-image-2", "1024x1024", "low", n, via_batch_api=True)


class Rig:
    """A library, the queue, a runner and a batch runner for one test; everything on a FixedClock."""

    def __init__(self, paths: AppPaths, sim: OpenAISimulator) -> None:
        self.paths, self.sim = paths, sim
        self.clock = FixedClock(T0)
        self.library = Library(paths, self.clock)
        self.store = JobStore(self.library.db)
        self.ledger = Ledger(paths.data, self.clock)
        self.caps = Capabilities.load()
        self.host = LocalHost(self.library, lambda p, b: None)  # type: ignore[arg-type,return-value]
        self.api_calls = 0

    def api(self, profile: str, base_url: str) -> OpenAIBatchApi:
        self.api_calls += 1
        return OpenAIBatchApi(api_key=self.sim.api_key, base_url=base_url, timeout=30)

    async def start(self) -> tuple[QueueRunner, BatchRunner]:
        runner = QueueRunner(
            self.store, self.host, self.caps, spawn=lambda coro, name: asyncio.ensure_future(coro), poll_interval=0.02
        )
        await runner.start()
        batches = BatchRunner(runner, self.caps, api_factory=self.api, folder=self.paths.data / "batches",
                              ledger=self.ledger)  # fmt: skip
        return runner, batches

    def add(self, requests: list[Any]) -> list[int]:
        return [j.id for j in self.store.add(requests, profile="custom", base_url=self.sim.base_url)]

    def close(self) -> None:
        self.host.close()
        self.library.close()

    def go(self, body: Callable[[QueueRunner, BatchRunner], Awaitable[None]]) -> None:
        async def scenario() -> None:
            runner, batches = await self.start()
            try:
                await body(runner, batches)
            finally:
                await batches.close()
                await runner.stop()

        run(scenario())

    def api_batches(self) -> list[ApiBatch]:
        from imagestudio.core.batch.store import ApiBatchStore

        return ApiBatchStore(self.store).all()


@pytest.fixture
def service(simulator: OpenAISimulator) -> BatchService:
    return BatchService(simulator)


@pytest.fixture
def rig(paths: AppPaths, simulator: OpenAISimulator) -> Any:
    r = Rig(paths, simulator)
    yield r
    r.close()


def png(tmp: Path, name: str, size: tuple[int, int] = (64, 64)) -> str:
    path = tmp / name
    Image.new("RGBA", size, (200, 30, 30, 255)).save(path)
    return str(path)


def test_mixed_generations_and_edits_arrive_once_at_the_batch_price(
    rig: Rig, service: BatchService, tmp_path: Path
) -> None:
    source = png(tmp_path, "in.png")
    ids = rig.add([gen("kite 1", 2), gen("kite 2")])
    ids += rig.add([EditRequest("make it blue", "gpt-image-2", (source,), size="1024x1024", quality="low",
                                via_batch_api=True)])  # fmt: skip
    now = rig.add([GenerationRequest("now please", "gpt-image-2", "1024x1024", "low")])

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        # one batch per endpoint; nothing of the batch-mode jobs went to the synchronous endpoint
        assert service.calls["create"] == 2 and len(service.batches) == 2
        assert [j.state for j in rig.store.get_many(ids)] == [JobState.BATCHED] * 3
        assert rig.store.get(now[0]).state is JobState.QUEUED  # type: ignore[union-attr]  # the runner's, not ours
        for b in rig.api_batches():
            assert b.step == "submitted" and b.status == "validating"
        service.advance(steps=1)
        await batches.tick(poll_now=True)
        assert {b.status for b in rig.api_batches()} == {"in_progress"}
        service.advance(steps=3)
        await batches.tick(poll_now=True)

    rig.go(body)
    jobs = rig.store.get_many(ids)
    assert [j.state for j in jobs] == [JobState.DONE] * 3, [j.error for j in jobs]
    assert [j.received for j in jobs] == [2, 1, 1]
    generations = [r for r in rig.sim.requests if r.path.startswith("/v1/images/")]
    assert generations == []  # every image came through the batch
    # byte-exact: the library holds what the output file carried
    outputs = [f for f in service.files.values() if f.purpose == "batch_output"]
    sent = {hashlib.sha256(__import__("base64").b64decode(d["b64_json"])).hexdigest()
            for f in outputs for line in f.data.splitlines()
            for d in json.loads(line)["response"]["body"]["data"]}  # fmt: skip
    with sqlite3.connect(rig.paths.library_db) as db:
        stored = {r[0] for r in db.execute("SELECT sha256 FROM images")}
    assert stored == sent and len(stored) == 4
    # the ledger: one line per batch line, at the batch price (half of gpt-image-2's standard rates)
    entries = [e for e in rig.ledger.entries() if e.batch_line]
    assert len(entries) == 3 and len({e.batch_line for e in entries}) == 3
    for e in entries:
        u = Usage(**(e.usage or {}))
        batch_rates = (u.input_text_tokens * 2.5 + u.input_image_tokens * 4.0 + u.output_image_tokens * 15.0) / 1e6
        assert e.cost_usd == pytest.approx(batch_rates, abs=1e-6) and not e.estimated
        assert e.cost_usd == pytest.approx(cost_of_usage(rig.caps, "gpt-image-2", u).usd / 2, abs=2e-6)
    assert sum(j.cost_usd for j in jobs) == pytest.approx(sum(e.cost_usd or 0 for e in entries))
    # the edit carried its input as a data URL
    edit_file = next(f for f in service.files.values() if f.purpose == "batch" and b"/v1/images/edits" in f.data)
    assert b'"image_url":"data:image/png;base64,' in edit_file.data
    assert all(b.step == "ended" for b in rig.api_batches())
    assert not list((rig.paths.data / "batches").glob("*.jsonl"))  # its files are removed at the end


def test_error_lines_fail_their_jobs_with_the_api_message(rig: Rig, service: BatchService) -> None:
    ids = rig.add([gen("a calm forbidden sea"), gen("a calm sea")])

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        service.advance(steps=4)
        await batches.tick(poll_now=True)

    rig.go(body)
    bad, good = rig.store.get_many(ids)
    assert good.state is JobState.DONE
    assert bad.state is JobState.FAILED and "safety system" in (bad.error or "")
    assert len([e for e in rig.ledger.entries() if e.batch_line]) == 1  # a refused line is not charged


@pytest.mark.parametrize("in_error_file", [False, True], ids=["dropped", "batch_expired-lines"])
def test_expired_batch_keeps_what_ran_and_resends_the_rest_once_when_asked(
    rig: Rig, service: BatchService, in_error_file: bool
) -> None:
    service.expired_lines_in_error_file = in_error_file  # either way the API may report lines that never ran
    ids = rig.add([gen(f"tide {i}") for i in range(4)])

    async def first(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        b = service.only_batch()
        service.advance(b.id)  # validating → in_progress
        service.run_lines(b.id, 1)
        service.expire(b.id)
        await batches.tick(poll_now=True)

    rig.go(first)
    jobs = rig.store.get_many(ids)
    assert [j.state for j in jobs] == [JobState.DONE] + [JobState.INTERRUPTED] * 3
    assert "not charged" in (jobs[1].error or "")
    from imagestudio.core.batch.store import ApiBatchStore

    missing = ApiBatchStore(rig.store).missing_ids()
    assert missing == set(ids[1:])
    for job_id in missing:  # the person said yes
        assert rig.store.retry(job_id)

    async def second(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        assert len(service.batches) == 2
        newest = max(service.batches.values(), key=lambda b: b.created_at)
        assert len(newest.lines) == 0 and newest.status == "validating"
        service.advance(newest.id)
        assert len(newest.lines) == 3  # only what was missing
        service.expire(newest.id)
        await batches.tick(poll_now=True)

    rig.go(second)
    jobs = rig.store.get_many(ids)
    # missing twice: failed, not sent a third time
    assert [j.state for j in jobs[1:]] == [JobState.FAILED] * 3 and "twice" in (jobs[1].error or "")
    assert ApiBatchStore(rig.store).missing_ids() == set()


def test_cancel_one_job_drops_it_on_arrival_cancel_all_cancels_the_batch(rig: Rig, service: BatchService) -> None:
    ids = rig.add([gen("owl 1"), gen("owl 2")])

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        await runner.cancel(ids[0])
        job = rig.store.get(ids[0])
        assert job is not None and job.state is JobState.CANCELLED and "may still be charged" in (job.error or "")
        assert not rig.store.retry(ids[0])  # its line may still deliver: never sent twice
        service.advance(steps=4)
        await batches.tick(poll_now=True)

    rig.go(body)
    first, second = rig.store.get_many(ids)
    assert first.state is JobState.CANCELLED and first.received == 0 and second.state is JobState.DONE
    assert len([e for e in rig.ledger.entries() if e.batch_line]) == 2  # the dropped line was still paid for
    assert service.calls["cancel"] == 0

    more = rig.add([gen("lynx 1"), gen("lynx 2")])

    async def cancel_all(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        for job_id in more:
            await runner.cancel(job_id)
        await batches.tick(poll_now=True)
        assert service.calls["cancel"] == 1
        service.advance(steps=1)
        await batches.tick(poll_now=True)

    rig.go(cancel_all)
    assert [j.state for j in rig.store.get_many(more)] == [JobState.CANCELLED] * 2
    assert rig.api_batches()[-1].status == "cancelled" and rig.api_batches()[-1].step == "ended"


def test_cancelled_before_sending_nothing_is_submitted(rig: Rig, service: BatchService) -> None:
    ids = rig.add([gen("heron")])
    service.fail_next("upload", 500)

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()  # the upload failed: the batch waits to try again
        assert rig.api_batches()[0].step == "uploading"
        await runner.cancel(ids[0])
        await batches.tick(poll_now=True)

    rig.go(body)
    assert service.calls["create"] == 0


@pytest.mark.parametrize("op", ["upload", "create"])
def test_a_call_that_took_effect_but_broke_is_found_not_repeated(rig: Rig, service: BatchService, op: str) -> None:
    ids = rig.add([gen("fox 1"), gen("fox 2")])
    service.drop_after_effect(op)

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()  # the answer was lost: the step stays "uploading"/"submitting"
        await batches.tick(poll_now=True)  # finds the file / batch instead of sending again
        service.advance(steps=4)
        await batches.tick(poll_now=True)

    rig.go(body)
    assert [j.state for j in rig.store.get_many(ids)] == [JobState.DONE] * 2
    assert len(service.batches) == 1
    assert len([f for f in service.files.values() if f.purpose == "batch"]) == 1


def test_time_left_and_status_come_from_the_api_and_the_injected_clock(rig: Rig, service: BatchService) -> None:
    rig.add([gen("moth")])

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()
        b = rig.api_batches()[0]
        assert b.expires_at == service.only_batch().created_at + 24 * 3600
        assert b.next_poll == pytest.approx(T0 + 15.0)
        rig.clock.advance(10)
        assert await batches.tick() == pytest.approx(5.0)  # not due yet: nothing asked
        polls = service.calls["retrieve"]
        rig.clock.advance(10)
        await batches.tick()
        assert service.calls["retrieve"] == polls + 1
        assert rig.api_batches()[0].next_poll == pytest.approx(T0 + 20 + 30)  # backed off

    rig.go(body)


def test_batch_prices_and_saving() -> None:
    caps = Capabilities.load()
    request = GenerationRequest("x", "gpt-image-2", "1024x1024", "high")
    now, batch = batch_saving(caps, request)
    assert batch.usd == pytest.approx(now.usd / 2, abs=1e-6) and not batch.estimated and not now.estimated
    _now25, batch25 = batch_saving(caps, GenerationRequest("x", "gpt-image-2.5-sunburst", "1024x1024", "high"))
    assert batch25.estimated  # no Batch price published for 2.5: shown as estimated


def test_demo_profile_has_no_batch_api_and_runs_now(paths: AppPaths, simulator: OpenAISimulator) -> None:
    rig = Rig(paths, simulator)
    rig.api = lambda p, b: None  # type: ignore[assignment,method-assign,return-value]
    try:
        ids = rig.add([gen("demo")])

        async def body(runner: QueueRunner, batches: BatchRunner) -> None:
            await batches.tick()

        rig.go(body)
        job = rig.store.get(ids[0])
        assert job is not None and job.mode == "now" and job.state is JobState.QUEUED and "now" in (job.error or "")
    finally:
        rig.close()


def test_input_files_a_killed_process_left_unrecorded_are_swept(rig: Rig, service: BatchService) -> None:
    import os
    import subprocess
    import sys

    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True).stdout)
    folder = rig.paths.data / "batches"
    folder.mkdir(parents=True)
    orphan, alive = folder / f"input-{dead}-abc.jsonl", folder / f"input-{os.getpid()}-def.jsonl"
    orphan.write_bytes(b"{}\n")
    alive.write_bytes(b"{}\n")  # a live process may be about to record it

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()

    rig.go(body)
    assert not orphan.exists() and alive.exists()


@pytest.mark.parametrize("op", ["upload", "create"])
def test_a_refused_upload_or_submission_fails_its_jobs_and_charges_nothing(
    rig: Rig, service: BatchService, op: str
) -> None:
    ids = rig.add([gen("gull 1"), gen("gull 2")])
    service.fail_next(op, 400)

    async def body(runner: QueueRunner, batches: BatchRunner) -> None:
        await batches.tick()

    rig.go(body)
    jobs = rig.store.get_many(ids)
    assert [j.state for j in jobs] == [JobState.FAILED] * 2 and all(j.error for j in jobs)
    assert service.batches == {} and rig.api_batches()[0].step == "ended"
    assert not [e for e in rig.ledger.entries() if e.batch_line]
    assert all(rig.store.retry(i) for i in ids)  # the person may try again: nothing of it is pending
