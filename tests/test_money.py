"""Money end to end (issue 16): prices from usage exactly, streamed and not streamed alike, paid images never lost,
errors as the API sends them. The real SDK over HTTP to the simulator; the ledger is compared line by line with the
usage the server reported (``OpenAISimulator.reported_usages``)."""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import json
from email.utils import format_datetime
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from PIL import Image

from imagestudio.core import errors
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import FixedClock
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger, LedgerEntry
from imagestudio.core.money.pricing import cost_of_usage, estimate_request, parse_usage
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.factory import MeteredProvider
from imagestudio.core.providers.netguard import DownloadPolicy
from imagestudio.core.providers.openai_errors import _retry_after
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import JobStore
from imagestudio.core.types import EditRequest, GenerationRequest, GenerationResult, JobState
from tests import aio
from tests.aio import run_closing
from tests.simulator import OpenAISimulator
from tests.test_faults_api import run_job

CAPS = Capabilities.load()
IMAGE_OUT = 30 / 1_000_000  # $ per image output token (gpt-image-2)


NOW = FixedClock(dt.datetime(2026, 12, 7, 12, 0))


def _metered(sim: OpenAISimulator, tmp_path: Path, *, timeout: float = 10) -> tuple[MeteredProvider, Ledger]:
    ledger = Ledger(tmp_path, NOW)
    inner = OpenAIProvider(api_key=sim.api_key, base_url=sim.base_url, name="custom", timeout=timeout)
    return MeteredProvider(inner, ledger, CAPS), ledger


def _png(path: Path, size: tuple[int, int] = (1024, 1024)) -> str:
    Image.new("RGB", size, (30, 90, 200)).save(path, "PNG")
    return str(path)


def _paid(ledger: Ledger) -> list[LedgerEntry]:
    return [e for e in ledger.entries() if not e.possibly_charged]


def _matches_server(entry: LedgerEntry, reported: object, model: str = "gpt-image-2") -> None:
    """One ledger line against one usage the server sent: the same tokens, priced from them."""
    assert isinstance(reported, dict) and entry.usage is not None
    assert entry.input_tokens == reported["input_tokens"] and entry.output_tokens == reported["output_tokens"]
    assert entry.usage["input_image_tokens"] == reported["input_tokens_details"]["image_tokens"]
    assert entry.usage["output_image_tokens"] == reported["output_tokens_details"]["image_tokens"]
    expected = cost_of_usage(CAPS, model, parse_usage(reported)).usd
    assert entry.cost_usd == pytest.approx(expected) and not entry.estimated


@pytest.mark.parametrize("inputs", [0, 8])
def test_the_same_request_costs_the_same_streamed_and_not_apart_from_partials(
    simulator: OpenAISimulator, tmp_path: Path, inputs: int
) -> None:
    provider, ledger = _metered(simulator, tmp_path)
    images = tuple(_png(tmp_path / f"in{i}.png") for i in range(inputs))

    def request(partials: int | None) -> GenerationRequest | EditRequest:
        if inputs:
            return EditRequest("a red kite", "gpt-image-2", images, size="1024x1024", quality="medium",
                               partial_images=partials)  # fmt: skip
        return GenerationRequest("a red kite", "gpt-image-2", "1024x1024", "medium", partial_images=partials)

    async def both() -> tuple[GenerationResult, GenerationResult]:
        plain, streamed = request(None), request(3)
        call = provider.edit if inputs else provider.generate
        return await call(plain), await call(streamed)  # type: ignore[arg-type]

    plain, streamed = run_closing(provider, both())
    assert plain.cost_usd is not None and streamed.cost_usd is not None
    # the documented surcharge: 100 image output tokens per partial image received, inside usage.output_tokens
    assert streamed.usage.partial_images == 3
    assert streamed.cost_usd - plain.cost_usd == pytest.approx(3 * 100 * IMAGE_OUT)
    entries = _paid(ledger)
    assert len(entries) == 2 == len(simulator.reported_usages)
    for entry, reported in zip(entries, simulator.reported_usages, strict=True):
        _matches_server(entry, reported)


def test_previews_for_several_images_are_one_streamed_request_each(simulator: OpenAISimulator, tmp_path: Path) -> None:
    provider, ledger = _metered(simulator, tmp_path)
    request = GenerationRequest("three kites", "gpt-image-2", "1024x1024", "low", n=3, partial_images=1)
    result = run_closing(provider, provider.generate(request, on_partial=lambda i, d: None))
    bodies = [r.json for r in simulator.requests if r.path.endswith("/images/generations")]
    assert [(b or {}).get("n") for b in bodies] == [1, 1, 1] and all((b or {})["stream"] for b in bodies)
    assert len(result.images) == 3 and len(result.calls) == 3
    entries = _paid(ledger)
    assert len(entries) == 3  # one line per HTTP request, each as the server reported it
    for entry, reported in zip(entries, simulator.reported_usages, strict=True):
        _matches_server(entry, reported)
    assert result.cost_usd == pytest.approx(sum(e.cost_usd or 0 for e in entries))


