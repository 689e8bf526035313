"""Versioned JSON settings in the config dir. Never holds a key.

A damaged or hand-edited file never stops the app: bad values fall back to defaults one by one, the
unreadable file is kept aside as ``settings.json.bad`` and the problem is reported in ``warnings``.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill

SCHEMA_VERSION = 1
PROVIDERS = ("demo", "openai", "custom")
RESUME_MODES = ("ask", "auto")
_CHOICES: dict[str, tuple[str, ...]] = {
    "background": ("", "auto", "opaque", "transparent"),
    "moderation": ("", "auto", "low"),
    "complexity": ("", "low", "medium", "high"),
    "enhance_mode": ("off", "review", "auto"),
    "language": ("system", "en", "zh_CN"),
    "theme": ("system", "light", "dark"),
}


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
    #: jobs of one provider profile that run at the same time
    queue_concurrency: int = 3
    #: what to do with jobs a crash interrupted (they may have been charged): "ask" or "auto"
    resume_interrupted: str = "ask"
    #: the jobs panel's Pause, kept across restarts (waiting jobs stay queued until Resume)
    queue_paused: bool = False
    # -- image options beyond the basics ("" = let the server decide; omitted from the request)
    background: str = ""  # "", auto, opaque, transparent
    output_compression: int = 100  # jpeg/webp only
    moderation: str = ""  # "", auto, low
    complexity: str = ""  # "", low, medium, high
    partial_images: int = 0  # 0-3 streamed previews
    # -- prompt enhancement
    enhance_mode: str = "off"  # off, review, auto
    text_model: str = "gpt-6-luna"
    enhance_instruction: str = ""  # "" = the built-in instruction
    # -- refine in conversation (core/refine.py): the text model that calls the image tool; whether OpenAI keeps
    #: each response (its default; needed to continue a conversation by id, else the image is sent each turn)
    refine_text_model: str = "gpt-4.1-mini"
    refine_store: bool = True
    # -- cost
    monthly_budget_usd: float = 0.0  # 0 = no budget
    #: Generate asks first when the request's estimated cost is above this (0 = never asks)
    confirm_above_usd: float = 0.0
    # -- provider profiles ("" = the provider/base_url above)
    profile: str = ""
    # -- appearance and first run
    language: str = "system"  # system, en, zh_CN (takes effect at the next start)
    theme: str = "system"  # system, light, dark
    onboarding_done: bool = False
    # -- the window as it was last closed: Qt's own saveGeometry()/saveState() bytes in base64 ("" = default)
    window_geometry: str = ""
    panes_state: str = ""
    #: the gallery's thumbnail edge in px (its size control, Ctrl+wheel)
    thumb_size: int = 192

    def with_changes(self, **changes: Any) -> Settings:
        return replace(self, **changes)


@dataclass(slots=True)
class LoadedSettings:
    settings: Settings
    warnings: list[str] = field(default_factory=list)


_BASE64 = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=")


def _check(name: str, value: Any) -> bool:
    """Whether ``value`` is acceptable for field ``name``."""
    if name == "provider":
        return value in PROVIDERS
    if name == "n":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 10
    if name == "thumb_size":
        return isinstance(value, int) and not isinstance(value, bool) and 64 <= value <= 512
    if name == "queue_concurrency":
        return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 16
    if name == "resume_interrupted":
        return value in RESUME_MODES
    if name == "request_timeout_s":
        return isinstance(value, int | float) and not isinstance(value, bool) and 5 <= value <= 3600
    if name in _CHOICES:
        return value in _CHOICES[name]
    if name in ("onboarding_done", "queue_paused", "refine_store"):
        return isinstance(value, bool)
    if name in ("output_compression", "partial_images"):
        high = 100 if name == "output_compression" else 3
        return isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= high
    if name in ("monthly_budget_usd", "confirm_above_usd"):
        return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value <= 1_000_000
    if name in ("enhance_instruction", "profile"):
        return isinstance(value, str) and len(value) <= (4000 if name == "enhance_instruction" else 80)
    if name in ("window_geometry", "panes_state"):
        return isinstance(value, str) and len(value) <= 4000 and not set(value) - _BASE64
    if name == "base_url":
        return isinstance(value, str) and (value == "" or value.startswith(("http://", "https://")))
    return isinstance(value, str) and 0 < len(value) <= 200


def parse(raw: object) -> LoadedSettings:
    defaults = Settings()
    if not isinstance(raw, dict):
        not_object = QT_TRANSLATE_NOOP("CoreMessages", "The settings file is not a JSON object; defaults are used.")
        return LoadedSettings(defaults, [not_object])
    warnings = []
    version = raw.get("schema", SCHEMA_VERSION)
    if version != SCHEMA_VERSION:
        newer = QT_TRANSLATE_NOOP("CoreMessages", "Settings schema %1 is not %2; unknown values are ignored.")
        warnings.append(fill(newer, repr(version), SCHEMA_VERSION))
    values: dict[str, Any] = {}
    for f in fields(Settings):
        if f.name not in raw:
            continue
        value = raw[f.name]
        if _check(f.name, value):
            values[f.name] = value
        else:
            invalid = QT_TRANSLATE_NOOP("CoreMessages", "Setting %1 has an invalid value; the default is used.")
            warnings.append(fill(invalid, repr(f.name)))
    return LoadedSettings(Settings(**values), warnings)


def _backup_name(path: Path, tag: str) -> Path:
    """A name beside ``path`` that no earlier backup uses: backups are never overwritten."""
    candidate = path.with_name(f"{path.name}.{tag}")
    counter = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.name}.{tag}{counter}")
        counter += 1
    return candidate


def load(path: Path) -> LoadedSettings:
    """Settings from ``path``. Whatever cannot be used is reported, and the file as it was is kept aside
    (``.bad`` when unreadable, ``.bak`` when some values or a newer schema cannot be kept): never silently reset."""
    if not path.exists():
        return LoadedSettings(Settings())
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        bad = _backup_name(path, "bad")
        unreadable = QT_TRANSLATE_NOOP("CoreMessages", "The settings file could not be read (%1).")
        unreadable = fill(unreadable, type(e).__name__)
        try:
            os.replace(path, bad)
            unreadable += "\n" + fill(QT_TRANSLATE_NOOP("CoreMessages", "It was kept as %1."), bad.name)
        except OSError:
            pass
        return LoadedSettings(Settings(), [unreadable])
    loaded = parse(raw)
    if loaded.warnings:  # the next save would drop what could not be used: keep the original first
        backup = _backup_name(path, "bak")
        try:
            shutil.copy2(path, backup)
            note = fill(QT_TRANSLATE_NOOP("CoreMessages", "The settings file as it was is kept as %1."), backup.name)
        except OSError as e:
            kept_none = QT_TRANSLATE_NOOP("CoreMessages", "No copy of the settings file could be kept (%1).")
            note = fill(kept_none, e.strerror or type(e).__name__)
        loaded.warnings[-1] += "\n" + note  # one line per message: the interface translates each
    return loaded


def save(path: Path, settings: Settings) -> None:
    body = {"schema": SCHEMA_VERSION, **asdict(settings)}
    # ASCII with \u escapes: a lone surrogate (JSON "\\ud800" in a hand-edited file) could not be encoded as UTF-8.
    data = (json.dumps(body, indent=2, ensure_ascii=True) + "\n").encode("utf-8")
    atomic_write(path, data, point="settings.before_replace")
