"""Prompt drafts: the prompt editor's tabs, kept across restarts in ``drafts.json`` in the config dir.

A draft is what the person was writing: prompt, model, options, input images (with their library ids) and the
mask or markup. Saved atomically; a damaged file or entry gives what could be read plus a warning, never a crash.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from imagestudio.core.files.fsutil import atomic_write

FILE_NAME = "drafts.json"
MAX_DRAFTS = 30
_OPTION_KEYS = (
    "size", "quality", "n", "output_format", "output_compression", "background", "moderation", "complexity",
    "partial_images", "frame_count", "frame_duration_ms", "via_batch_api",
)  # fmt: skip


@dataclass
class Draft:
    prompt: str = ""
    model: str = ""
    options: dict[str, Any] = field(default_factory=dict)
    #: (path, library id or None) per input image
    inputs: list[tuple[str, int | None]] = field(default_factory=list)
    mask: str | None = None
    markup: str | None = None

    def title(self, fallback: str) -> str:
        words = " ".join(self.prompt.split())
        return (words[:18] + "…" if len(words) > 18 else words) or fallback

    def to_json(self) -> dict[str, Any]:
        return {
            "prompt": self.prompt,
            "model": self.model,
            "options": {k: v for k, v in self.options.items() if k in _OPTION_KEYS},
            "inputs": [[path, image_id] for path, image_id in self.inputs],
            "mask": self.mask,
            "markup": self.markup,
        }

    @classmethod
    def from_json(cls, raw: Any) -> Draft:
        """Raises TypeError/ValueError for what is not a draft (the caller skips it)."""
        if not isinstance(raw, dict):
            raise TypeError("a draft is not an object")
        options = raw.get("options") or {}
        if not isinstance(options, dict):
            raise TypeError("options is not an object")
        inputs: list[tuple[str, int | None]] = []
        for item in raw.get("inputs") or []:
            path, image_id = item[0], item[1] if len(item) > 1 else None
            if not isinstance(path, str) or not (image_id is None or isinstance(image_id, int)):
                raise TypeError("an input is not [path, id]")
            inputs.append((path, image_id))
        text = {k: raw.get(k) for k in ("prompt", "model", "mask", "markup")}
        if not isinstance(text["prompt"] or "", str) or not isinstance(text["model"] or "", str):
            raise TypeError("prompt or model is not text")
        return cls(
            prompt=str(text["prompt"] or ""),
            model=str(text["model"] or ""),
            options={k: v for k, v in options.items() if k in _OPTION_KEYS and isinstance(v, (str, int, type(None)))},
            inputs=inputs,
            mask=text["mask"] if isinstance(text["mask"], str) else None,
            markup=text["markup"] if isinstance(text["markup"], str) else None,
        )


@dataclass
class DraftSet:
    drafts: list[Draft]
    current: int = 0
    warnings: list[str] = field(default_factory=list)


def load(config_dir: Path) -> DraftSet:
    path = config_dir / FILE_NAME
    if not path.exists():
        return DraftSet([Draft()])
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw["drafts"]
        if not isinstance(items, list):
            raise TypeError("drafts is not a list")
    except (OSError, ValueError, KeyError, TypeError) as e:
        return DraftSet([Draft()], 0, [f"The saved prompt drafts could not be read ({type(e).__name__})."])
    drafts: list[Draft] = []
    warnings: list[str] = []
    for item in items[:MAX_DRAFTS]:
        try:
            drafts.append(Draft.from_json(item))
        except (TypeError, ValueError, IndexError, KeyError):
            warnings.append("A damaged prompt draft was skipped.")
    current = raw.get("current", 0)
    if not drafts:
        drafts = [Draft()]
    if not isinstance(current, int) or not 0 <= current < len(drafts):
        current = 0
    return DraftSet(drafts, current, warnings)


def save(config_dir: Path, drafts: list[Draft], current: int) -> None:
    body = {"schema": 1, "current": current, "drafts": [d.to_json() for d in drafts[:MAX_DRAFTS]]}
    data = (json.dumps(body, ensure_ascii=False, indent=1) + "\n").encode("utf-8")
    atomic_write(config_dir / FILE_NAME, data)
