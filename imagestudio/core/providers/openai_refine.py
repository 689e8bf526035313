"""One refine turn over the Responses API (``client.responses.create`` with the ``image_generation`` tool); see
``core/refine.py``. Imported by ``openai_provider`` only, inside its ``refine`` (the SDK is already loaded then).

* ``previous_response_id`` when the parent's response was stored; when the server answers that it no longer has
  it (``previous_response_not_found``, or a 400/404 naming ``previous_response_id``), the parent image is sent as
  an input image instead — once, automatically. The refused request was not billed, so nothing is paid twice.
* Streamed (``partial_images`` > 0): ``response.image_generation_call.partial_image`` events go to ``on_partial``;
  the final ``response.completed`` (or ``response.incomplete``) carries the whole response. ``error`` events and
  ``response.failed`` are mapped by their code like the Images API's errors (``openai_errors``).
* Every image is kept: the model may call the tool more than once, and each ``image_generation_call`` with a
  result becomes a child of the parent (siblings, in output order; the conversation continues from the last).
  When the stream breaks (an ``error`` event, ``response.failed``, a cut body) after images arrived
  (``response.output_item.done``), those are kept and the turn is priced at its estimate; after partials only, the
  attempt is "possibly charged". An answer without an image whose usage is known (completed or incomplete) is
  recorded at that usage and fails the job.
* Usage, once per response: the image part is ``response.tool_usage.image_gen`` (summed over the calls by the
  API; priced at the image model's rates), the text model's ``response.usage`` goes into ``Usage.agent_*`` (priced
  at the text model's rates, ``core/money/pricing``).
"""

from __future__ import annotations

import base64
import dataclasses
import mimetypes
from collections.abc import Callable
from pathlib import Path
from typing import Any

from imagestudio.core import errors
from imagestudio.core.i18n.marks import QT_TRANSLATE_NOOP, fill
from imagestudio.core.money.pricing import parse_usage
from imagestudio.core.providers.openai_errors import stream_error
from imagestudio.core.types import GeneratedImage, GenerationResult, RefineRequest, Usage

OnPartial = Callable[[int, bytes], None]
Translate = Callable[[Exception], errors.ImageStudioError]
_GONE_CODES = frozenset({"previous_response_not_found", "response_not_found"})


def response_gone(e: Exception) -> bool:
    """The server no longer has the response to continue (expired, deleted, or never stored)."""
    import openai

    if not isinstance(e, openai.APIStatusError) or e.status_code not in (400, 404):
        return False
    code, param = getattr(e, "code", None), getattr(e, "param", None)
    return code in _GONE_CODES or param == "previous_response_id"


def data_url(path: str) -> str:
    data = Path(path).read_bytes()
    mime = mimetypes.guess_type(path)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def build_params(request: RefineRequest, *, continued: bool, image_url: str | None) -> dict[str, Any]:
    """The keyword arguments of ``responses.create`` for one turn."""
    params: dict[str, Any] = {
        "model": request.text_model,
        "tools": [request.tool()],
        "tool_choice": {"type": "image_generation"},
        "store": request.store,
    }
    if continued:
        params["previous_response_id"] = request.previous_response_id
        params["input"] = request.prompt
    else:
        content: list[dict[str, Any]] = [{"type": "input_text", "text": request.prompt}]
        content.append({"type": "input_image", "image_url": image_url, "detail": "auto"})
        params["input"] = [{"role": "user", "content": content}]
    if request.safety_identifier:
        params["safety_identifier"] = request.safety_identifier
    if request.partial_images:
        params["stream"] = True
    return params


