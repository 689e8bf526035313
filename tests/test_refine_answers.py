"""Refine answers beyond the plain one image (issue 20), through the real SDK over HTTP to the strict simulator:
the model calling the image tool twice (every image kept, usage counted once per response), an ``error`` event
after one image, a body cut after a partial, ``response.incomplete`` with and without an image, and a cancel while
the answer streams (the request was sent: a "possibly charged" ledger line)."""

from __future__ import annotations

import asyncio
import hashlib
from pathlib import Path
from typing import Any

import pytest

from imagestudio.core import lineage, refine
from imagestudio.core.money.pricing import cost_of_usage, parse_usage
from imagestudio.core.paths import AppPaths
from imagestudio.core.queue.retry import RetryPolicy
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import Job
from imagestudio.core.types import JobState, LibraryImage, RefineRequest
from tests import aio
from tests.simulator import OpenAISimulator
from tests.test_refine import CAPS, Studio


@pytest.fixture
def studio(paths: AppPaths, simulator: OpenAISimulator) -> Any:
    s = Studio(paths, simulator)
    yield s
    s.close()


def _request(parent: LibraryImage, instruction: str, **options: Any) -> RefineRequest:
    options.setdefault("size", "1024x1024")
    options.setdefault("quality", "low")
    return refine.request_for(parent, parent.path, instruction, CAPS, text_model="gpt-4.1-mini", **options)


def _children(studio: Studio, job: Job) -> list[LibraryImage]:
    found = studio.library.db.get_many(list(job.image_ids))
    return sorted(found, key=lambda i: i.id)


def _refine_lines(studio: Studio) -> list[Any]:
    return [e for e in studio.ledger.entries() if e.kind == "refine"]


@pytest.mark.parametrize("partials", [0, 2])
def test_two_image_calls_are_both_kept_as_siblings(studio: Studio, simulator: OpenAISimulator, partials: int) -> None:
    root = studio.seed()
    simulator.image_tool.next_answer(images=2)
    job = studio.run(_request(root, "two takes: dusk and dawn", partial_images=partials))
    assert job.state is JobState.DONE, job.error
    [turn] = simulator.image_tool.turns
    assert len(turn.images) == 2 and turn.images[0] != turn.images[1]
    first, second = _children(studio, job)
    for image, data, call_id in zip((first, second), turn.images, turn.call_ids, strict=True):
        assert lineage.parents_of(image.params) == (root.id,)  # both children of the parent: siblings
        assert image.prompt == "two takes: dusk and dawn"
        assert Path(image.path).read_bytes() == data
        assert image.sha256 == hashlib.sha256(data).hexdigest()
        assert image.params["response"]["image_call_id"] == call_id
        assert image.params["response"]["response_id"] == turn.response_id
        assert image.params["response"]["images_in_response"] == 2
    # the conversation continues from the last image; the earlier sibling sends its own image next time
    assert refine.stored_response(second) == (turn.response_id, turn.call_ids[1], True)
    assert refine.stored_response(first)[2] is False
    # one response, one ledger line, priced once from the summed usage the API reported
    [line] = _refine_lines(studio)
    usage = parse_usage(turn.tool_usage["image_gen"], partial_images=2 * partials)
    import dataclasses

    usage = dataclasses.replace(usage, agent_input_tokens=turn.usage["input_tokens"],
                                agent_output_tokens=turn.usage["output_tokens"])  # fmt: skip
    assert line.cost_usd == pytest.approx(cost_of_usage(CAPS, "gpt-image-2", usage, agent_model="gpt-4.1-mini").usd)
    assert not line.possibly_charged and not line.estimated
    assert first.cost_usd is not None and second.cost_usd is not None
    assert first.cost_usd + second.cost_usd == pytest.approx(line.cost_usd, abs=1e-5)
    # the next turns: from the last by id, from the first with its image
    studio.turn(second, "warmer")
    studio.turn(first, "cooler")
    body_last, body_first = (r.json for r in simulator.requests[-2:])
    assert body_last is not None and body_last["previous_response_id"] == turn.response_id
    assert body_first is not None and "previous_response_id" not in body_first
    assert simulator.image_tool.turns[-1].image_sent


