"""Versioned JSON settings: defaults, atomic round trip, damaged files, per-field fallback. No Qt."""

from __future__ import annotations

import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from imagestudio.core.files import fsutil
from imagestudio.core.secrets import KeyStore
from imagestudio.core.settings import PROVIDERS, SCHEMA_VERSION, Settings, _check, load, parse, save

FIELD_NAMES = [f.name for f in fields(Settings)]
CUSTOM = Settings(
    provider="custom",
    base_url="http://127.0.0.1:8080/v1",
    model="gpt-image-2.5-sunburst",
    size="1536x1024",
    quality="high",
    n=4,
    output_format="webp",
    request_timeout_s=60.5,
)


def assert_valid(s: Settings) -> None:
    assert isinstance(s, Settings)
    for name in FIELD_NAMES:
        assert _check(name, getattr(s, name)), (name, getattr(s, name))


def test_defaults() -> None:
    s = Settings()
    assert s.provider == "openai"
    assert s.base_url == ""
    assert s.model == "gpt-image-2"
    assert s.size == "1024x1024"
    assert s.quality == "auto"
    assert s.n == 1
    assert s.output_format == "png"
    assert s.request_timeout_s == 300.0
    assert_valid(s)


def test_settings_have_no_place_for_a_key() -> None:
    assert not [n for n in FIELD_NAMES if "key" in n.lower() or "secret" in n.lower() or "token" in n.lower()]


def test_missing_file_gives_defaults_without_warnings(tmp_path: Path) -> None:
    loaded = load(tmp_path / "settings.json")
    assert loaded.settings == Settings()
    assert loaded.warnings == []


def test_save_load_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "config" / "settings.json"  # the folder does not exist yet
    save(path, CUSTOM)
    loaded = load(path)
    assert loaded.settings == CUSTOM
    assert loaded.warnings == []
    body = json.loads(path.read_text(encoding="utf-8"))
    assert body["schema"] == SCHEMA_VERSION
    assert set(body) == {"schema", *FIELD_NAMES}
    assert sorted(p.name for p in path.parent.iterdir()) == ["settings.json"]  # no temp files left


def test_save_replaces_the_previous_file(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    save(path, Settings())
    save(path, CUSTOM.with_changes(n=7))
    assert load(path).settings == CUSTOM.with_changes(n=7)
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


def test_no_key_is_ever_written(tmp_path: Path) -> None:
    key = "sk-proj-THIS-IS-A-SECRET-1234567890abcdef"
    store = KeyStore(environ={"OPENAI_API_KEY": key})
    store.set_session("openai", key)
    assert store.get("openai")[0] == key
    path = tmp_path / "settings.json"
    save(path, CUSTOM)
    text = path.read_text(encoding="utf-8")
    assert key not in text
    assert "sk-" not in text
    assert "key" not in text.lower()


def test_failed_save_keeps_the_old_file_and_leaves_no_temp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "settings.json"
    save(path, CUSTOM)
    before = path.read_bytes()

    def broken_replace(src: Any, dst: Any) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(fsutil.os, "replace", broken_replace)
    with pytest.raises(OSError, match="No space left"):
        save(path, Settings())
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["settings.json"]


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"", b'{"model": "gpt-image-2",', b"\xff\xfe\x00\x01 binary", b'{"n": 1}\x00garbage'],
)
def test_corrupt_file_gives_defaults_and_is_kept_aside(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "settings.json"
    path.write_bytes(content)
    loaded = load(path)
    assert loaded.settings == Settings()
    assert len(loaded.warnings) == 1
    assert "could not be read" in loaded.warnings[0]
    assert "settings.json.bad" in loaded.warnings[0]
    bad = tmp_path / "settings.json.bad"
    assert bad.read_bytes() == content  # kept byte for byte for the user to inspect
    assert not path.exists()
    # the next save starts a fresh file and leaves the damaged copy alone
    save(path, CUSTOM)
    assert load(path).settings == CUSTOM
    assert bad.read_bytes() == content


@pytest.mark.parametrize("raw", [[], [1, 2], "text", 3, None, True])
def test_json_that_is_not_an_object_gives_defaults(tmp_path: Path, raw: Any) -> None:
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    loaded = load(path)
    assert loaded.settings == Settings()
    assert loaded.warnings and "not a JSON object" in loaded.warnings[0]


BAD_VALUES: list[tuple[str, Any]] = [
    ("provider", "aws"),
    ("provider", ""),
    ("provider", None),
    ("provider", ["demo"]),
    ("base_url", "ftp://example.com"),
    ("base_url", "example.com"),
    ("base_url", 5),
    ("base_url", None),
    ("model", ""),
    ("model", 5),
    ("model", "m" * 201),
    ("model", {"id": "gpt-image-2"}),
    ("size", None),
    ("size", 1024),
    ("quality", []),
    ("quality", False),
    ("output_format", {}),
    ("output_format", 1.5),
    ("n", 0),
    ("n", 11),
    ("n", -3),
    ("n", True),
    ("n", "3"),
    ("n", 2.5),
    ("n", None),
    ("request_timeout_s", "300"),
    ("request_timeout_s", 1),
    ("request_timeout_s", 4.99),
    ("request_timeout_s", 3601),
    ("request_timeout_s", True),
    ("request_timeout_s", None),
    ("request_timeout_s", [60]),
    ("confirm_above_usd", -0.5),
    ("confirm_above_usd", "1"),
    ("confirm_above_usd", True),
]


@pytest.mark.parametrize(("name", "value"), BAD_VALUES)
def test_wrong_value_falls_back_for_that_field_only(tmp_path: Path, name: str, value: Any) -> None:
    body = {"schema": SCHEMA_VERSION, **asdict(CUSTOM), name: value}
    path = tmp_path / "settings.json"
    path.write_text(json.dumps(body), encoding="utf-8")
    loaded = load(path)
    expected = CUSTOM.with_changes(**{name: getattr(Settings(), name)})
    assert loaded.settings == expected
    assert len(loaded.warnings) == 1
    assert repr(name) in loaded.warnings[0] and "default" in loaded.warnings[0]
    assert path.exists()  # a readable file with a bad value is not moved aside


def test_several_bad_fields_each_warn() -> None:
    loaded = parse({"provider": "x", "n": 99, "model": "gpt-image-2.5-flare"})
    assert loaded.settings == Settings(model="gpt-image-2.5-flare")
    assert len(loaded.warnings) == 2


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("request_timeout_s", 60),
        ("request_timeout_s", 5),
        ("request_timeout_s", 3600.0),
        ("n", 10),
        ("base_url", ""),
        ("confirm_above_usd", 0.25),
        ("confirm_above_usd", 0),
    ],
)
def test_boundary_values_are_accepted(name: str, value: Any) -> None:
    loaded = parse({name: value})
    assert getattr(loaded.settings, name) == value
    assert loaded.warnings == []


