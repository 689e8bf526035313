"""A loopback OpenAI-compatible HTTP server for the test suite.

Tests point the real ``openai`` SDK at :attr:`OpenAISimulator.base_url`, so every request and response crosses
real HTTP and real SDK parsing (use ``_strict_response_validation=True`` on the client). The server answers
with the shapes, headers and error bodies of the OpenAI API and validates requests the way the API does, so a
passing test also shows that the request would be accepted by the official service.

Only the standard library (``http.server``) and Pillow are used. The server binds to ``127.0.0.1`` on a free port
and serves from a daemon thread::

    with OpenAISimulator() as sim:
        client = openai.OpenAI(base_url=sim.base_url, api_key=sim.api_key, max_retries=0)
        client.images.generate(model="gpt-image-2", prompt="a red kite")

Behaviour chosen where the public API is not documented precisely (see ``tests/test_simulator.py``):

* ``model`` is required. Unknown, retired (DALL·E, gpt-image-1), retiring (gpt-image-1.5, gpt-image-1-mini,
  chatgpt-image-latest) and unlisted image models give ``400 invalid_value`` with ``param="model"``: the images
  endpoint validates ``model`` like an enum. The accepted image models are the image ids in ``models``. Text
  endpoints give ``404 model_not_found`` (chat) / ``400 model_not_found`` (responses), as the API does.
* A prompt containing the word "forbidden" is refused with ``400 moderation_blocked``
  (type ``image_generation_user_error``, ``param`` null, as the API does).
* Edit uploads are checked by their part ``Content-Type`` like the API: bytes sent without a file name (and so
  without a type) are refused as ``application/octet-stream``. ``size="auto"`` on an edit answers 1024x1024,
  1536x1024 or 1024x1536, whichever is closest to the first image's shape.
* ``size``: ``auto`` or ``WxH`` with both sides multiples of 16, longest edge ≤ 3840, aspect ratio ≤ 3:1 and
  655,360-8,294,400 pixels in total (so 2880x2880 is valid, as on the live API).
* ``output_compression`` below 100 with PNG output is rejected (100 is accepted, as the API does).
* ``gif`` / ``svg`` output answer ``403`` (the account has no preview access).
* Streaming with ``n > 1`` emits the partial and completed events of each image in turn (undocumented upstream:
  a completed event carries no image index, and its ``usage`` is that image's, input included). No ``[DONE]``
  sentinel is sent for image streams. A streamed answer's output tokens include 100 image tokens per partial
  image sent (the guide's "partial images cost"; a live streamed answer reports 372 = 272 + 100).
* Faults, from the SDK's types and OpenAI's docs: an ``error`` event inside a stream
  (``{"type": "error", "error": {message, type, param, code}}``, which the SDK raises as a plain ``APIError``),
  a stream cut after k completed images, ``url`` results (served unauthenticated under ``/downloads/``, like a
  signed link), a 403 for organization verification (the default 403 text), a truncated 200 body, a slow answer
  (a timeout after the request was sent), odd usage numbers (any JSON text), and parameters a model refuses
  (``refuse``: the 2.6 models' unconfirmed rules) answered ``400 unsupported_parameter`` naming the parameter.
* ``reported_usages`` keeps every usage the server sent, in order, to compare with the ledger line by line.
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
import io
import json
import math
import re
import secrets
import socket
import socketserver
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from email import policy
from email.message import Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from PIL import Image, ImageDraw

__all__ = [
    "CURRENT_IMAGE_MODELS",
    "DEFAULT_MODELS",
    "RETIRED_IMAGE_MODELS",
    "TEXT_MODELS",
    "OpenAISimulator",
    "RecordedRequest",
]

CURRENT_IMAGE_MODELS: tuple[str, ...] = (
    "gpt-image-2",
    "gpt-image-2-2026-04-21",
    "gpt-image-2.5-sunburst",
    "gpt-image-2.5-sunburst-2026-09-08",
    "gpt-image-2.5-flare",
    "gpt-image-2.5-flare-2026-09-08",
    "gpt-image-2.6-sunburst",
    "gpt-image-2.6-flare",
)
TEXT_MODELS: tuple[str, ...] = ("gpt-6-luna",)
DEFAULT_MODELS: tuple[str, ...] = CURRENT_IMAGE_MODELS + TEXT_MODELS
RETIRED_IMAGE_MODELS: frozenset[str] = frozenset({"dall-e-2", "dall-e-3", "gpt-image-1"})
"""Shut down: always rejected, even when a test lists them in :attr:`OpenAISimulator.models`."""

_MODEL_CREATED: dict[str, int] = {
    "gpt-image-2": 1776729600,
    "gpt-image-2-2026-04-21": 1776729600,
    "gpt-image-2.5-sunburst": 1788825600,
    "gpt-image-2.5-sunburst-2026-09-08": 1788825600,
    "gpt-image-2.5-flare": 1788825600,
    "gpt-image-2.5-flare-2026-09-08": 1788825600,
    "gpt-image-2.6-sunburst": 1793750400,
    "gpt-image-2.6-flare": 1793750400,
    "gpt-6-luna": 1790000000,
}

MAX_PROMPT_CHARS = 32_000
MAX_EDIT_IMAGES = 16
MAX_IMAGE_BYTES = 50 * 1024 * 1024
MAX_MASK_BYTES = 4 * 1024 * 1024
MIN_PIXELS = 655_360
MAX_PIXELS = 3840 * 2160
MAX_EDGE = 3840
MAX_ASPECT = 3.0
MAX_SAFETY_IDENTIFIER_CHARS = 64

_BASE_QUALITIES = ("low", "medium", "high", "auto")
_EXTENDED_QUALITIES = ("low", "medium", "high", "xhigh", "max", "auto")
_OUTPUT_FORMATS = ("png", "jpeg", "webp")
_PREVIEW_FORMATS = ("gif", "svg")
_BACKGROUNDS = ("transparent", "opaque", "auto")
_IMAGE_MIME_TYPES = ("image/jpeg", "image/png", "image/webp")
_PIL_FORMATS = {"PNG": "image/png", "JPEG": "image/jpeg", "WEBP": "image/webp"}
# Output image tokens per image: the formula behind OpenAI's image-cost calculator for gpt-image-2 (it gives the
# guide's published table: 1024x1024 low/medium/high = 196/1756/7024 tokens = $0.006/$0.053/$0.211 at $30 per 1M;
# community.openai.com/t/gpt-image-2-output-pricing-calculator-online-and-in-your-code/1382699). xhigh and max are
# not published: larger factors stand in for them.
_QUALITY_AXIS_FACTORS = {"low": 16, "medium": 48, "high": 96, "xhigh": 144, "max": 192}


def _output_image_tokens(quality: str, width: int, height: int) -> int:
    factor = _QUALITY_AXIS_FACTORS[quality]
    long_edge, short_edge = max(width, height), min(width, height)
    short_axis = (2 * factor * short_edge + long_edge) // (2 * long_edge)
    return (factor * short_axis * (2_000_000 + width * height) + 4_000_000 - 1) // 4_000_000


_PARTIAL_IMAGE_TOKENS = 100

_COMMON_IMAGE_PARAMS = frozenset(
    {
        "prompt", "model", "n", "size", "quality", "output_format", "output_compression", "background",
        "stream", "partial_images", "safety_identifier", "user", "complexity", "frame_count",
        "frame_duration_ms", "svg",
    }
)  # fmt: skip
_GENERATION_PARAMS = _COMMON_IMAGE_PARAMS | {"moderation"}
_EDIT_PARAMS = _COMMON_IMAGE_PARAMS | {"moderation", "input_fidelity", "image", "mask", "markup"}
# Parameters of the retired DALL·E models: the API answers "Unknown parameter" for GPT image models.
_LEGACY_PARAMS = frozenset({"response_format", "style"})
_EDIT_FILE_FIELDS = frozenset({"image", "image[]", "mask", "markup"})
_FORM_INT_FIELDS = frozenset({"n", "output_compression", "partial_images", "frame_count", "frame_duration_ms"})
_FORM_BOOL_FIELDS = frozenset({"stream"})
_MODERATION_TRIGGER = re.compile(r"\bforbidden\b", re.IGNORECASE)
_SIZE_RE = re.compile(r"^(\d+)x(\d+)$")


# --------------------------------------------------------------------------------------------------- records


@dataclass
class RecordedRequest:
    """One request as the simulator received it (header names are lower-case)."""

    method: str
    path: str
    headers: dict[str, str]
    json: dict[str, Any] | None
    form: dict[str, list[str]] | None
    files: dict[str, list[tuple[str, str, bytes]]] | None  # name -> [(filename, content_type, data)]
    body: bytes = field(default=b"", repr=False)


@dataclass
class _Fault:
    kind: Literal["status", "drop"]
    status: int = 500
    code: str | None = None
    message: str | None = None
    type: str | None = None
    retry_after: float | None = None
    raw_body: bytes | None = None


@dataclass
class _StreamFault:
    """What goes wrong in one streamed answer: before image ``after_images``'s completed event, after
    ``after_partials`` of its partial images (at the latest before the completed event)."""

    after_images: int = 0
    after_partials: int = 0
    error: dict[str, Any] | None = None  # None: the connection is cut; else an ``error`` event, then the end


class _Raw:
    """JSON text sent as it is (odd usage numbers: ``1e400``, 400-digit integers, ``NaN``); ``None``: omitted."""

    def __init__(self, text: str | None) -> None:
        self.text = text


_SENTINEL = "@@simulator-raw-usage@@"


def _dumps(payload: Mapping[str, Any], **options: Any) -> str:
    usage = payload.get("usage")
    if not isinstance(usage, _Raw):
        return json.dumps(payload, **options)
    if usage.text is None:
        return json.dumps({k: v for k, v in payload.items() if k != "usage"}, **options)
    return json.dumps({**payload, "usage": _SENTINEL}, **options).replace(f'"{_SENTINEL}"', usage.text)


@dataclass
class _ImageJob:
    """A validated image request with every default resolved."""

    kind: Literal["image_generation", "image_edit"]
    model: str
    prompt: str
    n: int
    width: int
    height: int
    quality: str
    output_format: str
    output_compression: int | None
    background: str
    stream: bool
    partial_images: int
    safety_identifier: str | None
    input_images: list[tuple[int, int]] = field(default_factory=list)

    @property
    def size(self) -> str:
        return f"{self.width}x{self.height}"


# ---------------------------------------------------------------------------------------------------- errors


class ApiError(Exception):
    """An error answered as ``{"error": {"message", "type", "param", "code"}}``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        type: str = "invalid_request_error",
        param: str | None = None,
        code: str | None = None,
        headers: Mapping[str, str] | None = None,
        extra: Mapping[str, Any] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.type = type
        self.param = param
        self.code = code
        self.headers = dict(headers or {})
        self.extra = dict(extra or {})

    def body(self) -> dict[str, Any]:
        error: dict[str, Any] = {"message": self.message, "type": self.type, "param": self.param, "code": self.code}
        error.update(self.extra)
        return {"error": error}


