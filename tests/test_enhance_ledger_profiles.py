"""Prompt enhancement, the cost ledger with budget, provider profiles, install id, capability refresh."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from imagestudio.core import errors
from imagestudio.core.capabilities import Capabilities
from imagestudio.core.clock import FixedClock
from imagestudio.core.enhance import diff_spans, enhance, text_cost_usd
from imagestudio.core.install_id import safety_identifier
from imagestudio.core.money.ledger import BudgetExceeded, Ledger, LedgerEntry
from imagestudio.core.profiles import Profile, find, load, save
from imagestudio.core.providers.factory import MeteredProvider, make_profile_provider
from imagestudio.core.providers.openai_provider import OpenAIProvider
from imagestudio.core.secrets import KeyStore
from imagestudio.core.types import EditRequest, GenerationRequest
from tests.aio import run
from tests.simulator import OpenAISimulator

TODAY = dt.date(2026, 11, 25)


def test_enhancement_through_the_responses_api_costs_go_to_the_ledger(
    simulator: OpenAISimulator, tmp_path: Path
) -> None:
    caps = Capabilities.load(today=TODAY)
    ledger = Ledger(tmp_path)
    inner = OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url, name="custom", timeout=10)
    provider = MeteredProvider(inner, ledger, caps)

    async def go() -> object:
        try:
            return await enhance(provider, caps, "a red fox", model="gpt-6-luna")  # type: ignore[arg-type]
        finally:
            await provider.aclose()

    result = run(go())
    assert result.original == "a red fox" and result.enhanced and result.enhanced != "a red fox"  # type: ignore[attr-defined]
    [request] = [r for r in simulator.requests if r.path == "/v1/responses"]
    assert request.json is not None and request.json["model"] == "gpt-6-luna" and request.json["input"] == "a red fox"
    [entry] = ledger.entries()
    assert entry.kind == "enhance" and entry.cost_usd is not None and entry.cost_usd > 0


def test_enhancement_refuses_models_not_in_the_table() -> None:
    caps = Capabilities.load(today=TODAY)
    with pytest.raises(errors.InvalidRequest, match="not a current text model"):
        run(enhance(None, caps, "x", model="gpt-3.5-turbo"))  # type: ignore[arg-type]
    assert caps.text_model("gpt-5-mini") is not None and caps.text_model("gpt-5-mini").retiring_within(30, TODAY)  # type: ignore[union-attr]
    assert text_cost_usd(caps, "gpt-6-luna", 1_000_000, 1_000_000) == 0.6


def test_diff_marks_only_new_words_including_cjk() -> None:
    spans = diff_spans("a red fox", "a red fox in deep snow")
    assert "".join(t for t, _ in spans) == "a red fox in deep snow"
    assert [t for t, new in spans if new] == [" in deep snow"]
    assert any(new and "雪" in t for t, new in diff_spans("红狐狸", "红狐狸在雪中"))


def test_image_costs_totals_and_budget(tmp_path: Path) -> None:
    now = dt.datetime(2026, 11, 25, 12).timestamp()
    ledger = Ledger(tmp_path, FixedClock(now))  # the budget month is the clock's, not the day the suite runs
    ledger.append(LedgerEntry(now, "generate", "openai", "gpt-image-2.5-sunburst", 0.30))
    ledger.append(LedgerEntry(now - 3 * 86400, "edit", "openai", "gpt-image-2.5-sunburst", 0.50))
    ledger.append(LedgerEntry(now - 40 * 86400, "generate", "openai", "gpt-image-2", 9.0))  # last month
    ledger.append(LedgerEntry(now, "generate", "openai", "gpt-image-2", None))  # unknown prices
    with ledger.path.open("ab") as f:
        f.write(b"{not json\n")  # a damaged line is skipped
    totals = ledger.totals(1.0, now=now)
    assert (totals.today_usd, totals.month_usd, totals.unpriced_calls) == (0.3, 0.8, 1)
    assert totals.warn and not totals.blocked
    ledger.append(LedgerEntry(now, "generate", "openai", "gpt-image-2.5-sunburst", 0.25))
    with pytest.raises(BudgetExceeded, match="reached your budget"):
        ledger.check_budget(1.0)
    ledger.check_budget(1.0, override=True)  # the person allowed it
    ledger.check_budget(0.0)  # no budget


def test_budget_blocks_before_anything_is_sent(simulator: OpenAISimulator, tmp_path: Path) -> None:
    caps = Capabilities.load(today=TODAY)
    clock = FixedClock(dt.datetime(2026, 11, 25, 12))
    ledger = Ledger(tmp_path, clock)
    ledger.append(LedgerEntry(clock.now(), "generate", "custom", "gpt-image-2.5-sunburst", 5.0))
    inner = OpenAIProvider(api_key=simulator.api_key, base_url=simulator.base_url, name="custom", timeout=10)
    provider = MeteredProvider(inner, ledger, caps, budget_usd=5.0)
    with pytest.raises(BudgetExceeded):
        run(provider.generate(GenerationRequest("x", "gpt-image-2")))
    assert not [r for r in simulator.requests if r.path.startswith("/v1/images")]
    paid = MeteredProvider(inner, ledger, caps, budget_usd=5.0, budget_override=True)
    result = run(paid.generate(GenerationRequest("x", "gpt-image-2.5-sunburst", quality="low")))
    assert ledger.entries()[-1].cost_usd == pytest.approx(
        (result.usage.input_text_tokens * 5 + result.usage.output_image_tokens * 30) / 1_000_000
    )


def test_profiles_round_trip_skip_bad_entries_and_keep_keys_apart(tmp_path: Path, memory_keyring: object) -> None:
    good = [
        Profile(
            "Work Azure", "azure", azure_endpoint="https://x.openai.azure.com", azure_api_version="2025-04-01-preview"
        ),
        Profile("local", "compatible", base_url="http://127.0.0.1:8000/v1", capability_overrides={"edit": False}),
    ]
    save(tmp_path, good)
    raw = json.loads((tmp_path / "profiles.json").read_text())
    raw["profiles"].append({"name": "broken", "kind": "compatible", "base_url": "ftp://nope"})
    raw["profiles"].append("not an object")
    (tmp_path / "profiles.json").write_text(json.dumps(raw))
    loaded, warnings = load(tmp_path)
    assert loaded == good and len(warnings) == 2
    assert "api-key" not in (tmp_path / "profiles.json").read_text()
    with pytest.raises(errors.ConfigError, match="no provider profile named 'nope'"):
        find(loaded, "nope")
    keys = KeyStore(environ={})
    with pytest.raises(errors.NoApiKey, match="local"):
        make_profile_provider(find(loaded, "local"), keys, timeout=5, demo_latency=0)
    keys.set_session("profile:local", "sk-local-0000000000000000")
    provider = make_profile_provider(find(loaded, "local"), keys, timeout=5, demo_latency=0)
    assert provider.name == "profile:local"
    caps = Capabilities.load(today=TODAY).restricted_to({"gpt-image-2"}, capability_overrides={"edit": False})
    with pytest.raises(errors.InvalidRequest, match="cannot edit"):
        caps.validate(EditRequest("x", "gpt-image-2", ("a.png",)))


def test_refresh_keeps_only_listed_models_and_snapshots_count() -> None:
    caps = Capabilities.load(today=TODAY)
    narrowed = caps.restricted_to({"gpt-image-2.5-sunburst-2026-09-08", "gpt-6-luna"})
    assert [m.id for m in narrowed.models()] == ["gpt-image-2.5-sunburst"]
    assert narrowed.default_model == "gpt-image-2.5-sunburst"
    assert "gpt-image-2" in narrowed.hidden
    with pytest.raises(errors.InvalidRequest, match="does not offer gpt-image-2"):
        narrowed.get("gpt-image-2")
    assert caps.restricted_to({"llama-image"}) is caps  # a server with other names: keep the table


def test_safety_identifier_is_a_stable_hash_of_a_random_install_id(tmp_path: Path) -> None:
    first = safety_identifier(tmp_path)
    assert len(first) == 64 and first == safety_identifier(tmp_path)
    (tmp_path / "install-id").write_text("garbage")
    assert safety_identifier(tmp_path) != first  # a damaged id is replaced, never an error


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"background": "transparent", "output_format": "jpeg"}, "transparent background needs PNG or WEBP"),
        ({"output_compression": 50}, "Compression applies"),
        ({"moderation": "strict"}, "moderation"),
        ({"complexity": "extreme"}, "complexity"),
        ({"partial_images": 4}, "partial images"),
        ({"frame_count": 5}, "GIF output only"),
        ({"safety_identifier": "x" * 65}, "safety identifier"),
        ({"output_format": "svg", "model": "gpt-image-2.5-sunburst", "n": 2}, "1–1 images"),
        ({"output_format": "gif", "model": "gpt-image-2.5-sunburst", "partial_images": 1}, "cannot be streamed"),
        ({"output_format": "gif", "model": "gpt-image-2.5-sunburst", "frame_count": 20}, "2–16 frames"),
    ],
)
def test_new_options_are_checked_against_the_table(kwargs: dict[str, object], message: str) -> None:
    caps = Capabilities.load(today=TODAY)
    model = str(kwargs.pop("model", "gpt-image-2"))
    with pytest.raises(errors.InvalidRequest, match=message):
        caps.validate(GenerationRequest("x", model, **kwargs))  # type: ignore[arg-type]


def test_edit_rules() -> None:
    caps = Capabilities.load(today=TODAY)
    caps.validate(EditRequest("x", "gpt-image-2", ("a.png",) * 16, mask="m.png"))
    for request, message in (
        (EditRequest("x", "gpt-image-2", ("a.png",) * 17), "1–16 input images"),
        (EditRequest("x", "gpt-image-2", ()), "1–16 input images"),
        (EditRequest("x", "gpt-image-2.5-sunburst", ("a.png",), mask="m.png", markup="k.png"), "not both"),
        (EditRequest("x", "gpt-image-2", ("a.png",), markup="k.png"), "markup"),
    ):
        with pytest.raises(errors.InvalidRequest, match=message):
            caps.validate(request)
    edit = EditRequest("x", "gpt-image-2", ("a.png",), moderation="low", parent_ids=(3,))
    assert EditRequest.from_json(json.loads(json.dumps(edit.to_json()))) == edit
