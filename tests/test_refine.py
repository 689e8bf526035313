"""Refine in conversation (issue 20): refine turns through the persistent queue, the real SDK over HTTP to the
simulator's strict ``/v1/responses`` with the image tool (``tests/sim_responses.py``); checked in the lineage, the
ledger and the files."""

from __future__ import annotations

import asyncio
import base64
import datetime as dt
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from imagestudio.core import errors, lineage, refine
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import FixedClock
from imagestudio.core.library.library import Library
from imagestudio.core.money.ledger import Ledger
from imagestudio.core.money.pricing import cost_of_usage, estimate_request, parse_usage
from imagestudio.core.paths import AppPaths
from imagestudio.core.providers.demo import DemoProvider
from imagestudio.core.providers.factory import MeteredProvider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.queue.host import LocalHost
from imagestudio.core.queue.jobs import request_from_json, request_kind
from imagestudio.core.queue.retry import RetryPolicy
from imagestudio.core.queue.runner import QueueRunner
from imagestudio.core.queue.store import Job, JobStore
from imagestudio.core.types import (
    GeneratedImage,
    GenerationRequest,
    GenerationResult,
    JobState,
    LibraryImage,
    RefineRequest,
)
from tests import aio
from tests.simulator import OpenAISimulator

CAPS = Capabilities.load(today=dt.date(2026, 12, 7))
NOW = FixedClock(dt.datetime(2026, 12, 7, 12, 0))


def _strict(provider: OpenAIProvider, sim: OpenAISimulator) -> OpenAIProvider:
    from openai import AsyncOpenAI

    provider._client = AsyncOpenAI(
        api_key=sim.api_key, base_url=sim.base_url, max_retries=0, _strict_response_validation=True
    )
    return provider


class Studio:
    """A library, the queue and a runner against the simulator (or the demo provider)."""

    def __init__(self, paths: AppPaths, sim: OpenAISimulator | None) -> None:
        self.library = Library(paths, NOW)
        self.store = JobStore(self.library.db)
        self.ledger = Ledger(paths.data, NOW)
        self.sim = sim
        self.partials: list[int] = []
        self.policy: RetryPolicy | None = None  # the queue's retry policy (default: the app's)

        def factory(_profile: str, _base_url: str) -> Any:
            if sim is None:
                return MeteredProvider(DemoProvider(latency=0.0), self.ledger, CAPS)
            inner = _strict(OpenAIProvider(api_key=sim.api_key, base_url=sim.base_url, timeout=20), sim)
            return MeteredProvider(inner, self.ledger, CAPS)

        self.host = LocalHost(self.library, factory)

    def seed(self, colour: tuple[int, int, int] = (30, 90, 200)) -> LibraryImage:
        """An image as if imported (no stored response)."""
        buf = io.BytesIO()
        Image.new("RGB", (1024, 1024), colour).save(buf, "PNG")
        result = GenerationResult((GeneratedImage(buf.getvalue(), "png"),), "imported", "gpt-image-2")
        [image] = self.library.ingest(GenerationRequest(prompt="a blue square", model="gpt-image-2"), result)
        return image

    def run(self, request: RefineRequest) -> Job:
        async def go() -> Job:
            runner = QueueRunner(
                self.store, self.host, CAPS, spawn=lambda coro, name: asyncio.ensure_future(coro), poll_interval=0.02,
                on_partial=lambda job_id, index, data: self.partials.append(index), policy=self.policy,
            )  # fmt: skip
            await runner.start()
            [job] = await asyncio.to_thread(self.store.add, [request], profile="openai")
            loop = asyncio.ensure_future(runner.run())
            try:
                await runner.wait_idle()
            finally:
                await runner.stop()
                loop.cancel()
                await self.host.close_providers()
            found = self.store.get(job.id)
            assert found is not None
            return found

        return aio.run(go())

    def turn(self, parent: LibraryImage, instruction: str, **options: Any) -> LibraryImage:
        options.setdefault("size", "1024x1024")
        options.setdefault("quality", "low")
        request = refine.request_for(parent, parent.path, instruction, CAPS, text_model="gpt-4.1-mini", **options)
        refine.validate(CAPS, request)
        job = self.run(request)
        assert job.state is JobState.DONE, job.error
        [image_id] = job.image_ids
        image = self.library.db.get(image_id)
        assert image is not None
        return image

    def close(self) -> None:
        self.host.close()
        self.library.close()


@pytest.fixture
def studio(paths: AppPaths, simulator: OpenAISimulator) -> Any:
    s = Studio(paths, simulator)
    yield s
    s.close()