def _json_type_name(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a decimal"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


def _quoted_list(values: Iterable[str]) -> str:
    items = [f"'{v}'" for v in values]
    if len(items) <= 2:
        return " and ".join(items)
    return ", ".join(items[:-1]) + ", and " + items[-1]


def _unknown_parameter(name: str) -> ApiError:
    return ApiError(400, f"Unknown parameter: '{name}'.", param=name, code="unknown_parameter")


def _missing_parameter(name: str) -> ApiError:
    return ApiError(400, f"Missing required parameter: '{name}'.", param=name, code="missing_required_parameter")


def _invalid_type(name: str, expected: str, value: object) -> ApiError:
    return ApiError(
        400,
        f"Invalid type for '{name}': expected {expected}, but got {_json_type_name(value)} instead.",
        param=name,
        code="invalid_type",
    )


def _invalid_value(name: str, value: object, allowed: Iterable[str]) -> ApiError:
    return ApiError(
        400,
        f"Invalid value: '{value}'. Supported values are: {_quoted_list(allowed)}.",
        param=name,
        code="invalid_value",
    )


def _invalid_size(size: str, reason: str) -> ApiError:
    return ApiError(400, f"Invalid size '{size}'. {reason}", param="size", code="invalid_value")


def mask_api_key(key: str) -> str:
    """Mask a key the way the API does in "Incorrect API key provided" (never the whole key)."""
    if len(key) < 16:
        return "*" * len(key)
    return f"{key[:6]}***{key[-4:]}"


# ----------------------------------------------------------------------------------------- parameter checks


def _opt_str(params: Mapping[str, Any], name: str) -> str | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _invalid_type(name, "a string", value)
    return value


def _opt_int(params: Mapping[str, Any], name: str, low: int, high: int) -> int | None:
    value = params.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise _invalid_type(name, "an integer", value)
    if value < low:
        raise ApiError(
            400,
            f"Invalid '{name}': integer below minimum value. Expected a value >= {low}, but got {value} instead.",
            param=name,
            code="integer_below_min_value",
        )
    if value > high:
        raise ApiError(
            400,
            f"Invalid '{name}': integer above maximum value. Expected a value <= {high}, but got {value} instead.",
            param=name,
            code="integer_above_max_value",
        )
    return value


def _opt_bool(params: Mapping[str, Any], name: str) -> bool | None:
    value = params.get(name)
    if value is None:
        return None
    if not isinstance(value, bool):
        raise _invalid_type(name, "a boolean", value)
    return value


def _opt_enum(params: Mapping[str, Any], name: str, allowed: tuple[str, ...]) -> str | None:
    value = _opt_str(params, name)
    if value is not None and value not in allowed:
        raise _invalid_value(name, value, allowed)
    return value


def _check_prompt(params: Mapping[str, Any]) -> str:
    if "prompt" not in params:
        raise _missing_parameter("prompt")
    prompt = params["prompt"]
    if not isinstance(prompt, str):
        raise _invalid_type("prompt", "a string", prompt)
    if not prompt:
        raise ApiError(
            400,
            "Invalid 'prompt': empty string. Expected a string with minimum length 1, but got an empty string instead.",
            param="prompt",
            code="empty_string",
        )
    if len(prompt) > MAX_PROMPT_CHARS:
        raise ApiError(
            400,
            f"Invalid 'prompt': string too long. Expected a string with maximum length {MAX_PROMPT_CHARS}, "
            f"but got a string with length {len(prompt)} instead.",
            param="prompt",
            code="string_above_max_length",
        )
    return prompt


def parse_size(size: str) -> tuple[int, int]:
    """Validate an explicit ``WxH`` size like the API does for gpt-image-2 and newer; return (width, height)."""
    match = _SIZE_RE.match(size)
    if match is None:
        raise _invalid_size(size, "Use 'auto' or 'WIDTHxHEIGHT', for example '1536x864'.")
    width, height = int(match.group(1)), int(match.group(2))
    if width <= 0 or height <= 0 or width % 16 or height % 16:
        raise _invalid_size(size, "Width and height must both be divisible by 16.")
    if max(width, height) > MAX_EDGE:
        raise _invalid_size(size, f"The longest edge must be at most {MAX_EDGE} pixels.")
    if max(width, height) / min(width, height) > MAX_ASPECT:
        raise _invalid_size(size, "The aspect ratio must be between 1:3 and 3:1.")
    if not MIN_PIXELS <= width * height <= MAX_PIXELS:
        raise _invalid_size(
            size, f"The total number of pixels must be between {MIN_PIXELS} and {MAX_PIXELS} (3840x2160)."
        )
    return width, height


def _supports_extended_quality(model: str) -> bool:
    return model.startswith(("gpt-image-2.5", "gpt-image-2.6"))


def _is_image_model(model: str) -> bool:
    return "image" in model or model.startswith("dall-e")


def _check_output_options(params: Mapping[str, Any], model: str) -> tuple[str, int | None, str]:
    """Return (output_format, output_compression, resolved background)."""
    output_format = _opt_str(params, "output_format") or "png"
    if output_format in _PREVIEW_FORMATS:
        raise ApiError(
            403,
            f"Your organization does not have access to '{output_format}' output for model '{model}'. "
            f"This output format is in limited preview. Use 'png', 'jpeg' or 'webp' instead.",
            param="output_format",
        )
    if output_format not in _OUTPUT_FORMATS:
        raise _invalid_value("output_format", output_format, (*_OUTPUT_FORMATS, *_PREVIEW_FORMATS))
    for name in ("frame_count", "frame_duration_ms"):
        if params.get(name) is not None:
            raise ApiError(400, f"'{name}' is only supported when output_format is 'gif'.", param=name)
    if params.get("svg") is not None:
        raise ApiError(400, "'svg' is only supported when output_format is 'svg'.", param="svg")
    compression = _opt_int(params, "output_compression", 0, 100)
    if compression is not None and compression < 100 and output_format == "png":
        raise ApiError(
            400,
            "Compression less than 100 is not supported for PNG output format.",
            param="output_compression",
            code="invalid_value",
        )
    background = _opt_enum(params, "background", _BACKGROUNDS) or "auto"
    if background == "transparent" and output_format == "jpeg":
        raise ApiError(
            400,
            "Transparent background is not supported for the 'jpeg' output format. Use 'png' or 'webp'.",
            param="background",
            code="invalid_value",
        )
    return output_format, compression, "transparent" if background == "transparent" else "opaque"


def _check_safety_identifier(params: Mapping[str, Any]) -> str | None:
    found: str | None = None
    for name in ("safety_identifier", "user"):
        value = _opt_str(params, name)
        if value is not None and len(value) > MAX_SAFETY_IDENTIFIER_CHARS:
            raise ApiError(
                400,
                f"Invalid '{name}': string too long. Expected a string with maximum length "
                f"{MAX_SAFETY_IDENTIFIER_CHARS}, but got a string with length {len(value)} instead.",
                param=name,
                code="string_above_max_length",
            )
        if value and found is None:
            found = value
    return found


# ------------------------------------------------------------------------------------------------- multipart


def parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, list[str]], dict[str, list[tuple[str, str, bytes]]]]:
    """Split a ``multipart/form-data`` body into text fields and files (``email`` parses the part headers)."""
    header = Message()
    header["content-type"] = content_type
    boundary = header.get_param("boundary")
    if not isinstance(boundary, str) or not boundary:
        raise ValueError("multipart body without a boundary")
    form: dict[str, list[str]] = {}
    files: dict[str, list[tuple[str, str, bytes]]] = {}
    delimiter = b"\r\n--" + boundary.encode("latin-1")
    chunks = (b"\r\n" + body).split(delimiter)
    if len(chunks) < 2:
        raise ValueError("multipart body without parts")
    for chunk in chunks[1:]:
        if chunk.startswith(b"--"):
            break
        raw_headers, separator, data = chunk.removeprefix(b"\r\n").partition(b"\r\n\r\n")
        if not separator:
            raise ValueError("multipart part without a header block")
        part = BytesParser(policy=policy.HTTP).parsebytes(raw_headers + b"\r\n\r\n")
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            raise ValueError("multipart part without a name")
        filename = part.get_filename()
        if filename is None:
            form.setdefault(name, []).append(data.decode("utf-8"))
        else:
            part_type = part["content-type"]
            mime = part.get_content_type() if part_type else "application/octet-stream"
            files.setdefault(name, []).append((filename, mime, data))
    return form, files