@pytest.mark.parametrize("provider", PROVIDERS)
def test_every_provider_is_accepted(provider: str) -> None:
    assert parse({"provider": provider}).settings.provider == provider


@pytest.mark.parametrize("version", [2, 0, "1", None, 99])
def test_unknown_schema_version_warns_but_keeps_known_values(version: Any) -> None:
    loaded = parse({"schema": version, "model": "gpt-image-2.6-flare", "n": 3})
    assert loaded.settings == Settings(model="gpt-image-2.6-flare", n=3)
    assert len(loaded.warnings) == 1
    assert "schema" in loaded.warnings[0].lower() and repr(version) in loaded.warnings[0]


def test_missing_schema_and_unknown_keys_are_fine() -> None:
    loaded = parse({"n": 2, "window_colour": "dark", "api_key": "sk-should-be-ignored-123456"})
    assert loaded.settings == Settings(n=2)
    assert loaded.warnings == []
    assert not hasattr(loaded.settings, "api_key")


def test_with_changes_returns_a_new_object() -> None:
    s = Settings()
    t = s.with_changes(n=3)
    assert s.n == 1 and t.n == 3
    with pytest.raises(TypeError):
        s.with_changes(api_key="x")


# -- properties ----------------------------------------------------------------------------------

# Any code point, lone surrogates included: json.loads turns "\\ud800" into one.
any_text = st.text(st.characters(exclude_categories=()), max_size=30)
json_scalars = st.none() | st.booleans() | st.integers() | st.floats() | any_text
json_values = st.recursive(
    json_scalars,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(any_text, children, max_size=4),
    max_leaves=12,
)
# Mostly the real field names, so values reach each field's check.
settings_like = st.dictionaries(
    st.sampled_from([*FIELD_NAMES, "schema", "extra"]) | st.text(max_size=8),
    json_values | st.sampled_from([*PROVIDERS, "https://x.test/v1", 1, 10, 60.0, "auto", "gpt-image-2"]),
    max_size=12,
)


@hsettings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(raw=json_values | settings_like)
def test_parse_never_raises_and_always_gives_valid_settings(raw: Any) -> None:
    loaded = parse(raw)
    assert_valid(loaded.settings)
    assert all(isinstance(w, str) and w for w in loaded.warnings)
    if isinstance(raw, dict):
        for name in FIELD_NAMES:  # every accepted value came from the input, every other one is the default
            value = getattr(loaded.settings, name)
            assert (name in raw and raw[name] == value) or value == getattr(Settings(), name)


@hsettings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=settings_like)
def test_whatever_parse_accepts_can_be_saved_and_read_back(tmp_path: Path, raw: dict[str, Any]) -> None:
    path = tmp_path / "settings.json"
    accepted = parse(raw).settings
    save(path, accepted)
    loaded = load(path)
    assert loaded.settings == accepted
    assert loaded.warnings == []


def test_a_lone_surrogate_from_a_hand_edited_file_does_not_break_saving(tmp_path: Path) -> None:
    path = tmp_path / "settings.json"
    path.write_text('{"model": "gpt-image-2\\ud800"}', encoding="utf-8")  # valid JSON, not valid UTF-8 text
    loaded = load(path)
    save(path, loaded.settings)
    assert load(path).settings == loaded.settings
