"""``POST /v1/responses`` with the ``image_generation`` tool, for the loopback simulator (``tests/simulator.py``
mounts it: a Responses request whose ``tools`` hold an ``image_generation`` tool comes here).

Strict where the SDK's types say so: the body's keys must be ``ResponseCreateParams`` fields, the tool must
validate as ``tool_param.ImageGeneration`` (no key outside it) and ``input`` as ``ResponseInputParam``; every
answer and event is built to pass the SDK's response types with ``_strict_response_validation=True``.

Behaviour (chosen where the API is not documented precisely):

* ``store`` (default true) keeps a response: its id may be continued with ``previous_response_id``. An unknown,
  unstored or expired id answers ``400 previous_response_not_found`` (``param="previous_response_id"``), as the
  live API does. ``expire(id)`` / ``expire_all()`` forget responses (the test says which).
* The image to edit comes from the continued response (its last image) or from an ``input_image`` data URL; with
  neither, ``action: "edit"`` answers 400. The result is the context image, resized to ``size`` and tinted by a
  colour the instruction picks, so each turn's change is visible and deterministic.
* An instruction containing "forbidden" answers ``400 moderation_blocked``.
* Streaming, in the order of the SDK's event types: ``response.created``, ``response.in_progress``, then per image
  call ``response.output_item.added`` (the call in progress), ``response.image_generation_call.in_progress`` /
  ``.generating``, one ``.partial_image`` per partial asked, ``.completed``, ``response.output_item.done`` (the
  call with its ``result``); last ``response.completed`` (the whole response).
* The model may call the tool more than once (``next_answer(images=2)``): ``output`` holds every
  ``image_generation_call``. Faults (``next_answer``, ``Plan``): an ``error`` event or ``response.failed`` after
  k finished images, a body cut after a partial (cleanly or by closing the socket), ``response.incomplete``
  (``incomplete_details.reason``) with or without images, and a stream held open until the test releases it.
* Usage: ``usage`` is the text model's (input = instruction characters // 4 + 200, output 40 per call);
  ``tool_usage.image_gen`` the image part summed over the calls, as the API documents it (text tokens, 1,000
  image input tokens per context image, output tokens by the calculator's formula, +100 per partial). Every answer
  that brought images is logged in ``turns``; its usage in the simulator's ``reported_usages``.
"""

from __future__ import annotations

import base64
import hashlib
import io
import secrets
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from PIL import Image

if TYPE_CHECKING:
    from tests.simulator import OpenAISimulator, _Exchange

TOOL_TEXT_MODELS = ("gpt-4.1-mini", "gpt-4o-mini", "gpt-5-nano", "gpt-6-luna")
CONTEXT_IMAGE_TOKENS = 1000


@dataclass
class Turn:
    response_id: str
    call_id: str
    previous_response_id: str | None
    image_sent: bool
    instruction: str
    stored: bool
    image: bytes
    usage: dict[str, Any]
    tool_usage: dict[str, Any]
    streamed: bool
    images: tuple[bytes, ...] = ()  # every image of the answer (``image`` is the last)
    call_ids: tuple[str, ...] = ()


@dataclass
class Plan:
    """How the next answer goes. ``images``: image calls the model makes (it may call the tool more than once).
    ``fault``: ``"error"`` (an ``error`` event) or ``"failed"`` (``response.failed``) after ``after_images``
    finished calls (and, before the first, after its partials); ``"cut"``: the body ends (``abrupt``: the socket
    closes) after ``after_partials`` partial images, with no terminal event; ``"incomplete"``:
    ``response.incomplete`` with ``reason`` after the ``images`` calls. ``gate``: a streamed answer waits after its
    first partial (or before its first image without partials) until the test sets it."""

    images: int = 1
    fault: str | None = None
    code: str = "server_error"
    after_images: int = 0
    after_partials: int = 1
    abrupt: bool = False
    reason: str = "max_output_tokens"
    gate: threading.Event | None = None
    bare_final: bool = False  # the terminal event's response leaves ``output`` empty (the items came as events)


def has_image_tool(body: dict[str, Any] | None) -> bool:
    tools = (body or {}).get("tools")
    return isinstance(tools, list) and any(isinstance(t, dict) and t.get("type") == "image_generation" for t in tools)


