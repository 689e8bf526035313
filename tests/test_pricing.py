"""Prices, usage parsing and the estimate before sending (core/money/pricing.py)."""

from __future__ import annotations

import json
import math
from types import SimpleNamespace
from typing import Any

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.money.pricing import (
    Estimate,
    add_calls,
    cost_of_usage,
    estimate_cost,
    estimate_request,
    merge_stream,
    parse_usage,
    rates,
)
from imagestudio.core.paths import resources_dir
from imagestudio.core.types import EditRequest, GenerationRequest, Usage

CAPS = Capabilities.load()
RAW = json.loads((resources_dir() / "models.json").read_text(encoding="utf-8"))


def test_every_offered_model_has_every_token_price_with_a_source_and_a_date() -> None:
    for model in RAW["models"]:
        prices = model["prices_per_million"]
        for kind in ("text_input", "text_input_cached", "image_input", "image_input_cached", "image_output"):
            assert isinstance(prices[kind], float) and prices[kind] > 0, (model["id"], kind)
        assert model["pricing"]["source"].startswith("https://") and model["pricing"]["checked"] == "2026-12-07"
    for text in RAW["text_models"]:
        assert text["prices_per_million"]["input"] > 0 and text["prices_per_million"]["output"] > 0
        assert text["pricing"]["source"].startswith("https://")


def test_a_model_without_an_openai_page_is_marked_estimated() -> None:
    assert rates(CAPS, "gpt-image-2.6-flare").estimated
    assert not rates(CAPS, "gpt-image-2").estimated
    unknown = rates(CAPS, "someone-elses-model")
    assert unknown.estimated and min(unknown.per_million.values()) > 0


@pytest.mark.parametrize("size", ["1024x1024", "1024x1536", "1536x1024"])
@pytest.mark.parametrize("quality", ["low", "medium", "high"])
def test_the_estimate_reproduces_the_guides_gpt_image_2_table(quality: str, size: str) -> None:
    published = RAW["pricing"]["output_tokens"]["published_usd_per_image"]["table"][size][quality]
    estimate = estimate_cost(CAPS, model="gpt-image-2", quality=quality, size=size)
    assert round(estimate.usd, 3) == published
    assert not estimate.estimated and estimate.low_usd == estimate.high_usd


def test_estimates_grow_with_n_inputs_and_partials_and_unpublished_parts_are_marked() -> None:
    one = estimate_cost(CAPS, model="gpt-image-2", quality="medium", size="1024x1024")
    four = estimate_cost(CAPS, model="gpt-image-2", quality="medium", size="1024x1024", n=4)
    assert four.usd == pytest.approx(4 * one.usd)
    partials = estimate_cost(CAPS, model="gpt-image-2", quality="medium", size="1024x1024", partial_images=3)
    assert partials.usd == pytest.approx(one.usd + 3 * 100 * 30e-6)
    edit = estimate_cost(CAPS, model="gpt-image-2", quality="medium", size="1024x1024", input_images=8)
    assert edit.usd > one.usd and edit.estimated and edit.low_usd < edit.high_usd
    custom = estimate_cost(CAPS, model="gpt-image-2", quality="high", size="2048x2048")
    assert custom.estimated and custom.usd > estimate_cost(CAPS, model="gpt-image-2", quality="high").low_usd
    auto = estimate_cost(CAPS, model="gpt-image-2")
    assert auto.estimated and auto.low_usd < auto.high_usd and auto.label().startswith("≈ $")
    sunburst = estimate_cost(CAPS, model="gpt-image-2.5-sunburst", quality="high", size="1024x1024")
    assert sunburst.estimated and sunburst.usd > estimate_cost(CAPS, model="gpt-image-2", quality="high").usd
    xmax = estimate_cost(CAPS, model="gpt-image-2.6-flare", quality="max", size="3840x2160")
    assert xmax.estimated and xmax.usd > sunburst.usd


