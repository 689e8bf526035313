"""Refine in conversation: one turn edits an image through the Responses API's ``image_generation`` tool and
becomes a child of that image in its lineage (``params["parents"]``), with the instruction as the step's text.

Where the conversation lives: each refined image keeps, in ``params["response"]``, the ``response_id`` of the
response that made it, the ``image_call_id`` of its ``image_generation_call`` and whether the response was
``store``-d. The next turn from that image sends ``previous_response_id`` (the server holds the earlier turns,
so the style does not drift); an image without a stored response (made by the Images API, imported, or refined
with storing off) sends its original as an input image instead. When the server no longer has the response
(expired or deleted), the provider sends the image once, automatically: the refused request was not billed.

Which text models may call the tool comes from data (``models.json`` → ``pricing.image_tool``), not code.
"""

from __future__ import annotations

from typing import Any

from imagestudio.core.capabilities import Capabilities
from imagestudio.core.errors import InvalidRequest
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.money.pricing import Estimate, estimate_cost, text_rates
from imagestudio.core.types import GenerationRequest, LibraryImage, RefineRequest

MAX_INSTRUCTION_CHARS = 32_000


def _tool_table(caps: Capabilities) -> dict[str, Any]:
    return dict(caps.pricing.get("image_tool") or {})


def text_models(caps: Capabilities) -> list[str]:
    """Current text models (not shut down) that can call the image tool, in the table's order."""
    listed = dict(_tool_table(caps).get("text_models") or {})
    return [t.id for t in caps.text_models() if t.id in listed]


def default_text_model(caps: Capabilities, preferred: str = "") -> str:
    offered = text_models(caps)
    if preferred in offered:
        return preferred
    table_default = str(_tool_table(caps).get("default_text_model", ""))
    return table_default if table_default in offered else (offered[0] if offered else "")


def stored_response(image: LibraryImage) -> tuple[str | None, str | None, bool]:
    """``(response_id, image_call_id, continuable)`` of the response that made ``image`` (all empty for images made
    by the Images API or imported); ``continuable``: stored, and this image is the last the response made."""
    params = image.params if isinstance(image.params, dict) else {}
    meta = params.get("response")
    meta = meta if isinstance(meta, dict) else {}
    rid, call = meta.get("response_id"), meta.get("image_call_id")
    return (
        rid if isinstance(rid, str) and rid else None,
        call if isinstance(call, str) and call else None,
        # an earlier sibling of a turn that made several images, or an answer that broke: the image is sent
        meta.get("store") is True and meta.get("continuable") is not False,
    )


def image_model_for(caps: Capabilities, image: LibraryImage) -> str:
    """The parent's own image model when it is current, else the table's default."""
    try:
        return caps.get(image.model).id
    except InvalidRequest:
        return caps.default_model


def request_for(
    image: LibraryImage,
    path: str,
    instruction: str,
    caps: Capabilities,
    *,
    text_model: str = "",
    store: bool = True,
    **options: Any,
) -> RefineRequest:
    """The next turn from ``image`` (its original at ``path``). ``options``: size, quality, output_format,
    background, output_compression, moderation, partial_images, safety_identifier, model."""
    response_id, _call, stored = stored_response(image)
    model = options.pop("model", None) or image_model_for(caps, image)
    return RefineRequest(
        prompt=instruction.strip(),
        model=model,
        text_model=default_text_model(caps, text_model),
        parent_id=image.id,
        image=path,
        previous_response_id=response_id if stored else None,
        store=store,
        **options,
    )


def validate(caps: Capabilities, request: RefineRequest) -> None:
    """The image options as the image model allows them (the same check as Generate), the instruction, and a
    text model that can call the tool."""
    if not request.prompt.strip():
        raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "Write an instruction first."))
    if len(request.prompt) > MAX_INSTRUCTION_CHARS:
        template = QT_TRANSLATE_NOOP("CoreMessages", "The prompt is longer than %1 characters.")
        raise InvalidRequest(fill(template, f"{MAX_INSTRUCTION_CHARS:,}"))
    offered = text_models(caps)
    if request.text_model not in offered:
        template = QT_TRANSLATE_NOOP("CoreMessages", "%1 cannot call the image tool (choose %2).")
        raise InvalidRequest(fill(template, repr(request.text_model), ", ".join(offered) or "—"))
    if request.output_format in ("gif", "svg"):
        template = QT_TRANSLATE_NOOP("CoreMessages", "Refine makes PNG, JPEG or WebP images, not %1.")
        raise InvalidRequest(fill(template, request.output_format.upper()))
    if request.input_fidelity is not None:  # offered only by the retired 1.5 / 1-mini models
        template = QT_TRANSLATE_NOOP("CoreMessages", "%1 does not offer input fidelity.")
        raise InvalidRequest(fill(template, request.model))
    if not request.previous_response_id and not request.image:
        raise InvalidRequest(QT_TRANSLATE_NOOP("CoreMessages", "The image to refine has no file."))
    caps.validate(
        GenerationRequest(
            prompt=request.prompt, model=request.model, size=request.size, quality=request.quality,
            output_format=request.output_format, background=request.background,
            output_compression=request.output_compression, moderation=request.moderation,
            partial_images=request.partial_images,
        )
    )  # fmt: skip


def chain(image_id: int, parents: dict[int, tuple[int, ...]]) -> list[int]:
    """The steps from the root to ``image_id`` following first parents (step 1 is the root)."""
    steps = [image_id]
    seen = {image_id}
    while (up := parents.get(steps[-1])) and up[0] not in seen and len(steps) < 500:
        steps.append(up[0])
        seen.add(up[0])
    return list(reversed(steps))


def estimate_refine(caps: Capabilities, request: RefineRequest) -> Estimate:
    """A refine turn: one image whose context holds the parent image (sent, or in the continued response), plus the
    text model that calls the tool (its tokens: ``pricing.image_tool.text_tokens_estimate`` in models.json)."""
    image = estimate_cost(
        caps, model=request.model, quality=request.quality, size=request.size, input_images=1,
        partial_images=request.partial_images or 0, prompt_chars=len(request.prompt),
    )  # fmt: skip
    guess = dict(dict(caps.pricing.get("image_tool") or {}).get("text_tokens_estimate") or {})
    pin, pout, _ = text_rates(caps, request.text_model)
    low = (int(guess.get("input_low", 300)) * pin + int(guess.get("output_low", 20)) * pout) / 1_000_000
    high = (int(guess.get("input_high", 3000)) * pin + int(guess.get("output_high", 800)) * pout) / 1_000_000
    high += len(request.prompt) * pin / 1_000_000
    # the text part is always a guess: estimated
    return Estimate(round(image.low_usd + low, 6), round(image.high_usd + high, 6), True)