class ImageToolResponses:
    def __init__(self, simulator: OpenAISimulator) -> None:
        self.sim = simulator
        self._lock = threading.Lock()
        self._stored: dict[str, Turn] = {}
        self._expired: set[str] = set()
        self._plans: deque[Plan] = deque()  # how the next answers go (one each)
        self.turns: list[Turn] = []  # answers that brought images (completed or incomplete)
        self.abandoned: list[str] = []  # response ids of streams the client left (cancelled) before their end

    # -- test controls ---------------------------------------------------------------------------------
    def expire(self, response_id: str) -> None:
        with self._lock:
            self._expired.add(response_id)

    def expire_all(self) -> None:
        with self._lock:
            self._expired.update(self._stored)

    def next_answer(self, **plan: Any) -> Plan:
        """The next answer follows this ``Plan`` (see there); returns it (``gate`` to open a held stream)."""
        made = Plan(**plan)
        with self._lock:
            self._plans.append(made)
        return made

    def error_next(self, code: str = "server_error") -> None:
        """The next streamed answer sends an ``error`` event (after its partials) instead of its image."""
        self.next_answer(fault="error", code=code)

    def fail_response_next(self, code: str = "server_error") -> None:
        self.next_answer(fault="failed", code=code)

    def hold_next(self) -> threading.Event:
        """The next streamed answer waits after its first partial until the returned event is set."""
        gate = threading.Event()
        self.next_answer(gate=gate)
        return gate

    def stored_ids(self) -> list[str]:
        with self._lock:
            return [i for i in self._stored if i not in self._expired]

    # -- validation --------------------------------------------------------------------------------------
    def _validate(self, body: dict[str, Any]) -> tuple[dict[str, Any], str, str | None, bytes | None]:
        from openai.types.responses.response_create_params import ResponseCreateParamsBase
        from openai.types.responses.response_input_param import ResponseInputParam
        from openai.types.responses.tool_param import ImageGeneration
        from pydantic import TypeAdapter, ValidationError

        from tests.simulator import CURRENT_IMAGE_MODELS, ApiError, parse_size

        allowed = set(ResponseCreateParamsBase.__annotations__) | {"stream"}
        for key in body:
            if key not in allowed:
                raise ApiError(400, f"Unknown parameter: '{key}'.", param=key, code="unknown_parameter")
        model = body.get("model")
        if model not in TOOL_TEXT_MODELS:
            raise ApiError(400, f"The requested model '{model}' does not exist.", param="model", code="model_not_found")
        tools = [t for t in body["tools"] if isinstance(t, dict) and t.get("type") == "image_generation"]
        if len(tools) != 1:
            raise ApiError(400, "Only one image_generation tool may be given.", param="tools")
        tool = tools[0]
        for key in tool:
            if key not in ImageGeneration.__annotations__:
                raise ApiError(400, f"Unknown parameter: 'tools[0].{key}'.", param=f"tools[0].{key}",
                               code="unknown_parameter")  # fmt: skip
        try:
            TypeAdapter(ImageGeneration).validate_python(tool, strict=True)
            TypeAdapter(ResponseInputParam | str).validate_python(body.get("input", ""), strict=True)
        except ValidationError as e:
            raise ApiError(
                400, f"Invalid request: {e.errors()[0]['msg']}", param="tools", code="invalid_value"
            ) from None
        image_model = tool.get("model", "gpt-image-2.6-sunburst")
        if image_model not in CURRENT_IMAGE_MODELS:
            raise ApiError(400, f"Invalid value for 'tools[0].model': {image_model!r}.", param="tools[0].model",
                           code="invalid_value")  # fmt: skip
        if tool.get("size", "auto") != "auto":
            parse_size(tool["size"])
        if "input_fidelity" in tool and image_model.startswith("gpt-image-2"):
            raise ApiError(400, "input_fidelity is not supported for this model.", param="tools[0].input_fidelity",
                           code="unsupported_parameter")  # fmt: skip
        instruction, sent = _instruction_and_image(body.get("input"))
        previous = body.get("previous_response_id")
        context: bytes | None = None
        if previous is not None:
            with self._lock:
                turn = self._stored.get(previous)
                gone = turn is None or previous in self._expired
            if gone or turn is None:
                raise ApiError(400, f"Previous response with id '{previous}' not found.",
                               param="previous_response_id", code="previous_response_not_found")  # fmt: skip
            context = turn.image
        if sent is not None:
            context = sent
        if context is None and tool.get("action") == "edit":
            raise ApiError(400, "The edit action needs an image in the conversation.", param="tools[0].action")
        if "forbidden" in instruction.lower():
            raise ApiError(400, "Your request was rejected by the safety system.", type="image_generation_user_error",
                           code="moderation_blocked")  # fmt: skip
        return tool, instruction, previous, context if sent is None else sent

    # -- the answer --------------------------------------------------------------------------------------
    def create(self, exchange: _Exchange) -> None:
        from tests.simulator import _output_image_tokens

        body = exchange.request.json or {}
        tool, instruction, previous, context = self._validate(body)
        with self._lock:
            plan = self._plans.popleft() if self._plans else Plan()
        sent = _instruction_and_image(body.get("input"))[1] is not None
        stream = bool(body.get("stream"))
        size, fmt = tool.get("size", "auto"), tool.get("output_format", "png")
        quality = tool.get("quality", "auto")
        partials = int(tool.get("partial_images", 0)) if stream else 0
        count = plan.images if plan.fault in (None, "incomplete", "cut") else max(plan.images, plan.after_images + 1)
        images = [_refined(context, instruction + (f" #{i + 1}" if i else ""), size, fmt) for i in range(count)]
        calls, image_in, text_tokens, out_tokens = [], 0, len(instruction) // 4 + 10, 0
        for image in images:
            with Image.open(io.BytesIO(image)) as im:
                width, height = im.size
            image_in += CONTEXT_IMAGE_TOKENS if context is not None else 0
            out_tokens += _output_image_tokens("high" if quality == "auto" else quality, width, height) + 100 * partials
            calls.append({
                "id": f"ig_{secrets.token_hex(24)}", "type": "image_generation_call", "status": "completed",
                "result": base64.b64encode(image).decode(), "action": "edit", "background": "opaque",
                "output_format": fmt, "quality": "high" if quality == "auto" else quality, "size": f"{width}x{height}",
                "revised_prompt": instruction,
            })  # fmt: skip
        tool_usage = {  # ``image_gen`` sums the calls of the response (ToolUsage's docstring)
            "image_gen": {
                "input_tokens": text_tokens * len(calls) + image_in,
                "input_tokens_details": {"image_tokens": image_in, "text_tokens": text_tokens * len(calls)},
                "output_tokens": out_tokens,
                "output_tokens_details": {"image_tokens": out_tokens, "text_tokens": 0},
                "total_tokens": text_tokens * len(calls) + image_in + out_tokens,
            },
            "web_search": {"num_requests": 0},
        }
        agent_in, agent_out = len(instruction) // 4 + 200 + (300 if previous else 0), 40 * max(1, len(calls))
        usage = {
            "input_tokens": agent_in,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": agent_out,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": agent_in + agent_out,
        }
        rid = f"resp_{secrets.token_hex(24)}"
        stored = body.get("store", True) is not False
        response = self._response(body, rid, calls, usage, tool_usage, previous, stored)
        if plan.fault == "incomplete":
            response.update(status="incomplete", completed_at=None, incomplete_details={"reason": plan.reason})

        def turn() -> Turn:
            ids = tuple(c["id"] for c in calls)
            return Turn(rid, ids[-1] if ids else "", previous, sent, instruction, stored, images[-1] if images else b"",
                        usage, tool_usage, bool(partials), tuple(images), ids)  # fmt: skip

        if not stream:
            self._keep(turn())
            exchange.send_json(200, response)
            return
        try:
            self._stream(exchange, plan, response, calls, partials, context, instruction, turn)
        except OSError:  # the client went away (a cancel): the request was sent and may be billed
            with self._lock:
                self.abandoned.append(rid)

    def _stream(
        self, exchange: _Exchange, plan: Plan, response: dict[str, Any], calls: list[dict[str, Any]], partials: int,
        context: bytes | None, instruction: str, turn: Callable[[], Turn],
    ) -> None:  # fmt: skip
        seq = 0

        def event(data: dict[str, Any]) -> None:
            nonlocal seq
            exchange.send_event(data["type"], {**data, "sequence_number": seq})
            seq += 1

        exchange.start_stream()
        opening = {**response, "status": "in_progress", "output": [], "usage": None, "tool_usage": None,
                   "completed_at": None, "incomplete_details": None}  # fmt: skip
        event({"type": "response.created", "response": opening})
        event({"type": "response.in_progress", "response": opening})
        sent_partials = 0
        for index, call in enumerate(calls):
            ref = {"item_id": call["id"], "output_index": index}
            pending = {**call, "status": "in_progress", "result": None}
            event({"type": "response.output_item.added", "item": pending, "output_index": index})
            event({"type": "response.image_generation_call.in_progress", **ref})
            event({"type": "response.image_generation_call.generating", **ref})
            for p in range(partials):
                preview = _refined(context, instruction, "64x64", "png", exact=False)
                event({"type": "response.image_generation_call.partial_image", **ref,
                       "partial_image_b64": base64.b64encode(preview).decode(), "partial_image_index": p})  # fmt: skip
                sent_partials += 1
                if plan.fault == "cut" and sent_partials >= plan.after_partials:
                    if plan.abrupt:
                        exchange.close_abruptly()
                    else:
                        exchange.end_stream()  # a clean end of the body, without a terminal event
                    return
                if plan.gate is not None and sent_partials == 1:
                    plan.gate.wait(60)  # the test opens it (a slow answer, no timing involved)
            if plan.gate is not None and not partials and index == 0:
                plan.gate.wait(60)
            if plan.fault in ("error", "failed") and index == plan.after_images:
                if plan.fault == "error":
                    event({"type": "error", "code": plan.code, "message": f"Simulated {plan.code}.", "param": None})
                else:
                    failed = {**response, "status": "failed", "output": calls[:index], "completed_at": None,
                              "error": {"code": plan.code, "message": f"Simulated {plan.code}."}}  # fmt: skip
                    event({"type": "response.failed", "response": failed})
                exchange.end_stream()
                return
            event({"type": "response.image_generation_call.completed", **ref})
            event({"type": "response.output_item.done", "item": call, "output_index": index})
        self._keep(turn())
        final = "response.incomplete" if plan.fault == "incomplete" else "response.completed"
        event({"type": final, "response": {**response, "output": []} if plan.bare_final else response})
        exchange.end_stream()

    def _keep(self, turn: Turn) -> None:
        with self._lock:
            if turn.images:
                self.turns.append(turn)
            if turn.stored and turn.images:
                self._stored[turn.response_id] = turn
        self.sim.reported_usages.append({"usage": turn.usage, "tool_usage": turn.tool_usage})

    @staticmethod
    def _response(
        body: dict[str, Any], rid: str, output: list[dict[str, Any]], usage: dict[str, Any],
        tool_usage: dict[str, Any], previous: str | None, stored: bool,
    ) -> dict[str, Any]:  # fmt: skip
        now = int(time.time())
        return {
            "id": rid, "object": "response", "created_at": now, "completed_at": now, "status": "completed",
            "background": False, "error": None, "incomplete_details": None, "instructions": None,
            "max_output_tokens": None, "model": body["model"], "output": output, "parallel_tool_calls": True,
            "previous_response_id": previous, "reasoning": {"effort": None, "summary": None},
            "safety_identifier": body.get("safety_identifier"), "service_tier": "default", "store": stored,
            "temperature": 1.0, "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": body.get("tool_choice", "auto"), "tools": body["tools"], "top_p": 1.0,
            "truncation": "disabled", "usage": usage, "tool_usage": tool_usage, "user": None, "metadata": {},
        }  # fmt: skip


