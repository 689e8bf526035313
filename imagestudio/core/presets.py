"""Use-case presets: a prompt template with ``{variables}`` plus the image settings that suit it.

Built-in presets ship as JSON in ``resources/presets/`` (texts in English and Chinese); a person's own presets
live in ``presets.json`` in the config dir. Every preset from outside (the user file, an import) is validated
field by field and a bad one is reported with a sentence a person understands, never a traceback.
"""

from __future__ import annotations

import json
import os
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.paths import resources_dir

SCHEMA_VERSION = 1
MAX_FILE_BYTES = 2_000_000  # an import bigger than this is not a preset file
MAX_TEMPLATE = 32_000  # the API's prompt limit
_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_VAR_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,39}$")
_SIZE_RE = re.compile(r"^(auto|\d{2,5}x\d{2,5})$")
#: settings a preset may carry, and what each must look like
_SETTING_CHOICES: dict[str, tuple[str, ...] | None] = {
    "model": None,  # any model id; the picker keeps the current model when it is unknown
    "size": None,
    "quality": ("auto", "low", "medium", "high", "xhigh", "max"),
    "output_format": ("png", "jpeg", "webp"),
    "background": ("auto", "opaque", "transparent"),
    "n": None,
}

#: A text that is either one string or one per language: {"en": "...", "zh_CN": "..."}.
Text = str | dict[str, str]


class PresetError(ValueError):
    """A preset (or preset file) that cannot be used; ``str(e)`` is the message shown to the person."""


def localized(text: Text, language: str) -> str:
    if isinstance(text, str):
        return text
    return text.get(language) or text.get("en") or next(iter(text.values()), "")


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    label: Text = ""
    default: Text = ""


@dataclass(frozen=True, slots=True)
class SizeChoice:
    size: str
    label: Text = ""


@dataclass(frozen=True, slots=True)
class Preset:
    id: str
    name: Text
    template: Text
    description: Text = ""
    variables: tuple[Variable, ...] = ()
    settings: Mapping[str, Any] = field(default_factory=dict)
    sizes: tuple[SizeChoice, ...] = ()  # offered in the picker; only those the chosen model allows are shown
    builtin: bool = False

    def variable_names(self, language: str = "en") -> list[str]:
        """The ``{names}`` in the template, in order of first use."""
        return _fields(localized(self.template, language))

    def render(self, values: Mapping[str, str], language: str = "en") -> str:
        """The prompt with every variable filled in; a blank one falls back to its default."""
        defaults = {v.name: localized(v.default, language) for v in self.variables}
        filled: dict[str, str] = {}
        for name in self.variable_names(language):
            value = (values.get(name) or "").strip() or defaults.get(name, "").strip()
            if not value:
                raise PresetError(f"Fill in “{self.label_of(name, language)}” first.")
            filled[name] = value
        return localized(self.template, language).format_map(filled).strip()

    def label_of(self, name: str, language: str = "en") -> str:
        for v in self.variables:
            if v.name == name and localized(v.label, language):
                return localized(v.label, language)
        return name

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {"id": self.id, "name": self.name, "template": self.template}
        if self.description:
            body["description"] = self.description
        if self.variables:
            body["variables"] = [{"name": v.name, "label": v.label, "default": v.default} for v in self.variables]
        if self.settings:
            body["settings"] = dict(self.settings)
        if self.sizes:
            body["sizes"] = [{"size": s.size, "label": s.label} for s in self.sizes]
        return body


def _fields(template: str) -> list[str]:
    names: list[str] = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError:
        raise PresetError("The template has an unmatched { or }; write {{ and }} for literal braces.") from None
    for _literal, name, spec, conversion in parsed:
        if name is None:
            continue
        if not _VAR_RE.match(name) or spec or conversion:
            shown = "{" + name + "}"
            raise PresetError(
                f"The template has {shown}; variables look like {{subject}} (letters, digits and _). "
                "Write {{ and }} for literal braces."
            )
        if name not in names:
            names.append(name)
    return names