def _form_to_params(form: Mapping[str, list[str]]) -> dict[str, Any]:
    """Turn form fields into typed parameters (``svg[model]`` -> ``{"svg": {"model": ...}}``)."""
    params: dict[str, Any] = {}
    for name, values in form.items():
        raw = values[-1]
        value: Any = raw
        if name in _FORM_INT_FIELDS:
            try:
                value = int(raw)
            except ValueError:
                value = raw
        elif name in _FORM_BOOL_FIELDS and raw.lower() in ("true", "false"):
            value = raw.lower() == "true"
        keys = re.findall(r"[^\[\]]+", name) if "[" in name else [name]
        target = params
        for key in keys[:-1]:
            target = target.setdefault(key, {})
        target[keys[-1]] = value
    return params


# ------------------------------------------------------------------------------------------------- rendering


def render_image(
    prompt: str,
    index: int,
    width: int,
    height: int,
    *,
    output_format: str = "png",
    transparent: bool = False,
    compression: int | None = None,
    stage: int | None = None,
) -> bytes:
    """Encode a deterministic picture for (prompt, index): a solid colour and a few shapes.

    ``stage`` renders a partial image (fewer shapes); ``None`` renders the final one.
    """
    digest = hashlib.sha256(f"{prompt}\x00{index}".encode()).digest()
    mode = "RGBA" if transparent else "RGB"
    background = (0, 0, 0, 0) if transparent else tuple(digest[0:3])
    image = Image.new(mode, (width, height), background)
    draw = ImageDraw.Draw(image)
    shapes = 4 if stage is None else min(stage + 1, 3)
    for n in range(shapes):
        b = digest[4 + n * 7 : 11 + n * 7]
        colour = (b[0], b[1], b[2], 255)[: len(mode)]
        x0, y0 = b[3] * width // 400, b[4] * height // 400
        x1, y1 = x0 + width // 4 + b[5] * width // 512, y0 + height // 4 + b[6] * height // 512
        if n % 3 == 0:
            draw.ellipse((x0, y0, x1, y1), fill=colour)
        elif n % 3 == 1:
            draw.rectangle((x0, y0, x1, y1), fill=colour)
        else:
            draw.polygon([(x0, y1), ((x0 + x1) // 2, y0), (x1, y1)], fill=colour)
    out = io.BytesIO()
    quality = 100 if compression is None else compression
    if output_format == "png":
        image.save(out, "PNG", compress_level=1)
    elif output_format == "jpeg":
        image.save(out, "JPEG", quality=max(1, min(quality, 95)))
    else:
        image.save(out, "WEBP", quality=quality, method=0)
    return out.getvalue()


_RENDER_LOCK = threading.Lock()


def _encoded_image(*picture: Any) -> str:
    """``render_image`` as base64 (arguments as for ``_encoded_image_cached``), kept for requests that ask for the
    same picture again: the output is a pure function of these arguments, and rendering costs 10-30 ms of CPU
    that would compete with the app under test (the benchmarks run 50 identical requests; on 2 cores the server's
    rendering showed up in the app's figures). One render at a time: requests arriving together for the same
    picture wait for it instead of all making it (rendering holds the GIL anyway, so nothing runs in parallel)."""
    with _RENDER_LOCK:
        return _encoded_image_cached(*picture)


@functools.lru_cache(maxsize=128)
def _encoded_image_cached(
    prompt: str,
    index: int,
    width: int,
    height: int,
    output_format: str,
    transparent: bool,
    compression: int | None,
    stage: int | None,
) -> str:
    data = render_image(
        prompt,
        index,
        width,
        height,
        output_format=output_format,
        transparent=transparent,
        compression=compression,
        stage=stage,
    )
    return base64.b64encode(data).decode("ascii")


def _text_tokens(text: str) -> int:
    return max(1, math.ceil(len(text) / 4))


def _image_input_tokens(width: int, height: int) -> int:
    return 65 + 129 * math.ceil(width / 512) * math.ceil(height / 512)


def _usage(job: _ImageJob, images: int) -> dict[str, Any]:
    text_tokens = _text_tokens(job.prompt)
    image_tokens = sum(_image_input_tokens(w, h) for w, h in job.input_images)
    per_image = _output_image_tokens(job.quality, job.width, job.height)
    if job.stream:
        per_image += _PARTIAL_IMAGE_TOKENS * job.partial_images
    output_tokens = per_image * images
    input_tokens = text_tokens + image_tokens
    return {
        "input_tokens": input_tokens,
        "input_tokens_details": {"image_tokens": image_tokens, "text_tokens": text_tokens},
        "output_tokens": output_tokens,
        "output_tokens_details": {"image_tokens": output_tokens, "text_tokens": 0},
        "total_tokens": input_tokens + output_tokens,
    }


# ---------------------------------------------------------------------------------------------- HTTP plumbing


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, simulator: OpenAISimulator) -> None:
        self.simulator = simulator
        self.connections: set[socket.socket] = set()
        self.connections_lock = threading.Lock()
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind() resolves the host name (socket.getfqdn), which can stall without DNS.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", int(self.server_address[1])

    def handle_error(self, request: Any, client_address: Any) -> None:
        # Clients that hang up (and connections closed by stop()) are normal here.
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)

    def close_connections(self) -> None:
        with self.connections_lock:
            connections = list(self.connections)
        for connection in connections:
            with contextlib.suppress(OSError):
                connection.shutdown(socket.SHUT_RDWR)


class _Exchange:
    """Writes the answer to one request."""

    def __init__(self, handler: _Handler, request: RecordedRequest) -> None:
        self.handler = handler
        self.request = request
        self.request_id = f"req_{secrets.token_hex(16)}"
        self.started = time.monotonic()

    def _headers(self, status: int, content_type: str, extra: Mapping[str, str] | None) -> None:
        handler = self.handler
        handler.send_response(status)
        handler.send_header("Content-Type", content_type)
        handler.send_header("x-request-id", self.request_id)
        handler.send_header("openai-processing-ms", str(int((time.monotonic() - self.started) * 1000)))
        handler.send_header("openai-version", "2020-10-01")
        handler.send_header("openai-organization", "user-simulator")
        for name, value in (extra or {}).items():
            handler.send_header(name, value)

    def send_raw(self, status: int, body: bytes, content_type: str, headers: Mapping[str, str] | None = None) -> None:
        self._headers(status, content_type, headers)
        self.handler.send_header("Content-Length", str(len(body)))
        self.handler.end_headers()
        self.handler.wfile.write(body)
        self.handler.wfile.flush()

    def send_json(self, status: int, payload: object, headers: Mapping[str, str] | None = None) -> None:
        text = _dumps(payload, indent=2) if isinstance(payload, Mapping) else json.dumps(payload, indent=2)
        body = text.encode() + b"\n"
        self.send_raw(status, body, "application/json", headers)

    def send_error(self, error: ApiError) -> None:
        self.send_json(error.status, error.body(), error.headers)

    def drop_mid_body(self) -> None:
        """Announce a JSON body, send half of it and close the socket."""
        body = json.dumps({"created": int(time.time()), "data": [{"b64_json": "A" * 4096}]}).encode()
        self._headers(200, "application/json", None)
        self.handler.send_header("Content-Length", str(len(body)))
        self.handler.end_headers()
        self.handler.wfile.write(body[: len(body) // 2])
        self.close_abruptly()

    def start_stream(self) -> None:
        self._headers(200, "text/event-stream; charset=utf-8", {"Cache-Control": "no-cache"})
        self.handler.send_header("Transfer-Encoding", "chunked")
        self.handler.end_headers()

    def send_event(self, event: str, data: Mapping[str, Any]) -> None:
        payload = f"event: {event}\ndata: {_dumps(data, separators=(',', ':'))}\n\n".encode()
        self.handler.wfile.write(f"{len(payload):x}\r\n".encode() + payload + b"\r\n")
        self.handler.wfile.flush()

    def end_stream(self) -> None:
        self.handler.wfile.write(b"0\r\n\r\n")
        self.handler.wfile.flush()

    def close_abruptly(self) -> None:
        self.handler.wfile.flush()
        self.handler.close_connection = True
        with contextlib.suppress(OSError):
            self.handler.connection.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "openai-simulator"
    sys_version = ""
    timeout = 60
    # The headers and the body go out in two writes: with Nagle's algorithm the second waits for the client's
    # delayed ACK, 40 ms per answer that no real server adds (it made a 0.5 s answer take 0.54 s).
    disable_nagle_algorithm = True
    server: _Server

    def setup(self) -> None:
        super().setup()
        with self.server.connections_lock:
            self.server.connections.add(self.connection)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            with self.server.connections_lock:
                self.server.connections.discard(self.connection)

    def log_message(self, format: str, *args: Any) -> None:
        return

    def do_GET(self) -> None:
        self.server.simulator._handle(self)

    do_POST = do_GET
    do_PUT = do_GET
    do_PATCH = do_GET
    do_DELETE = do_GET

    def read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""


# ------------------------------------------------------------------------------------------------- simulator

_Route = Callable[[_Exchange, tuple[str, ...]], None]


class OpenAISimulator:
    """An OpenAI-compatible server on ``127.0.0.1`` for tests; see the module docstring."""

    def __init__(self, *, api_key: str = "sk-test-simulator-key-0000", latency: float = 0.0) -> None:
        self.api_key = api_key
        self.latency = latency
        self.base_url = ""
        self.requests: list[RecordedRequest] = []
        self.models: list[str] = list(DEFAULT_MODELS)
        self._lock = threading.Lock()
        self._faults: deque[_Fault] = deque()
        self._stream_cuts: deque[int] = deque()
        self._stream_plan: deque[_StreamFault | None] = deque()
        self._usage_texts: deque[_Raw] = deque()
        self._delays: deque[float] = deque()
        self._url_answers = 0
        self._broken_urls = False
        self._downloads: dict[str, bytes] = {}
        #: model -> parameters this server refuses with ``400 unsupported_parameter`` (see ``refuse``)
        self.refused: dict[str, set[str]] = {}
        #: every usage sent (a dict, or the raw JSON text of an odd one; None when it was left out), in order
        self.reported_usages: list[dict[str, Any] | str | None] = []
        from tests.sim_responses import ImageToolResponses

        #: ``POST /v1/responses`` with the image tool (refine in conversation): ``tests/sim_responses.py``
        self.image_tool = ImageToolResponses(self)
        self._stopping = threading.Event()
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None
        self._routes: list[tuple[str, re.Pattern[str], _Route, bool]] = [
            ("POST", re.compile(r"/v1/images/generations"), self._images_generate, True),
            ("POST", re.compile(r"/v1/images/edits"), self._images_edit, True),
            ("GET", re.compile(r"/v1/models"), self._models_list, False),
            ("GET", re.compile(r"/v1/models/([^/]+)"), self._models_retrieve, False),
            ("POST", re.compile(r"/v1/responses"), self._responses_create, True),
            ("POST", re.compile(r"/v1/chat/completions"), self._chat_completions_create, True),
        ]

    # -- lifecycle ---------------------------------------------------------------------------------------

    def start(self) -> OpenAISimulator:
        if self._server is not None:
            return self
        self._stopping.clear()
        self._server = _Server(self)
        self.base_url = f"http://127.0.0.1:{self._server.server_port}/v1"
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.01}, name="openai-simulator", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is None:
            return
        self._stopping.set()
        server.shutdown()
        server.close_connections()
        server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> OpenAISimulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- test controls -----------------------------------------------------------------------------------

    @property
    def image_models(self) -> list[str]:
        """The listed image models that the images endpoints accept."""
        return [m for m in self.models if _is_image_model(m) and m not in RETIRED_IMAGE_MODELS]

    @property
    def text_models(self) -> list[str]:
        return [m for m in self.models if not _is_image_model(m)]

    def fail_next(
        self,
        status: int,
        *,
        code: str | None = None,
        message: str | None = None,
        type: str | None = None,
        retry_after: float | None = None,
        times: int = 1,
        raw_body: bytes | None = None,
    ) -> None:
        """Answer the next ``times`` image/text-generation requests with this error (after the auth check).

        ``raw_body`` is sent verbatim as ``application/json`` with ``status`` (e.g. a truncated body with 200).
        """
        fault = _Fault("status", status, code, message, type, retry_after, raw_body)
        with self._lock:
            self._faults.extend([fault] * times)

    def drop_connection_next(self, times: int = 1) -> None:
        """Close the socket in the middle of the body of the next ``times`` generation responses."""
        with self._lock:
            self._faults.extend([_Fault("drop")] * times)

    def cut_stream(self, *, after_images: int = 0, after_partials: int = 0, skip: int = 0) -> None:
        """Cut a streamed answer before image ``after_images``'s completed event (after ``after_partials`` of its
        partials), without the final chunk. ``skip``: streamed answers to leave whole first."""
        with self._lock:
            self._stream_plan.extend([None] * skip + [_StreamFault(after_images, after_partials)])

    def error_in_stream(
        self,
        code: str = "server_error",
        *,
        message: str | None = None,
        type: str | None = None,
        param: str | None = None,
        after_images: int = 0,
        after_partials: int = 0,
        skip: int = 0,
        flat: bool = False,
    ) -> None:
        """Send an ``error`` event in a streamed answer (then end it cleanly), where ``cut_stream`` would cut.
        ``flat``: the Responses API's shape (``{"type": "error", "code", "message", "param"}``, no nested object),
        which the SDK passes through as an event instead of raising."""
        default_type, default_code, default_message = _default_fault(400 if code != "server_error" else 500, code,
                                                                     "gpt-image-2", self.api_key)  # fmt: skip
        error: dict[str, Any] = {"message": message or default_message, "type": type or default_type,
                                 "param": param, "code": default_code}  # fmt: skip
        if flat:
            error = {"flat": True, "code": default_code, "message": error["message"], "param": param}
        with self._lock:
            self._stream_plan.extend([None] * skip + [_StreamFault(after_images, after_partials, error)])

    def odd_usage_next(self, text: str | None, times: int = 1) -> None:
        """Send this JSON text as ``usage`` in the next ``times`` answers (each completed event counts); ``None``
        leaves ``usage`` out."""
        with self._lock:
            self._usage_texts.extend([_Raw(text)] * times)

    def delay_next(self, seconds: float, times: int = 1) -> None:
        """The next ``times`` image answers come ``seconds`` late (after the request was read: a client timing out
        meanwhile has sent a request the server goes on to answer and bill)."""
        with self._lock:
            self._delays.extend([seconds] * times)

    def answer_with_urls_next(self, times: int = 1, *, broken: bool = False) -> None:
        """The next ``times`` non-streamed image answers hold ``url`` links instead of ``b64_json``; ``broken``:
        links that answer 404 (the image expired before it was fetched)."""
        with self._lock:
            self._url_answers += times
            self._broken_urls = broken

    def refuse(self, model: str, param: str) -> None:
        """This model refuses ``param`` with ``400 unsupported_parameter`` (a rule the app only assumed)."""
        with self._lock:
            self.refused.setdefault(model, set()).add(param)

    def cut_stream_after_partials(self, n: int) -> None:
        """End the next streaming response after ``n`` partial-image events, without a completed event.

        The connection is closed without the final HTTP chunk, as when the network fails mid-stream.
        """
        with self._lock:
            self._stream_cuts.append(n)

    # -- dispatch ----------------------------------------------------------------------------------------

    def _handle(self, handler: _Handler) -> None:
        body = handler.read_body()
        headers = {k.lower(): v for k, v in handler.headers.items()}
        path = urlsplit(handler.path).path
        content_type = headers.get("content-type", "")
        json_body: dict[str, Any] | None = None
        form: dict[str, list[str]] | None = None
        files: dict[str, list[tuple[str, str, bytes]]] | None = None
        body_error: ApiError | None = None
        if content_type.startswith("multipart/form-data"):
            try:
                form, files = parse_multipart(content_type, body)
            except (ValueError, UnicodeDecodeError) as exc:
                body_error = ApiError(400, f"Could not parse multipart form: {exc}.")
        elif body:
            try:
                parsed = json.loads(body)
            except ValueError:
                parsed = None
            if isinstance(parsed, dict):
                json_body = parsed
            else:
                body_error = ApiError(
                    400,
                    "We could not parse the JSON body of your request. (HINT: This likely means you aren't using "
                    "your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was "
                    "not valid JSON. If you have trouble figuring out how to fix this, please contact us through "
                    "our help center at help.openai.com.)",
                )
        request = RecordedRequest(handler.command, path, headers, json_body, form, files, body)
        with self._lock:
            self.requests.append(request)
        exchange = _Exchange(handler, request)
        if handler.command == "GET" and path.startswith("/downloads/"):  # a signed link: no key needed
            data = self._downloads.get(path.removeprefix("/downloads/"))
            if data is None:
                exchange.send_raw(404, b"not found", "text/plain")
            else:
                exchange.send_raw(200, data, "image/" + path.rsplit(".", 1)[-1])
            return
        try:
            self._check_auth(headers)
            route, args, faultable = self._find_route(handler.command, path)
            if faultable and self._inject_fault(exchange):
                return
            if body_error is not None:
                raise body_error
            route(exchange, args)
        except ApiError as error:
            exchange.send_error(error)

    def _find_route(self, method: str, path: str) -> tuple[_Route, tuple[str, ...], bool]:
        for route_method, pattern, route, faultable in self._routes:
            match = pattern.fullmatch(path)
            if match and route_method == method:
                return route, tuple(unquote(g) for g in match.groups()), faultable
        raise ApiError(404, f"Invalid URL ({method} {path})")

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        authorization = headers.get("authorization", "")
        scheme, _, key = authorization.partition(" ")
        if scheme.lower() != "bearer" or not key.strip():
            raise ApiError(
                401,
                "You didn't provide an API key. You need to provide your API key in an Authorization header "
                "using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (with blank "
                "username) if you're accessing the API from your browser and are prompted for a username and "
                "password. You can obtain an API key from https://platform.openai.com/account/api-keys.",
            )
        key = key.strip()
        if not secrets.compare_digest(key.encode(), self.api_key.encode()):
            raise ApiError(
                401,
                f"Incorrect API key provided: {mask_api_key(key)}. You can find your API key at "
                "https://platform.openai.com/account/api-keys.",
                code="invalid_api_key",
            )

    def _inject_fault(self, exchange: _Exchange) -> bool:
        with self._lock:
            fault = self._faults.popleft() if self._faults else None
        if fault is None:
            return False
        if fault.kind == "drop":
            exchange.drop_mid_body()
        elif fault.raw_body is not None:
            exchange.send_raw(fault.status, fault.raw_body, "application/json")
        else:
            exchange.send_error(self._fault_error(fault, exchange.request))
        return True

    def _fault_error(self, fault: _Fault, request: RecordedRequest) -> ApiError:
        model = self._requested_model(request) or "gpt-image-2"
        type_, code, message = _default_fault(fault.status, fault.code, model, self.api_key)
        headers: dict[str, str] = {}
        if fault.retry_after is not None:
            seconds = fault.retry_after
            headers["retry-after"] = str(int(seconds)) if float(seconds).is_integer() else str(seconds)
            headers["retry-after-ms"] = str(int(seconds * 1000))
        if fault.status == 429 and code == "rate_limit_exceeded":
            headers |= {
                "x-ratelimit-limit-requests": "5",
                "x-ratelimit-remaining-requests": "0",
                "x-ratelimit-reset-requests": f"{fault.retry_after or 12}s",
            }
        return ApiError(
            fault.status,
            fault.message or message,
            type=fault.type or type_,
            code=code,
            headers=headers,
        )

    @staticmethod
    def _requested_model(request: RecordedRequest) -> str | None:
        if request.json is not None and isinstance(request.json.get("model"), str):
            return str(request.json["model"])
        if request.form and request.form.get("model"):
            return request.form["model"][-1]
        return None

    def _wait(self, seconds: float) -> None:
        if seconds > 0:
            self._stopping.wait(seconds)

    def _wait_until(self, deadline: float) -> None:
        """``latency`` is the time the server takes to answer, counted from the request's arrival: the time
        spent rendering is part of it, not added to it (the benchmarks measure the app, not this server)."""
        self._wait(deadline - time.monotonic())

    # -- images ------------------------------------------------------------------------------------------

    def _images_generate(self, exchange: _Exchange, _args: tuple[str, ...]) -> None:
        params = exchange.request.json or {}
        job = self._validate_image_request(params, "image_generation", _GENERATION_PARAMS)
        self._answer_images(exchange, job)

    def _images_edit(self, exchange: _Exchange, _args: tuple[str, ...]) -> None:
        request = exchange.request
        if request.form is None or request.files is None:
            content_type = request.headers.get("content-type", "")
            raise ApiError(
                400,
                f"Invalid Content-Type header ({content_type}), expected multipart/form-data. (HINT: If you're "
                "using curl, you can pass -H 'Content-Type: multipart/form-data')",
            )
        for name in request.form:
            if name in _EDIT_FILE_FIELDS:
                raise ApiError(400, f"Invalid file '{name}': expected a file upload.", param=name)
        params = _form_to_params(request.form)
        for name in request.files:
            if name not in _EDIT_FILE_FIELDS:
                raise _unknown_parameter(name)
        params.update({name.removesuffix("[]"): True for name in request.files})
        job = self._validate_image_request(params, "image_edit", _EDIT_PARAMS)
        job.input_images = self._validate_edit_files(request.files, job.model)
        if params.get("size") in (None, "auto"):
            job.width, job.height = _auto_edit_size(job.input_images[0])
        self._answer_images(exchange, job)

    def _validate_image_request(
        self, params: Mapping[str, Any], kind: Literal["image_generation", "image_edit"], allowed: frozenset[str]
    ) -> _ImageJob:
        for name in params:
            if name in _LEGACY_PARAMS or name not in allowed:
                raise _unknown_parameter(name)
        if kind == "image_edit" and "image" not in params:
            raise _missing_parameter("image")
        prompt = _check_prompt(params)
        model = self._check_image_model(params)
        n = _opt_int(params, "n", 1, 10) or 1
        size = _opt_str(params, "size") or "auto"
        width, height = (1024, 1024) if size == "auto" else parse_size(size)
        qualities = _EXTENDED_QUALITIES if _supports_extended_quality(model) else _BASE_QUALITIES
        quality = _opt_enum(params, "quality", qualities) or "auto"
        output_format, compression, background = _check_output_options(params, model)
        _opt_enum(params, "moderation", ("low", "auto"))
        _opt_enum(params, "complexity", ("low", "medium", "high"))
        if params.get("input_fidelity") is not None:
            raise ApiError(
                400,
                f"Unsupported parameter: 'input_fidelity' is not supported with model '{model}'.",
                param="input_fidelity",
                code="unsupported_parameter",
            )
        for name in sorted(self.refused.get(model, ())):
            if params.get(name) is not None:
                raise ApiError(
                    400,
                    f"Unsupported parameter: '{name}' is not supported with model '{model}'.",
                    param=name,
                    code="unsupported_parameter",
                )
        stream = bool(_opt_bool(params, "stream"))
        partial_images = _opt_int(params, "partial_images", 0, 3) or 0
        safety_identifier = _check_safety_identifier(params)
        if _MODERATION_TRIGGER.search(prompt):
            raise ApiError(
                400,
                "Your request was rejected by the safety system. If you believe this is an error, contact us at "
                f"help.openai.com and include the request ID {secrets.token_hex(16)}. safety_violations=[violence].",
                type="image_generation_user_error",
                code="moderation_blocked",
                extra={"moderation_details": {"moderation_stage": "input", "categories": ["violence"]}},
            )
        return _ImageJob(
            kind=kind,
            model=model,
            prompt=prompt,
            n=n,
            width=width,
            height=height,
            quality="medium" if quality == "auto" else quality,
            output_format=output_format,
            output_compression=compression,
            background=background,
            stream=stream,
            partial_images=partial_images if stream else 0,
            safety_identifier=safety_identifier,
        )

    def _check_image_model(self, params: Mapping[str, Any]) -> str:
        if params.get("model") is None:
            raise _missing_parameter("model")
        model = _opt_str(params, "model") or ""
        if model in RETIRED_IMAGE_MODELS:
            raise ApiError(
                400,
                f"The model '{model}' has been shut down and is no longer available. Use one of "
                f"{_quoted_list(self.image_models)} instead.",
                param="model",
                code="invalid_value",
            )
        if model not in self.image_models:
            raise _invalid_value("model", model, self.image_models)
        return model

    def _validate_edit_files(
        self, files: Mapping[str, list[tuple[str, str, bytes]]], model: str
    ) -> list[tuple[int, int]]:
        uploads = files.get("image", []) + files.get("image[]", [])
        if len(uploads) > MAX_EDIT_IMAGES:
            raise ApiError(
                400,
                f"Invalid 'image': array too long. Expected an array with maximum length {MAX_EDIT_IMAGES}, but "
                f"got an array with length {len(uploads)} instead.",
                param="image",
                code="array_above_max_length",
            )
        sizes = [_check_upload(upload, "image", index, MAX_IMAGE_BYTES) for index, upload in enumerate(uploads)]
        first = sizes[0]
        masks, markups = files.get("mask", []), files.get("markup", [])
        if masks and markups:
            raise ApiError(400, "'markup' cannot be combined with 'mask'.", param="markup")
        if markups and not _supports_extended_quality(model):
            raise ApiError(
                400,
                f"Unsupported parameter: 'markup' is not supported with model '{model}'.",
                param="markup",
                code="unsupported_parameter",
            )
        for name, uploaded in (("mask", masks), ("markup", markups)):
            if not uploaded:
                continue
            limit = MAX_MASK_BYTES if name == "mask" else MAX_IMAGE_BYTES
            size = _check_upload(uploaded[-1], name, 0, limit, png_only=True, needs_alpha=True)
            if size != first:
                raise ApiError(
                    400,
                    f"Invalid '{name}': the {name} must have the same dimensions as the first image. Got "
                    f"{size[0]}x{size[1]}, expected {first[0]}x{first[1]}.",
                    param=name,
                    code="invalid_value",
                )
        return sizes

    def _answer_images(self, exchange: _Exchange, job: _ImageJob) -> None:
        if job.stream:
            self._stream_images(exchange, job)
            return
        with self._lock:
            delay = self._delays.popleft() if self._delays else 0.0
            as_urls = self._url_answers > 0
            self._url_answers -= 1 if as_urls else 0
        data: list[dict[str, Any]] = [{"b64_json": self._encode(job, index)} for index in range(job.n)]
        if as_urls:
            root = self.base_url.removesuffix("/v1")
            for item in data:
                name = f"{secrets.token_hex(8)}.{job.output_format}"
                picture = base64.b64decode(item.pop("b64_json"))
                if not self._broken_urls:
                    self._downloads[name] = picture
                item["url"] = f"{root}/downloads/{name}"
        self._wait_until(exchange.started + self.latency + delay)
        payload: dict[str, Any] = {
            "created": int(time.time()),
            "background": job.background,
            "data": data,
            "output_format": job.output_format,
            "quality": job.quality,
            "size": job.size,
            "usage": self._usage_for(job, job.n),
        }
        if job.safety_identifier:
            payload["safety_identifier"] = job.safety_identifier
        exchange.send_json(200, payload)

    def _usage_for(self, job: _ImageJob, images: int) -> dict[str, Any] | _Raw:
        with self._lock:
            raw = self._usage_texts.popleft() if self._usage_texts else None
            usage: dict[str, Any] | _Raw = _usage(job, images) if raw is None else raw
            self.reported_usages.append(usage.text if isinstance(usage, _Raw) else usage)
        return usage

    def _stream_images(self, exchange: _Exchange, job: _ImageJob) -> None:
        with self._lock:
            cut = self._stream_cuts.popleft() if self._stream_cuts else None
            fault = self._stream_plan.popleft() if self._stream_plan else None
            delay = self._delays.popleft() if self._delays else 0.0
        if cut is not None:
            fault = _StreamFault(0, cut)
        step = (self.latency + delay) / max(1, job.n * (job.partial_images + 1))
        common = {
            "background": job.background,
            "output_format": job.output_format,
            "quality": job.quality,
            "size": job.size,
        }
        # every picture is rendered before the first event: during the stream the server only waits and writes,
        # as the API's answer arrives without the client's machine paying for it
        pictures = {
            (index, stage): self._encode(job, index, stage=stage)
            for index in range(job.n)
            for stage in [*range(job.partial_images), None]
        }
        exchange.start_stream()
        deadline = exchange.started

        def broken(index: int, partials_sent: int, final: bool) -> bool:
            if fault is None or index != fault.after_images or (partials_sent < fault.after_partials and not final):
                return False
            if fault.error is None:
                exchange.close_abruptly()
            else:
                flat = {k: v for k, v in fault.error.items() if k != "flat"}
                body = {"type": "error", **flat} if fault.error.get("flat") else {"type": "error", "error": fault.error}
                exchange.send_event("error", body)
                exchange.end_stream()
            return True

        for index in range(job.n):
            for stage in range(job.partial_images):
                if broken(index, stage, False):
                    return
                encoded = pictures[index, stage]
                deadline += step
                self._wait_until(deadline)
                event: dict[str, Any] = {
                    "type": f"{job.kind}.partial_image",
                    "b64_json": encoded,
                    "created_at": int(time.time()),
                    "partial_image_index": stage,
                    **common,
                }
                exchange.send_event(f"{job.kind}.partial_image", event)
            if broken(index, job.partial_images, True):
                return
            encoded = pictures[index, None]
            deadline += step
            self._wait_until(deadline)
            completed: dict[str, Any] = {
                "type": f"{job.kind}.completed",
                "b64_json": encoded,
                "created_at": int(time.time()),
                **common,
                "usage": self._usage_for(job, 1),
            }
            if job.safety_identifier:
                completed["safety_identifier"] = job.safety_identifier
            exchange.send_event(f"{job.kind}.completed", completed)
        exchange.end_stream()

    @staticmethod
    def _encode(job: _ImageJob, index: int, *, stage: int | None = None) -> str:
        return _encoded_image(
            job.prompt,
            index,
            job.width,
            job.height,
            job.output_format,
            job.background == "transparent",
            job.output_compression,
            stage,
        )

    # -- models ------------------------------------------------------------------------------------------

    def _model_object(self, model: str) -> dict[str, Any]:
        return {"id": model, "object": "model", "created": _MODEL_CREATED.get(model, 1790000000), "owned_by": "system"}

    def _models_list(self, exchange: _Exchange, _args: tuple[str, ...]) -> None:
        exchange.send_json(200, {"object": "list", "data": [self._model_object(m) for m in self.models]})

    def _models_retrieve(self, exchange: _Exchange, args: tuple[str, ...]) -> None:
        (model,) = args
        if model not in self.models:
            raise ApiError(404, f"The model '{model}' does not exist", param="model", code="model_not_found")
        exchange.send_json(200, self._model_object(model))

    # -- text (prompt enhancement) -----------------------------------------------------------------------

    def _text_request(self, exchange: _Exchange, input_key: str) -> tuple[dict[str, Any], str]:
        params = exchange.request.json or {}
        if "model" not in params:
            raise _missing_parameter("model")
        if input_key not in params:
            raise _missing_parameter(input_key)
        if params.get("stream"):
            raise ApiError(
                400,
                "The simulator only answers non-streaming text requests.",
                param="stream",
                code="unsupported_value",
            )
        return params, _opt_str(params, "model") or ""

    def _responses_create(self, exchange: _Exchange, _args: tuple[str, ...]) -> None:
        from tests.sim_responses import has_image_tool

        if has_image_tool(exchange.request.json):
            self.image_tool.create(exchange)
            return
        params, model = self._text_request(exchange, "input")
        if model not in self.text_models:
            raise ApiError(400, f"The requested model '{model}' does not exist.", param="model", code="model_not_found")
        text = _enhanced(_input_text(params["input"]))
        now = int(time.time())
        instructions = params.get("instructions")
        input_tokens = _text_tokens(_input_text(params["input"]) + (instructions or ""))
        output_tokens = _text_tokens(text)
        payload = {
            "id": f"resp_{secrets.token_hex(24)}",
            "object": "response",
            "created_at": now,
            "status": "completed",
            "background": False,
            "completed_at": now,
            "error": None,
            "incomplete_details": None,
            "instructions": instructions,
            "max_output_tokens": params.get("max_output_tokens"),
            "model": model,
            "output": [
                {
                    "id": f"msg_{secrets.token_hex(24)}",
                    "type": "message",
                    "status": "completed",
                    "role": "assistant",
                    "content": [{"type": "output_text", "text": text, "annotations": [], "logprobs": []}],
                }
            ],
            "parallel_tool_calls": True,
            "previous_response_id": None,
            "reasoning": {"effort": None, "summary": None},
            "safety_identifier": params.get("safety_identifier"),
            "service_tier": "default",
            "store": params.get("store", True),
            "temperature": params.get("temperature", 1.0),
            "text": {"format": {"type": "text"}, "verbosity": "medium"},
            "tool_choice": "auto",
            "tools": [],
            "top_p": params.get("top_p", 1.0),
            "truncation": "disabled",
            "usage": self._text_usage(input_tokens, output_tokens),
            "user": None,
            "metadata": params.get("metadata") or {},
        }
        exchange.send_json(200, payload)

    def _text_usage(self, input_tokens: int, output_tokens: int) -> dict[str, Any] | _Raw:
        with self._lock:
            raw = self._usage_texts.popleft() if self._usage_texts else None
        return raw or {
            "input_tokens": input_tokens,
            "input_tokens_details": {"cached_tokens": 0, "cache_write_tokens": 0},
            "output_tokens": output_tokens,
            "output_tokens_details": {"reasoning_tokens": 0},
            "total_tokens": input_tokens + output_tokens,
        }

    def _chat_completions_create(self, exchange: _Exchange, _args: tuple[str, ...]) -> None:
        params, model = self._text_request(exchange, "messages")
        if model not in self.text_models:
            raise ApiError(
                404,
                f"The model `{model}` does not exist or you do not have access to it.",
                code="model_not_found",
            )
        messages = params["messages"]
        if not isinstance(messages, list) or not messages:
            raise ApiError(
                400,
                "Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array "
                "instead.",
                param="messages",
                code="empty_array",
            )
        user_text = _input_text([m for m in messages if isinstance(m, dict) and m.get("role") == "user"])
        text = _enhanced(user_text)
        prompt_tokens = _text_tokens(json.dumps(messages))
        completion_tokens = _text_tokens(text)
        payload = {
            "id": f"chatcmpl-{secrets.token_hex(12)}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": model,
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": text, "refusal": None, "annotations": []},
                    "logprobs": None,
                    "finish_reason": "stop",
                }
            ],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": completion_tokens,
                "total_tokens": prompt_tokens + completion_tokens,
                "prompt_tokens_details": {"cached_tokens": 0, "audio_tokens": 0},
                "completion_tokens_details": {
                    "reasoning_tokens": 0,
                    "audio_tokens": 0,
                    "accepted_prediction_tokens": 0,
                    "rejected_prediction_tokens": 0,
                },
            },
            "service_tier": "default",
            "system_fingerprint": None,
        }
        exchange.send_json(200, payload)