def test_request_round_trip_and_tool_shape() -> None:
    request = RefineRequest(
        prompt="让天空变成黄昏", model="gpt-image-2", text_model="gpt-4.1-mini", parent_id=7, image="/x.png",
        previous_response_id="resp_1", size="1536x1024", quality="low", partial_images=2, store=False,
    )  # fmt: skip
    data = request.to_json()
    assert request_kind(request) == "refine"
    assert data["parents"] == [7] and data["instruction"] == "让天空变成黄昏"
    assert request_from_json("refine", data) == request
    tool = request.tool()
    assert tool == {"type": "image_generation", "action": "edit", "model": "gpt-image-2", "size": "1536x1024",
                    "quality": "low", "output_format": "png", "partial_images": 2}  # fmt: skip
    from openai.types.responses.tool_param import ImageGeneration
    from pydantic import TypeAdapter

    TypeAdapter(ImageGeneration).validate_python(tool, strict=True)


def test_text_models_from_data_and_validation() -> None:
    offered = refine.text_models(CAPS)
    assert "gpt-4.1-mini" in offered and "gpt-6-luna" in offered
    bad = RefineRequest(prompt="x", model="gpt-image-2", text_model="gpt-4-nonexistent", image="/x.png")
    with pytest.raises(errors.InvalidRequest, match="image tool"):
        refine.validate(CAPS, bad)
    fidelity = RefineRequest(
        prompt="x", model="gpt-image-2", text_model="gpt-4.1-mini", image="/x", input_fidelity="high"
    )
    with pytest.raises(errors.InvalidRequest, match="fidelity"):
        refine.validate(CAPS, fidelity)
    size = RefineRequest(prompt="x", model="gpt-image-2", text_model="gpt-4.1-mini", image="/x", size="1000x1000")
    with pytest.raises(errors.InvalidRequest):
        refine.validate(CAPS, size)
    estimate = estimate_request(CAPS, RefineRequest(prompt="x", model="gpt-image-2", text_model="gpt-4.1-mini",
                                                    image="/x", size="1024x1024", quality="low"))  # fmt: skip
    assert estimate.estimated and 0 < estimate.low_usd < estimate.high_usd


def test_five_turns_two_branches(studio: Studio, simulator: OpenAISimulator) -> None:
    """Issue 20's check: a five-turn conversation with two branches through the real SDK over HTTP to the strict
    server — chained ids, an expired id falling back to sending the image, streamed partials — checked in the
    lineage, the ledger and the files."""
    root = studio.seed()
    one = studio.turn(root, "make it dusk, keep the fox")  # imported: the image is sent
    two = studio.turn(one, "add falling snow")  # continued by id
    three = studio.turn(two, "now a lantern on the left", partial_images=2)  # streamed, continued
    branch = studio.turn(one, "把天空变成紫色")  # a second branch from turn one (Chinese)
    simulator.image_tool.expire(simulator.image_tool.turns[3].response_id)  # the server forgot the branch's turn
    five = studio.turn(branch, "sharper details")  # refused by id, then the branch's image is sent
    turns = simulator.image_tool.turns
    assert [t.image_sent for t in turns] == [True, False, False, False, True]
    assert turns[1].previous_response_id == turns[0].response_id
    assert turns[2].previous_response_id == turns[1].response_id
    assert turns[3].previous_response_id == turns[0].response_id  # the branch continues turn one
    assert turns[4].previous_response_id is None  # expired: the fallback sent the branch's image instead
    bodies = [r.json for r in simulator.requests if r.path == "/v1/responses"]
    assert len(bodies) == 6  # five turns and the one refused continuation (400 previous_response_not_found)
    assert bodies[4] is not None and bodies[4]["previous_response_id"] == turns[3].response_id
    assert bodies[5] is not None and "previous_response_id" not in bodies[5]
    sent = bodies[5]["input"][0]["content"][1]["image_url"]
    assert base64.b64decode(sent.split(",", 1)[1]) == Path(branch.path).read_bytes()  # the parent's own file
    assert five.params["response"]["image_sent"] is True
    assert studio.partials == [0, 1]
    # lineage: parents, the instruction as the step's text, the ids stored per image
    for child, parent, turn in ((one, root, 0), (two, one, 1), (three, two, 2), (branch, one, 3), (five, branch, 4)):
        assert lineage.parents_of(child.params) == (parent.id,)
        assert child.prompt == turns[turn].instruction
        response_id, call_id, stored = refine.stored_response(child)
        assert (response_id, call_id, stored) == (turns[turn].response_id, turns[turn].call_id, True)
        # the file is the server's bytes exactly
        assert Path(child.path).read_bytes() == turns[turn].image
        assert child.sha256 == hashlib.sha256(turns[turn].image).hexdigest()
    links = lineage.parse_links(studio.library.db.read(lineage.links_sql()))
    tree = lineage.build(five.id, links, studio.library.db.get_many)
    assert tree.nodes[one.id].children == [two.id, branch.id]
    assert [n.image.id for n in tree.walk()] == [root.id, one.id, two.id, three.id, branch.id, five.id]
    # the ledger: one "refine" line per turn, priced from the text model's usage and tool_usage.image_gen
    entries = [e for e in studio.ledger.entries() if e.kind == "refine"]
    assert len(entries) == 5  # the refused continuation was not billed
    for entry, turn in zip(entries, turns, strict=True):
        usage = parse_usage(turn.tool_usage["image_gen"])
        import dataclasses

        usage = dataclasses.replace(
            usage, agent_input_tokens=turn.usage["input_tokens"], agent_output_tokens=turn.usage["output_tokens"],
            partial_images=2 if turn.streamed else 0,
        )  # fmt: skip
        expected = cost_of_usage(CAPS, "gpt-image-2", usage, agent_model="gpt-4.1-mini")
        assert entry.cost_usd == pytest.approx(expected.usd)
        assert entry.model == "gpt-image-2" and not entry.possibly_charged
        text_part = (turn.usage["input_tokens"] * 0.4 + turn.usage["output_tokens"] * 1.6) / 1e6
        assert expected.usd > text_part > 0
    assert [t.response_id in simulator.image_tool.stored_ids() for t in turns] == [True, True, True, False, True]