# -- validation ----------------------------------------------------------------------------------------------
def _text(raw: Any, what: str, *, limit: int, required: bool) -> Text:
    if isinstance(raw, dict) and raw and all(isinstance(k, str) and isinstance(v, str) for k, v in raw.items()):
        values = list(raw.values())
    elif isinstance(raw, str):
        values = [raw]
    elif raw is None and not required:
        return ""
    else:
        raise PresetError(f"{what} must be text.")
    if required and not any(v.strip() for v in values):
        raise PresetError(f"{what} is empty.")
    if any(len(v) > limit for v in values):
        raise PresetError(f"{what} is longer than {limit:,} characters.")
    return raw if isinstance(raw, str) else dict(raw)


def _setting(name: str, value: Any) -> Any:
    if name not in _SETTING_CHOICES:
        raise PresetError(f"Unknown setting “{name}” (allowed: {', '.join(_SETTING_CHOICES)}).")
    if name == "n":
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 10:
            raise PresetError("The number of images must be a whole number from 1 to 10.")
        return value
    if not isinstance(value, str):
        raise PresetError(f"Setting “{name}” must be text.")
    choices = _SETTING_CHOICES[name]
    if choices is not None and value not in choices:
        raise PresetError(f"Setting “{name}” must be one of {', '.join(choices)}, not “{value}”.")
    if name == "size" and not _SIZE_RE.match(value):
        raise PresetError(f"Size must be 'auto' or WIDTHxHEIGHT, not “{value}”.")
    if name == "model" and not 0 < len(value) <= 100:
        raise PresetError("The model name is empty or too long.")
    return value


def _list(value: Any, what: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise PresetError(f"{what} must be a JSON list.")
    return value


def parse_preset(raw: Any, *, builtin: bool = False) -> Preset:
    """One preset from JSON, or PresetError saying what is wrong with it."""
    if not isinstance(raw, dict):
        raise PresetError("A preset must be a JSON object.")
    preset_id = raw.get("id")
    if not isinstance(preset_id, str) or not _ID_RE.match(preset_id):
        raise PresetError("The preset id must be 1–40 lower-case letters, digits, - or _.")
    try:
        name = _text(raw.get("name"), "The name", limit=80, required=True)
        template = _text(raw.get("template"), "The prompt template", limit=MAX_TEMPLATE, required=True)
        description = _text(raw.get("description"), "The description", limit=1000, required=False)
        used = set()
        for text in [template] if isinstance(template, str) else template.values():
            used.update(_fields(text))
        variables = []
        for item in _list(raw.get("variables"), "The variables"):
            if not isinstance(item, dict) or not isinstance(item.get("name"), str):
                raise PresetError("Each variable needs a name.")
            if item["name"] not in used:
                raise PresetError(f"The variable “{item['name']}” is not used in the template.")
            label = _text(item.get("label"), "A variable label", limit=80, required=False)
            default = _text(item.get("default"), "A variable default", limit=2000, required=False)
            variables.append(Variable(item["name"], label, default))
        settings_raw = raw.get("settings") or {}
        if not isinstance(settings_raw, dict):
            raise PresetError("The settings must be a JSON object.")
        settings = {k: _setting(k, v) for k, v in settings_raw.items()}
        sizes = []
        for item in _list(raw.get("sizes"), "The size choices"):
            size = item.get("size") if isinstance(item, dict) else None
            if not isinstance(size, str) or not _SIZE_RE.match(size):
                raise PresetError("Each size choice needs a size like 1536x1024.")
            sizes.append(SizeChoice(size, _text(item.get("label"), "A size label", limit=80, required=False)))
    except PresetError as e:
        raise PresetError(f"Preset “{preset_id}”: {e}") from None
    return Preset(preset_id, name, template, description, tuple(variables), settings, tuple(sizes), builtin)


def parse_file(raw: Any) -> tuple[list[Preset], list[str]]:
    """Presets from a preset file (``{"presets": [...]}``) or a single preset; bad ones become messages."""
    if isinstance(raw, dict) and "presets" in raw:
        if raw.get("schema", SCHEMA_VERSION) != SCHEMA_VERSION:
            return [], [f"This preset file is version {raw.get('schema')!r}; this app reads version 1."]
        items = raw["presets"]
        if not isinstance(items, list):
            return [], ["“presets” must be a list."]
    else:
        items = [raw]
    presets, problems = [], []
    for item in items:
        try:
            presets.append(parse_preset(item))
        except PresetError as e:
            problems.append(str(e))
    return presets, problems


def read_json(path: Path) -> Any:
    """A JSON file from outside, with clear errors for the usual ways it can be wrong."""
    try:
        if path.stat().st_size > MAX_FILE_BYTES:
            raise PresetError(f"{path.name} is too large to be a preset file.")
        return json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PresetError(f"{path.name} was not found.") from None
    except OSError as e:
        raise PresetError(f"{path.name} could not be read ({e.strerror or type(e).__name__}).") from None
    except UnicodeDecodeError:
        raise PresetError(f"{path.name} is not a UTF-8 text file.") from None
    except ValueError as e:
        raise PresetError(f"{path.name} is not valid JSON ({e}).") from None


def allowed_sizes(preset: Preset, problem: Any) -> list[SizeChoice]:
    """The preset's size choices that ``problem(size) -> str | None`` (a model's SizeRule) accepts."""
    return [s for s in preset.sizes if problem(s.size) is None]


def new_id(name: str, taken: Iterable[str]) -> str:
    """A free id derived from a name (non-Latin names get "preset")."""
    base = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:32] or "preset"
    taken = set(taken)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def builtin_presets(folder: Path | None = None) -> list[Preset]:
    """The presets shipped with the app, in file name order. A broken one is a bug: it raises."""
    folder = folder or resources_dir() / "presets"
    return [
        parse_preset(json.loads(p.read_text(encoding="utf-8")), builtin=True) for p in sorted(folder.glob("*.json"))
    ]