async def provider_refine(
    provider: Any, request: RefineRequest, *, on_partial: OnPartial | None = None
) -> GenerationResult:
    """``OpenAIProvider.refine``: ``refine`` within one deadline for the whole answer (streams included), the
    server's texts and ids with the key redacted (``netguard``, as for the Images API)."""
    import asyncio

    translate: Translate = provider._translate
    try:
        async with asyncio.timeout(provider._timeout):
            client = provider._get_client()
            result = await refine(client, request, on_partial, name=provider.name, translate=translate)
    except TimeoutError as e:
        raise translate(e) from None
    clean = provider._clean
    meta = {k: clean(v, limit=None) if isinstance(v, str) else v for k, v in result.response_meta.items()}
    return dataclasses.replace(result, response_meta=meta, request_id=clean(result.request_id))


async def refine(
    client: Any, request: RefineRequest, on_partial: OnPartial | None, *, name: str, translate: Translate
) -> GenerationResult:
    if request.previous_response_id:
        try:
            return await _turn(client, request, on_partial, name, translate, continued=True)
        except _Gone as gone:
            if not request.image:
                raise translate(gone.error) from None
    return await _turn(client, request, on_partial, name, translate, continued=False)


class _Gone(Exception):
    def __init__(self, error: Exception) -> None:
        super().__init__("previous response gone")
        self.error = error


async def _turn(
    client: Any, request: RefineRequest, on_partial: OnPartial | None, name: str, translate: Translate, *,
    continued: bool,
) -> GenerationResult:  # fmt: skip
    import asyncio

    image_url = None if continued else await asyncio.to_thread(data_url, request.image)
    params = build_params(request, continued=continued, image_url=image_url)
    try:
        answer = await client.responses.create(**params)
    except Exception as e:
        if continued and response_gone(e):
            raise _Gone(e) from None
        raise translate(e) from None
    if not params.get("stream"):
        return _result(answer, request, name, continued, 0, getattr(answer, "_request_id", None))
    response = getattr(answer, "response", None)
    request_id = response.headers.get("x-request-id") if response is not None else None
    partials = 0
    final: Any = None
    arrived: list[Any] = []  # image calls finished before the end (``response.output_item.done``)
    failure: errors.ImageStudioError | None = None
    try:
        async for event in answer:
            kind = getattr(event, "type", "")
            if kind == "response.image_generation_call.partial_image":
                partials += 1
                if on_partial is not None:
                    on_partial(int(event.partial_image_index), _decode(event.partial_image_b64))
            elif kind == "response.output_item.done" and getattr(event.item, "type", "") == "image_generation_call":
                if getattr(event.item, "result", None):
                    arrived.append(event.item)
            elif kind in ("response.completed", "response.incomplete"):
                final = event.response
            elif kind == "response.failed":
                problem = getattr(event.response, "error", None)
                raise stream_error(getattr(problem, "code", None), getattr(problem, "message", None) or kind)
            elif kind == "error":
                raise stream_error(getattr(event, "code", None), getattr(event, "message", None),
                                   getattr(event, "param", None))  # fmt: skip
    except Exception as e:
        failure = translate(e)
    if final is not None:
        return _result(final, request, name, continued, partials, request_id, arrived)
    if failure is None:
        failure = errors.BadResponse(
            QT_TRANSLATE_NOOP("CoreMessages", "The stream ended before the image arrived; the connection was cut.")
        )
    if partials or arrived:
        failure.possibly_charged = True  # the image tool was running: billed
    if not arrived:
        raise failure
    # images came before the answer broke: kept (they are paid for), the turn priced at its estimate (no usage)
    failure.in_ledger = True
    return _images(arrived, request, name, continued, partials, request_id, Usage(reported=0), complete=False,
                   problem=failure)  # fmt: skip