def test_expired_id_falls_back_to_sending_the_image_once(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    one = studio.turn(root, "make it dusk")
    simulator.image_tool.expire(simulator.image_tool.turns[0].response_id)
    two = studio.turn(one, "add snow")
    responses = [r for r in simulator.requests if r.path == "/v1/responses"]
    assert len(responses) == 3  # turn one, the refused continuation, the turn with the image sent
    assert responses[1].json is not None and responses[1].json["previous_response_id"]
    assert responses[2].json is not None and "previous_response_id" not in responses[2].json
    content = responses[2].json["input"][0]["content"]
    assert content[1]["image_url"].startswith("data:image/png;base64,")
    assert simulator.image_tool.turns[1].image_sent
    assert refine.stored_response(two)[0] == simulator.image_tool.turns[1].response_id
    assert len([e for e in studio.ledger.entries() if e.kind == "refine"]) == 2  # no double charge


def test_store_off_sends_the_image_next_time(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    one = studio.turn(root, "make it dusk", store=False)
    assert simulator.image_tool.stored_ids() == []
    assert refine.stored_response(one)[2] is False
    studio.turn(one, "add snow")
    assert [t.image_sent for t in simulator.image_tool.turns] == [True, True]
    body = simulator.requests[-1].json
    assert body is not None and body["store"] is True


@pytest.mark.parametrize("how", ["http", "event", "failed"])
def test_moderation_is_mapped(studio: Studio, simulator: OpenAISimulator, how: str) -> None:
    root = studio.seed()
    instruction = "make it dusk"
    if how == "http":
        instruction = "something forbidden"
    elif how == "event":
        simulator.image_tool.error_next("moderation_blocked")
    else:
        simulator.image_tool.fail_response_next("image_content_policy_violation")  # ResponseError's code
    request = refine.request_for(root, root.path, instruction, CAPS, text_model="gpt-4.1-mini", size="1024x1024",
                                 quality="low", partial_images=1)  # fmt: skip
    job = studio.run(request)
    assert job.state is JobState.FAILED
    assert job.error is not None and "safety system" in job.error
    assert not job.image_ids


def test_rate_limit_is_retried_by_the_queue(studio: Studio, simulator: OpenAISimulator) -> None:
    root = studio.seed()
    simulator.fail_next(429, code="rate_limit_exceeded", retry_after=0)
    one = studio.turn(root, "make it dusk")
    assert lineage.parents_of(one.params) == (root.id,)
    assert len([r for r in simulator.requests if r.path == "/v1/responses"]) == 2


def test_budget_blocks_by_estimate(paths: AppPaths, simulator: OpenAISimulator) -> None:
    ledger = Ledger(paths.data, NOW)
    inner = _strict(OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url), simulator)
    metered = MeteredProvider(inner, ledger, CAPS, budget_usd=0.0001)
    request = RefineRequest(prompt="x", model="gpt-image-2", text_model="gpt-4.1-mini", image="/nowhere.png")
    from imagestudio.core.money.ledger import BudgetExceeded

    with pytest.raises(BudgetExceeded):
        aio.run(metered.refine(request))
    assert not simulator.requests


def test_demo_refine_chains_ids_and_changes_the_image(paths: AppPaths) -> None:
    s = Studio(paths, None)
    try:
        root = s.seed()
        one = s.turn(root, "make it dusk")
        two = s.turn(one, "add snow", partial_images=1)
        other = s.turn(one, "add rain")
        ids = [refine.stored_response(i)[0] for i in (one, two, other)]
        assert all(i and i.startswith("resp_demo_") for i in ids) and len(set(ids)) == 3
        assert two.params["previous_response_id"] == ids[0]
        assert one.params["response"]["image_sent"] is True and two.params["response"]["image_sent"] is False
        pixels = [Image.open(i.path).convert("RGB").getpixel((512, 900)) for i in (root, one, two, other)]
        assert len(set(pixels)) == 4  # every turn changed the picture
        assert s.ledger.entries() == []  # free
    finally:
        s.close()
