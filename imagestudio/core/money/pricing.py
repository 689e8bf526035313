"""What image requests cost: token prices from ``resources/models.json``, the cost of the usage a server reported,
and an estimate before anything is sent.

* ``rates(caps, model)`` — US dollars per 1M tokens per kind (text in, cached text in, image in, cached image in,
  image out, text out). A model or kind without a published price is counted at the table's conservative
  ``fallback_per_million`` rates and marked estimated: never $0.
* ``parse_usage(obj)`` — one parser for the SDK's usage models and plain dicts (streamed ``*.completed`` events
  carry ``output_tokens_details`` as a dict). Negative, absurd (> 10⁹), non-integer, NaN/∞, string or missing
  counts give ``Usage(reported=0)``: the cost is then *unknown* and counted at the estimate.
* ``cost_of_usage(caps, model, usage, estimate=…)`` — exact cost from usage; never negative, never NaN.
* ``estimate_request(caps, request)`` / ``estimate_cost(caps, model=…, …)`` — the price before Generate:
  ``Estimate(low_usd, high_usd, estimated)``; ``usd`` (= high) is the conservative figure the budget check uses.

How the estimate is made (see docs/openai-api.md, *Prices*): image output tokens per image from the formula of
OpenAI's calculator (it reproduces the guide's gpt-image-2 table exactly), times the model's ``margin`` for the
high bound; ``auto`` quality spans low…high and ``auto`` size the three standard sizes; each partial image adds 100
image output tokens; each input image, mask or markup counts 6,240 image input tokens (1/4 of that for the low
bound); prompt text counts 1 token per character (high) or per 4 characters (low); input is counted once per
request for the low bound and once per image for the high bound (n > 1 may bill input per image).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.types import EditRequest, GenerationRequest, GenerationResult, RefineRequest, Usage

TOKEN_KINDS = ("text_input", "text_input_cached", "image_input", "image_input_cached", "image_output", "text_output")
#: Any single count above this is not a real request: the usage is treated as unknown.
MAX_TOKENS = 1_000_000_000
PARTIAL_IMAGE_TOKENS = 100
STANDARD_SIZES = ("1024x1024", "1536x1024", "1024x1536")
_SIZE_RE = re.compile(r"^(\d{1,5})x(\d{1,5})$")
# used when the table has no "pricing" block (a test table): conservative, never zero
_DEFAULT_FALLBACK = {"text_input": 10.0, "image_input": 16.0, "image_output": 60.0, "text_output": 60.0}
_DEFAULT_FACTORS = {"low": 16, "medium": 48, "high": 96, "xhigh": 144, "max": 192}


@dataclass(frozen=True, slots=True)
class Rates:
    """US dollars per 1M tokens for every kind in ``TOKEN_KINDS``; ``missing`` kinds use the fallback rate."""

    per_million: dict[str, float]
    estimated: bool  # the model's prices are not published (a guess from similar models or the fallback)
    missing: frozenset[str]
    source: str = ""
    checked: str = ""


@dataclass(frozen=True, slots=True)
class Cost:
    usd: float  # finite, >= 0
    estimated: bool  # some part was counted at an estimate (price or usage not known exactly)
    usage_known: bool = True


@dataclass(frozen=True, slots=True)
class Estimate:
    """What a request will cost before it is sent. ``usd`` is the conservative (high) figure."""

    low_usd: float
    high_usd: float
    estimated: bool  # True: part of it rests on unpublished figures (shown with "≈")

    @property
    def usd(self) -> float:
        return self.high_usd

    def label(self) -> str:
        """``$0.21``, ``≈ $0.21`` or ``≈ $0.05–$0.21`` (no words: fit for any language)."""
        low, high = _money(self.low_usd), _money(self.high_usd)
        text = high if low == high else f"{low}–{high}"
        return f"≈ {text}" if self.estimated else text


def _money(usd: float) -> str:
    return f"${usd:.3f}" if 0 < usd < 1 else f"${usd:.2f}"


# -- prices ------------------------------------------------------------------------------------------------
def _price(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) and value >= 0 else None


def _fallback(caps: Capabilities) -> dict[str, float]:
    raw = caps.pricing.get("fallback_per_million") or _DEFAULT_FALLBACK
    table = {k: p for k, v in dict(raw).items() if (p := _price(v)) is not None and p > 0}
    top = max(table.values(), default=60.0)
    out = {kind: table.get(kind, table.get(kind.removesuffix("_cached"), top)) for kind in TOKEN_KINDS}
    return {**out, "input": table.get("input", top), "output": table.get("output", top)}


def rates(caps: Capabilities, model: str, *, batch: bool = False) -> Rates:
    """The image model's prices; an unknown model (another server's name) gets the fallback, estimated.
    ``batch``: the Batch API's rates (the model's ``pricing.batch`` block; a kind it lacks, or a model without
    one, is counted at the standard rate, marked estimated: never below what might be billed)."""
    fallback = _fallback(caps)
    try:
        info = caps.get(model)
    except InvalidRequest:
        return Rates({k: fallback[k] for k in TOKEN_KINDS}, True, frozenset(TOKEN_KINDS))
    per: dict[str, float] = {}
    missing = set()
    for kind in TOKEN_KINDS:
        value = _price(info.prices_per_million.get(kind))
        if value is None:
            missing.add(kind)
        per[kind] = fallback[kind] if value is None else value
    estimated = bool(info.pricing.get("estimated")) or bool(missing - {"text_output"})
    source, checked = str(info.pricing.get("source", "")), str(info.pricing.get("checked", ""))
    if batch:
        block = dict(info.pricing.get("batch") or {})
        table = dict(block.get("per_million") or {})
        for kind in TOKEN_KINDS:
            value = _price(table.get(kind))
            if value is not None and kind not in missing:
                per[kind] = value
            elif kind != "text_output":
                estimated = True
        estimated = estimated or bool(block.get("estimated", True))
        source, checked = str(block.get("source", source)), str(block.get("checked", checked))
    return Rates(per, estimated, frozenset(missing), source, checked)


def text_rates(caps: Capabilities, model: str) -> tuple[float, float, bool]:
    """(input, output) US dollars per 1M tokens of a text model, and whether that is an estimate."""
    fallback = _fallback(caps)
    info = caps.text_model(model)
    table = info.prices_per_million if info is not None else {}
    pin, pout = _price(table.get("input")), _price(table.get("output"))
    estimated = info is None or pin is None or pout is None or bool(info.pricing.get("estimated"))
    return (fallback["input"] if pin is None else pin, fallback["output"] if pout is None else pout, estimated)


# -- usage -------------------------------------------------------------------------------------------------
def token_count(value: object) -> int | None:
    """A token count as the server sent it, or None when it cannot be one (bool, negative, huge, NaN, text)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if 0 <= value <= MAX_TOKENS else None
    if isinstance(value, float) and math.isfinite(value) and value.is_integer() and 0 <= value <= MAX_TOKENS:
        return int(value)
    return None


