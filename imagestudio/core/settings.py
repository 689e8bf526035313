"""Versioned JSON settings in the config dir. Never holds a key.

A damaged or hand-edited file never stops the app: bad values fall back to defaults one by one, the
unreadable file is kept aside as ``settings.json.bad`` and the problem is reported in ``warnings``.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from imagestudio.core.fsutil import atomic_write

SCHEMA_VERSION = 1
PROVIDERS = ("demo", "openai", "custom")


@dataclass(frozen=True, slots=True)
class Settings:
    provider: str = "openai"
    base_url: str = ""  # for the "custom" OpenAI-compatible provider
    model: str = "gpt-image-2"
    size: str = "1024x1024"
    quality: str = "auto"
    n: int = 1
    output_format: str = "png"
    request_timeout_s: float = 300.0

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


@dataclass(slots=True)
class LoadedSettings:
    settings: Settings
    warnings: list[str] = field(default_factory=list)


def _check(name: str, value: Any) -> bool:
    """Whether ``value`` is acceptable for field ``name``."""
    if name == "provider":
        return value in PROVIDERS
    if name == "n":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10
    if name == "request_timeout_s":
        return isinstance(value, int | float) and not isinstance(value, bool) and 5 <= value <= 3600
    if name == "base_url":
        return isinstance(value, str) and (value == "" or value.startswith(("http://", "https://")))
    return isinstance(value, str) and 0 < len(value) <= 200


def parse(raw: object) -> LoadedSettings:
    defaults = Settings()
    if not isinstance(raw, dict):
        return LoadedSettings(defaults, ["The settings file is not a JSON object; defaults are used."])
    warnings = []
    version = raw.get("schema", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        warnings.append(f"Settings schema {version!r} is not {SCHEMA_VERSION}; unknown values are ignored.")
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if _check(f.name, value):
            values[f.name] = value
        else:
            warnings.append(f"Setting {f.name!r} has an invalid value; the default is used.")
    return LoadedSettings(Settings(**values), warnings)


def load(path: Path) -> LoadedSettings:
    if not path.exists():
        return LoadedSettings(Settings())
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        bad = path.with_name(path.name + ".bad")
        try:
            os.replace(path, bad)
            kept = f" It was kept as {bad.name}."
        except OSError:
            kept = ""
        return LoadedSettings(Settings(), [f"The settings file could not be read ({type(e).__name__}).{kept}"])
    return parse(raw)


def save(path: Path, settings: Settings) -> None:
    body = {"schema": SCHEMA_VERSION, **asdict(settings)}
    # ASCII with \u escapes: a lone surrogate (JSON "\\ud800" in a hand-edited file) could not be encoded as UTF-8.
    atomic_write(path, (json.dumps(body, indent=2, ensure_ascii=True) + "\n").encode("utf-8"))
