"""The model table (resources/models.json) and the single request check built on it. No Qt, no network."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from imagestudio.core.capabilities import MAX_PROMPT_CHARS, Capabilities
from imagestudio.core.errors import ConfigError, InvalidRequest
from imagestudio.core.paths import resources_dir
from imagestudio.core.types import GenerationRequest

TODAY = dt.date(2026, 11, 25)
MODELS_JSON = resources_dir() / "models.json"
CURRENT = (
    "gpt-image-2",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.5-flare",
    "gpt-image-2.6-sunburst",
    "gpt-image-2.6-flare",
)
EXTRA_QUALITY_MODELS = CURRENT[1:]  # the 2.5 and 2.6 models


@pytest.fixture(scope="module")
def caps() -> Capabilities:
    return Capabilities.load(today=TODAY)


def req(model: str = "gpt-image-2", **kw: Any) -> GenerationRequest:
    return GenerationRequest(prompt=kw.pop("prompt", "a red fox in snow"), model=model, **kw)


def raw_table() -> dict[str, Any]:
    return json.loads(MODELS_JSON.read_text(encoding="utf-8"))


def write_table(tmp_path: Path, table: dict[str, Any]) -> Path:
    path = tmp_path / "models.json"
    path.write_text(json.dumps(table), encoding="utf-8")
    return path


# -- the shipped table ----------------------------------------------------------------------------


def test_shipped_table_offers_exactly_the_current_models(caps: Capabilities) -> None:
    assert [m.id for m in caps.models()] == list(CURRENT)
    assert caps.default_model == "gpt-image-2"


def test_every_preset_of_every_model_is_valid(caps: Capabilities) -> None:
    for info in caps.models():
        assert info.size_rule.presets, info.id
        for preset in info.size_rule.presets:
            caps.validate(req(info.id, size=preset))  # must not raise


def test_load_without_arguments_uses_the_shipped_file() -> None:
    assert {m.id for m in Capabilities.load().models()} >= {"gpt-image-2"}


# -- sizes ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "size",
    [
        "auto",
        "1024x1024",
        "1536x1024",
        "1024x1536",
        "3840x2160",  # the largest allowed, landscape
        "2160x3840",  # ... and portrait
        "2160x2160",
        "2880x2880",  # the largest square: the pixel budget binds, as on the live API
        "2304x768",  # exactly 3:1
        "768x2304",  # exactly 1:3
        "1024x640",  # exactly the minimum pixel count (655,360)
    ],
)
def test_allowed_sizes(caps: Capabilities, size: str) -> None:
    caps.validate(req(size=size))
    assert caps.get("gpt-image-2").size_rule.problem(size) is None


@pytest.mark.parametrize(
    ("size", "reason"),
    [
        ("1000x1000", "multiples of 16"),
        ("1024x1000", "multiples of 16"),
        ("1025x1024", "multiples of 16"),
        ("2320x768", "aspect ratio"),  # 3.02:1
        ("768x2320", "aspect ratio"),
        ("3840x1264", "aspect ratio"),
        ("3856x2160", "larger than 3840x2160"),  # long edge too long
        ("3840x2176", "larger than 3840x2160"),  # short edge too long
        ("2896x2896", "larger than 3840x2160"),  # more pixels than 3840x2160
        ("4096x4096", "larger than 3840x2160"),
        ("800x800", "fewer than 655,360 pixels"),
        ("1024x624", "fewer than 655,360 pixels"),
        ("0x0", "fewer than"),
        ("16x0", "aspect ratio"),
        ("1024*1024", "WIDTHxHEIGHT"),
        ("1024X1024", "WIDTHxHEIGHT"),
        (" 1024x1024", "WIDTHxHEIGHT"),
        ("1024x", "WIDTHxHEIGHT"),
        ("-16x16", "WIDTHxHEIGHT"),
        ("", "WIDTHxHEIGHT"),
        ("big", "WIDTHxHEIGHT"),
        ("AUTO", "WIDTHxHEIGHT"),
    ],
)
def test_rejected_sizes_say_why(caps: Capabilities, size: str, reason: str) -> None:
    with pytest.raises(InvalidRequest) as info:
        caps.validate(req(size=size))
    assert reason in str(info.value)
    assert str(info.value).startswith("gpt-image-2: ")


# -- qualities, formats, n, prompt -------------------------------------------------------------


@pytest.mark.parametrize("model", CURRENT)
@pytest.mark.parametrize("quality", ["auto", "low", "medium", "high"])
def test_common_qualities_everywhere(caps: Capabilities, model: str, quality: str) -> None:
    caps.validate(req(model, quality=quality))


@pytest.mark.parametrize("quality", ["xhigh", "max"])
def test_xhigh_and_max_only_on_2_5_and_2_6(caps: Capabilities, quality: str) -> None:
    for model in EXTRA_QUALITY_MODELS:
        caps.validate(req(model, quality=quality))
    with pytest.raises(InvalidRequest, match=rf"gpt-image-2 does not offer quality '{quality}'"):
        caps.validate(req("gpt-image-2", quality=quality))


@pytest.mark.parametrize("quality", ["ultra", "", "HIGH", "standard", "hd"])
def test_unknown_qualities_rejected(caps: Capabilities, quality: str) -> None:
    for model in CURRENT:
        with pytest.raises(InvalidRequest, match="does not offer quality"):
            caps.validate(req(model, quality=quality))


@pytest.mark.parametrize("fmt", ["png", "jpeg", "webp"])
def test_allowed_formats(caps: Capabilities, fmt: str) -> None:
    for model in CURRENT:
        caps.validate(req(model, output_format=fmt))


@pytest.mark.parametrize("fmt", ["gif", "bmp", "jpg", "PNG", ""])
def test_other_formats_rejected(caps: Capabilities, fmt: str) -> None:
    with pytest.raises(InvalidRequest, match="cannot produce"):
        caps.validate(req(output_format=fmt))


@pytest.mark.parametrize("n", [1, 2, 9, 10])
def test_n_in_range(caps: Capabilities, n: int) -> None:
    caps.validate(req(n=n))


@pytest.mark.parametrize("n", [0, -1, 11, 100])
def test_n_out_of_range(caps: Capabilities, n: int) -> None:
    with pytest.raises(InvalidRequest, match=rf"1–10 images per request, not {n}"):
        caps.validate(req(n=n))


@pytest.mark.parametrize("prompt", ["", "   ", "\n\t"])
def test_empty_prompt_rejected(caps: Capabilities, prompt: str) -> None:
    with pytest.raises(InvalidRequest, match="Write a prompt"):
        caps.validate(req(prompt=prompt))


def test_prompt_length_limit(caps: Capabilities) -> None:
    caps.validate(req(prompt="x" * MAX_PROMPT_CHARS))
    with pytest.raises(InvalidRequest, match="longer than"):
        caps.validate(req(prompt="x" * (MAX_PROMPT_CHARS + 1)))


def test_chinese_prompt_is_fine(caps: Capabilities) -> None:
    caps.validate(req(prompt="雪中的红狐狸，水彩画"))


# -- model ids ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("model", "date"), [("gpt-image-1", "2026-10-23"), ("dall-e-3", "2026-05-12")])
def test_retired_models_mention_their_shutdown(caps: Capabilities, model: str, date: str) -> None:
    for call in (lambda: caps.get(model), lambda: caps.validate(req(model))):
        with pytest.raises(InvalidRequest) as info:
            call()
        message = str(info.value)
        assert "shut down" in message and date in message
        assert "gpt-image-2" in message  # offers the alternatives
    assert model not in {m.id for m in caps.models()}


def test_unknown_model(caps: Capabilities) -> None:
    with pytest.raises(InvalidRequest, match="Unknown model 'gpt-image-99'") as info:
        caps.validate(req("gpt-image-99"))
    assert "shut down" not in str(info.value)


def test_snapshot_ids_resolve_to_their_model(caps: Capabilities) -> None:
    assert caps.get("gpt-image-2-2026-04-21").id == "gpt-image-2"
    assert caps.get("gpt-image-2.5-sunburst-2026-09-08").id == "gpt-image-2.5-sunburst"
    caps.validate(req("gpt-image-2.5-flare-2026-09-08", quality="max"))
    # a snapshot keeps the rules of its model
    with pytest.raises(InvalidRequest, match="does not offer quality 'max'"):
        caps.validate(req("gpt-image-2-2026-04-21", quality="max"))


# -- loading other tables ------------------------------------------------------------------------


def test_model_past_its_shutdown_is_not_offered(tmp_path: Path) -> None:
    table = raw_table()
    for m in table["models"]:
        if m["id"] == "gpt-image-2.5-flare":
            m["shutdown"] = "2026-11-01"
        if m["id"] == "gpt-image-2.6-flare":
            m["shutdown"] = TODAY.isoformat()  # shut down today: no longer offered either
    caps = Capabilities.load(write_table(tmp_path, table), today=TODAY)
    offered = {m.id for m in caps.models()}
    assert "gpt-image-2.5-flare" not in offered
    assert "gpt-image-2.6-flare" not in offered
    assert "gpt-image-2.5-sunburst" in offered
    with pytest.raises(InvalidRequest, match="shut down on 2026-11-01"):
        caps.validate(req("gpt-image-2.5-flare"))
    with pytest.raises(InvalidRequest):  # its snapshot is gone too
        caps.get("gpt-image-2.5-flare-2026-09-08")


def test_model_with_future_shutdown_is_offered_and_retiring(tmp_path: Path) -> None:
    table = raw_table()
    table["models"][1]["shutdown"] = "2026-12-05"
    caps = Capabilities.load(write_table(tmp_path, table), today=TODAY)
    info = caps.get(table["models"][1]["id"])
    assert info.shutdown == dt.date(2026, 12, 5)
    assert info.retiring_within(30, today=TODAY)
    assert not info.retiring_within(9, today=TODAY)
    assert info.retiring_within(10, today=TODAY)  # exactly 10 days left


def test_retired_default_model_falls_back_to_the_first_offered(tmp_path: Path) -> None:
    table = raw_table()
    table["models"][0]["shutdown"] = "2026-01-01"  # gpt-image-2, the default
    caps = Capabilities.load(write_table(tmp_path, table), today=TODAY)
    assert caps.default_model == "gpt-image-2.5-sunburst"
    table["default_model"] = "no-such-model"
    table["models"][0]["shutdown"] = None
    assert Capabilities.load(write_table(tmp_path, table), today=TODAY).default_model == "gpt-image-2"


def test_retiring_within() -> None:
    info = Capabilities.load(today=TODAY).get("gpt-image-2")
    assert info.shutdown is None
    assert not info.retiring_within(100_000, today=TODAY)
    from dataclasses import replace

    soon = replace(info, shutdown=TODAY + dt.timedelta(days=7))
    assert soon.retiring_within(7, today=TODAY)
    assert not soon.retiring_within(6, today=TODAY)
    assert soon.retiring_within(0, today=soon.shutdown)  # the day itself
    assert not soon.retiring_within(30, today=TODAY + dt.timedelta(days=8))  # already past


def _mutations() -> list[tuple[str, Any]]:
    def drop_models(t: dict[str, Any]) -> None:
        del t["models"]

    def all_retired(t: dict[str, Any]) -> None:
        for m in t["models"]:
            m["shutdown"] = "2020-01-01"

    def bad_date(t: dict[str, Any]) -> None:
        t["models"][0]["shutdown"] = "next tuesday"

    def bad_retired_date(t: dict[str, Any]) -> None:
        t["retired"][0]["shutdown"] = "soon"

    def bad_n(t: dict[str, Any]) -> None:
        t["models"][0]["n"] = 5

    def unknown_rule(t: dict[str, Any]) -> None:
        t["models"][0]["sizes"] = "no-such-rule"

    def rule_not_number(t: dict[str, Any]) -> None:
        t["size_rules"]["gpt-flexible"]["multiple_of"] = "sixteen"

    def models_not_list(t: dict[str, Any]) -> None:
        t["models"] = 7

    return [
        ("drop_models", drop_models),
        ("all_retired", all_retired),
        ("bad_date", bad_date),
        ("bad_retired_date", bad_retired_date),
        ("bad_n", bad_n),
        ("unknown_rule", unknown_rule),
        ("rule_not_number", rule_not_number),
        ("models_not_list", models_not_list),
    ]


@pytest.mark.parametrize(("name", "mutate"), _mutations(), ids=[n for n, _ in _mutations()])
def test_malformed_table_is_a_config_error(tmp_path: Path, name: str, mutate: Any) -> None:
    table = raw_table()
    mutate(table)
    path = write_table(tmp_path, table)
    with pytest.raises(ConfigError) as info:
        Capabilities.load(path, today=TODAY)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("content", [b"", b"{not json", b"[1, 2, 3]", b"null", b"\xff\xfe\x00garbage"])
def test_unparseable_table_is_a_config_error(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "models.json"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match="could not be read"):
        Capabilities.load(path, today=TODAY)


def test_missing_table_is_a_config_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError):
        Capabilities.load(tmp_path / "nope.json", today=TODAY)