_count = token_count


def _field(obj: object, name: str) -> object:
    if isinstance(obj, Mapping):
        return obj.get(name)
    extra = getattr(obj, "model_extra", None)  # pydantic keeps fields the SDK type lacks here
    value = getattr(obj, name, None)
    if value is None and isinstance(extra, Mapping):
        value = extra.get(name)
    return value


UNKNOWN = Usage(reported=0)


def parse_usage(usage: object, svg_usage: object = None, *, partial_images: int = 0) -> Usage:
    """The SDK's ``Usage`` model or a plain dict (streamed events) → ``Usage``; anything that cannot be right →
    ``Usage(reported=0)`` (cost unknown). Without an image/text split of the output, it is all image output."""
    if usage is None:
        return replace(UNKNOWN, partial_images=partial_images)
    try:
        inp, out = _count(_field(usage, "input_tokens")), _count(_field(usage, "output_tokens"))
        total = _field(usage, "total_tokens")
        counts: dict[str, int] = {}
        for details, prefix in (("input_tokens_details", "input"), ("output_tokens_details", "output")):
            found = _field(usage, details)
            for kind in ("text", "image"):
                raw = _field(found, f"{kind}_tokens") if found is not None else None
                value = _count(raw)
                if raw is not None and value is None:
                    raise ValueError(details)
                counts[f"{prefix}_{kind}_tokens"] = value or 0
        if inp is None or out is None or (total is not None and _count(total) is None):
            raise ValueError("totals")
        if counts["input_text_tokens"] + counts["input_image_tokens"] > inp:
            raise ValueError("input details above the total")
        if counts["output_text_tokens"] + counts["output_image_tokens"] > out:
            raise ValueError("output details above the total")
        if not counts["output_text_tokens"] and not counts["output_image_tokens"]:
            counts["output_image_tokens"] = out
        svg_in = svg_out = 0
        if svg_usage is not None:
            svg = [_count(_field(svg_usage, name)) for name in ("input_tokens", "output_tokens")]
            if svg[0] is None or svg[1] is None:
                raise ValueError("svg_usage")
            svg_in, svg_out = svg[0], svg[1]
        return Usage(
            input_tokens=inp,
            output_tokens=out,
            total_tokens=_count(total) or inp + out,
            svg_input_tokens=svg_in,
            svg_output_tokens=svg_out,
            partial_images=partial_images,
            **counts,
        )
    except (ValueError, TypeError, AttributeError, OverflowError):
        return replace(UNKNOWN, partial_images=partial_images)


