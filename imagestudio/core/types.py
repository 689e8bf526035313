"""Plain data passed between layers. No behaviour beyond small conveniences."""

from __future__ import annotations

import enum
from dataclasses import asdict, dataclass, field, fields
from typing import Any

#: Optional body fields sent only when set (None = let the server use its default).
_OPTIONAL_API_FIELDS = (
    "background",
    "output_compression",
    "moderation",
    "complexity",
    "safety_identifier",
    "frame_count",
    "frame_duration_ms",
)


def _optional_params(request: Any) -> dict[str, Any]:
    params = {name: getattr(request, name) for name in _OPTIONAL_API_FIELDS}
    params = {k: v for k, v in params.items() if v is not None}
    if request.partial_images is not None and request.partial_images > 0:
        # Partial images only exist in a stream; the provider reads the stream.
        params["stream"] = True
        params["partial_images"] = request.partial_images
    if request.svg_model:
        svg: dict[str, Any] = {"model": request.svg_model}
        if request.svg_effort:
            svg["reasoning"] = {"effort": request.svg_effort}
        params["svg"] = svg
    return params


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    prompt: str
    model: str
    size: str = "auto"  # "auto" or "WxH"
    quality: str = "auto"
    n: int = 1
    output_format: str = "png"
    background: str | None = None  # transparent / opaque / auto
    output_compression: int | None = None  # 0-100, jpeg/webp only
    moderation: str | None = None  # auto / low
    complexity: str | None = None  # low / medium / high
    partial_images: int | None = None  # 1-3 streams partial previews
    safety_identifier: str | None = None  # sha256 of the local install id, never personal data
    frame_count: int | None = None  # gif only
    frame_duration_ms: int | None = None  # gif only
    svg_model: str | None = None  # svg only (model selection preview)
    svg_effort: str | None = None
    #: The user's own prompt when ``prompt`` is the enhanced one (kept with the image, never sent).
    original_prompt: str | None = None
    #: The person allowed this one request over the monthly budget (never sent; checked by the ledger wrapper).
    allow_over_budget: bool | None = None
    #: Sent through OpenAI's Batch API (cheaper, results within 24 h: core/batch/runner.py); never a body field.
    via_batch_api: bool | None = None

    def api_params(self) -> dict[str, Any]:
        """The body fields for ``POST /v1/images/generations`` (GPT image models return b64_json)."""
        return {
            "prompt": self.prompt,
            "model": self.model,
            "size": self.size,
            "quality": self.quality,
            "n": self.n,
            "output_format": self.output_format,
            **_optional_params(self),
        }

    def to_json(self) -> dict[str, Any]:
        return {k: v for k, v in asdict(self).items() if v is not None}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> GenerationRequest:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True, slots=True)
class EditRequest:
    """An edit of 1-16 input images (paths on disk), with an optional mask or markup PNG (never both)."""

    prompt: str
    model: str
    images: tuple[str, ...]
    mask: str | None = None
    markup: str | None = None
    size: str = "auto"
    quality: str = "auto"
    n: int = 1
    output_format: str = "png"
    background: str | None = None
    output_compression: int | None = None
    moderation: str | None = None  # not an SDK argument of images.edit: sent through extra_body
    complexity: str | None = None
    partial_images: int | None = None
    safety_identifier: str | None = None
    frame_count: int | None = None
    frame_duration_ms: int | None = None
    svg_model: str | None = None
    svg_effort: str | None = None
    original_prompt: str | None = None
    allow_over_budget: bool | None = None  # see GenerationRequest
    via_batch_api: bool | None = None  # see GenerationRequest
    #: Library ids of the images being edited (the result links to them); empty for outside files.
    parent_ids: tuple[int, ...] = ()

    def api_params(self) -> dict[str, Any]:
        """The non-file multipart fields for ``POST /v1/images/edits``; the provider adds image/mask/markup."""
        params = {
            "prompt": self.prompt,
            "model": self.model,
            "size": self.size,
            "quality": self.quality,
            "n": self.n,
            "output_format": self.output_format,
            **_optional_params(self),
        }
        return params

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None}
        data["images"] = list(self.images)
        data["parent_ids"] = list(self.parent_ids)
        data["kind"] = "edit"
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> EditRequest:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in data.items() if k in known}
        values["images"] = tuple(values.get("images", ()))
        values["parent_ids"] = tuple(values.get("parent_ids", ()))
        return cls(**values)


