"""The persistent job queue (core/queue/store.py + core/queue/runner.py) against the simulator through the real SDK."""

from __future__ import annotations

import asyncio
import random
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.library.library import Library
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.base import ImageProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.jobs import Job
from imagestudio.core.queue.retry import RetryPolicy
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GeneratedImage, GenerationRequest, GenerationResult, JobState
from tests.aio import run
from tests.simulator import OpenAISimulator, render_image


def fast_policy(**changes: Any) -> RetryPolicy:
    values: dict[str, Any] = {"base_delay": 0.01, "max_delay": 0.05, "rate_limit_delay": 0.05}
    return RetryPolicy(**(values | changes), rng=random.Random(7))


def sim_factory(sim: OpenAISimulator) -> Callable[[str, str], ImageProvider]:
    return lambda profile, base_url: OpenAIProvider(api_key=sim.api_key, base_url=base_url, name=profile)


def req(prompt: str, n: int = 1) -> GenerationRequest:
    return GenerationRequest(prompt, "gpt-image-2", "1024x1024", "low", n)


async def drive(
    paths: AppPaths,
    factory: Callable[[str, str], ImageProvider],
    add: Callable[[JobStore], list[Job]],
    *,
    concurrency: int = 3,
    policy: RetryPolicy | None = None,
    before: Callable[[JobStore], None] | None = None,
    act: Callable[[QueueRunner], Any] | None = None,
    host_type: type[LocalHost] = LocalHost,
) -> list[Job]:
    library = Library(paths)
    host = host_type(library, factory)
    store = JobStore(library.db)
    try:
        if before is not None:
            before(store)
        add(store)
        runner = QueueRunner(
            store,
            host,
            Capabilities.load(),
            spawn=lambda coro, name: asyncio.ensure_future(coro),
            concurrency=lambda: concurrency,
            policy=policy or fast_policy(),
            poll_interval=0.02,
        )
        await runner.start()
        loop = asyncio.ensure_future(runner.run())
        if act is not None:
            await act(runner)
        await asyncio.wait_for(runner.wait_idle(), 30)
        await runner.stop()
        loop.cancel()
        return store.all()
    finally:
        host.close()
        library.close()


def generations(sim: OpenAISimulator) -> list[dict[str, Any]]:
    return [r.json or {} for r in sim.requests if r.path == "/v1/images/generations"]


def test_jobs_run_to_done_with_images_cost_and_request_order(paths: AppPaths, simulator: OpenAISimulator) -> None:
    prompts = [f"lighthouse {i}" for i in range(5)]
    jobs = run(
        drive(
            paths,
            sim_factory(simulator),
            lambda s: s.add([req(p, 2) for p in prompts], profile="custom", base_url=simulator.base_url),
            concurrency=1,
        )
    )
    assert [j.state for j in jobs] == [JobState.DONE] * 5
    assert [g["prompt"] for g in generations(simulator)] == prompts  # queue order
    assert all(j.received == 2 and len(set(j.image_ids)) == 2 and j.attempts == 1 for j in jobs)
    # gpt-image-2 has published prices and the simulator reports usage: an exact cost for every job
    assert all(j.cost is not None and j.cost > 0 and not j.cost_estimated for j in jobs)
    with sqlite3.connect(paths.library_db) as db:
        assert db.execute("SELECT count(*) FROM images").fetchone()[0] == 10
        assert db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


class CountingProvider:
    """Records how many requests are in flight at once and in which order they started."""

    name = "demo"

    def __init__(self, state: dict[str, Any]) -> None:
        self.state = state

    async def generate(self, request: GenerationRequest) -> GenerationResult:
        s = self.state
        s["now"] += 1
        s["max"] = max(s["max"], s["now"])
        s["order"].append(request.prompt)
        await asyncio.sleep(0.05)
        s["now"] -= 1
        data = render_image(request.prompt, 0, 64, 64)
        return GenerationResult((GeneratedImage(data, "png"),) * request.n, "demo", request.model)

    async def check(self) -> str:
        return ""

    async def aclose(self) -> None:
        return None


