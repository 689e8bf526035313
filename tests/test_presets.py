"""Use-case presets: built-ins, templates, validation with clear messages, the user file, import/export. No Qt."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.presets import (
    Preset,
    PresetError,
    UserPresets,
    allowed_sizes,
    builtin_presets,
    new_id,
    parse_file,
    parse_preset,
)
from imagestudio.core.types import GenerationRequest


def _raw(**changes: object) -> dict[str, object]:
    return {"id": "mine", "name": "Mine", "template": "A {thing} at {place}", **changes}


def test_builtins_cover_the_four_use_cases_and_render_in_both_languages() -> None:
    presets = {p.id: p for p in builtin_presets()}
    assert set(presets) == {"avatar", "artwork", "advertising", "game-character"}
    for preset in presets.values():
        assert preset.builtin
        for language in ("en", "zh_CN"):
            prompt = preset.render({}, language)  # every variable has an example
            assert "{" not in prompt and len(prompt) > 20
    assert any("\u4e00" <= ch <= "\u9fff" for ch in presets["avatar"].render({}, "zh_CN"))
    assert presets["avatar"].settings["size"] == "1024x1024"  # square
    game = presets["game-character"]
    assert game.settings["background"] == "transparent" and game.settings["output_format"] == "png"


def test_builtin_settings_pass_the_real_request_validation() -> None:
    caps = Capabilities.load()
    for preset in builtin_presets():
        for model in caps.models():
            s = preset.settings
            sizes = [c.size for c in allowed_sizes(preset, model.size_rule.problem)]
            assert sizes, (preset.id, model.id)
            for size in sizes:
                caps.validate(
                    GenerationRequest(
                        preset.render({}),
                        model.id,
                        size,
                        s.get("quality", "auto"),
                        s.get("n", 1),
                        s.get("output_format", "png"),
                        background=s.get("background"),
                    )
                )


def test_advertising_offers_only_banner_sizes_the_model_allows() -> None:
    ad = next(p for p in builtin_presets() if p.id == "advertising")
    rule = Capabilities.load().get("gpt-image-2").size_rule
    offered = [c.size for c in ad.sizes]
    allowed = [c.size for c in allowed_sizes(ad, rule.problem)]
    assert "2912x368" in offered and "2912x368" not in allowed  # 8:1 leaderboard is wider than 3:1
    assert {"1024x1024", "1152x2048", "1536x800", "2304x768"} <= set(allowed)
    assert all(rule.problem(size) is None for size in allowed)


def test_render_fills_values_and_falls_back_to_defaults() -> None:
    preset = parse_preset(
        _raw(
            variables=[{"name": "place", "label": "Where", "default": "the sea"}],
            template="A {thing} at {place}, {{literal}}",
        )
    )
    assert preset.render({"thing": " boat "}) == "A boat at the sea, {literal}"
    with pytest.raises(PresetError, match="Fill in “thing”"):
        preset.render({"thing": "   "})


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ([], "must be a JSON object"),
        (_raw(id="Bad Id!"), "id must be"),
        (_raw(name=""), "name is empty"),
        (_raw(template=7), "template must be text"),
        (_raw(template="A {0}"), "variables look like"),
        (_raw(template="A {thing!r}"), "variables look like"),
        (_raw(template="A {thing"), "unmatched"),
        (_raw(variables=[{"name": "nope"}]), "“nope” is not used"),
        (_raw(settings={"quality": "ultra"}), "must be one of"),
        (_raw(settings={"size": "big"}), "WIDTHxHEIGHT"),
        (_raw(settings={"n": 0}), "1 to 10"),
        (_raw(settings={"api_key": "sk-x"}), "Unknown setting"),
        (_raw(settings=[1]), "must be a JSON object"),
        (_raw(sizes=[{"size": "1x"}]), "size like"),
    ],
)
def test_bad_presets_are_refused_with_a_clear_message(raw: object, message: str) -> None:
    with pytest.raises(PresetError, match=message):
        parse_preset(raw)


def test_user_presets_round_trip_edit_and_delete(tmp_path: Path) -> None:
    store = UserPresets(tmp_path / "presets.json")
    assert store.load() == []
    first = parse_preset(_raw(settings={"size": "1536x1024", "n": 2}))
    store.upsert(first)
    store.upsert(parse_preset(_raw(id="other", name="Other")))
    store.upsert(parse_preset(_raw(name="Mine, renamed")))  # same id: replaced in place
    again = UserPresets(tmp_path / "presets.json")
    assert [p.name for p in again.load()] == ["Mine, renamed", "Other"]
    assert again.warnings == []
    assert again.delete("mine") and not again.delete("mine")
    assert [p.id for p in UserPresets(tmp_path / "presets.json").load()] == ["other"]


def test_a_damaged_user_file_is_kept_aside_and_bad_entries_are_skipped(tmp_path: Path) -> None:
    path = tmp_path / "presets.json"
    path.write_text("{not json", encoding="utf-8")
    store = UserPresets(path)
    assert store.load() == []
    assert "not valid JSON" in store.warnings[0] and "presets.json.bad" in store.warnings[0]
    assert (tmp_path / "presets.json.bad").read_text(encoding="utf-8") == "{not json"
    path.write_text(json.dumps({"schema": 1, "presets": [_raw(), _raw(id="x", template="")]}), encoding="utf-8")
    assert [p.id for p in store.load()] == ["mine"]
    assert store.warnings == ["Preset “x”: The prompt template is empty."]


def test_export_then_import_with_id_clash_and_problems(tmp_path: Path) -> None:
    store = UserPresets(tmp_path / "config" / "presets.json")
    store.upsert(parse_preset(_raw(name="雪景", template="{主体}在雪中".replace("{主体}", "{subject}"))))
    out = tmp_path / "shared.json"
    assert UserPresets.export_file(out, store.presets) == 1
    assert "雪景" in out.read_text(encoding="utf-8")  # readable UTF-8, not \u escapes
    added, problems = store.import_file(out, reserved=["avatar"])
    assert problems == [] and [p.id for p in added] == ["mine-2"]  # the same id again gets a new one
    assert [p.id for p in store.presets] == ["mine", "mine-2"]
    single = tmp_path / "single.json"
    single.write_text(json.dumps(_raw(id="avatar")), encoding="utf-8")
    added, _ = store.import_file(single, reserved=["avatar"])
    assert added[0].id == "avatar-2"  # never shadows a built-in
    mixed = tmp_path / "mixed.json"
    mixed.write_text(json.dumps({"presets": [_raw(id="ok"), {"id": "broken"}]}), encoding="utf-8")
    added, problems = store.import_file(mixed)
    assert [p.id for p in added] == ["ok"] and problems == ["Preset “broken”: The name must be text."]


@pytest.mark.parametrize(
    ("content", "message"),
    [(b"\xff\xfe\x00", "not a UTF-8"), (b"[1, 2", "not valid JSON"), (b"{}", "holds no presets|must be")],
)
def test_import_of_a_bad_file_says_why(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "in.json"
    path.write_bytes(content)
    store = UserPresets(tmp_path / "presets.json")
    try:
        added, problems = store.import_file(path)
    except PresetError as e:
        assert any(part in str(e) for part in message.split("|"))
    else:
        assert added == [] and any(any(part in p for part in message.split("|")) for p in problems)
    with pytest.raises(PresetError, match="was not found"):
        store.import_file(tmp_path / "missing.json")


def test_parse_file_refuses_a_future_schema_and_new_id_is_free() -> None:
    presets, problems = parse_file({"schema": 9, "presets": []})
    assert presets == [] and "version 9" in problems[0]
    assert new_id("My Preset!", ["my-preset"]) == "my-preset-2"
    assert new_id("头像", []) == "preset"


def test_to_json_round_trips() -> None:
    for preset in builtin_presets():
        again = parse_preset(json.loads(json.dumps(preset.to_json())))
        assert isinstance(again, Preset)
        assert again.to_json() == preset.to_json()
