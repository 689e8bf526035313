"""Plain data passed between layers. No behaviour beyond small conveniences."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    prompt: str
    model: str
    size: str = "auto"  # "auto" or "WxH"
    quality: str = "auto"
    n: int = 1
    output_format: str = "png"

    def api_params(self) -> dict[str, Any]:
        """The body fields for ``POST /v1/images/generations`` (GPT image models return b64_json)."""
        return {
            "prompt": self.prompt,
            "model": self.model,
            "size": self.size,
            "quality": self.quality,
            "n": self.n,
            "output_format": self.output_format,
        }

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_text_tokens: int = 0
    input_image_tokens: int = 0
    output_image_tokens: int = 0

    def to_json(self) -> dict[str, int]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class GeneratedImage:
    """One image exactly as the provider sent it (decoded from base64, never re-encoded)."""

    data: bytes
    output_format: str


@dataclass(frozen=True, slots=True)
class GenerationResult:
    images: tuple[GeneratedImage, ...]
    provider: str
    model: str
    usage: Usage = field(default_factory=Usage)
    request_id: str | None = None
    #: What the server says it did (size, quality, background...), kept as metadata.
    response_meta: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class LibraryImage:
    id: int
    sha256: str
    path: str
    width: int
    height: int
    format: str
    prompt: str
    model: str
    provider: str
    created_at: float
    params: dict[str, Any]
    usage: dict[str, Any]
    thumb_path: str | None = None
    is_demo: bool = False

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "path": self.path,
            "width": self.width,
            "height": self.height,
            "sha256": self.sha256,
            "format": self.format,
            "model": self.model,
            "provider": self.provider,
        }


@dataclass(frozen=True, slots=True)
class LibraryChange:
    """What one library operation changed; broadcast once, each view decides what to refresh."""

    added: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SAVING = "saving"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)