def test_concurrency_limit_per_profile_and_written_before_sent(paths: AppPaths) -> None:
    state: dict[str, Any] = {"now": 0, "max": 0, "order": []}
    seen_rows: list[str] = []

    def factory(profile: str, base_url: str) -> ImageProvider:
        # the job row exists (and says running) before the provider is even built
        with sqlite3.connect(paths.library_db) as db:
            seen_rows.extend(r[0] for r in db.execute("SELECT state FROM queue_jobs WHERE state = 'running'"))
        return CountingProvider(state)

    prompts = [f"p{i}" for i in range(7)]
    jobs = run(drive(paths, factory, lambda s: s.add([req(p) for p in prompts], profile="demo"), concurrency=2))
    assert state["max"] == 2
    assert sorted(state["order"]) == prompts
    claimed = sorted(jobs, key=lambda j: (j.started_at, j.id))
    assert [j.request.prompt for j in claimed] == prompts  # claimed in queue order
    assert len(seen_rows) >= 7
    assert all(j.state is JobState.DONE for j in jobs)


def test_rate_limit_makes_whole_profile_wait(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.fail_next(429, retry_after=0.4)
    stamps: list[float] = []

    def factory(profile: str, base_url: str) -> ImageProvider:
        stamps.append(time.monotonic())
        return OpenAIProvider(api_key=simulator.api_key, base_url=base_url, name=profile)

    jobs = run(
        drive(
            paths,
            factory,
            lambda s: s.add([req("a"), req("b"), req("c")], profile="custom", base_url=simulator.base_url),
            concurrency=1,
        )
    )
    assert [j.state for j in jobs] == [JobState.DONE] * 3
    first = jobs[0]
    assert first.attempts == 2
    assert [a.outcome for a in first.attempt_log] == ["rate_limited", "ok"]
    # after the 429 nothing of this profile was sent before retry-after passed
    assert stamps[1] - stamps[0] >= 0.4
    assert len(generations(simulator)) == 4


def test_quota_is_never_retried(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.fail_next(429, code="insufficient_quota")
    jobs = run(
        drive(paths, sim_factory(simulator), lambda s: s.add([req("x")], profile="custom", base_url=simulator.base_url))
    )
    assert jobs[0].state is JobState.FAILED
    assert "credit" in (jobs[0].error or "")
    assert jobs[0].attempts == 1 and len(generations(simulator)) == 1


def test_server_errors_and_dropped_connections_back_off_then_give_up(
    paths: AppPaths, simulator: OpenAISimulator
) -> None:
    simulator.drop_connection_next()
    simulator.fail_next(500)
    ok = run(
        drive(paths, sim_factory(simulator), lambda s: s.add([req("y")], profile="custom", base_url=simulator.base_url))
    )
    assert ok[0].state is JobState.DONE and ok[0].attempts == 3
    simulator.fail_next(503, times=10)
    failed = run(
        drive(
            paths,
            sim_factory(simulator),
            lambda s: s.add([req("z")], profile="custom", base_url=simulator.base_url),
            policy=fast_policy(max_attempts=3),
        )
    )
    z = next(j for j in failed if j.request.prompt == "z")
    assert z.state is JobState.FAILED and z.attempts == 3
    assert "internal error" in (z.error or "")


def test_interrupted_job_asks_only_for_missing_images(paths: AppPaths, simulator: OpenAISimulator) -> None:
    """A process died after storing 2 of 4 images: the job is interrupted, and resuming asks for 2."""
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead_pid = int(dead.stdout)

    def crashed_run(store: JobStore) -> None:
        job = store.add([req("half done", 4)], profile="custom", base_url=simulator.base_url)[0]
        token = f"{socket.gethostname()}:{dead_pid}:dead"
        store.register_runner(token, dead_pid, socket.gethostname())
        claimed = store.claim(job.id, token)
        assert claimed is not None
        hook = store.progress_hook(job.id, 1, cost=0.01, request_id="req_1", done=False)
        with store.db.transaction() as c:
            hook(c, [901, 902])

    async def resume(runner: QueueRunner) -> None:
        assert runner.interrupted_at_start == [1]
        job = runner.store.get(1)
        assert job is not None and job.state is JobState.INTERRUPTED and job.received == 2
        await runner.act(runner.store.retry, 1)

    jobs = run(drive(paths, sim_factory(simulator), lambda s: [], before=crashed_run, act=resume))
    job = jobs[0]
    assert job.state is JobState.DONE, job.error
    assert [g["n"] for g in generations(simulator)] == [2]
    assert job.received == 4 and len(job.image_ids) == 4 and job.image_ids[:2] == (901, 902)
    assert [a.outcome for a in job.attempt_log] == ["ok", "ok"]


def test_store_actions_move_duplicate_retry_clear(paths: AppPaths) -> None:
    library = Library(paths)
    try:
        store = JobStore(library.db)
        a, b, c = store.add([req("a"), req("b"), req("c")], profile="demo")
        assert store.move(c.id, -2)
        assert [j.request.prompt for j in store.all()] == ["c", "a", "b"]
        assert not store.move(c.id, -1)  # already first
        copy = store.duplicate(a.id)
        assert copy is not None and copy.request == a.request and copy.id not in (a.id, b.id, c.id)
        assert store.request_cancel(b.id)
        assert store.get(b.id).state is JobState.CANCELLED  # type: ignore[union-attr]
        assert store.retry(b.id)
        again = store.get(b.id)
        assert again is not None and again.state is JobState.QUEUED and again.retry_base == again.attempts
        store.request_cancel(a.id)
        assert store.clear_finished() == [a.id]
        assert {j.request.prompt for j in store.all()} == {"a", "b", "c"}  # the duplicate of a stays
    finally:
        library.close()


def test_only_one_process_claims_a_job(paths: AppPaths) -> None:
    first, second = Library(paths), Library(paths)
    try:
        one, two = JobStore(first.db), JobStore(second.db)
        job = one.add([req("shared")], profile="demo")[0]
        assert two.data_version() != -1
        assert one.claim(job.id, "runner-1") is not None
        assert two.claim(job.id, "runner-2") is None
        assert two.get(job.id).owner == "runner-1"  # type: ignore[union-attr]
        # a job queued by a batch process (owner set) is not claimed by another runner
        owned = two.add([req("batch")], profile="demo", owner="runner-2", batch="b1")[0]
        assert owned.id not in [j.id for j in one.candidates("runner-1")]
        assert owned.id in [j.id for j in one.candidates("runner-2", batch="b1")]
    finally:
        first.close()
        second.close()


def test_job_written_by_another_connection_is_run(paths: AppPaths) -> None:
    """The GUI's runner picks up a job queued by the CLI (another connection) and reports it."""
    reported: list[int] = []
    state: dict[str, Any] = {"now": 0, "max": 0, "order": []}

    async def scenario() -> JobState:
        library = Library(paths)
        host = LocalHost(library, lambda p, b: CountingProvider(state))
        store = JobStore(library.db)
        runner = QueueRunner(
            store,
            host,
            Capabilities.load(),
            spawn=lambda coro, name: asyncio.ensure_future(coro),
            on_jobs=lambda jobs: reported.extend(j.id for j in jobs),
            poll_interval=0.02,
        )
        await runner.start()
        loop = asyncio.ensure_future(runner.run())
        other = Library(paths)
        job = await asyncio.to_thread(lambda: JobStore(other.db).add([req("from cli")], profile="demo")[0])
        for _ in range(200):
            got = store.get(job.id)
            if got is not None and got.state is JobState.DONE:
                break
            await asyncio.sleep(0.02)
        await runner.stop()
        loop.cancel()
        other.close()
        host.close()
        final = store.get(job.id)
        library.close()
        assert final is not None
        return final.state

    assert run(scenario()) is JobState.DONE
    assert 1 in reported


def test_policy_decisions() -> None:
    from imagestudio.core.errors import AuthError, NetworkError, QuotaExceeded, RateLimited

    p = RetryPolicy(rng=random.Random(1))
    assert not p.decide(QuotaExceeded("no credit"), attempt=1).retry
    assert not p.decide(AuthError("bad key"), attempt=1).retry
    limited = p.decide(RateLimited("slow down", retry_after=7), attempt=1)
    assert limited.retry and limited.profile_wide and 7 <= limited.delay <= 8
    assert not p.decide(RateLimited("slow down", retry_after=3600), attempt=1).retry
    delays = [p.decide(NetworkError("dropped"), attempt=a).delay for a in (1, 2, 3)]
    assert delays[0] <= 2.0 <= delays[2] and all(d > 0 for d in delays)
    assert not p.decide(NetworkError("dropped"), attempt=4).retry


def test_one_look_claims_what_fits_per_profile_in_queue_order(paths: AppPaths) -> None:
    """The scheduler's single DB call: free slots per (profile, base_url), back-off and not_before respected."""
    library = Library(paths)
    try:
        store = JobStore(library.db)
        a = store.add([req("a1"), req("a2"), req("a3")], profile="a")
        b = store.add([req("b1"), req("b2")], profile="b")
        later = store.add([req("c1")], profile="c")[0]
        with library.db.transaction() as c:
            c.execute("UPDATE queue_jobs SET not_before = ? WHERE id = ?", (time.time() + 30, later.id))
        running = {("a", ""): 1}  # one of profile a's two slots is taken
        claimed, next_look = store.claim_fitting("r1", None, 2, running, {("b", ""): time.time() + 60}, set(), 5.0)
        assert [job.id for job, _key in claimed] == [a[0].id]  # b backs off, c is not due, a had one slot left
        assert running == {("a", ""): 2}
        assert next_look <= time.time() + 5.0
        claimed, _ = store.claim_fitting("r1", None, 2, {}, {}, {a[1].id}, 5.0)  # a2 is busy in this runner
        assert [job.id for job, _key in claimed] == [a[2].id, b[0].id, b[1].id]
        assert all(job.state is JobState.RUNNING and job.owner == "r1" for job, _key in claimed)
    finally:
        library.close()


class GatedSavingHost(LocalHost):
    """Holds the runner's "mark the job saving" DB call until the test lets it go."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        self.entered = asyncio.Event()
        self.gate = asyncio.Event()

    async def db(self, fn: Callable[..., Any], *args: Any) -> Any:
        if getattr(getattr(fn, "func", fn), "__name__", "") == "_set_saving":  # the runner passes a partial
            self.entered.set()
            await self.gate.wait()
        return await super().db(fn, *args)


def test_a_cancel_while_the_job_is_being_marked_saving_still_keeps_the_paid_image(paths: AppPaths) -> None:
    """The answer has arrived (paid): a cancel landing before the images are written must not drop them."""
    hosts: list[GatedSavingHost] = []

    class Host(GatedSavingHost):
        def __init__(self, *args: Any) -> None:
            super().__init__(*args)
            hosts.append(self)

    async def cancel_while_marking(runner: QueueRunner) -> None:
        [host] = hosts
        await asyncio.wait_for(host.entered.wait(), 10)
        [job_id] = runner.running_ids()
        cancelling = asyncio.ensure_future(runner.cancel(job_id))
        await asyncio.sleep(0.05)  # the cancel reaches the job while it waits on the DB call
        host.gate.set()
        await asyncio.wait_for(cancelling, 10)

    state: dict[str, Any] = {"now": 0, "max": 0, "order": []}
    [job] = run(
        drive(
            paths, lambda profile, base_url: CountingProvider(state),
            lambda s: s.add([req("a paid lighthouse")], profile="demo", base_url=""),
            concurrency=1, act=cancel_while_marking, host_type=Host,
        )
    )  # fmt: skip
    assert job.received == 1 and len(job.image_ids) == 1
    with sqlite3.connect(paths.library_db) as db:
        assert db.execute("SELECT count(*) FROM images").fetchone()[0] == 1
    assert job.state is JobState.DONE
