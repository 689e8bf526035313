"""Named provider profiles: OpenAI, Azure OpenAI, any OpenAI-compatible server, demo.

Kept in ``profiles.json`` in the config dir (never a key: each profile's key lives in the keyring under
``api-key:profile:<name>``). A compatible server may declare capability overrides (other qualities, no edits...)
that narrow the model table for that profile. A damaged file gives no profiles and a warning, never a crash.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from imagestudio.core.errors import ConfigError
from imagestudio.core.files.fsutil import atomic_write
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill

FILE_NAME = "profiles.json"
KINDS = ("openai", "azure", "compatible", "demo")
_NAME_RE = re.compile(r"^[\w .-]{1,40}$")


@dataclass(frozen=True, slots=True)
class Profile:
    name: str
    kind: str = "openai"
    base_url: str = ""  # compatible: http(s)://host/v1
    azure_endpoint: str = ""  # azure: https://NAME.openai.azure.com
    azure_deployment: str = ""
    azure_api_version: str = ""
    capability_overrides: dict[str, Any] = field(default_factory=dict)

    @property
    def key_entry(self) -> str:
        return f"profile:{self.name}"

    def problem(self) -> str | None:
        """What is missing or wrong, in words, or None."""
        if not _NAME_RE.match(self.name):
            return QT_TRANSLATE_NOOP(
                "CoreMessages", "A profile name has 1–40 letters, digits, spaces, dots, dashes or underscores."
            )
        if self.kind not in KINDS:
            unknown = QT_TRANSLATE_NOOP("CoreMessages", "Unknown profile kind %1 (choose %2).")
            return fill(unknown, repr(self.kind), ", ".join(KINDS))
        if self.kind == "compatible" and not self.base_url.startswith(("http://", "https://")):
            return QT_TRANSLATE_NOOP(
                "CoreMessages", "An OpenAI-compatible profile needs a base URL starting with http:// or https://."
            )
        if self.kind == "azure":
            if not self.azure_endpoint.startswith("https://"):
                return QT_TRANSLATE_NOOP(
                    "CoreMessages", "An Azure profile needs the resource endpoint (https://…openai.azure.com)."
                )
            if not self.azure_api_version:
                return QT_TRANSLATE_NOOP(
                    "CoreMessages", "An Azure profile needs an api-version, e.g. 2025-04-01-preview."
                )
        if not isinstance(self.capability_overrides, dict):
            return QT_TRANSLATE_NOOP("CoreMessages", "Capability overrides must be a JSON object.")
        return None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def load(config_dir: Path) -> tuple[list[Profile], list[str]]:
    path = config_dir / FILE_NAME
    if not path.exists():
        return [], []
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
        items = raw["profiles"]
        if not isinstance(items, list):
            raise TypeError("profiles is not a list")
    except (OSError, ValueError, KeyError, TypeError) as e:
        return [], [f"The profiles file could not be read ({type(e).__name__}); no profiles are loaded."]
    profiles: list[Profile] = []
    warnings: list[str] = []
    known = {f for f in Profile.__dataclass_fields__}
    for item in items:
        try:
            profile = Profile(**{k: v for k, v in item.items() if k in known})
        except (TypeError, AttributeError):
            warnings.append("A profile entry is not an object and was skipped.")
            continue
        problem = profile.problem()
        if problem:
            warnings.append(f"Profile {profile.name!r} was skipped: {problem}")
        elif any(p.name == profile.name for p in profiles):
            warnings.append(f"Profile {profile.name!r} appears twice; the first is used.")
        else:
            profiles.append(profile)
    return profiles, warnings


def save(config_dir: Path, profiles: list[Profile]) -> None:
    for p in profiles:
        problem = p.problem()
        if problem:
            raise ConfigError(problem)
    body = {"schema": 1, "profiles": [p.to_json() for p in profiles]}
    atomic_write(config_dir / FILE_NAME, (json.dumps(body, indent=2, ensure_ascii=True) + "\n").encode("utf-8"))


def find(profiles: list[Profile], name: str) -> Profile:
    for p in profiles:
        if p.name == name:
            return p
    names = ", ".join(p.name for p in profiles) or "none defined"
    raise ConfigError(f"There is no provider profile named {name!r} (profiles: {names}).")


def parse_overrides(text: str) -> dict[str, Any]:
    """The capability overrides typed in the profiles dialog (a JSON object, or nothing). Raises ConfigError."""
    if not text.strip():
        return {}
    try:
        value = json.loads(text)
    except ValueError:
        raise ConfigError(QT_TRANSLATE_NOOP("CoreMessages", "Capability overrides are not valid JSON.")) from None
    if not isinstance(value, dict):
        raise ConfigError(QT_TRANSLATE_NOOP("CoreMessages", "Capability overrides must be a JSON object."))
    return value


def upsert(profiles: list[Profile], profile: Profile, original_name: str | None = None) -> list[Profile]:
    """``profiles`` with ``profile`` added, or replacing the one called ``original_name`` (an edit, maybe a
    rename), in the same place. Raises ConfigError when the profile is invalid or its name is taken."""
    problem = profile.problem()
    if problem:
        raise ConfigError(problem)
    if any(p.name == profile.name and p.name != original_name for p in profiles):
        taken = QT_TRANSLATE_NOOP("CoreMessages", "There is already a profile named %1.")
        raise ConfigError(fill(taken, repr(profile.name)))
    if original_name is not None and any(p.name == original_name for p in profiles):
        return [profile if p.name == original_name else p for p in profiles]
    return [*profiles, profile]


def remove(profiles: list[Profile], name: str) -> list[Profile]:
    return [p for p in profiles if p.name != name]
