"""Which image models exist and what each accepts, loaded from ``resources/models.json``.

The table is data, not code: models, sizes, prices and shutdown dates change with the outside world.
``validate`` is the single check used by the GUI, the CLI and the providers before any request is sent.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from imagestudio.core.clock import SystemClock, local_date
from imagestudio.core.errors import ConfigError, InvalidRequest
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.paths import resources_dir
from imagestudio.core.types import EditRequest, GenerationRequest

_SIZE_RE = re.compile(r"^(\d{1,5})x(\d{1,5})$")
MAX_PROMPT_CHARS = 32_000
MAX_SAFETY_IDENTIFIER_CHARS = 64
#: Formats that exist only as account previews (the server answers 403 without access).
PREVIEW_FORMATS = ("gif", "svg")
RETIRING_SOON_DAYS = 30


@dataclass(frozen=True, slots=True)
class SizeRule:
    multiple_of: int
    max_ratio: float
    max_long_edge: int
    max_short_edge: int
    min_pixels: int
    experimental_above_pixels: int
    presets: tuple[str, ...]
    max_pixels: int = 0  # 0: long edge x short edge

    def problem(self, size: str) -> str | None:
        """Why ``size`` is not allowed, or None when it is."""
        if size == "auto":
            return None
        m = _SIZE_RE.match(size)
        if not m:
            return fill(QT_TRANSLATE_NOOP("CoreMessages", "Size must be 'auto' or WIDTHxHEIGHT, not %1."), repr(size))
        w, h = int(m.group(1)), int(m.group(2))
        if w % self.multiple_of or h % self.multiple_of:
            template = QT_TRANSLATE_NOOP("CoreMessages", "Both sides must be multiples of %1 (%2 is not).")
            return fill(template, self.multiple_of, f"{w}x{h}")
        if max(w, h) > self.max_ratio * min(w, h):
            template = QT_TRANSLATE_NOOP("CoreMessages", "The aspect ratio of %1 is wider than %2:1.")
            return fill(template, f"{w}x{h}", f"{self.max_ratio:g}")
        max_pixels = self.max_pixels or self.max_long_edge * self.max_short_edge
        if max(w, h) > self.max_long_edge or min(w, h) > self.max_short_edge or w * h > max_pixels:
            template = QT_TRANSLATE_NOOP(
                "CoreMessages", "%1 is larger than %2 allows (longest edge %3, at most %4 pixels)."
            )
            largest = f"{self.max_long_edge}x{max_pixels // self.max_long_edge}"
            return fill(template, f"{w}x{h}", largest, self.max_long_edge, f"{max_pixels:,}")
        if w * h < self.min_pixels:
            template = QT_TRANSLATE_NOOP("CoreMessages", "%1 has fewer than %2 pixels.")
            return fill(template, f"{w}x{h}", f"{self.min_pixels:,}")
        return None

    def is_experimental(self, size: str) -> bool:
        m = _SIZE_RE.match(size)
        return bool(m) and int(m.group(1)) * int(m.group(2)) > self.experimental_above_pixels  # type: ignore[union-attr]


@dataclass(frozen=True, slots=True)
class EditLimits:
    max_images: int
    max_image_bytes: int
    image_formats: tuple[str, ...]
    mask: bool
    mask_max_bytes: int
    markup: bool


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
    backgrounds: tuple[str, ...] = ("auto",)
    transparent_formats: tuple[str, ...] = ("png", "webp")
    compression_formats: tuple[str, ...] = ()
    moderation: tuple[str, ...] = ()
    complexity: tuple[str, ...] = ()
    partial_images_max: int = 0
    edit: EditLimits | None = None
    #: "gif"/"svg" -> their rules; only models listed here may have preview access at all.
    preview_formats: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: str = ""
    pricing: dict[str, Any] = field(default_factory=dict)  # source, checked, estimated (read by core/money/pricing.py)

    def retiring_within(self, days: int, today: dt.date) -> bool:
        return self.shutdown is not None and 0 <= (self.shutdown - today).days <= days

    def all_formats(self) -> tuple[str, ...]:
        return self.formats + tuple(f for f in PREVIEW_FORMATS if f in self.preview_formats)

    def ids(self) -> tuple[str, ...]:
        return (self.id, *self.snapshots)


@dataclass(frozen=True, slots=True)
class TextModelInfo:
    """A text model for prompt enhancement; prices per million input/output tokens."""

    id: str
    label: str
    prices_per_million: dict[str, float | None]
    shutdown: dt.date | None
    pricing: dict[str, Any] = field(default_factory=dict)

    def retiring_within(self, days: int, today: dt.date) -> bool:
        return self.shutdown is not None and 0 <= (self.shutdown - today).days <= days


def _parse_model(m: dict[str, Any], rule: SizeRule, shutdown: dt.date | None) -> ModelInfo:
    n_min, n_max = m["n"]
    edit_raw = m.get("edit")
    edit = None
    if edit_raw:
        edit = EditLimits(
            max_images=int(edit_raw["max_images"]),
            max_image_bytes=int(edit_raw["max_image_bytes"]),
            image_formats=tuple(edit_raw["image_formats"]),
            mask=bool(edit_raw.get("mask", False)),
            mask_max_bytes=int(edit_raw.get("mask_max_bytes", 4 * 1024 * 1024)),
            markup=bool(edit_raw.get("markup", False)),
        )
    previews = m.get("preview_formats") or {}
    if not isinstance(previews, dict) or any(k not in PREVIEW_FORMATS for k in previews):
        raise ValueError(f"preview_formats of {m['id']} must map gif/svg to rules")
    return ModelInfo(
        id=m["id"],
        label=m.get("label", m["id"]),
        snapshots=tuple(m.get("snapshots", ())),
        size_rule=rule,
        qualities=tuple(m["qualities"]),
        formats=tuple(m["formats"]),
        n_min=int(n_min),
        n_max=int(n_max),
        prices_per_million=dict(m.get("prices_per_million", {})),
        shutdown=shutdown,
        backgrounds=tuple(m.get("backgrounds", ("auto",))),
        transparent_formats=tuple(m.get("transparent_formats", ("png", "webp"))),
        compression_formats=tuple(m.get("compression_formats", ())),
        moderation=tuple(m.get("moderation", ())),
        complexity=tuple(m.get("complexity", ())),
        partial_images_max=int((m.get("streaming") or {}).get("partial_images_max", 0)),
        edit=edit,
        preview_formats={k: dict(v) for k, v in previews.items()},
        notes=str(m.get("notes", "")),
        pricing=dict(m.get("pricing") or {}),
    )


class Capabilities:
    def __init__(
        self,
        models: list[ModelInfo],
        retired: dict[str, dt.date],
        default_model: str,
        text_models: list[TextModelInfo] | None = None,
        default_text_model: str = "",
        pricing: dict[str, Any] | None = None,
        today: dt.date | None = None,
    ) -> None:
        #: The day the table was read for: models shut down by then are retired (from the injected clock).
        self.today = today or local_date(SystemClock())
        self._models = {m.id: m for m in models}
        self._snapshots = {s: m for m in models for s in m.snapshots}
        self.retired = retired
        self.default_model = default_model
        self._text_models = {m.id: m for m in text_models or []}
        self.default_text_model = default_text_model
        self.pricing: dict[str, Any] = pricing or {}  # the table-wide "pricing" block (core/money/pricing.py)
        #: Models the table knows but the server did not list at the last "Refresh models".
        self.hidden: tuple[str, ...] = ()

    @classmethod
    def load(cls, path: Path | None = None, today: dt.date | None = None) -> Capabilities:
        path = path or resources_dir() / "models.json"
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            return cls._parse(raw, today or local_date(SystemClock()))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as e:
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
                max_pixels=int(r.get("max_pixels", 0)),
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
            models.append(_parse_model(m, rules[m["sizes"]], shutdown))
        if not models:
            raise ValueError("no current models")
        retired.update({r["id"]: dt.date.fromisoformat(r["shutdown"]) for r in raw.get("retired", [])})
        default = raw.get("default_model", models[0].id)
        if default not in {m.id for m in models}:
            default = models[0].id
        text_models = []
        for t in raw.get("text_models", []):
            shutdown = dt.date.fromisoformat(t["shutdown"]) if t.get("shutdown") else None
            if shutdown is None or shutdown > today:
                prices, pricing = dict(t.get("prices_per_million", {})), dict(t.get("pricing") or {})
                text_models.append(TextModelInfo(t["id"], t.get("label", t["id"]), prices, shutdown, pricing))
        default_text = (raw.get("defaults") or {}).get("text_model", "")
        if text_models and default_text not in {t.id for t in text_models}:
            default_text = text_models[0].id
        return cls(models, retired, default, text_models, default_text, dict(raw.get("pricing") or {}), today)

    # -- lookups -----------------------------------------------------------------------------------
    def models(self) -> list[ModelInfo]:
        return list(self._models.values())

    def text_models(self) -> list[TextModelInfo]:
        return list(self._text_models.values())

    def text_model(self, model_id: str) -> TextModelInfo | None:
        return self._text_models.get(model_id)

    def get(self, model_id: str) -> ModelInfo:
        info = self._models.get(model_id) or self._snapshots.get(model_id)
        if info is not None:
            return info
        if model_id in self.retired:
            template = QT_TRANSLATE_NOOP("CoreMessages", "The model %1 was shut down on %2; choose one of: %3.")
            shut, offered = f"{self.retired[model_id]:%Y-%m-%d}", ", ".join(self._models)
            raise InvalidRequest(fill(template, model_id, shut, offered))
        if model_id in self.hidden:
            template = QT_TRANSLATE_NOOP("CoreMessages", "The server does not offer %1; choose one of: %2.")
            raise InvalidRequest(fill(template, model_id, ", ".join(self._models)))
        template = QT_TRANSLATE_NOOP("CoreMessages", "Unknown model %1; choose one of: %2.")
        raise InvalidRequest(fill(template, repr(model_id), ", ".join(self._models)))

    def restricted_to(self, available: set[str], *, capability_overrides: dict[str, Any] | None = None) -> Capabilities:
        """The same table without the models the server did not list (``GET /v1/models``).

        A model counts as available when its id or one of its snapshots is listed. If the server lists none of
        our models (an OpenAI-compatible server with other names), the table is kept as it is: hiding every model
        would leave nothing to choose.
        """
        kept = [m for m in self._models.values() if set(m.ids()) & available]
        if capability_overrides:
            kept = [apply_overrides(m, capability_overrides) for m in kept]
        if not kept:
            return self
        default = self.default_model if self.default_model in {m.id for m in kept} else kept[0].id
        texts = [t for t in self._text_models.values() if t.id in available] or list(self._text_models.values())
        default_text = self.default_text_model if self.default_text_model in {t.id for t in texts} else texts[0].id
        caps = Capabilities(kept, self.retired, default, texts, default_text, self.pricing, self.today)
        caps.hidden = tuple(m for m in self._models if m not in caps._models)
        return caps

    # -- the one check -----------------------------------------------------------------------------
    def validate(self, request: GenerationRequest | EditRequest) -> None:
        """Raise InvalidRequest with a human message if the chosen model cannot take ``request``."""
        info = self.get(request.model)
        if not request.prompt.strip():
            raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "Write a prompt first."))
        if len(request.prompt) > MAX_PROMPT_CHARS:
            template = QT_TRANSLATE_NOOP("CoreMessages", "The prompt is longer than %1 characters.")
            raise InvalidRequest(fill(template, f"{MAX_PROMPT_CHARS:,}"))
        problem = info.size_rule.problem(request.size)
        if problem:
            raise InvalidRequest(fill(QT_TRANSLATE_NOOP("CoreMessages", "%1: %2"), info.id, problem))
        if request.quality not in info.qualities:
            template = QT_TRANSLATE_NOOP("CoreMessages", "%1 does not offer quality %2 (choose %3).")
            raise InvalidRequest(fill(template, info.id, repr(request.quality), ", ".join(info.qualities)))
        fmt = request.output_format
        if fmt not in info.all_formats():
            template = QT_TRANSLATE_NOOP("CoreMessages", "%1 cannot produce %2 (choose %3).")
            raise InvalidRequest(fill(template, info.id, repr(fmt), ", ".join(info.all_formats())))
        n_max = min(info.n_max, int(info.preview_formats.get(fmt, {}).get("n_max", info.n_max)))
        if not info.n_min <= request.n <= n_max:
            template = QT_TRANSLATE_NOOP("CoreMessages", "%1 makes %2–%3 images per request, not %4.")
            raise InvalidRequest(fill(template, info.id, info.n_min, n_max, request.n))
        _check_options(info, request)
        if isinstance(request, EditRequest):
            _check_edit(info, request)


def _choose(info: ModelInfo, name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        offered = ", ".join(allowed) if allowed else "nothing"
        template = QT_TRANSLATE_NOOP("CoreMessages", "%1 does not offer %2 %3 (choose %4).")
        raise InvalidRequest(fill(template, info.id, name, repr(value), offered))


def _check_options(info: ModelInfo, r: GenerationRequest | EditRequest) -> None:
    fmt = r.output_format
    _choose(info, "background", r.background, info.backgrounds)
    if r.background == "transparent" and fmt not in info.transparent_formats:
        template = QT_TRANSLATE_NOOP("CoreMessages", "A transparent background needs %1 output.")
        raise InvalidRequest(fill(template, " or ".join(f.upper() for f in info.transparent_formats)))
    if r.output_compression is not None:
        if not 0 <= r.output_compression <= 100:
            raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "Compression must be between 0 and 100 %."))
        if fmt not in info.compression_formats:
            template = QT_TRANSLATE_NOOP("CoreMessages", "Compression applies to %1 output only.")
            raise InvalidRequest(fill(template, " and ".join(f.upper() for f in info.compression_formats)))
    _choose(info, "moderation", r.moderation, info.moderation)
    _choose(info, "complexity", r.complexity, info.complexity)
    if r.partial_images is not None:
        if not 0 <= r.partial_images <= info.partial_images_max:
            template = QT_TRANSLATE_NOOP("CoreMessages", "%1 streams 0–%2 partial images.")
            raise InvalidRequest(fill(template, info.id, info.partial_images_max))
        if r.partial_images and fmt in PREVIEW_FORMATS:
            template = QT_TRANSLATE_NOOP("CoreMessages", "%1 output cannot be streamed; set partial images to 0.")
            raise InvalidRequest(fill(template, fmt.upper()))
    if r.safety_identifier is not None and not 0 < len(r.safety_identifier) <= MAX_SAFETY_IDENTIFIER_CHARS:
        template = QT_TRANSLATE_NOOP("CoreMessages", "The safety identifier must be 1–%1 characters.")
        raise InvalidRequest(fill(template, MAX_SAFETY_IDENTIFIER_CHARS))
    gif = info.preview_formats.get("gif", {})
    if fmt != "gif" and (r.frame_count is not None or r.frame_duration_ms is not None):
        template = QT_TRANSLATE_NOOP("CoreMessages", "Frame count and frame duration apply to GIF output only.")
        raise InvalidRequest(template)
    if fmt == "gif":
        low, high = gif.get("frame_count", [2, 16])
        if r.frame_count is not None and not low <= r.frame_count <= high:
            template = QT_TRANSLATE_NOOP("CoreMessages", "A GIF has %1–%2 frames, not %3.")
            raise InvalidRequest(fill(template, low, high, r.frame_count))
        if r.frame_duration_ms is not None and not 10 <= r.frame_duration_ms <= 655_350:
            raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "A GIF frame lasts 10–655,350 ms."))
        if r.output_compression is not None:
            raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "GIF output takes no compression setting."))
    if fmt != "svg" and (r.svg_model or r.svg_effort):
        raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "The SVG author model applies to SVG output only."))
    if fmt == "svg":
        _choose(info, "SVG effort", r.svg_effort, tuple(info.preview_formats["svg"].get("efforts", ())))
        if r.svg_effort and not r.svg_model:
            template = QT_TRANSLATE_NOOP("CoreMessages", "Choose the SVG author model to set its reasoning effort.")
            raise InvalidRequest(template)


def _check_edit(info: ModelInfo, r: EditRequest) -> None:
    limits = info.edit
    if limits is None:
        raise InvalidRequest(fill(QT_TRANSLATE_NOOP("CoreMessages", "%1 cannot edit images."), info.id))
    if not 1 <= len(r.images) <= limits.max_images:
        template = QT_TRANSLATE_NOOP("CoreMessages", "An edit takes 1–%1 input images, not %2.")
        raise InvalidRequest(fill(template, limits.max_images, len(r.images)))
    if r.mask and r.markup:
        raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "Use either a mask or a markup drawing, not both."))
    if r.mask and not limits.mask:
        raise InvalidRequest(fill(QT_TRANSLATE_NOOP("CoreMessages", "%1 does not take a mask."), info.id))
    if r.markup and not limits.markup:
        template = QT_TRANSLATE_NOOP("CoreMessages", "%1 does not take a markup drawing; choose a 2.5 or newer model.")
        raise InvalidRequest(fill(template, info.id))
    if r.output_format == "gif" and r.mask:
        raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "GIF output cannot be combined with a mask."))


def apply_overrides(info: ModelInfo, overrides: dict[str, Any]) -> ModelInfo:
    """A provider profile's capability overrides (for OpenAI-compatible servers with other rules)."""
    changes: dict[str, Any] = {}
    for key in ("qualities", "formats", "backgrounds", "compression_formats", "moderation", "complexity"):
        if key in overrides:
            changes[key] = tuple(str(v) for v in overrides[key])
    if "n_max" in overrides:
        changes["n_max"] = max(info.n_min, int(overrides["n_max"]))
    if "partial_images_max" in overrides:
        changes["partial_images_max"] = max(0, min(3, int(overrides["partial_images_max"])))
    if "presets" in overrides:
        changes["size_rule"] = replace(info.size_rule, presets=tuple(str(p) for p in overrides["presets"]))
    if overrides.get("edit") is False:
        changes["edit"] = None
    if "preview_formats" in overrides and not overrides["preview_formats"]:
        changes["preview_formats"] = {}
    return replace(info, **changes) if changes else info