def test_estimate_request_counts_edit_inputs_mask_and_prompt() -> None:
    gen = GenerationRequest(prompt="x" * 400, model="gpt-image-2", size="1024x1024", quality="low")
    edit = EditRequest(prompt="x" * 400, model="gpt-image-2", images=("a.png", "b.png"), mask="m.png",
                       size="1024x1024", quality="low")  # fmt: skip
    assert (
        estimate_request(CAPS, edit).usd
        > estimate_request(CAPS, gen).usd
        > estimate_cost(CAPS, model="gpt-image-2", quality="low", size="1024x1024").usd
    )
    assert Estimate(0.005, 0.005, False).label() == "$0.005"
    assert Estimate(0.05, 0.21, True).label() == "≈ $0.050–$0.210"


def _dict_usage(**over: Any) -> dict[str, Any]:
    usage: dict[str, Any] = {
        "input_tokens": 30,
        "input_tokens_details": {"text_tokens": 10, "image_tokens": 20},
        "output_tokens": 1756,
        "output_tokens_details": {"image_tokens": 1756, "text_tokens": 0},
        "total_tokens": 1786,
    }
    usage.update(over)
    return usage


def test_models_and_dicts_parse_the_same() -> None:
    as_dict = _dict_usage()
    as_model = SimpleNamespace(
        input_tokens=30,
        input_tokens_details=SimpleNamespace(text_tokens=10, image_tokens=20),
        output_tokens=1756,
        output_tokens_details={"image_tokens": 1756, "text_tokens": 0},  # a streamed event: the SDK leaves a dict
        total_tokens=1786,
    )
    assert parse_usage(as_dict) == parse_usage(as_model)
    parsed = parse_usage(as_dict)
    assert parsed.reported and parsed.output_image_tokens == 1756 and parsed.input_image_tokens == 20
    no_split = parse_usage(_dict_usage(output_tokens_details={}))
    assert no_split.output_image_tokens == 1756  # no split given: all of it is image output


@pytest.mark.parametrize(
    "bad",
    [
        {"output_tokens": -5},
        {"input_tokens": -1},
        {"output_tokens": 10**400},
        {"output_tokens": math.inf},
        {"output_tokens": math.nan},
        {"output_tokens": "1756"},
        {"output_tokens": True},
        {"output_tokens": 17.5},
        {"output_tokens": None},
        {"input_tokens_details": {"text_tokens": -10, "image_tokens": 20}},
        {"output_tokens_details": {"image_tokens": 99999, "text_tokens": 0}},
    ],
)
def test_hostile_usage_is_unknown_and_costs_the_estimate(bad: dict[str, Any]) -> None:
    usage = parse_usage(_dict_usage(**bad))
    assert not usage.reported
    estimate = estimate_cost(CAPS, model="gpt-image-2", quality="medium", size="1024x1024")
    cost = cost_of_usage(CAPS, "gpt-image-2", usage, estimate=estimate)
    assert cost.usd == estimate.usd and cost.estimated and not cost.usage_known
    assert cost_of_usage(CAPS, "gpt-image-2", usage).usd > 0  # no estimate at hand: one image at the fallback


def test_missing_usage_is_unknown_never_free() -> None:
    assert not parse_usage(None).reported
    assert cost_of_usage(CAPS, "gpt-image-2", parse_usage(None)).usd > 0
    assert not parse_usage({"output_tokens": 5}).reported


def test_svg_usage_is_priced_at_the_text_model() -> None:
    usage = parse_usage(_dict_usage(), {"input_tokens": 1000, "output_tokens": 2000, "model": "gpt-6-luna",
                                        "reasoning_tokens": 500, "total_tokens": 3000})  # fmt: skip
    plain = cost_of_usage(CAPS, "gpt-image-2", parse_usage(_dict_usage()))
    with_svg = cost_of_usage(CAPS, "gpt-image-2", usage, svg_model="gpt-6-luna")
    assert with_svg.usd == pytest.approx(plain.usd + 1000 * 0.1e-6 + 2000 * 0.5e-6)
    assert not parse_usage(_dict_usage(), {"input_tokens": -1, "output_tokens": 2}).reported


def test_one_stream_counts_its_input_once_separate_requests_add_up() -> None:
    one = parse_usage(_dict_usage())
    merged = merge_stream(one, one)
    assert merged.input_tokens == 30 and merged.output_tokens == 2 * 1756
    added = add_calls(one, one)
    assert added.input_tokens == 60 and added.output_tokens == 2 * 1756
    assert not merge_stream(one, Usage(reported=0)).reported