# --------------------------------------------------------------------------------------------------- helpers


def _default_fault(status: int, code: str | None, model: str, api_key: str) -> tuple[str, str | None, str]:
    """(type, code, message) the API uses for an error of this status (and code)."""
    if code == "insufficient_quota":
        return (
            "insufficient_quota",
            code,
            "You exceeded your current quota, please check your plan and billing details. For more information "
            "on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.",
        )
    if code == "moderation_blocked":
        return (
            "image_generation_user_error",
            code,
            "Your request was rejected by the safety system. If you believe this is an error, contact us at "
            "help.openai.com and include the request ID. safety_violations=[violence].",
        )
    if code == "billing_hard_limit_reached":
        return ("billing_limit_user_error", code, "Billing hard limit has been reached.")
    defaults: dict[int, tuple[str, str | None, str]] = {
        400: ("invalid_request_error", code, "Invalid request."),
        401: (
            "invalid_request_error",
            code or "invalid_api_key",
            f"Incorrect API key provided: {mask_api_key(api_key)}. You can find your API key at "
            "https://platform.openai.com/account/api-keys.",
        ),
        403: (
            "invalid_request_error",
            code,
            f"Your organization must be verified to use the model `{model}`. Please go to: "
            "https://platform.openai.com/settings/organization/general and click on Verify Organization. If you "
            "just verified, it can take up to 15 minutes for access to propagate.",
        ),
        404: (
            "invalid_request_error",
            code or "model_not_found",
            f"The model `{model}` does not exist or you do not have access to it.",
        ),
        408: ("invalid_request_error", code, "Request timed out."),
        409: ("invalid_request_error", code, "The request conflicted with another request. Please retry."),
        429: (
            "requests",
            code or "rate_limit_exceeded",
            f"Rate limit reached for {model} in organization org-simulator on images per min (IPM): Limit 5, "
            "Used 5, Requested 1. Please try again in 12s. Visit https://platform.openai.com/account/rate-limits "
            "to learn more.",
        ),
        500: ("server_error", code, "The server had an error while processing your request. Sorry about that!"),
        502: ("server_error", code, "Bad gateway."),
        503: ("server_error", code, "The engine is currently overloaded, please try again later."),
        504: ("server_error", code, "Gateway timeout."),
    }
    fallback = ("server_error" if status >= 500 else "invalid_request_error", code, f"HTTP error {status}.")
    return defaults.get(status, fallback)