def merge_stream(first: Usage, second: Usage) -> Usage:
    """Two ``*.completed`` events of ONE streamed request: the input is the request's and counted once (the
    larger report), the outputs add up. An unknown part makes the whole unknown."""
    if not first.reported or not second.reported:
        return replace(UNKNOWN, partial_images=first.partial_images + second.partial_images)
    a, b = first.to_json(), second.to_json()
    once = {"input_tokens", "input_text_tokens", "input_image_tokens", "svg_input_tokens", "reported"}
    merged = {k: max(a[k], b[k]) if k in once else a[k] + b[k] for k in a}
    merged["total_tokens"] = merged["input_tokens"] + merged["output_tokens"]
    return Usage(**merged)


def add_calls(first: Usage, second: Usage) -> Usage:
    """Two separate requests: everything adds up (each request was billed its input)."""
    if not first.reported or not second.reported:
        return replace(UNKNOWN, partial_images=first.partial_images + second.partial_images)
    a, b = first.to_json(), second.to_json()
    return Usage(**{k: (a[k] + b[k] if k != "reported" else 1) for k in a})


def cost_of_usage(
    caps: Capabilities,
    model: str,
    usage: Usage,
    *,
    estimate: Estimate | None = None,
    svg_model: str | None = None,
    batch: bool = False,
    agent_model: str | None = None,
) -> Cost:
    """The cost of what the server reported (``batch``: at the Batch API's rates). Unknown usage → the estimate
    (or the fallback for one image)."""
    if not usage.reported:
        usd = estimate.usd if estimate is not None else _fallback_image_usd(caps, model)
        return Cost(_clean(usd), True, usage_known=False)
    r = rates(caps, model, batch=batch)
    per = r.per_million
    estimated = r.estimated
    rest_in = usage.input_tokens - usage.input_text_tokens - usage.input_image_tokens
    rest_out = usage.output_tokens - usage.output_text_tokens - usage.output_image_tokens
    if rest_in > 0:  # no split given: the dearer rate
        estimated = True
    if usage.output_text_tokens and "text_output" in r.missing:
        estimated = True
    total = (
        usage.input_text_tokens * per["text_input"]
        + (usage.input_image_tokens + max(0, rest_in)) * per["image_input"]
        + (usage.output_image_tokens + max(0, rest_out)) * per["image_output"]
        + usage.output_text_tokens * per["text_output"]
    ) / 1_000_000
    if usage.svg_input_tokens or usage.svg_output_tokens:
        pin, pout, svg_estimated = text_rates(caps, svg_model or "")
        total += (usage.svg_input_tokens * pin + usage.svg_output_tokens * pout) / 1_000_000
        estimated = estimated or svg_estimated
    if usage.agent_input_tokens or usage.agent_output_tokens:  # the text model that called the image tool
        pin, pout, agent_estimated = text_rates(caps, agent_model or "")
        total += (usage.agent_input_tokens * pin + usage.agent_output_tokens * pout) / 1_000_000
        estimated = estimated or agent_estimated
    return Cost(_clean(total), estimated)


def _clean(usd: float) -> float:
    return round(usd, 6) if math.isfinite(usd) and usd > 0 else 0.0


def _fallback_image_usd(caps: Capabilities, model: str) -> float:
    return estimate_cost(caps, model=model, quality="high", size="auto").usd


