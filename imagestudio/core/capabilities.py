"""Which image models exist and what each accepts, loaded from ``resources/models.json``.

The table is data, not code: models, sizes, prices and shutdown dates change with the outside world.
``validate`` is the single check used by the GUI, the CLI and the providers before any request is sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from imagestudio.core.errors import ConfigError, InvalidRequest
from imagestudio.core.paths import resources_dir
from imagestudio.core.types import GenerationRequest

_SIZE_RE = re.compile(r"^(\d{1,5})x(\d{1,5})$")
MAX_PROMPT_CHARS = 32_000


@dataclass(frozen=True, slots=True)
class SizeRule:
    multiple_of: int
    max_ratio: float
    max_long_edge: int
    max_short_edge: int
    min_pixels: int
    experimental_above_pixels: int
    presets: tuple[str, ...]

    def problem(self, size: str) -> str | None:
        """Why ``size`` is not allowed, or None when it is."""
        if size == "auto":
            return None
        m = _SIZE_RE.match(size)
        if not m:
            return f"Size must be 'auto' or WIDTHxHEIGHT, not {size!r}."
        w, h = int(m.group(1)), int(m.group(2))
        if w % self.multiple_of or h % self.multiple_of:
            return f"Both sides must be multiples of {self.multiple_of} ({w}x{h} is not)."
        if max(w, h) > self.max_ratio * min(w, h):
            return f"The aspect ratio of {w}x{h} is wider than {self.max_ratio:g}:1."
        if max(w, h) > self.max_long_edge or min(w, h) > self.max_short_edge:
            return f"{w}x{h} is larger than {self.max_long_edge}x{self.max_short_edge}."
        if w * h < self.min_pixels:
            return f"{w}x{h} has fewer than {self.min_pixels:,} pixels."
        return None


@dataclass(frozen=True, slots=True)
class ModelInfo:
    id: str
    label: str
    snapshots: tuple[str, ...]
    size_rule: SizeRule
    qualities: tuple[str, ...]
    formats: tuple[str, ...]
    n_min: int
    n_max: int
    prices_per_million: dict[str, float | None]
    shutdown: dt.date | None

    def retiring_within(self, days: int, today: dt.date | None = None) -> bool:
        if self.shutdown is None:
            return False
        today = today or dt.date.today()
        return 0 <= (self.shutdown - today).days <= days


class Capabilities:
    def __init__(self, models: list[ModelInfo], retired: dict[str, dt.date], default_model: str) -> None:
        self._models = {m.id: m for m in models}
        self._snapshots = {s: m for m in models for s in m.snapshots}
        self.retired = retired
        self.default_model = default_model

    @classmethod
    def load(cls, path: Path | None = None, today: dt.date | None = None) -> Capabilities:
        path = path or resources_dir() / "models.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls._parse(raw, today or dt.date.today())
        except (OSError, ValueError, KeyError, TypeError) as e:
            raise ConfigError(f"The model table {path} could not be read: {e}") from e

    @classmethod
    def _parse(cls, raw: dict[str, Any], today: dt.date) -> Capabilities:
        rules = {
            name: SizeRule(
                multiple_of=int(r["multiple_of"]),
                max_ratio=float(r["max_ratio"]),
                max_long_edge=int(r["max_long_edge"]),
                max_short_edge=int(r["max_short_edge"]),
                min_pixels=int(r["min_pixels"]),
                experimental_above_pixels=int(r["experimental_above_pixels"]),
                presets=tuple(r["presets"]),
            )
            for name, r in raw["size_rules"].items()
        }
        models = []
        retired: dict[str, dt.date] = {}
        for m in raw["models"]:
            shutdown = dt.date.fromisoformat(m["shutdown"]) if m.get("shutdown") else None
            if shutdown is not None and shutdown <= today:
                retired[m["id"]] = shutdown  # retired models are never offered, but named as retired
                continue
            n_min, n_max = m["n"]
            models.append(
                ModelInfo(
                    id=m["id"],
                    label=m.get("label", m["id"]),
                    snapshots=tuple(m.get("snapshots", ())),
                    size_rule=rules[m["sizes"]],
                    qualities=tuple(m["qualities"]),
                    formats=tuple(m["formats"]),
                    n_min=int(n_min),
                    n_max=int(n_max),
                    prices_per_million=dict(m.get("prices_per_million", {})),
                    shutdown=shutdown,
                )
            )
        if not models:
            raise ValueError("no current models")
        retired.update({r["id"]: dt.date.fromisoformat(r["shutdown"]) for r in raw.get("retired", [])})
        default = raw.get("default_model", models[0].id)
        if default not in {m.id for m in models}:
            default = models[0].id
        return cls(models, retired, default)

    def models(self) -> list[ModelInfo]:
        return list(self._models.values())

    def get(self, model_id: str) -> ModelInfo:
        info = self._models.get(model_id) or self._snapshots.get(model_id)
        if info is not None:
            return info
        if model_id in self.retired:
            raise InvalidRequest(
                f"The model {model_id} was shut down on {self.retired[model_id]:%Y-%m-%d}; "
                f"choose one of: {', '.join(self._models)}."
            )
        raise InvalidRequest(f"Unknown model {model_id!r}; choose one of: {', '.join(self._models)}.")

    def validate(self, request: GenerationRequest) -> None:
        """Raise InvalidRequest with a human message if the chosen model cannot take ``request``."""
        info = self.get(request.model)
        if not request.prompt.strip():
            raise InvalidRequest("Write a prompt first.")
        if len(request.prompt) > MAX_PROMPT_CHARS:
            raise InvalidRequest(f"The prompt is longer than {MAX_PROMPT_CHARS:,} characters.")
        problem = info.size_rule.problem(request.size)
        if problem:
            raise InvalidRequest(f"{info.id}: {problem}")
        if request.quality not in info.qualities:
            raise InvalidRequest(
                f"{info.id} does not offer quality {request.quality!r} (choose {', '.join(info.qualities)})."
            )
        if request.output_format not in info.formats:
            raise InvalidRequest(
                f"{info.id} cannot produce {request.output_format!r} (choose {', '.join(info.formats)})."
            )
        if not info.n_min <= request.n <= info.n_max:
            raise InvalidRequest(f"{info.id} makes {info.n_min}–{info.n_max} images per request, not {request.n}.")