def _check_upload(
    upload: tuple[str, str, bytes],
    name: str,
    index: int,
    max_bytes: int,
    *,
    png_only: bool = False,
    needs_alpha: bool = False,
) -> tuple[int, int]:
    """Validate one uploaded image like the API; return its (width, height)."""
    _filename, mime, data = upload
    allowed = ("image/png",) if png_only else _IMAGE_MIME_TYPES
    if mime not in allowed:
        raise ApiError(
            400,
            f"Invalid file '{name}': unsupported mimetype ('{mime}'). Supported file formats are "
            f"{_quoted_list(allowed)}.",
            param=name,
            code="unsupported_file",
        )
    if len(data) >= max_bytes:
        raise ApiError(
            400,
            f"Invalid file '{name}': file too large ({len(data)} bytes). The maximum size is "
            f"{max_bytes // (1024 * 1024)} MB.",
            param=name,
            code="file_too_large",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            actual = _PIL_FORMATS.get(image.format or "")
            size = image.size
            has_alpha = image.mode in ("RGBA", "LA", "PA") or "transparency" in image.info
    except (OSError, ValueError):
        actual = None
        size, has_alpha = (0, 0), False
    if actual is None or actual not in allowed:
        raise ApiError(
            400,
            f"Invalid image file or mode for {name} {index + 1}, please check your image file.",
            param=name,
            code="invalid_image_file",
        )
    if needs_alpha and not has_alpha:
        raise ApiError(
            400,
            f"Invalid '{name}': the {name} must be a PNG with an alpha channel (transparent areas mark where to edit).",
            param=name,
            code="invalid_image_format",
        )
    return size


def _auto_edit_size(first_image: tuple[int, int]) -> tuple[int, int]:
    width, height = first_image
    if width > height * 1.2:
        return 1536, 1024
    if height > width * 1.2:
        return 1024, 1536
    return 1024, 1024


def _input_text(value: object) -> str:
    """The text of a Responses ``input`` / Chat ``messages`` value (strings, messages or content parts)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "\n".join(t for t in (_input_text(item) for item in value) if t)
    if isinstance(value, dict):
        if isinstance(value.get("text"), str):
            return str(value["text"])
        return _input_text(value.get("content"))
    return ""


def _enhanced(text: str) -> str:
    return f"Detailed: {text}"


def _serve_until_killed() -> None:
    """``python -m tests.simulator``: serve on a free loopback port, print the base URL, run until killed.

    packaging/smoke_test.sh points the installed CLI at it (key: the default ``api_key``).
    """
    simulator = OpenAISimulator().start()
    print(simulator.base_url, flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        simulator.stop()


if __name__ == "__main__":
    _serve_until_killed()