def test_a_stream_cut_after_k_of_n_images_keeps_them_and_asks_for_the_rest(
    paths: AppPaths, simulator: OpenAISimulator
) -> None:
    simulator.cut_stream(after_images=0, after_partials=1, skip=1)  # the 2nd image's request breaks mid-way
    out = run_job(paths, simulator, n=3, partial_images=1)
    # (the simulator draws image i of a request from the prompt and i: three n=1 requests give one picture, stored
    # once and linked three times)
    assert out.job.state is JobState.DONE and out.job.received == 3 and len(out.job.image_ids) == 3
    asked = [a.asked for a in out.job.attempt_log]
    assert asked == [3, 2]  # the second attempt asks only for what was missing
    assert out.requests == 4  # 1 whole + 1 cut, then the 2 missing
    assert len(out.charged) == 1 and out.charged[0].estimated  # the cut request may have been billed
    paid = [e for e in out.ledger if not e.possibly_charged]
    assert len(paid) == 3 == len([u for u in simulator.reported_usages if u is not None])


def test_an_error_event_inside_a_stream_is_mapped_by_its_code(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.error_in_stream("moderation_blocked", after_partials=1)
    out = run_job(paths, simulator, partial_images=2)
    assert out.job.state is JobState.FAILED and out.requests == 1
    assert "The safety system refused this request" in (out.job.error or "")
    assert "Unexpected" not in (out.job.error or "") and out.ledger == []


def test_no_credit_inside_a_stream_is_never_retried(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.error_in_stream("insufficient_quota")
    out = run_job(paths, simulator, partial_images=1)
    assert out.job.state is JobState.FAILED and out.requests == 1
    assert "no credit left" in (out.job.error or "")


def test_a_server_error_event_is_retried(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.error_in_stream("server_error", after_partials=1)
    out = run_job(paths, simulator, partial_images=2)
    assert out.job.state is JobState.DONE and out.requests == 2
    assert "reported an error while sending" in out.messages[0] or "internal error" in out.messages[0]


def test_a_slow_answer_times_out_is_recorded_and_retried_once(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.delay_next(1.0)  # the first answer comes after the client gave up: it may have been billed
    out = run_job(paths, simulator, timeout=0.4)
    assert out.job.state is JobState.DONE and out.requests == 2 and out.images == 1
    assert len(out.charged) == 1 and out.charged[0].cost_usd and out.charged[0].cost_usd > 0


def test_408_is_retried(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.fail_next(408)
    out = run_job(paths, simulator)
    assert out.job.state is JobState.DONE and out.requests == 2


def test_organization_verification_says_what_to_do(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.fail_next(403, times=2)  # the API's text: "Your organization must be verified to use the model…"
    out = run_job(paths, simulator)
    assert out.job.state is JobState.FAILED and out.requests == 1
    assert "Verify Organization" in (out.job.error or "") and "15 minutes" in (out.job.error or "")


def test_a_refused_parameter_is_named(simulator: OpenAISimulator, tmp_path: Path) -> None:
    simulator.refuse("gpt-image-2.6-flare", "background")  # an unconfirmed 2.6 rule turns out wrong
    provider, _ledger = _metered(simulator, tmp_path)
    request = GenerationRequest("a glass", "gpt-image-2.6-flare", "1024x1024", "low", background="transparent")
    with pytest.raises(errors.BadRequest, match="'background'"):
        run_closing(provider, provider.generate(request))
    raw = json.loads((Path(__file__).parents[1] / "resources" / "models.json").read_text(encoding="utf-8"))
    flare = next(m for m in raw["models"] if m["id"] == "gpt-image-2.6-flare")
    assert set(flare["unconfirmed"]) == {"sizes", "qualities", "backgrounds", "markup"}


def test_url_results_are_downloaded_and_priced(simulator: OpenAISimulator, tmp_path: Path) -> None:
    simulator.answer_with_urls_next()
    ledger = Ledger(tmp_path)
    port = int(simulator.base_url.rsplit(":", 1)[1].split("/", 1)[0])
    loopback = DownloadPolicy(allowed=frozenset({("127.0.0.1", port)}))  # the test's own allowance
    inner = OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url, name="custom", timeout=10,
                           download_policy=loopback)  # fmt: skip
    provider = MeteredProvider(inner, ledger, CAPS)
    result = run_closing(provider, provider.generate(GenerationRequest("x", "gpt-image-2", "1024x1024", "low", n=2)))
    assert len(result.images) == 2 and all(im.data[:8] == b"\x89PNG\r\n\x1a\n" for im in result.images)
    _matches_server(_paid(ledger)[0], simulator.reported_usages[0])


ODD_USAGE = [
    '{"input_tokens": -5, "output_tokens": 196, "total_tokens": 191}',
    '{"input_tokens": 10, "output_tokens": ' + "9" * 400 + ', "total_tokens": 206}',
    '{"input_tokens": 10, "output_tokens": 1e400, "total_tokens": 206}',
    '{"input_tokens": 10, "output_tokens": NaN, "total_tokens": 206}',
    '{"input_tokens": "10", "output_tokens": "196", "total_tokens": "206"}',
    '{"input_tokens": 10, "output_tokens": -196, "total_tokens": -186}',
    "null",
    None,  # no usage at all
]


@pytest.mark.parametrize("usage", ODD_USAGE)
@pytest.mark.parametrize("streamed", [False, True])
def test_hostile_usage_costs_the_estimate_and_keeps_the_image(
    paths: AppPaths, simulator: OpenAISimulator, usage: str | None, streamed: bool
) -> None:
    simulator.odd_usage_next(usage)
    out = run_job(paths, simulator, partial_images=1 if streamed else None)
    assert out.job.state is JobState.DONE and out.images == 1 and out.requests == 1
    [entry] = out.ledger
    request = GenerationRequest("a red kite over the sea", "gpt-image-2", "1024x1024", "low",
                                partial_images=1 if streamed else None)  # fmt: skip
    assert entry.estimated and entry.usage is None
    assert entry.cost_usd is not None and entry.cost_usd > 0
    assert entry.cost_usd == pytest.approx(estimate_request(CAPS, request).usd)
    assert out.job.cost is not None and out.job.cost > 0 and out.job.cost_estimated
    totals = Ledger(paths.data).totals(now=out.ledger[0].at)
    assert totals.month_usd >= 0 and totals.estimated_calls == 1


def test_retry_after_ms_and_http_dates_are_honoured() -> None:
    def error(**headers: str) -> Any:
        return SimpleNamespace(response=SimpleNamespace(headers=headers))

    assert _retry_after(error(**{"retry-after-ms": "1500", "retry-after": "9"})) == 1.5
    assert _retry_after(error(**{"retry-after": "7"})) == 7.0
    now = dt.datetime(2026, 12, 7, 23, 0, tzinfo=dt.UTC)
    later = format_datetime(now + dt.timedelta(seconds=42), usegmt=True)
    assert _retry_after(error(**{"retry-after": later, "date": format_datetime(now, usegmt=True)})) == 42.0
    assert _retry_after(error(**{"retry-after": later})) is None  # no Date to measure against: the usual back-off
    assert _retry_after(error(**{"retry-after": "soon"})) is None


def test_test_connection_says_what_it_did_not_check(simulator: OpenAISimulator) -> None:
    provider = OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url, name="custom", timeout=10)
    text = run_closing(provider, provider.check())
    assert "the key is valid" in text and "Not checked" in text and "credit" in text


def test_the_budget_blocks_the_default_model_before_it_would_be_passed(
    simulator: OpenAISimulator, tmp_path: Path
) -> None:
    ledger = Ledger(tmp_path, NOW)
    inner = OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url, name="custom", timeout=10)
    provider = MeteredProvider(inner, ledger, CAPS, budget_usd=0.02)
    request = GenerationRequest("a red kite", "gpt-image-2", "1024x1024", "low")

    async def spend() -> int:
        sent = 0
        for _ in range(10):
            try:
                await provider.generate(request)
            except errors.ImageStudioError as e:
                assert "would take this month's spend" in e.message
                return sent
            sent += 1
        return sent

    # each costs $0.005895 (196 image tokens, the guide's $0.006); the 4th would pass $0.02 by its estimate
    assert run_closing(provider, spend()) == 3
    assert len([r for r in simulator.requests if r.path.endswith("/images/generations")]) == 3
    assert ledger.totals(0.02).month_usd == pytest.approx(3 * (196 * IMAGE_OUT + 3 * 5e-6))


def test_a_non_streamed_high_image_costs_the_published_figure(simulator: OpenAISimulator, tmp_path: Path) -> None:
    provider, ledger = _metered(simulator, tmp_path)
    run_closing(provider, provider.generate(GenerationRequest("kite", "gpt-image-2", "1024x1024", "high")))
    [entry] = ledger.entries()
    assert entry.usage is not None and entry.usage["output_image_tokens"] == 7024
    assert round(entry.cost_usd or 0, 3) == 0.211


def test_a_cancel_between_preview_requests_keeps_the_paid_image(paths: AppPaths, simulator: OpenAISimulator) -> None:
    """n=3 with previews is three requests; cancelled while the second is out, the first image is kept (and
    priced), the second request is recorded as possibly charged."""
    simulator.delay_next(0.0)
    simulator.delay_next(20.0)  # the second request's partial comes after 10 s, its image after 20 s
    library = Library(paths)
    store = JobStore(library.db)
    ledger = Ledger(paths.data, NOW)
    partials: list[int] = []

    def factory(_profile: str, _base_url: str) -> MeteredProvider:
        inner = OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url, timeout=60)
        return MeteredProvider(inner, ledger, CAPS)

    host = LocalHost(library, factory)
    request = GenerationRequest("three kites", "gpt-image-2", "1024x1024", "low", n=3, partial_images=2)

    async def go() -> Any:
        runner = QueueRunner(
            store,
            host,
            CAPS,
            spawn=lambda coro, name: asyncio.ensure_future(coro),
            poll_interval=0.02,
            on_partial=lambda job_id, index, data: partials.append(index),
        )
        await runner.start()
        [job] = await asyncio.to_thread(store.add, [request], profile="openai", base_url=simulator.base_url)
        loop = asyncio.ensure_future(runner.run())
        try:
            while len([r for r in simulator.requests if r.path.endswith("/generations")]) < 2:
                await asyncio.sleep(0.02)
            await asyncio.sleep(0.3)  # the second request is out, its answer far away
            await runner.cancel(job.id)
            await asyncio.wait_for(runner.wait_idle(), 30)
        finally:
            await runner.stop()
            loop.cancel()
        return store.get(job.id)

    try:
        job = aio.run(go())
        stored = library.db.count()
    finally:
        host.close()
        library.close()
    assert job.state is JobState.CANCELLED and job.received == 1 and stored == 1
    entries = ledger.entries()
    assert [e.possibly_charged for e in entries] == [False, True]
    _matches_server(entries[0], simulator.reported_usages[0])
    assert job.cost == pytest.approx(entries[0].cost_usd)


def test_a_link_that_cannot_be_fetched_is_recorded_with_its_usage_and_retried_once(
    paths: AppPaths, simulator: OpenAISimulator
) -> None:
    simulator.answer_with_urls_next(broken=True)  # the answer (and its usage) arrives; its image link is dead
    out = run_job(paths, simulator)
    assert out.job.state is JobState.DONE and out.requests == 2 and out.images == 1
    assert out.charged == []  # its own usage is in the ledger: no second, estimated line for it
    assert len(out.ledger) == 2
    for entry, reported in zip(out.ledger, simulator.reported_usages, strict=True):
        _matches_server(entry, reported)
    assert out.job.attempt_log[0].outcome == "possibly_charged"


@pytest.mark.parametrize("usage", ['{"input_tokens": "12", "output_tokens": -3, "total_tokens": 9}', None])
def test_hostile_usage_of_the_text_model_is_never_free(
    simulator: OpenAISimulator, tmp_path: Path, usage: str | None
) -> None:
    simulator.odd_usage_next(usage)
    provider, ledger = _metered(simulator, tmp_path)
    answer = run_closing(provider, provider.complete_text(model="gpt-6-luna", instructions="Improve.", text="a kite"))
    assert answer.text and answer.input_tokens > 0 and answer.output_tokens > 0
    [entry] = ledger.entries()
    assert entry.kind == "enhance" and entry.cost_usd is not None and entry.cost_usd > 0


def test_the_library_keeps_each_images_share_of_the_metered_cost(paths: AppPaths) -> None:
    from tests.test_library import make_result

    library = Library(paths)
    try:
        request, result = make_result(prompt="two", n=2, size=(64, 64), provider="custom")
        priced = dataclasses.replace(result, usage=parse_usage(None), cost_usd=0.5, cost_estimated=True)
        images = library.ingest(request, priced)
        assert [im.cost_usd for im in images] == [0.25, 0.25]  # usage unknown: the estimate, never "unknown"
    finally:
        library.close()


def test_a_flat_error_event_is_mapped_by_its_code_too(paths: AppPaths, simulator: OpenAISimulator) -> None:
    simulator.error_in_stream("moderation_blocked", after_partials=1, flat=True)
    out = run_job(paths, simulator, partial_images=2)
    assert out.job.state is JobState.FAILED and out.requests == 1
    assert "The safety system refused this request" in (out.job.error or "")