def _instruction_and_image(value: object) -> tuple[str, bytes | None]:
    """The user's text and the last ``input_image`` data URL's bytes in ``input``."""
    if isinstance(value, str):
        return value, None
    texts: list[str] = []
    image: bytes | None = None
    for item in value if isinstance(value, list) else []:
        content = item.get("content") if isinstance(item, dict) else None
        parts = content if isinstance(content, list) else [{"type": "input_text", "text": content}]
        for part in parts:
            if not isinstance(part, dict):
                continue
            if part.get("type") == "input_text" and isinstance(part.get("text"), str):
                texts.append(part["text"])
            elif part.get("type") == "input_image" and isinstance(part.get("image_url"), str):
                image = _data_url_bytes(part["image_url"])
    return "\n".join(texts), image


def _data_url_bytes(url: str) -> bytes:
    from tests.simulator import ApiError

    head, _, data = url.partition(",")
    if not head.startswith("data:image/") or ";base64" not in head:
        raise ApiError(400, "Only base64 data URLs of images are accepted here.", param="input")
    try:
        raw = base64.b64decode(data, validate=True)
        with Image.open(io.BytesIO(raw)) as im:
            im.load()
    except Exception:
        raise ApiError(400, "The input image could not be read.", param="input", code="invalid_image") from None
    return raw


def _refined(context: bytes | None, instruction: str, size: str, fmt: str, *, exact: bool = True) -> bytes:
    digest = hashlib.sha256(instruction.encode()).digest()
    if context is None:
        base = Image.new("RGB", (1024, 1024), (128, 128, 128))
    else:
        with Image.open(io.BytesIO(context)) as im:
            base = im.convert("RGB")
    if size != "auto":
        w, h = (int(v) for v in size.split("x"))
        base = base.resize((w, h))
    out = Image.blend(base, Image.new("RGB", base.size, (digest[0], digest[1], digest[2])), 0.3)
    buf = io.BytesIO()
    out.save(buf, {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}[fmt] if exact else "PNG")
    return buf.getvalue()