# -- the estimate before sending ------------------------------------------------------------------------------
def output_tokens(quality_factor: int, width: int, height: int) -> int:
    """Image output tokens of one image (the calculator's formula; docs/openai-api.md)."""
    long_edge, short_edge = max(width, height), min(width, height)
    short_factor = (2 * quality_factor * short_edge + long_edge) // (2 * long_edge)
    return -(-quality_factor * short_factor * (2_000_000 + width * height) // 4_000_000)


def _sizes(size: str) -> tuple[list[tuple[int, int]], bool]:
    m = _SIZE_RE.match(size)
    if m and int(m.group(1)) > 0 and int(m.group(2)) > 0:
        return [(int(m.group(1)), int(m.group(2)))], False
    return [(1024, 1024), (1536, 1024), (1024, 1536)], True  # auto (or unreadable): any standard size


def estimate_cost(
    caps: Capabilities,
    *,
    model: str,
    quality: str = "auto",
    size: str = "auto",
    n: int = 1,
    input_images: int = 0,
    partial_images: int = 0,
    prompt_chars: int = 0,
    batch: bool = False,
) -> Estimate:
    """The cost of one request before it is sent. ``input_images`` counts edit inputs, mask and markup;
    ``batch``: sent through the Batch API (its rates; no previews)."""
    n, input_images, partial_images = max(1, n), max(0, input_images), 0 if batch else max(0, partial_images)
    r = rates(caps, model, batch=batch)
    table = dict(caps.pricing.get("output_tokens") or {})
    factors = {**_DEFAULT_FACTORS, **dict(table.get("quality_axis_factors") or {})}
    unpublished = set(table.get("unpublished_qualities") or ("xhigh", "max", "auto"))
    try:
        info = caps.get(model)
        model_id, model_est = info.id, dict(info.pricing.get("output_estimate") or {})
    except InvalidRequest:
        model_id, model_est = "", {"margin": 2.0, "estimated": True}
    margin = max(1.0, float(model_est.get("margin", 2.0)))
    estimated = r.estimated or bool(model_est.get("estimated", True)) or quality in unpublished
    if quality == "auto":
        low_q, high_q = factors["low"], factors["high"]
    else:
        low_q = high_q = int(factors.get(quality, factors["max"]))
        estimated = estimated or quality not in factors
    sizes, auto_size = _sizes(size)
    published_block = dict(table.get("published_usd_per_image") or {})
    published = dict(published_block.get("table") or {}) if published_block.get("model") == model_id else {}
    estimated = estimated or auto_size or f"{sizes[0][0]}x{sizes[0][1]}" not in published
    out_low = min(output_tokens(low_q, w, h) for w, h in sizes)
    out_high = math.ceil(max(output_tokens(high_q, w, h) for w, h in sizes) * margin)
    partial = int(caps.pricing.get("partial_image_output_tokens", PARTIAL_IMAGE_TOKENS)) * partial_images
    per_input_image = int(table.get("input_image_tokens", 6240))
    if input_images:
        estimated = True
    # one request for all n images (low); input billed per image, and previews are one request per image (high)
    requests_low = n if partial_images else 1
    per = r.per_million
    low = (
        (prompt_chars // 4) * per["text_input"] * requests_low
        + input_images * per_input_image // 4 * per["image_input"] * requests_low
        + n * (out_low + partial) * per["image_output"]
    ) / 1_000_000
    high = (
        prompt_chars * per["text_input"] * n
        + input_images * per_input_image * per["image_input"] * n
        + n * (out_high + partial) * per["image_output"]
    ) / 1_000_000
    return Estimate(round(low, 6), round(max(low, high), 6), bool(estimated))


def estimate_request(caps: Capabilities, request: GenerationRequest | EditRequest | RefineRequest) -> Estimate:
    """``estimate_cost`` for a request as the app builds it (GUI, CLI ``--estimate``, the budget check)."""
    if isinstance(request, RefineRequest):
        from imagestudio.core.refine import estimate_refine  # refine builds on this module

        return estimate_refine(caps, request)
    inputs = 0
    if isinstance(request, EditRequest):
        inputs = len(request.images) + (1 if request.mask else 0) + (1 if request.markup else 0)
    return estimate_cost(
        caps,
        model=request.model,
        quality=request.quality,
        size=request.size,
        n=request.n,
        input_images=inputs,
        partial_images=request.partial_images or 0,
        prompt_chars=len(request.prompt),
        batch=bool(request.via_batch_api),
    )


def batch_saving(
    caps: Capabilities, request: GenerationRequest | EditRequest | RefineRequest
) -> tuple[Estimate, Estimate]:
    """(sent now, sent through the Batch API): the two estimates the "Batch (cheaper)" choice compares."""
    return (
        estimate_request(caps, replace(request, via_batch_api=None)),
        estimate_request(caps, replace(request, via_batch_api=True)),
    )


def result_cost(
    caps: Capabilities, request: GenerationRequest | EditRequest | RefineRequest, result: GenerationResult
) -> Cost:
    """A result's cost: as the metering wrapper priced it, else from its usage (unknown → the estimate)."""
    if result.cost_usd is not None:
        return Cost(_clean(result.cost_usd), result.cost_estimated)
    estimate = estimate_request(caps, replace(request, n=max(1, len(result.images))))
    agent = request.text_model if isinstance(request, RefineRequest) else None
    return cost_of_usage(
        caps, result.model, result.usage, estimate=estimate, svg_model=request.svg_model, agent_model=agent
    )