class UserPresets:
    """The person's own presets in ``presets.json``: tolerant load, atomic save. Blocking I/O: call off-thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.presets: list[Preset] = []
        self.warnings: list[str] = []

    def load(self) -> list[Preset]:
        self.warnings = []
        if not self.path.exists():
            self.presets = []
            return []
        try:
            raw = read_json(self.path)
        except PresetError as e:
            bad = self.path.with_name(self.path.name + ".bad")
            try:
                os.replace(self.path, bad)
                e = PresetError(f"{e} It was kept as {bad.name}.")
            except OSError:
                pass
            self.presets, self.warnings = [], [str(e)]
            return []
        self.presets, self.warnings = parse_file(raw)
        return list(self.presets)

    def save(self) -> None:
        body = {"schema": SCHEMA_VERSION, "presets": [p.to_json() for p in self.presets]}
        atomic_write(self.path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))

    def upsert(self, preset: Preset) -> None:
        """Add, or replace the preset with the same id; saved at once."""
        parse_preset(preset.to_json())  # the same checks as a file from outside
        kept = [p for p in self.presets if p.id != preset.id]
        if len(kept) == len(self.presets):
            kept.append(preset)
        else:
            kept.insert([p.id for p in self.presets].index(preset.id), preset)
        self.presets = kept
        self.save()

    def delete(self, preset_id: str) -> bool:
        kept = [p for p in self.presets if p.id != preset_id]
        found = len(kept) != len(self.presets)
        self.presets = kept
        if found:
            self.save()
        return found

    def import_file(self, path: Path, reserved: Iterable[str] = ()) -> tuple[list[Preset], list[str]]:
        """Add the presets in ``path``; an id already in use gets a new one. Returns (added, problems)."""
        presets, problems = parse_file(read_json(path))
        if not presets and not problems:
            problems = [f"{path.name} holds no presets."]
        taken = {*reserved, *(p.id for p in self.presets)}
        added = []
        for p in presets:
            fresh = p if p.id not in taken else replace(p, id=new_id(p.id, taken))
            taken.add(fresh.id)
            added.append(fresh)
        if added:
            self.presets = [*self.presets, *added]
            self.save()
        return added, problems

    @staticmethod
    def export_file(path: Path, presets: Iterable[Preset]) -> int:
        items = [p.to_json() for p in presets]
        body = {"schema": SCHEMA_VERSION, "presets": items}
        atomic_write(path, (json.dumps(body, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
        return len(items)
