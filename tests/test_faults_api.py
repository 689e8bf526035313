"""API faults through the simulator, end to end through the real queue: the real SDK over real HTTP, the
provider (``max_retries=0``), the ledger wrapper, ``QueueRunner`` with the queue's ``RetryPolicy``, the library.

For each fault: how often it is retried and after which delays (the real policy decides; the recorded delays are
asserted, then shortened so the test does not wait), the message a person sees, the job's final state, nothing
half-written, and the ledger charged only for images that were received.
"""

from __future__ import annotations

import asyncio
import dataclasses
import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import ImageStudioError
from imagestudio.core.library import integrity
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger, LedgerEntry
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import MeteredProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.jobs import Job
from imagestudio.core.queue.retry import Decision, RetryPolicy
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import GenerationRequest, JobState
from tests import aio
from tests.simulator import OpenAISimulator


class RecordingPolicy(RetryPolicy):
    """The real policy; what it decided is recorded, then the wait is cut to a few ms."""

    def __init__(self) -> None:
        super().__init__(rng=random.Random(11))
        self.seen: list[tuple[str, Decision]] = []

    def decide(self, error: ImageStudioError, *, attempt: int, rate_limited_before: int = 0, **more: int) -> Decision:
        decision = super().decide(error, attempt=attempt, rate_limited_before=rate_limited_before, **more)
        self.seen.append((type(error).__name__, decision))
        return dataclasses.replace(decision, delay=min(decision.delay, 0.02))

    @property
    def delays(self) -> list[float]:
        return [d.delay for _name, d in self.seen if d.retry]


@dataclass
class Outcome:
    job: Job
    policy: RecordingPolicy
    requests: int
    ledger: list[LedgerEntry]
    images: int
    partials: list[int] = field(default_factory=list)

    @property
    def ledger_entries(self) -> int:
        return len(self.ledger)

    @property
    def charged(self) -> list[LedgerEntry]:
        return [e for e in self.ledger if e.possibly_charged]

    @property
    def messages(self) -> list[str]:
        return [a.error or "" for a in self.job.attempt_log]


@pytest.fixture
def sim() -> Iterator[OpenAISimulator]:
    with OpenAISimulator() as s:
        yield s


def run_job(paths: AppPaths, sim: OpenAISimulator, *, timeout: float = 30.0, **options: Any) -> Outcome:
    library = Library(paths)
    store = JobStore(library.db)
    ledger = Ledger(paths.data)
    caps = Capabilities.load()
    policy = RecordingPolicy()
    partials: list[int] = []

    def factory(_profile: str, _base_url: str) -> MeteredProvider:
        inner = OpenAIProvider(api_key=sim.api_key, base_url=sim.base_url, timeout=timeout)
        return MeteredProvider(inner, ledger, caps)

    host = LocalHost(library, factory)
    request = GenerationRequest(
        **{"prompt": "a red kite over the sea", "model": "gpt-image-2", "size": "1024x1024", "quality": "low"} | options
    )

    async def go() -> Job:
        runner = QueueRunner(
            store,
            host,
            caps,
            spawn=lambda coro, name: asyncio.ensure_future(coro),
            policy=policy,
            poll_interval=0.02,
            on_partial=lambda job_id, index, data: partials.append(index),
        )
        await runner.start()
        [job] = await asyncio.to_thread(store.add, [request], profile="openai", base_url=sim.base_url)
        loop = asyncio.ensure_future(runner.run())
        try:
            await asyncio.wait_for(runner.wait_idle(), 30)
        finally:
            await runner.stop()
            loop.cancel()
        final = store.get(job.id)
        assert final is not None
        return final

    try:
        job = aio.run(go())
        report = integrity.check(library)
        assert report.problems == 0, report.lines()  # nothing half-written, no orphan
        assert not [p for p in paths.tmp.rglob("*") if p.is_file()]
        images = library.db.count()
    finally:
        host.close()
        library.close()
    generations = [r for r in sim.requests if r.path.endswith("/images/generations")]
    return Outcome(job, policy, len(generations), ledger.entries(), images, partials)


def _done(out: Outcome, *, requests: int, possibly_charged: int = 0) -> None:
    assert out.job.state is JobState.DONE and out.job.received == 1
    assert out.requests == requests and out.images == 1
    # charged once for the one answer that held the image; an attempt that broke after it may have been billed
    # has its own line, counted at the estimate and marked
    assert out.ledger_entries == 1 + possibly_charged
    assert len(out.charged) == possibly_charged
    assert all(e.estimated and e.cost_usd and e.cost_usd > 0 and e.usage is None for e in out.charged)
    paid = [e for e in out.ledger if not e.possibly_charged]
    assert paid[0].usage is not None and not paid[0].estimated


def _failed(out: Outcome, *, requests: int, message: str) -> None:
    assert out.job.state is JobState.FAILED
    assert message in (out.job.error or ""), out.job.error
    assert out.requests == requests and out.images == 0
    assert out.ledger_entries == 0  # nothing received, nothing charged
    assert out.job.received == 0 and out.job.image_ids == ()