def _result(
    response: Any, request: RefineRequest, name: str, continued: bool, partials: int, request_id: str | None,
    arrived: list[Any] | None = None,
) -> GenerationResult:  # fmt: skip
    """A whole response (``response.completed``, or ``response.incomplete`` with what it made). ``arrived``: the
    image calls the stream delivered, kept should the final response leave them out of its ``output``."""
    try:
        calls = [item for item in response.output or [] if getattr(item, "type", "") == "image_generation_call"]
    except TypeError:
        calls = []
    done = [c for c in calls if c.result] or list(arrived or ())
    usage = _usage(response, partials)
    incomplete = getattr(response, "status", None) == "incomplete"
    if not done:
        failed = next((c.error for c in calls if getattr(c, "error", None) is not None), None)
        reason = getattr(getattr(response, "incomplete_details", None), "reason", None)
        if failed is not None:
            error = stream_error(failed.code, failed.message, failed.param)
        elif incomplete and reason == "content_filter":
            error = stream_error("moderation_blocked", reason)
        elif incomplete:
            error = errors.BadResponse(
                fill(
                    QT_TRANSLATE_NOOP("CoreMessages", "The answer stopped before an image was made (%1). Try again."),
                    str(reason or "?"),
                )
            )
        else:
            error = errors.BadResponse(
                QT_TRANSLATE_NOOP("CoreMessages", "The model answered without making an image. Try again.")
            )
        # the text model ran (and may have called the tool): billed, and its usage is known
        error.possibly_charged = error.in_ledger = True
        return GenerationResult((), name, request.model, usage, request_id, {"response_id": response.id}, error=error)
    return _images(done, request, name, continued, partials, request_id, usage, complete=True, response=response)


def _images(
    done: list[Any], request: RefineRequest, name: str, continued: bool, partials: int, request_id: str | None,
    usage: Usage, *, complete: bool, response: Any = None, problem: errors.ImageStudioError | None = None,
) -> GenerationResult:  # fmt: skip
    """Every image the model made in this turn, in output order: each becomes a child of the parent (siblings when
    the model called the tool more than once). The conversation continues from the last one (``continuable``);
    a turn from an earlier sibling, or from an answer that broke, sends its image instead."""
    incomplete = getattr(getattr(response, "incomplete_details", None), "reason", None) if response else None
    meta = {
        "response_id": getattr(response, "id", None) if response is not None else None,
        "store": request.store,
        "text_model": request.text_model,
        "continued": continued,
        "previous_response_id": request.previous_response_id if continued else None,
        "image_sent": not continued,
        "streamed": bool(partials) or None,
        "images_in_response": len(done) if len(done) > 1 else None,
        "incomplete": incomplete or (problem.message if problem is not None else None),
    }
    per_image = [
        {
            k: v
            for k, v in {
                "image_call_id": call.id, "action": call.action, "size": call.size, "quality": call.quality,
                "background": call.background, "output_format": call.output_format,
                "revised_prompt": call.revised_prompt, "continuable": complete and n == len(done) - 1,
            }.items()
            if v is not None
        }
        for n, call in enumerate(done)
    ]  # fmt: skip
    return GenerationResult(
        images=tuple(GeneratedImage(_decode(c.result), c.output_format or request.output_format) for c in done),
        provider=name,
        model=request.model,
        usage=usage,
        request_id=request_id,
        response_meta={**{k: v for k, v in meta.items() if v is not None}, "per_image": per_image},
        error=problem,
    )


def _usage(response: Any, partials: int) -> Usage:
    tool_usage = getattr(response, "tool_usage", None)
    image = parse_usage(getattr(tool_usage, "image_gen", None), partial_images=partials)
    text: Any = getattr(response, "usage", None)
    try:
        agent_in, agent_out = int(text.input_tokens), int(text.output_tokens)
    except (AttributeError, TypeError, ValueError):
        agent_in = agent_out = 0
    if not (0 <= agent_in <= 1_000_000_000 and 0 <= agent_out <= 1_000_000_000):
        agent_in = agent_out = 0
    return dataclasses.replace(image, agent_input_tokens=agent_in, agent_output_tokens=agent_out)


def _decode(b64: str | None) -> bytes:
    import binascii

    if not b64:
        raise errors.BadResponse("The server sent an image event without image data.")
    try:
        return base64.b64decode(b64, validate=True)
    except (binascii.Error, ValueError):
        raise errors.BadResponse("The server sent image data that is not valid base64.") from None