def test_an_error_event_after_one_image_keeps_that_image(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    simulator.image_tool.next_answer(images=2, fault="error", code="server_error", after_images=1)
    job = studio.run(_request(root, "two takes", partial_images=1))
    assert job.state is JobState.DONE, job.error
    [kept] = _children(studio, job)
    assert lineage.parents_of(kept.params) == (root.id,)
    assert kept.params["response"]["continuable"] is False and kept.params["response"]["incomplete"]
    assert refine.stored_response(kept)[2] is False  # the next turn sends this image
    assert simulator.image_tool.turns == []  # the server never completed the answer
    [line] = _refine_lines(studio)  # the kept image is paid for: priced once, at the estimate
    assert line.estimated and line.cost_usd > 0
    assert len([r for r in simulator.requests if r.path == "/v1/responses"]) == 1  # not asked again


@pytest.mark.parametrize("abrupt", [False, True])
def test_a_stream_cut_after_a_partial_is_possibly_charged(
    studio: Studio, simulator: OpenAISimulator, abrupt: bool
) -> None:
    """The attempt may have been billed: a "possibly charged" line at the estimate, then the queue's one visible
    retry (as for the Images API: a second such attempt waits for the person)."""
    root = studio.seed()
    studio.policy = RetryPolicy(base_delay=0.0)  # the fixed clock never passes a backoff
    simulator.image_tool.next_answer(fault="cut", after_partials=1, abrupt=abrupt)
    simulator.image_tool.next_answer(fault="cut", after_partials=1, abrupt=abrupt)
    job = studio.run(_request(root, "make it dusk", partial_images=2))
    assert job.state is JobState.INTERRUPTED and not job.image_ids
    assert [a.outcome for a in job.attempt_log] == ["possibly_charged", "possibly_charged"]
    assert studio.partials == [0, 0]  # each attempt's first preview arrived before its cut
    lines = _refine_lines(studio)
    assert len(lines) == 2 and all(e.possibly_charged and e.estimated and e.cost_usd > 0 for e in lines)
    assert len([r for r in simulator.requests if r.path == "/v1/responses"]) == 2
    assert simulator.image_tool.turns == []


def test_response_incomplete_without_an_image_records_its_usage(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    studio.policy = RetryPolicy(base_delay=0.0)
    simulator.image_tool.next_answer(images=0, fault="incomplete", reason="max_output_tokens")
    job = studio.run(_request(root, "make it dusk", partial_images=1))
    assert job.state is JobState.DONE, job.error  # asked again once, visibly, and the second answer made it
    first = job.attempt_log[0]
    assert first.outcome == "possibly_charged" and first.error is not None and "max_output_tokens" in first.error
    incomplete, done = _refine_lines(studio)  # billed at the usage the server reported, not at a guess
    reported = simulator.reported_usages[0]
    assert isinstance(reported, dict)
    assert incomplete.input_tokens == reported["tool_usage"]["image_gen"]["input_tokens"]
    assert not incomplete.estimated and not done.estimated
    assert len([r for r in simulator.requests if r.path == "/v1/responses"]) == 2


def test_response_incomplete_with_an_image_keeps_it(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    simulator.image_tool.next_answer(images=1, fault="incomplete", reason="max_output_tokens")
    job = studio.run(_request(root, "make it dusk", partial_images=1))
    assert job.state is JobState.DONE, job.error
    [kept] = _children(studio, job)
    [turn] = simulator.image_tool.turns
    assert Path(kept.path).read_bytes() == turn.image
    assert kept.params["response"]["incomplete"] == "max_output_tokens"
    [line] = _refine_lines(studio)
    assert not line.estimated and not line.possibly_charged


def test_images_delivered_as_events_are_kept_when_the_final_output_is_empty(
    studio: Studio, simulator: OpenAISimulator
) -> None:
    root = studio.seed()
    simulator.image_tool.next_answer(images=2, bare_final=True)
    job = studio.run(_request(root, "two takes", partial_images=1))
    assert job.state is JobState.DONE, job.error
    [turn] = simulator.image_tool.turns
    assert [Path(i.path).read_bytes() for i in _children(studio, job)] == list(turn.images)


def test_content_filter_incomplete_reads_as_moderation(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    simulator.image_tool.next_answer(images=0, fault="incomplete", reason="content_filter")
    job = studio.run(_request(root, "make it dusk"))
    assert job.state is JobState.FAILED
    assert job.error is not None and "safety system" in job.error


def test_cancel_while_streaming_is_possibly_charged(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    gate = simulator.image_tool.hold_next()
    request = _request(root, "make it dusk", partial_images=2)

    async def go() -> Job:
        runner = QueueRunner(
            studio.store, studio.host, CAPS, spawn=lambda coro, name: asyncio.ensure_future(coro), poll_interval=0.02,
            on_partial=lambda job_id, index, data: studio.partials.append(index),
        )  # fmt: skip
        await runner.start()
        [job] = await asyncio.to_thread(studio.store.add, [request], profile="openai")
        loop = asyncio.ensure_future(runner.run())
        try:
            while not studio.partials:  # the request is out and streaming (no timing: the server holds it)
                await asyncio.sleep(0.01)
            await runner.cancel(job.id)
            await runner.wait_idle()
        finally:
            gate.set()
            await runner.stop()
            loop.cancel()
            await studio.host.close_providers()
        found = studio.store.get(job.id)
        assert found is not None
        return found

    job = aio.run(go())
    assert job.state is JobState.CANCELLED and not job.image_ids
    [line] = _refine_lines(studio)
    assert line.possibly_charged and line.cost_usd > 0
    assert simulator.image_tool.turns == []