def test_429_with_retry_after_waits_what_the_server_asks(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.fail_next(429, retry_after=7, times=2)
    out = run_job(paths, sim)
    _done(out, requests=3)
    assert [name for name, _d in out.policy.seen] == ["RateLimited", "RateLimited"]
    assert all(d.profile_wide for _n, d in out.policy.seen)  # the whole profile waits, not only this job
    assert all(7.0 <= d <= 7.7 for d in out.policy.delays), out.policy.delays
    assert "Too many requests (429). Try again in 7 s." in out.messages[0]


def test_429_with_a_very_long_retry_after_is_not_waited_for(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.fail_next(429, retry_after=3600)
    out = run_job(paths, sim)
    _failed(out, requests=1, message="Too many requests (429). Try again in 3600 s.")


def test_429_insufficient_quota_is_never_retried(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.fail_next(429, code="insufficient_quota", times=5)
    out = run_job(paths, sim)
    _failed(out, requests=1, message="no credit left (insufficient_quota)")
    assert [d.retry for _n, d in out.policy.seen] == [False]


def test_500_then_success_backs_off_exponentially(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.fail_next(500, times=2)
    out = run_job(paths, sim)
    _done(out, requests=3)
    first, second = out.policy.delays
    assert 1.0 <= first <= 2.0 and 2.0 <= second <= 4.0  # base 2 s, doubling, "equal jitter"
    assert "internal error (500)" in out.messages[0]


def test_503_every_time_gives_up_after_four_tries(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.fail_next(503, times=10)
    out = run_job(paths, sim)
    _failed(out, requests=4, message="The image service had an internal error (503). Try again later.")
    assert [d.retry for _n, d in out.policy.seen] == [True, True, True, False]


def test_timeouts_after_sending_are_retried_once_then_wait(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.latency = 1.0  # longer than the client's timeout: the request was sent, the server may bill it
    out = run_job(paths, sim, timeout=0.3)
    assert out.job.state is JobState.INTERRUPTED and out.requests == 2 and out.images == 0
    assert "The request timed out." in (out.job.error or "") and "may have been charged" in (out.job.error or "")
    assert [(name, d.retry, d.wait_for_user) for name, d in out.policy.seen] == [
        ("NetworkError", True, False),
        ("NetworkError", False, True),
    ]
    assert len(out.charged) == 2 and out.ledger_entries == 2  # both attempts recorded as possibly charged


def test_connection_dropped_mid_body_is_retried(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.drop_connection_next()
    out = run_job(paths, sim)
    _done(out, requests=2, possibly_charged=1)
    assert out.policy.seen[0][0] == "NetworkError" and out.policy.seen[0][1].retry


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"created": 1, "data": [{"b64_json": "iVBORw0KGgo', "cut off or is not valid JSON"),  # cut mid-body
        (b"<html>502 Bad Gateway</html>", "cut off or is not valid JSON"),  # not JSON at all
        (b'{"created": 1, "data": [{"b64_json": "%%% not base64 %%%"}]}', "not valid base64"),
        (b'{"created": 1, "data": []}', "contained no images"),
        (b'{"created": 1, "data": [{"revised_prompt": "x"}]}', "an entry without image data"),
    ],
)
def test_truncated_or_invalid_answers_are_retried(
    paths: AppPaths, sim: OpenAISimulator, body: bytes, message: str
) -> None:
    sim.fail_next(200, raw_body=body)
    out = run_job(paths, sim)
    _done(out, requests=2, possibly_charged=1)
    assert out.policy.seen[0][0] == "BadResponse"
    assert message in out.messages[0]


def test_an_answer_that_is_not_an_image_is_a_bad_response(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.fail_next(200, raw_body=b'{"created": 1, "data": [{"b64_json": "aGVsbG8gd29ybGQ="}]}')
    out = run_job(paths, sim)
    assert "Unexpected error" not in " ".join(out.messages)
    assert "cannot be used" in out.messages[0]
    assert out.job.state is JobState.DONE and out.job.received == 1
    assert out.requests == 2 and out.images == 1  # retried once, the good answer stored, the bad one not


def test_stream_cut_after_a_partial_saves_nothing_from_it(paths: AppPaths, sim: OpenAISimulator) -> None:
    sim.cut_stream_after_partials(1)
    out = run_job(paths, sim, partial_images=2)
    _done(out, requests=2, possibly_charged=1)
    assert out.policy.seen[0][0] in ("BadResponse", "NetworkError")
    assert out.partials[:1] == [0]  # the preview arrived; only the second, whole answer became an image


@pytest.mark.parametrize(
    ("status", "code", "message", "error"),
    [
        (401, None, "The API key was rejected (401)", "AuthError"),
        (403, None, "organization must be verified", "PermissionDenied"),
        (404, "model_not_found", "does not know this model or endpoint (404)", "ModelNotFound"),
        (400, "moderation_blocked", "The safety system refused this request", "ModerationBlocked"),
        (400, "billing_hard_limit_reached", "The server refused the request", "BadRequest"),
    ],
)
def test_client_errors_fail_at_once(
    paths: AppPaths, sim: OpenAISimulator, status: int, code: str | None, message: str, error: str
) -> None:
    sim.fail_next(status, code=code, times=3)
    out = run_job(paths, sim)
    _failed(out, requests=1, message=message)
    assert [(n, d.retry) for n, d in out.policy.seen] == [(error, False)]
    assert sim.api_key not in (out.job.error or "")