@dataclass(frozen=True, slots=True)
class RefineRequest:
    """One turn of a conversation with an image (``core/refine.py``): the Responses API with the
    ``image_generation`` tool. ``prompt`` is the person's instruction (the step's text in the lineage); the image
    options go into the tool; ``previous_response_id`` continues the parent's stored response, else the parent's
    original (``image``) is sent as input."""

    prompt: str
    model: str  # the image model the tool uses
    text_model: str  # the text model that calls the tool
    parent_id: int | None = None  # library id of the image refined (None: an outside file)
    image: str = ""  # the parent's original on disk (sent when there is no stored response to continue)
    previous_response_id: str | None = None
    size: str = "auto"
    quality: str = "auto"
    n: int = 1  # one image per turn
    output_format: str = "png"
    background: str | None = None
    output_compression: int | None = None
    moderation: str | None = None
    partial_images: int | None = None
    input_fidelity: str | None = None  # only where the model offers it
    store: bool = True  # OpenAI keeps the response (needed to continue it); Settings → Refine
    safety_identifier: str | None = None
    allow_over_budget: bool | None = None
    #: unused by refine; present so code written for image requests reads it without a type check
    svg_model: str | None = None
    original_prompt: str | None = None
    frame_count: int | None = None
    frame_duration_ms: int | None = None
    complexity: str | None = None
    svg_effort: str | None = None
    via_batch_api: bool | None = None  # never: a refine turn continues a live conversation

    @property
    def parent_ids(self) -> tuple[int, ...]:
        return (self.parent_id,) if self.parent_id is not None else ()

    def tool(self) -> dict[str, Any]:
        """The ``image_generation`` tool as ``responses.create`` takes it (SDK ``tool_param.ImageGeneration``)."""
        tool: dict[str, Any] = {
            "type": "image_generation",
            "action": "edit",
            "model": self.model,
            "size": self.size,
            "quality": self.quality,
            "output_format": self.output_format,
        }
        for name in ("background", "output_compression", "moderation", "input_fidelity"):
            if getattr(self, name) is not None:
                tool[name] = getattr(self, name)
        if self.partial_images:
            tool["partial_images"] = self.partial_images
        return tool

    def api_params(self) -> dict[str, Any]:
        """What the budget check and the estimate read (``stream`` when previews are asked for)."""
        params: dict[str, Any] = {"prompt": self.prompt, "model": self.model, "n": 1}
        if self.partial_images:
            params["stream"] = True
        return params

    def to_json(self) -> dict[str, Any]:
        data = {k: v for k, v in asdict(self).items() if v is not None and v != ""}
        data["kind"] = "refine"
        data["instruction"] = self.prompt
        if self.parent_id is not None:
            data["parents"] = [self.parent_id]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RefineRequest:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


@dataclass(frozen=True, slots=True)
class Usage:
    """Tokens one request used, as the server reported them (parsed by ``core/money/pricing.parse_usage``)."""

    input_tokens: int = 0
    output_tokens: int = 0
    total_tokens: int = 0
    input_text_tokens: int = 0
    input_image_tokens: int = 0
    output_image_tokens: int = 0
    output_text_tokens: int = 0
    #: ``svg_usage``: the SVG author (text) model's tokens, reasoning included in its output tokens
    svg_input_tokens: int = 0
    svg_output_tokens: int = 0
    #: the text model's tokens when the image came from the Responses API's image tool (``core/refine.py``)
    agent_input_tokens: int = 0
    agent_output_tokens: int = 0
    #: partial images received while streaming (their surcharge is inside ``output_tokens``: docs/openai-api.md)
    partial_images: int = 0
    #: 0 when the server sent no usage or numbers that cannot be right (negative, absurd, not a number): the cost
    #: is then unknown and counted at the request's estimate
    reported: int = 1

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
    #: One (request id, usage) per HTTP request when several made up this result (one streamed request per image):
    #: the ledger writes one line each. Empty: one request, ``usage`` and ``request_id`` above.
    calls: tuple[tuple[str | None, Usage], ...] = ()
    #: Set by the metering wrapper: what this result cost and whether that is an estimate (``core/money/pricing.py``).
    cost_usd: float | None = None
    cost_estimated: bool = False
    #: The request broke after ``images`` arrived (they are paid for and kept; the job asks again for the rest).
    error: Exception | None = None


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
    favourite: bool = False
    tags: tuple[str, ...] = ()
    note: str = ""
    trashed_at: float | None = None
    source: str = "generated"  # generated / imported / adopted (found on disk by `library check --repair`)
    cost_usd: float | None = None
    missing: bool = False  # the original was not found by the last integrity check
    rating: int = 0  # 0–5 stars
    flag: int = 0  # 1 pick, 0 unflagged, -1 rejected (core/library/culling.py)
    stack_id: int | None = None  # the stack it belongs to (core/library/stacks.py), None when alone
    stack_cover: bool = False  # the stack's cover: the one tile a collapsed stack shows when nothing is filtered
    stack_size: int = 0  # members of its stack not in the trash (0 when alone)

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
            "prompt": self.prompt,
            "created_at": self.created_at,
            "favourite": self.favourite,
            "tags": list(self.tags),
            "note": self.note,
            "trashed": self.trashed_at is not None,
            "source": self.source,
            "cost_usd": self.cost_usd,
            "rating": self.rating,
            "flag": {1: "pick", -1: "reject"}.get(self.flag, "none"),
            "stack": self.stack_id,
            "stack_size": self.stack_size,
            "stack_cover": self.stack_cover,
        }


@dataclass(frozen=True, slots=True)
class LibraryChange:
    """What one library operation changed; broadcast once, each view decides what to refresh."""

    added: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    updated: tuple[int, ...] = ()
    trashed: tuple[int, ...] = ()  # moved to the trash (still on disk; Ctrl+Z restores)
    restored: tuple[int, ...] = ()  # back from the trash
    #: tags, collections or saved searches were created, renamed or removed (sidebars refresh)
    lists_changed: bool = False
    #: ratings or flags of ``updated`` changed: views that filter or sort by them (and hide rejected) run again
    culled: bool = False
    #: stacks were made, changed or dissolved (or their covers moved): views showing stacks run their query again
    stacks_changed: bool = False


class JobState(enum.StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SAVING = "saving"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"
    #: was running when the app or CLI stopped without finishing it: it may have been charged
    INTERRUPTED = "interrupted"
    #: sent (or being sent) in an OpenAI Batch API batch: its images arrive when the batch ends (within 24 h)
    BATCHED = "batched"

    @property
    def finished(self) -> bool:
        return self in (JobState.DONE, JobState.FAILED, JobState.CANCELLED)
